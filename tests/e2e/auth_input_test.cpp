// The login findings of the outside security run. A NUL in the email was an
// unthrottled, unaudited password oracle (libpq cut the parameter at the NUL,
// the audit row failed in jsonb and rolled the failure count back); Unicode
// spellings of one address (U+0130, U+212A) each had a throttle count of
// their own. Now control characters are refused for every body before any
// handler runs, emails are ASCII only, and the failure count commits before
// the audit row is written.
#include <algorithm>
#include <cctype>

#include "auth_suite.hpp"

namespace {

using authtest::post_json;

std::string wrong_password() {
    return authtest::secret(authtest::fresh_password() + "-wrong");
}

harness::HttpResponse attempt(const std::string& email, const std::string& password,
                              const std::string& ip) {
    return post_json("/api/v1/auth/login", {{"email", email}, {"password", password}}, ip);
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

// `email` with the first `from` replaced by `to`.
std::string respelled(std::string email, const std::string& from, const std::string& to) {
    const auto at = email.find(from);
    EXPECT_NE(at, std::string::npos) << email;
    if (at != std::string::npos) {
        email.replace(at, from.size(), to);
    }
    return email;
}

std::string count_rows(const std::string& where) {
    return authtest::sql("SELECT count(*) FROM " + where);
}

TEST(AuthInput, NulInTheEmailIs422AndCountsNothing) {
    const auto account = authtest::register_account("kiwi");
    const std::string ip = authtest::fresh_ip();
    const std::string failures_before = count_rows("login_failures");
    const std::string audit_before = count_rows("audit_log");
    for (const std::string& password : {wrong_password(), account.password}) {
        for (const std::string& email :
             {account.email + std::string(1, '\0'), account.email + std::string(1, '\0') + "x",
              std::string(1, '\0') + account.email, account.email + "\x1f"}) {
            auto r = attempt(email, password, ip);
            auto body = authtest::expect_problem(r, 422);
            EXPECT_EQ(body["errors"][0]["field"], "email") << body.dump();
        }
    }
    // A NUL in the password is refused the same way.
    auto r = attempt(account.email, account.password + std::string(1, '\0'), ip);
    EXPECT_EQ(authtest::expect_problem(r, 422)["errors"][0]["field"], "password");
    EXPECT_EQ(count_rows("login_failures"), failures_before);
    EXPECT_EQ(count_rows("audit_log"), audit_before);
    // Nothing was counted: the right password still works from that address.
    authtest::login(account, ip);
}

TEST(AuthInput, SixWrongTriesOfAnySpellingEndIn429WithSixAuditRows) {
    const auto account = authtest::register_account("kiwi");
    const std::string& e = account.email;
    const auto at = e.find('@');
    const std::vector<std::string> spellings = {
        upper(e),
        " " + e + " ",
        upper(e.substr(0, at)) + e.substr(at),
        e.substr(0, at) + upper(e.substr(at)),
        upper(e.substr(0, 1)) + e.substr(1),
        e,
    };
    for (std::size_t i = 0; i < spellings.size(); ++i) {
        // A fresh address each time: only the account's count can reach the limit.
        auto r = attempt(spellings[i], wrong_password(), authtest::fresh_ip());
        EXPECT_EQ(r.status, i < 5 ? 401 : 429) << i << " " << spellings[i] << " " << r.body;
    }
    // Unicode spellings that citext's lower() would fold onto the account are
    // refused before any lookup, with the right password too.
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"i", "\u0130"},  // LATIN CAPITAL LETTER I WITH DOT ABOVE
             {"k", "\u212A"},  // KELVIN SIGN
             {"i", "\u0131"},  // LATIN SMALL LETTER DOTLESS I
             {"e", "\uFF45"},  // FULLWIDTH LATIN SMALL LETTER E
         }) {
        for (const std::string& password : {wrong_password(), account.password}) {
            auto r = attempt(respelled(e, from, to), password, authtest::fresh_ip());
            EXPECT_EQ(authtest::expect_problem(r, 422)["errors"][0]["field"], "email") << to;
        }
    }
    // The account is still throttled for every ASCII spelling.
    authtest::expect_problem(attempt(upper(e), account.password, authtest::fresh_ip()), 429);
    const std::string id = std::to_string(account.id);
    EXPECT_EQ(authtest::sql("SELECT string_agg(after->>'reason', ',' ORDER BY id) FROM audit_log "
                            "WHERE action = 'auth.login_failed' AND target_id = " +
                            id),
              "wrong_password,wrong_password,wrong_password,wrong_password,wrong_password,"
              "throttled,throttled");
    EXPECT_EQ(count_rows("login_failures WHERE scope = 'account' AND key = '" + e + "'"), "5");
}

TEST(AuthInput, NonAsciiEmailsAreRefusedEverywhere) {
    const std::string unicode = "v\u0130ctim@kiwi.test";
    auto reg = post_json(
        "/api/v1/auth/register",
        {{"email", unicode}, {"password", authtest::fresh_password()}, {"display_name", "Victim"}});
    EXPECT_EQ(authtest::expect_problem(reg, 422)["errors"][0]["field"], "email");
    auto idn = post_json("/api/v1/auth/register", {{"email", "fan@b\u00FCcher.example"},
                                                   {"password", authtest::fresh_password()},
                                                   {"display_name", "Fan"}});
    EXPECT_EQ(authtest::expect_problem(idn, 422)["errors"][0]["field"], "email");
    // The punycode form of the same domain is an ordinary address.
    auto ascii = post_json("/api/v1/auth/register",
                           {{"email", authtest::fresh_email("fan") + ".xn--bcher-kva.example"},
                            {"password", authtest::fresh_password()},
                            {"display_name", "Fan"}});
    EXPECT_EQ(ascii.status, 201) << ascii.body;
    auto reset = post_json("/api/v1/auth/password-reset", {{"email", unicode}});
    EXPECT_EQ(authtest::expect_problem(reset, 422)["errors"][0]["field"], "email");
    // No address outside ASCII was stored (bytes and characters would differ).
    EXPECT_EQ(count_rows("users WHERE octet_length(email::text) <> char_length(email::text)"), "0");
}

}  // namespace

// Whatever breaks the audit write, the failure was counted before it: with
// the audit table refusing login failures, the sixth try is still a 429.
TEST(AuthInput, AFailedAuditWriteDoesNotUndoTheThrottle) {
    const auto account = authtest::register_account("audit-down");
    authtest::sql(
        "ALTER TABLE audit_log ADD CONSTRAINT test_refuse_login_failed "
        "CHECK (action <> 'auth.login_failed') NOT VALID");
    std::vector<long> statuses;
    for (int i = 0; i < 6; ++i) {
        statuses.push_back(attempt(account.email, wrong_password(), authtest::fresh_ip()).status);
    }
    authtest::sql("ALTER TABLE audit_log DROP CONSTRAINT test_refuse_login_failed");
    EXPECT_EQ(statuses, (std::vector<long>{401, 401, 401, 401, 401, 429}));
    EXPECT_EQ(
        count_rows("login_failures WHERE scope = 'account' AND key = '" + account.email + "'"),
        "5");
    authtest::expect_problem(attempt(account.email, account.password, authtest::fresh_ip()), 429);
}
