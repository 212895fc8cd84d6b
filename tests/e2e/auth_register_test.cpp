// Registration and GET /api/v1/me through nginx: the 201 shape, email
// normalization, 409 for a taken email (whatever its case), and a 422 naming
// the field and the reason for each rule of the account policy.
#include "auth_suite.hpp"

namespace {

using authtest::post_json;

struct Refusal {
    std::string name;
    std::string email;
    std::string display_name;
    std::string password;
    std::string field;
    std::string reason;  // a part of the message
};

TEST(AuthRegister, CreatesAUserWithNormalizedEmail) {
    const std::string email = authtest::fresh_email("Mixed.Case");
    std::string shouted = email;
    for (auto& c : shouted) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    const std::string password = authtest::fresh_password();
    auto r = post_json("/api/v1/auth/register", {{"email", "  " + shouted + "  "},
                                                 {"password", password},
                                                 {"display_name", "  Ada Lovelace "}});
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/json");
    auto body = nlohmann::json::parse(r.body);
    EXPECT_TRUE(body["id"].is_number_integer());
    std::string lower = email;
    for (auto& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    EXPECT_EQ(body["email"], lower);
    EXPECT_EQ(body["display_name"], "Ada Lovelace");
    EXPECT_EQ(body["role"], "user");
    EXPECT_FALSE(body.contains("password_hash"));
    EXPECT_EQ(r.body.find(password), std::string::npos);
    // Stored as an Argon2id hash, never as the password.
    const std::string hash =
        authtest::sql("SELECT password_hash FROM users WHERE id = " + body["id"].dump());
    EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=32768,t=2,p=1$")) << hash;
    EXPECT_EQ(hash.find(password), std::string::npos);
}

TEST(AuthRegister, TakenEmailIs409WhateverItsCase) {
    const auto account = authtest::register_account("taken");
    std::string upper = account.email;
    upper[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[0])));
    auto r = post_json("/api/v1/auth/register", {{"email", upper},
                                                 {"password", authtest::fresh_password()},
                                                 {"display_name", "Someone Else"}});
    auto body = authtest::expect_problem(r, 409);
    EXPECT_EQ(body["errors"][0]["field"], "email");
}

TEST(AuthRegister, RoleCannotBeChosenByTheClient) {
    auto r = post_json("/api/v1/auth/register", {{"email", authtest::fresh_email("sneaky")},
                                                 {"password", authtest::fresh_password()},
                                                 {"display_name", "Sneaky"},
                                                 {"role", "admin"}});
    auto body = authtest::expect_problem(r, 422);
    EXPECT_EQ(body["errors"][0]["field"], "role");
}

TEST(AuthRegister, EachRuleIsA422NamingFieldAndReason) {
    const std::string good = authtest::fresh_password();
    const std::vector<Refusal> cases = {
        {"no at", "not-an-email", "Ann", good, "email", "exactly one @"},
        {"two ats", "a@b@example.org", "Ann", good, "email", "exactly one @"},
        {"no domain dot", "ann@localhost", "Ann", good, "email", "domain"},
        {"space in local", "an n@example.org", "Ann", good, "email", "before @"},
        {"empty name", authtest::fresh_email("n"), "   ", good, "display_name", "1 to 80"},
        {"long name", authtest::fresh_email("n"), std::string(81, 'x'), good, "display_name",
         "1 to 80"},
        {"control char", authtest::fresh_email("n"), "Ann\x07Lee", good, "display_name", "control"},
        {"bidi override", authtest::fresh_email("n"), "Ann\xE2\x80\xAELee", good, "display_name",
         "control"},
        {"short password", authtest::fresh_email("n"), "Ann", "Sh0rt!pw", "password", "10 to 128"},
        {"long password", authtest::fresh_email("n"), "Ann", "Ab1!" + std::string(125, 'q'),
         "password", "10 to 128"},
        {"dictionary", authtest::fresh_email("n"), "Ann", "password123", "password", "dictionary"},
        {"too simple", authtest::fresh_email("n"), "Ann", "abcdefghijk", "password", "too weak"},
        {"email local part", "harriet.tubman@example.org", "Ann", "xHarriet.Tubman-42x", "password",
         "before @"},
        {"display name", authtest::fresh_email("n"), "Quixotic Zebra", "my-quixotic zebra-77",
         "password", "display name"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        authtest::secret(c.password);
        auto r = post_json(
            "/api/v1/auth/register",
            {{"email", c.email}, {"password", c.password}, {"display_name", c.display_name}});
        auto body = authtest::expect_problem(r, 422);
        ASSERT_TRUE(body["errors"].is_array()) << r.body;
        bool found = false;
        for (const auto& e : body["errors"]) {
            if (e["field"] == c.field &&
                e["message"].get<std::string>().find(c.reason) != std::string::npos) {
                found = true;
            }
        }
        EXPECT_TRUE(found) << r.body;
    }
    // Nothing of it was stored.
    EXPECT_EQ(
        authtest::sql("SELECT count(*) FROM users WHERE email = 'harriet.tubman@example.org'"),
        "0");
}

TEST(AuthRegister, AllErrorsComeInOneAnswer) {
    auto r = post_json("/api/v1/auth/register",
                       {{"email", "nope"}, {"password", "short"}, {"display_name", ""}});
    auto body = authtest::expect_problem(r, 422);
    std::set<std::string> fields;
    for (const auto& e : body["errors"]) {
        fields.insert(e["field"].get<std::string>());
    }
    EXPECT_EQ(fields, (std::set<std::string>{"email", "password", "display_name"}));
}

TEST(AuthMe, ReturnsTheSignedInUser) {
    const auto account = authtest::register_account("me");
    const auto tokens = authtest::login(account);
    auto r = authtest::get_with("/api/v1/me", tokens.access);
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["id"], account.id);
    EXPECT_EQ(body["email"], account.email);
    EXPECT_EQ(body["role"], "user");
    EXPECT_EQ(r.header("cache-control"), "no-store");
}

TEST(AuthMe, WithoutTokenIs401WithChallenge) {
    auto r = authtest::get_with("/api/v1/me", "");
    authtest::expect_problem(r, 401);
    EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"scoreline\"");
    auto basic = authtest::send("GET", "/api/v1/me", {}, {"Authorization: Basic dXNlcjpwYXNz"});
    authtest::expect_problem(basic, 401);
    EXPECT_TRUE(basic.header("www-authenticate").starts_with("Bearer"))
        << basic.header("www-authenticate");
}

}  // namespace
