// Accounts for end-to-end tests; see sign_up.hpp.
#include "sign_up.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <random>

namespace harness {

// cracklib calls a password "too simplistic/systematic" when, lower-cased,
// too many of its neighbouring characters differ by one code point ("ab",
// "Cd", "98"), wherever they stand (6 of 22 is too many): now and then a
// random password was refused and a test failed to sign up. No character here
// is one code point from the one before it.
std::string strong_password() {
    static const char kAlphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::random_device rd;
    std::string pw = "Tq-";
    while (pw.size() < 23) {
        const char c = kAlphabet[rd() % (sizeof kAlphabet - 1)];
        const int step = std::tolower(c) - std::tolower(pw.back());
        if (step != 1 && step != -1) {
            pw += c;
        }
    }
    return pw + "!7";
}

SignedUp sign_up(HttpClient& client, const Stack& stack, const std::string& email,
                 const std::string& display_name, const std::string& password) {
    const std::vector<std::string> json_type = {"Content-Type: application/json"};
    SignedUp account{0, email, password, {}};
    const auto reg = client.request(
        "POST", stack.https_url("/api/v1/auth/register"),
        nlohmann::json{{"email", email}, {"password", password}, {"display_name", display_name}}
            .dump(),
        json_type);
    EXPECT_EQ(reg.status, 201) << reg.body;
    const auto created = nlohmann::json::parse(reg.body, nullptr, false);
    if (reg.status == 201 && created.is_object()) {
        account.id = created.value("id", std::int64_t{0});
    }
    const auto login =
        client.request("POST", stack.https_url("/api/v1/auth/login"),
                       nlohmann::json{{"email", email}, {"password", password}}.dump(), json_type);
    EXPECT_EQ(login.status, 200) << login.body;
    const auto tokens = nlohmann::json::parse(login.body, nullptr, false);
    if (login.status == 200 && tokens.is_object()) {
        account.access_token = tokens.value("access_token", "");
    }
    return account;
}

}  // namespace harness
