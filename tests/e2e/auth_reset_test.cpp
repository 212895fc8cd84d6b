// Password reset through nginx: the request answers the same for known and
// unknown emails; the token reaches mail_outbox and the local mail sink only
// (hashed in password_resets, absent from the log); confirming applies the password
// policy, works once, and ends every session of the account. A new request
// replaces the account's open token; past the per-account limit (3 per hour
// by default) requests answer the same but create no token and no mail, also
// when they come from many addresses at once.
#include <sys/stat.h>

#include <regex>
#include <thread>

#include "auth_suite.hpp"

namespace {

using authtest::post_json;

harness::HttpResponse request_reset(const std::string& email,
                                    const std::string& source_ip = "127.0.0.1") {
    return post_json("/api/v1/auth/password-reset", {{"email", email}}, source_ip);
}

// SCORELINE_PASSWORD_RESET_MAX_PER_WINDOW's default; the suite's stack keeps it.
constexpr int kResetLimit = 3;

std::string count_of(const std::string& table, const authtest::Account& account,
                     const std::string& condition = "true") {
    return authtest::sql("SELECT count(*) FROM " + table +
                         " WHERE user_id = " + std::to_string(account.id) + " AND " + condition);
}

harness::HttpResponse confirm(const std::string& token, const std::string& password) {
    return post_json("/api/v1/auth/password-reset/confirm",
                     {{"token", token}, {"new_password", password}});
}

// The token from the newest reset mail to `email` (what a mailer would send).
std::string token_from_mail(const std::string& email) {
    const std::string body =
        authtest::sql("SELECT body FROM mail_outbox WHERE to_address = '" + email +
                      "' AND kind = 'password_reset' ORDER BY id DESC LIMIT 1");
    std::smatch m;
    const std::regex token_re("\n    ([A-Za-z0-9_-]{43})\n");
    EXPECT_TRUE(std::regex_search(body, m, token_re)) << body;
    return m.size() > 1 ? authtest::secret(m[1]) : std::string();
}

TEST(AuthReset, RequestLooksTheSameForKnownAndUnknownEmails) {
    const auto account = authtest::register_account("reset-known");
    const std::string ghost = authtest::fresh_email("reset-ghost");
    auto known = request_reset(account.email);
    auto unknown = request_reset(ghost);
    EXPECT_EQ(known.status, 202) << known.body;
    EXPECT_EQ(unknown.status, 202) << unknown.body;
    EXPECT_EQ(known.body, unknown.body);
    EXPECT_EQ(known.header("content-type"), unknown.header("content-type"));
    EXPECT_EQ(known.headers.size(), unknown.headers.size());
    // Mail for the account only; nothing for the unknown address.
    EXPECT_EQ(authtest::sql("SELECT count(*) FROM mail_outbox WHERE to_address = '" +
                            account.email + "'"),
              "1");
    EXPECT_EQ(authtest::sql("SELECT count(*) FROM mail_outbox WHERE to_address = '" + ghost + "'"),
              "0");
    // Both requests are audited.
    EXPECT_EQ(
        authtest::sql("SELECT string_agg(after->>'account', ',' ORDER BY id) FROM audit_log "
                      "WHERE action = 'auth.password_reset_requested' AND after->>'email' IN ('" +
                      account.email + "', '" + ghost + "')"),
        "true,false");
    // The worker logs that mail was queued, and never the token.
    const std::string token = token_from_mail(account.email);
    ASSERT_FALSE(token.empty());
    EXPECT_NE(authtest::stack().api_log().find("\"event\":\"mail_queued\""), std::string::npos);
    EXPECT_EQ(authtest::stack().api_log().find(token), std::string::npos);
    // Only the hash is stored with the reset.
    EXPECT_EQ(authtest::sql("SELECT count(*) FROM password_resets pr JOIN users u ON u.id = "
                            "pr.user_id WHERE u.email = '" +
                            account.email +
                            "' AND octet_length(pr.token_hash) = 32 AND pr.expires_at BETWEEN "
                            "now() + interval '29 minutes' AND now() + interval '31 minutes'"),
              "1");
}

TEST(AuthReset, TheMailSinkHoldsTheResetLink) {
    const auto account = authtest::register_account("reset-sink");
    ASSERT_EQ(request_reset(account.email).status, 202);
    const std::string token = token_from_mail(account.email);
    ASSERT_FALSE(token.empty());
    // The whole mail, with the link the web UI's confirm page takes.
    const std::string sink = authtest::mail_sink_text();
    const auto at = sink.rfind("To: " + account.email + "\n");
    ASSERT_NE(at, std::string::npos) << sink;
    const std::string mail = sink.substr(at, sink.find("\n----\n", at) - at);
    EXPECT_NE(mail.find("Subject: Reset your Scoreline password\n"), std::string::npos) << mail;
    EXPECT_NE(mail.find("\n    /password-reset/confirm?token=" + token + "\n"), std::string::npos)
        << mail;
    struct stat st {};
    ASSERT_EQ(::stat(authtest::mail_sink_path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    // The link's token works (the suite's log scan then checks it is in no log).
    EXPECT_EQ(confirm(token, authtest::fresh_password()).status, 204);
}

TEST(AuthReset, ImplausibleEmailIs422) {
    auto body = authtest::expect_problem(request_reset("not-an-address"), 422);
    EXPECT_EQ(body["errors"][0]["field"], "email");
}

TEST(AuthReset, ConfirmSetsThePasswordOnceAndEndsEverySession) {
    const auto account = authtest::register_account("reset");
    const auto session = authtest::login(account);
    ASSERT_EQ(request_reset(account.email).status, 202);
    const std::string token = token_from_mail(account.email);

    // The policy holds; a refused password leaves the token usable.
    auto weak = confirm(token, authtest::secret("password123"));
    auto weak_body = authtest::expect_problem(weak, 422);
    EXPECT_EQ(weak_body["errors"][0]["field"], "new_password");
    EXPECT_NE(weak_body["errors"][0]["message"].get<std::string>().find("dictionary"),
              std::string::npos);

    const std::string fresh = authtest::fresh_password();
    auto ok = confirm(token, fresh);
    ASSERT_EQ(ok.status, 204) << ok.body;

    // Every session ended: refresh and access tokens alike.
    authtest::expect_problem(
        post_json("/api/v1/auth/refresh", {{"refresh_token", session.refresh}}), 401);
    EXPECT_EQ(authtest::get_with("/api/v1/me", session.access).status, 401);
    // The old password is gone, the new one works.
    authtest::expect_problem(
        post_json("/api/v1/auth/login", {{"email", account.email}, {"password", account.password}},
                  authtest::fresh_ip()),
        401);
    authtest::Account renewed = account;
    renewed.password = fresh;
    authtest::login(renewed, authtest::fresh_ip());
    // Single use.
    auto again = confirm(token, authtest::fresh_password());
    auto again_body = authtest::expect_problem(again, 422);
    EXPECT_EQ(again_body["errors"][0]["field"], "token");
    EXPECT_EQ(authtest::sql("SELECT count(*) FROM audit_log WHERE action = "
                            "'auth.password_reset_completed' AND actor_id = " +
                            std::to_string(account.id)),
              "1");
}

TEST(AuthReset, ANewRequestReplacesTheOpenToken) {
    const auto account = authtest::register_account("reset-twice");
    ASSERT_EQ(request_reset(account.email, authtest::fresh_ip()).status, 202);
    const std::string first = token_from_mail(account.email);
    ASSERT_EQ(request_reset(account.email, authtest::fresh_ip()).status, 202);
    const std::string second = token_from_mail(account.email);
    ASSERT_FALSE(first.empty());
    ASSERT_NE(first, second);
    EXPECT_EQ(count_of("password_resets", account), "2");
    EXPECT_EQ(count_of("password_resets", account, "used_at IS NULL"), "1");

    // The first token no longer resets the password: the old one still signs in.
    auto stale = authtest::expect_problem(confirm(first, authtest::fresh_password()), 422);
    EXPECT_EQ(stale["errors"][0]["field"], "token");
    authtest::login(account, authtest::fresh_ip());
    // The second one does.
    authtest::Account renewed = account;
    renewed.password = authtest::fresh_password();
    auto ok = confirm(second, renewed.password);
    ASSERT_EQ(ok.status, 204) << ok.body;
    authtest::login(renewed, authtest::fresh_ip());
    EXPECT_EQ(authtest::sql("SELECT string_agg((after->>'replaced'), ',' ORDER BY id) FROM "
                            "audit_log WHERE action = 'auth.password_reset_requested' AND "
                            "target_id = " +
                            std::to_string(account.id)),
              "0,1");
}

TEST(AuthReset, RequestsPastTheAccountLimitCreateNoTokenAndNoMail) {
    const auto account = authtest::register_account("reset-limit");
    const std::string ghost = authtest::fresh_email("reset-limit-ghost");
    // Each request from its own address: the limit is the account's.
    std::vector<harness::HttpResponse> answers;
    for (int i = 0; i < kResetLimit; ++i) {
        answers.push_back(request_reset(account.email, authtest::fresh_ip()));
        ASSERT_EQ(answers.back().status, 202) << answers.back().body;
    }
    EXPECT_EQ(count_of("mail_outbox", account), std::to_string(kResetLimit));
    const std::string last_token = token_from_mail(account.email);
    const std::string last_mail = authtest::sql("SELECT max(id) FROM mail_outbox WHERE user_id = " +
                                                std::to_string(account.id));

    for (int i = 0; i < 2; ++i) {
        auto past = request_reset(account.email, authtest::fresh_ip());
        auto unknown = request_reset(ghost, authtest::fresh_ip());
        // The same answer as under the limit, and as for an address without account.
        EXPECT_EQ(past.status, 202);
        EXPECT_EQ(past.body, answers.front().body);
        EXPECT_EQ(past.body, unknown.body);
        EXPECT_EQ(past.header("content-type"), answers.front().header("content-type"));
        EXPECT_EQ(past.headers.size(), unknown.headers.size());
    }
    // No new mail, no new token; the open token of the last mail still works.
    EXPECT_EQ(count_of("mail_outbox", account), std::to_string(kResetLimit));
    EXPECT_EQ(authtest::sql("SELECT max(id) FROM mail_outbox WHERE user_id = " +
                            std::to_string(account.id)),
              last_mail);
    EXPECT_EQ(count_of("password_resets", account), std::to_string(kResetLimit));
    EXPECT_EQ(count_of("password_resets", account, "used_at IS NULL"), "1");
    EXPECT_EQ(authtest::sql("SELECT count(*) FROM audit_log WHERE action = "
                            "'auth.password_reset_requested' AND target_id = " +
                            std::to_string(account.id) + " AND after->>'limited' = 'true'"),
              "2");
    auto ok = confirm(last_token, authtest::fresh_password());
    EXPECT_EQ(ok.status, 204) << ok.body;
    // Once the window has passed, requests send mail again.
    authtest::sql(
        "UPDATE password_resets SET created_at = now() - interval '61 minutes' "
        "WHERE user_id = " +
        std::to_string(account.id));
    ASSERT_EQ(request_reset(account.email, authtest::fresh_ip()).status, 202);
    EXPECT_EQ(count_of("mail_outbox", account), std::to_string(kResetLimit + 1));
}

TEST(AuthReset, ConcurrentRequestsFromManyAddressesStayWithinTheLimit) {
    const auto account = authtest::register_account("reset-burst");
    constexpr int kRequests = 12;
    std::vector<std::string> ips;
    for (int i = 0; i < kRequests; ++i) {
        ips.push_back(authtest::fresh_ip());
    }
    std::vector<long> statuses(kRequests, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < kRequests; ++i) {
        threads.emplace_back([&, i] { statuses[i] = request_reset(account.email, ips[i]).status; });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(statuses, std::vector<long>(kRequests, 202));
    EXPECT_EQ(count_of("mail_outbox", account), std::to_string(kResetLimit));
    EXPECT_EQ(count_of("password_resets", account), std::to_string(kResetLimit));
    EXPECT_EQ(count_of("password_resets", account, "used_at IS NULL"), "1");
}

TEST(AuthReset, ExpiredOrUnknownTokenIs422) {
    const auto account = authtest::register_account("reset-expired");
    ASSERT_EQ(request_reset(account.email).status, 202);
    const std::string token = token_from_mail(account.email);
    authtest::sql(
        "UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE user_id = " +
        std::to_string(account.id));
    auto expired = authtest::expect_problem(confirm(token, authtest::fresh_password()), 422);
    EXPECT_EQ(expired["errors"][0]["field"], "token");
    auto unknown =
        authtest::expect_problem(confirm(std::string(43, 'B'), authtest::fresh_password()), 422);
    EXPECT_EQ(unknown["errors"][0]["field"], "token");
    auto garbage = authtest::expect_problem(confirm("garbage", authtest::fresh_password()), 422);
    EXPECT_EQ(garbage["errors"][0]["field"], "token");
    // The account still signs in with its old password.
    authtest::login(account, authtest::fresh_ip());
}

}  // namespace
