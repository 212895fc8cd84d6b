// POST /api/v1/auth/login through nginx: tokens on success; one 401 for an
// unknown email and a wrong password alike (same body, comparable time); the
// throttle past 5 failures per account and per IP (429 + Retry-After, growing,
// never permanent, not imposed on the account's usual client); the audit of
// every failure; and the upgrade of a hash made with older Argon2 parameters.
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "auth_suite.hpp"

namespace {

using authtest::post_json;

harness::HttpResponse attempt(const std::string& email, const std::string& password,
                              const std::string& ip) {
    return post_json("/api/v1/auth/login", {{"email", email}, {"password", password}}, ip);
}

std::string wrong_password() {
    return authtest::secret(authtest::fresh_password() + "-wrong");
}

TEST(AuthLogin, ReturnsTokensAndTheUser) {
    const auto account = authtest::register_account("login");
    const std::string ip = authtest::fresh_ip();
    auto r = attempt("  " + account.email + " ", account.password, ip);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("cache-control"), "no-store");
    auto body = nlohmann::json::parse(r.body);
    authtest::secret(body["access_token"].get<std::string>());
    authtest::secret(body["refresh_token"].get<std::string>());
    EXPECT_EQ(body["token_type"], "Bearer");
    EXPECT_EQ(body["expires_in"], 900);
    EXPECT_EQ(body["refresh_expires_in"], 30 * 24 * 3600);
    EXPECT_EQ(body["user"]["id"], account.id);
    EXPECT_EQ(body["user"]["role"], "user");
    EXPECT_EQ(body["refresh_token"].get<std::string>().size(), 43u);  // 256 bits, base64url
    // The access token's header and claims.
    const std::string token = body["access_token"];
    const auto dot1 = token.find('.');
    const auto dot2 = token.find('.', dot1 + 1);
    auto header = nlohmann::json::parse(authtest::b64url_decode(token.substr(0, dot1)));
    auto claims =
        nlohmann::json::parse(authtest::b64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1)));
    EXPECT_EQ(header, (nlohmann::json{
                          {"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", authtest::stack().jwt_kid()}}));
    EXPECT_EQ(claims["iss"], "scoreline");
    EXPECT_EQ(claims["aud"], "scoreline-api");
    EXPECT_EQ(claims["sub"], std::to_string(account.id));
    EXPECT_EQ(claims["role"], "user");
    EXPECT_EQ(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>(), 900);
    EXPECT_EQ(claims["nbf"], claims["iat"]);
    EXPECT_TRUE(claims["jti"].is_string());
    EXPECT_TRUE(claims["sid"].is_string());
    // Audited with the client address nginx saw and the request id.
    const std::string row = authtest::sql(
        "SELECT actor_id, host(ip), request_id FROM audit_log WHERE action = 'auth.login' "
        "ORDER BY id DESC LIMIT 1");
    EXPECT_EQ(row, std::to_string(account.id) + "|" + ip + "|" + r.header("x-request-id"));
}

TEST(AuthLogin, UnknownEmailAndWrongPasswordLookTheSame) {
    const auto account = authtest::register_account("same");
    const std::string ip = authtest::fresh_ip();
    auto wrong = attempt(account.email, wrong_password(), ip);
    auto unknown = attempt(authtest::fresh_email("nobody"), wrong_password(), ip);
    auto wrong_body = authtest::expect_problem(wrong, 401);
    auto unknown_body = authtest::expect_problem(unknown, 401);
    EXPECT_EQ(authtest::without_request_id(wrong_body), authtest::without_request_id(unknown_body));
    EXPECT_EQ(wrong.header("www-authenticate"), unknown.header("www-authenticate"));
    EXPECT_EQ(wrong.headers.size(), unknown.headers.size());
    // Each failure is audited with its reason, never with the password.
    const std::string reasons = authtest::sql(
        "SELECT string_agg(after->>'reason', ',' ORDER BY id) FROM audit_log "
        "WHERE action = 'auth.login_failed' AND host(ip) = '" +
        ip + "'");
    EXPECT_EQ(reasons, "wrong_password,unknown_email");
    EXPECT_EQ(authtest::sql("SELECT count(*) FROM audit_log WHERE after::text LIKE '%Pw-%'"), "0");
}

// With Argon2id at ~30-60 ms here, a login that skipped the hash for an
// unknown email would answer in a fraction of the time of a wrong password.
TEST(AuthLogin, UnknownEmailTakesAsLongAsAWrongPassword) {
    const auto account = authtest::register_account("timing");
    auto median_ms = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::vector<double> wrong, unknown;
    for (int i = 0; i < 5; ++i) {  // 5 failures: the account is not throttled yet
        for (int kind = 0; kind < 2; ++kind) {
            const std::string email = kind == 0 ? account.email : authtest::fresh_email("ghost");
            const auto start = std::chrono::steady_clock::now();
            auto r = attempt(email, wrong_password(), authtest::fresh_ip());
            const double ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count();
            ASSERT_EQ(r.status, 401) << r.body;
            (kind == 0 ? wrong : unknown).push_back(ms);
        }
    }
    const double w = median_ms(wrong), u = median_ms(unknown);
    RecordProperty("wrong_password_ms", std::to_string(w));
    RecordProperty("unknown_email_ms", std::to_string(u));
    EXPECT_GT(u, 0.6 * w) << "unknown email " << u << " ms vs wrong password " << w << " ms";
    EXPECT_GT(w, 0.6 * u) << "unknown email " << u << " ms vs wrong password " << w << " ms";
}

TEST(AuthLogin, MissingFieldsAre422AndABlankEmailIsJustWrong) {
    auto body =
        authtest::expect_problem(post_json("/api/v1/auth/login", {{"email", "a@b.org"}}), 422);
    EXPECT_EQ(body["errors"][0]["field"], "password");
    authtest::expect_problem(attempt("   ", wrong_password(), authtest::fresh_ip()), 401);
    authtest::expect_problem(attempt("not an email", wrong_password(), authtest::fresh_ip()), 401);
}

// Failures of one account from many addresses: the sixth answer is 429 for
// a known and an unknown email alike; the wait grows and then ends.
TEST(AuthLogin, AccountThrottleGrowsAndEnds) {
    const auto account = authtest::register_account("throttle");
    const std::string ghost = authtest::fresh_email("ghost");
    // Interleaved, so the account's 1 s wait has not run out during the
    // ghost's five (slow) failures before the checks below.
    for (int i = 0; i < 5; ++i) {
        for (const std::string& email : {account.email, ghost}) {
            auto r = attempt(email, wrong_password(), authtest::fresh_ip());
            ASSERT_EQ(r.status, 401) << email << " " << i << " " << r.body;
        }
    }
    auto known = attempt(account.email, account.password, authtest::fresh_ip());
    auto unknown = attempt(ghost, wrong_password(), authtest::fresh_ip());
    auto known_body = authtest::expect_problem(known, 429);
    auto unknown_body = authtest::expect_problem(unknown, 429);
    EXPECT_EQ(authtest::without_request_id(known_body), authtest::without_request_id(unknown_body));
    const int first_wait = std::stoi(known.header("retry-after"));
    EXPECT_GE(first_wait, 1);
    EXPECT_LE(first_wait, 1);
    EXPECT_FALSE(unknown.header("retry-after").empty());
    // After the wait one more attempt is checked; failing it doubles the wait.
    std::this_thread::sleep_for(std::chrono::milliseconds(first_wait * 1000 + 300));
    ASSERT_EQ(attempt(account.email, wrong_password(), authtest::fresh_ip()).status, 401);
    auto again = attempt(account.email, account.password, authtest::fresh_ip());
    authtest::expect_problem(again, 429);
    const int second_wait = std::stoi(again.header("retry-after"));
    EXPECT_GT(second_wait, first_wait);
    // Never permanent: after the wait the right password works.
    std::this_thread::sleep_for(std::chrono::milliseconds(second_wait * 1000 + 300));
    auto ok = attempt(account.email, account.password, authtest::fresh_ip());
    ASSERT_EQ(ok.status, 200) << ok.body;
    authtest::secret(nlohmann::json::parse(ok.body)["access_token"].get<std::string>());
    authtest::secret(nlohmann::json::parse(ok.body)["refresh_token"].get<std::string>());
    // Throttled attempts are audited too.
    EXPECT_NE(authtest::sql("SELECT count(*) FROM audit_log WHERE action = 'auth.login_failed' "
                            "AND after->>'reason' = 'throttled' AND after->>'email' = '" +
                            account.email + "'"),
              "0");
}

// An address that failed 5 times is throttled whatever account it tries next.
TEST(AuthLogin, IpThrottleCoversEveryAccount) {
    const auto account = authtest::register_account("ipthrottle");
    const std::string ip = authtest::fresh_ip();
    for (int i = 0; i < 5; ++i) {
        ASSERT_EQ(attempt(authtest::fresh_email("spray"), wrong_password(), ip).status, 401);
    }
    auto r = attempt(account.email, account.password, ip);
    authtest::expect_problem(r, 429);
    EXPECT_FALSE(r.header("retry-after").empty());
    // The account itself is fine from elsewhere.
    authtest::login(account, authtest::fresh_ip());
}

// Someone failing against an account from other addresses cannot lock its
// owner out: an address that had a session of the account skips the
// per-account throttle.
TEST(AuthLogin, OwnersUsualAddressIsNotLockedOut) {
    const auto account = authtest::register_account("owner");
    const std::string home = authtest::fresh_ip();
    authtest::login(account, home);
    for (int i = 0; i < 6; ++i) {
        (void)attempt(account.email, wrong_password(), authtest::fresh_ip());
    }
    authtest::expect_problem(attempt(account.email, account.password, authtest::fresh_ip()), 429);
    authtest::login(account, home);
}

TEST(AuthLogin, HashWithOlderParametersIsUpgraded) {
    const auto account = authtest::register_account("rehash");
    char old_hash[crypto_pwhash_STRBYTES];
    ASSERT_EQ(crypto_pwhash_str_alg(old_hash, account.password.data(), account.password.size(), 1,
                                    8192, crypto_pwhash_ALG_ARGON2ID13),
              0);
    authtest::sql("UPDATE users SET password_hash = '" + std::string(old_hash) +
                  "' WHERE id = " + std::to_string(account.id));
    authtest::login(account, authtest::fresh_ip());
    const std::string now =
        authtest::sql("SELECT password_hash FROM users WHERE id = " + std::to_string(account.id));
    EXPECT_TRUE(now.starts_with("$argon2id$v=19$m=32768,t=2,p=1$")) << now;
    EXPECT_NE(now, old_hash);
    authtest::login(account, authtest::fresh_ip());  // and the new hash verifies
}

}  // namespace
