// The accounts suite's shared stack, client and helpers, and the log scan
// that runs after every test of the binary; see auth_suite.hpp.
#include "auth_suite.hpp"

#include <sodium.h>

#include <atomic>
#include <mutex>
#include <regex>
#include <thread>

namespace authtest {
namespace {

harness::Stack* g_stack = nullptr;
harness::TempDir* g_mail_dir = nullptr;  // holds the mail sink file
std::mutex g_mu;
std::set<std::string> g_secrets;
std::atomic<int> g_next_ip{10};
std::atomic<int> g_next_name{1};

// Every log the suite promises to keep clean, as (name, text).
std::vector<std::pair<std::string, std::string>> all_logs() {
    harness::Stack& s = *g_stack;
    return {{"scoreline-api log", s.api_log()},
            {"nginx access log", s.nginx_access_log()},
            {"nginx error log", s.nginx_error_log()},
            {"nginx stdout/stderr", harness::read_file(s.dir() + "/nginx/logs/stdout.log")}};
}

class AuthEnvironment : public ::testing::Environment {
  public:
    void SetUp() override {
        if (sodium_init() < 0) {
            throw std::runtime_error("sodium_init failed");
        }
        // Argon2id costs ~30-60 ms here, so that a login that skipped the hash
        // would stand out in the timing test; failures are throttled after 5
        // with a 1 s base delay so the throttle tests stay short.
        // The local stack's mail sink: outside the stack's logs, like .run/logs/mail.log
        // beside api.log; the log scan covers the logs, not this file.
        g_mail_dir = new harness::TempDir("mail");
        g_stack = new harness::Stack(
            harness::StackOptions::with(2, {{"SCORELINE_MAIL_SINK_FILE", mail_sink_path()},
                                            {"SCORELINE_ARGON2_OPSLIMIT", "2"},
                                            {"SCORELINE_ARGON2_MEMLIMIT_KIB", "32768"},
                                            {"SCORELINE_LOGIN_DELAY_BASE_S", "1"},
                                            {"SCORELINE_LOGIN_DELAY_MAX_S", "60"}}));
    }

    // The log scan: no password, access token, refresh token or reset token the
    // suite used may appear in any log line.
    void TearDown() override {
        if (!g_stack) {
            return;
        }
        // Let nginx flush its access log lines of the last requests.
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        const auto logs = all_logs();
        std::size_t api_lines = 0;
        for (char c : logs[0].second) {
            api_lines += c == '\n' ? 1 : 0;
        }
        // The scan is only meaningful with secrets and logs to look at (a
        // --gtest_filter run may have too few of both to tell).
        const auto* unit = ::testing::UnitTest::GetInstance();
        if (unit->test_to_run_count() == unit->total_test_count()) {
            EXPECT_GT(g_secrets.size(), 50u) << "the suite registered too few secrets";
            EXPECT_GT(api_lines, 100u) << "scoreline-api wrote almost no log";
            EXPECT_NE(logs[1].second.find("/api/v1/auth/login"), std::string::npos)
                << "the nginx access log has no login request: wrong file?";
        }
        for (const auto& secret : g_secrets) {
            for (const auto& [name, text] : logs) {
                EXPECT_EQ(text.find(secret), std::string::npos)
                    << "the " << name << " contains a secret of the suite: " << secret;
            }
        }
        delete g_stack;
        g_stack = nullptr;
    }
};

[[maybe_unused]] ::testing::Environment* const g_env =
    ::testing::AddGlobalTestEnvironment(new AuthEnvironment);

}  // namespace

harness::Stack& stack() {
    return *g_stack;
}

std::string mail_sink_path() {
    return g_mail_dir->path() + "/mail.log";
}

std::string mail_sink_text() {
    return harness::read_file(mail_sink_path());
}

std::string secret(const std::string& value) {
    std::lock_guard lock(g_mu);
    // Shorter strings would match by chance; every real secret is longer.
    auto remember = [](const std::string& s) {
        if (s.size() >= 8) {
            g_secrets.insert(s);
        }
    };
    remember(value);
    // A JWT's payload and signature alone are secrets too (the header is not).
    const auto dot1 = value.find('.');
    const auto dot2 = dot1 == std::string::npos ? dot1 : value.find('.', dot1 + 1);
    if (dot2 != std::string::npos) {
        remember(value.substr(dot1 + 1, dot2 - dot1 - 1));
        remember(value.substr(dot2 + 1, value.find('.', dot2 + 1) - dot2 - 1));
    }
    return value;
}

std::string fresh_ip() {
    const int n = g_next_ip++;
    return "127.0." + std::to_string(n / 200) + "." + std::to_string(20 + n % 200);
}

harness::HttpResponse send(const std::string& method, const std::string& path,
                           const std::string& body, const std::vector<std::string>& headers,
                           const std::string& source_ip) {
    // A client per call: tests run on several threads, and each call may
    // come from another address.
    harness::HttpClient client(g_stack->cert_file());
    client.set_source_address(source_ip);
    return client.request(method, g_stack->https_url(path), body, headers);
}

harness::HttpResponse post_json(const std::string& path, const nlohmann::json& body,
                                const std::string& source_ip, const std::string& bearer) {
    std::vector<std::string> headers = {"Content-Type: application/json"};
    if (!bearer.empty()) {
        headers.push_back("Authorization: Bearer " + bearer);
    }
    return send("POST", path, body.dump(), headers, source_ip);
}

harness::HttpResponse get_with(const std::string& path, const std::string& bearer,
                               const std::string& source_ip) {
    std::vector<std::string> headers;
    if (!bearer.empty()) {
        headers.push_back("Authorization: Bearer " + bearer);
    }
    return send("GET", path, {}, headers, source_ip);
}

std::string fresh_email(const std::string& tag) {
    return tag + "-" + std::to_string(g_next_name++) + "-" +
           std::to_string(randombytes_uniform(1000000)) + "@example.org";
}

std::string fresh_password() {
    // cracklib calls a password "too simplistic/systematic" when more than 4
    // neighbouring characters (lower-cased) differ by one; random text does
    // that now and then, so such draws are thrown away.
    auto steps = [](const std::string& pw) {
        int n = 0;
        for (std::size_t i = 1; i < pw.size(); ++i) {
            const int a = std::tolower(static_cast<unsigned char>(pw[i - 1]));
            const int b = std::tolower(static_cast<unsigned char>(pw[i]));
            n += (b == a + 1 || b == a - 1) ? 1 : 0;
        }
        return n;
    };
    std::string pw;
    do {
        unsigned char raw[12];
        randombytes_buf(raw, sizeof raw);
        pw = "Pw-" + b64url_encode(std::string(reinterpret_cast<char*>(raw), sizeof raw)) + "!9";
    } while (steps(pw) > 2);
    return secret(pw);
}

Account register_account(const std::string& tag) {
    Account a;
    a.email = fresh_email(tag);
    a.password = fresh_password();
    a.display_name = "Player " + std::to_string(g_next_name++);
    auto r =
        post_json("/api/v1/auth/register",
                  {{"email", a.email}, {"password", a.password}, {"display_name", a.display_name}});
    EXPECT_EQ(r.status, 201) << r.body;
    auto body = nlohmann::json::parse(r.body, nullptr, false);
    if (body.is_object() && body.contains("id")) {
        a.id = body["id"].get<std::int64_t>();
    }
    return a;
}

Tokens login(const Account& account, const std::string& source_ip) {
    auto r = post_json("/api/v1/auth/login",
                       {{"email", account.email}, {"password", account.password}}, source_ip);
    EXPECT_EQ(r.status, 200) << r.body;
    Tokens t;
    t.body = nlohmann::json::parse(r.body, nullptr, false);
    if (r.status == 200 && t.body.is_object()) {
        t.access = secret(t.body["access_token"].get<std::string>());
        t.refresh = secret(t.body["refresh_token"].get<std::string>());
    }
    return t;
}

harness::RunResult admin_cli(const std::vector<std::string>& args, const std::string& stdin_text) {
    // printf is a shell builtin: the text never appears in an argv.
    std::vector<std::string> argv = {"/bin/sh",
                                     "-c",
                                     "printf '%s\\n' \"$ADMIN_STDIN\" | \"$@\"",
                                     "sh",
                                     harness::binary_dir() + "/workers/scoreline-api",
                                     "admin"};
    argv.insert(argv.end(), args.begin(), args.end());
    harness::Env env = g_stack->api_env();
    env["ADMIN_STDIN"] = stdin_text;
    return harness::run_process(argv, env);
}

std::string sql(const std::string& statement) {
    std::string out = g_stack->postgres().psql("scoreline", statement);
    while (!out.empty() && out.back() == '\n') {
        out.pop_back();
    }
    return out;
}

nlohmann::json expect_problem(const harness::HttpResponse& r, long status) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.body;
    auto body = nlohmann::json::parse(r.body, nullptr, false);
    EXPECT_TRUE(body.is_object()) << r.body;
    if (body.is_object()) {
        EXPECT_EQ(body["status"], status);
        EXPECT_EQ(body["request_id"], r.header("x-request-id"));
    }
    return body;
}

nlohmann::json without_request_id(nlohmann::json body) {
    if (body.is_object()) {
        body.erase("request_id");
    }
    return body;
}

std::string b64url_decode(const std::string& text) {
    std::string out(text.size(), '\0');
    size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                          text.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
        throw std::runtime_error("not base64url: " + text);
    }
    out.resize(len);
    return out;
}

std::string b64url_encode(const std::string& bytes) {
    std::string out(
        sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                      bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out.resize(out.size() - 1);
    return out;
}

}  // namespace authtest
