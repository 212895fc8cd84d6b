// Admins: the first one comes from `scoreline-api admin create` (password on
// stdin, never argv); `admin set-role` changes roles under audit; only admins
// read GET /api/v1/admin/audit, with filters and cursor pagination; a user is
// 403 there and an anonymous caller 401.
#include "auth_suite.hpp"

namespace {

using nlohmann::json;

struct Admin {
    authtest::Account account;
    authtest::Tokens tokens;
};

Admin make_admin() {
    Admin a;
    a.account.email = authtest::fresh_email("admin");
    a.account.password = authtest::fresh_password();
    a.account.display_name = "Chief Referee";
    auto r = authtest::admin_cli(
        {"create", "--email", a.account.email, "--display-name", a.account.display_name},
        a.account.password);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("created admin"), std::string::npos) << r.out;
    EXPECT_EQ((r.out + r.err).find(a.account.password), std::string::npos);
    a.tokens = authtest::login(a.account);
    a.account.id = a.tokens.body["user"]["id"].get<std::int64_t>();
    return a;
}

harness::HttpResponse audit(const std::string& query, const std::string& bearer) {
    return authtest::get_with("/api/v1/admin/audit" + query, bearer);
}

TEST(AuthAdminCli, CreatesAnAdminFromStdin) {
    const Admin admin = make_admin();
    EXPECT_EQ(admin.tokens.body["user"]["role"], "admin");
    EXPECT_EQ(authtest::sql("SELECT after->>'via' FROM audit_log WHERE action = 'auth.register' "
                            "AND actor_id = " +
                            std::to_string(admin.account.id)),
              "cli");
}

TEST(AuthAdminCli, RefusesWeakPasswordsAndArgvPasswords) {
    auto weak = authtest::admin_cli(
        {"create", "--email", authtest::fresh_email("weak"), "--display-name", "Weak Admin"},
        authtest::secret("password123"));
    EXPECT_EQ(weak.exit_code, 1) << weak.out << weak.err;
    EXPECT_NE(weak.err.find("password"), std::string::npos) << weak.err;
    auto argv = authtest::admin_cli({"create", "--email", authtest::fresh_email("argv"),
                                     "--display-name", "Argv Admin", "--password", "x"},
                                    "");
    EXPECT_EQ(argv.exit_code, 2) << argv.out << argv.err;
    EXPECT_NE(argv.err.find("never taken from the command line"), std::string::npos) << argv.err;
    auto taken = authtest::admin_cli(
        {"create", "--email", make_admin().account.email, "--display-name", "Again"},
        authtest::fresh_password());
    EXPECT_EQ(taken.exit_code, 1) << taken.out << taken.err;
}

TEST(AuthAdminAudit, OnlyAdminsMayRead) {
    const auto user = authtest::register_account("plain");
    const auto tokens = authtest::login(user);
    auto anonymous = audit("", "");
    authtest::expect_problem(anonymous, 401);
    EXPECT_TRUE(anonymous.header("www-authenticate").starts_with("Bearer"));
    authtest::expect_problem(audit("", tokens.access), 403);
}

TEST(AuthAdminAudit, RoleChangeIsAuditedAndAppliesAtOnce) {
    const auto user = authtest::register_account("promoted");
    const auto tokens = authtest::login(user);
    authtest::expect_problem(audit("", tokens.access), 403);
    auto r = authtest::admin_cli({"set-role", "--email", user.email, "--role", "admin"}, "");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    // The role is read from the database on each request.
    EXPECT_EQ(audit("?limit=1", tokens.access).status, 200);
    EXPECT_EQ(authtest::sql("SELECT before->>'role' || '>' || (after->>'role') FROM audit_log "
                            "WHERE action = 'user.role_changed' AND target_id = " +
                            std::to_string(user.id)),
              "user>admin");
    ASSERT_EQ(
        authtest::admin_cli({"set-role", "--email", user.email, "--role", "user"}, "").exit_code,
        0);
    authtest::expect_problem(audit("", tokens.access), 403);
}

TEST(AuthAdminAudit, ListsFiltersAndPages) {
    const Admin admin = make_admin();
    const auto user = authtest::register_account("audited");
    (void)authtest::login(user);
    (void)authtest::login(user);
    (void)authtest::login(user);

    // Filter by actor and action: this user's three logins, newest first.
    auto r =
        audit("?actor_id=" + std::to_string(user.id) + "&action=auth.login", admin.tokens.access);
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = json::parse(r.body);
    ASSERT_EQ(body["items"].size(), 3u) << r.body;
    EXPECT_TRUE(body["next_cursor"].is_null());
    for (const auto& item : body["items"]) {
        EXPECT_EQ(item["action"], "auth.login");
        EXPECT_EQ(item["actor_id"], user.id);
        EXPECT_EQ(item["ip"], "127.0.0.1");
        EXPECT_TRUE(item["request_id"].is_string());
        EXPECT_TRUE(item["created_at"].is_string());
    }
    EXPECT_GT(body["items"][0]["id"].get<std::int64_t>(),
              body["items"][1]["id"].get<std::int64_t>());

    // Pages of 2 over everything this user did: no row twice, none missing.
    std::vector<std::int64_t> seen;
    std::string cursor;
    for (int page = 0; page < 10; ++page) {
        auto p = audit("?actor_id=" + std::to_string(user.id) + "&limit=2" +
                           (cursor.empty() ? "" : "&cursor=" + cursor),
                       admin.tokens.access);
        ASSERT_EQ(p.status, 200) << p.body;
        auto pb = json::parse(p.body);
        EXPECT_LE(pb["items"].size(), 2u);
        for (const auto& item : pb["items"]) {
            seen.push_back(item["id"].get<std::int64_t>());
        }
        if (pb["next_cursor"].is_null()) {
            break;
        }
        cursor = pb["next_cursor"].get<std::string>();
    }
    EXPECT_EQ(seen.size(), 4u);  // register + 3 logins
    EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));
    EXPECT_EQ(std::set<std::int64_t>(seen.begin(), seen.end()).size(), seen.size());

    // Time window: everything is after 2000 and nothing after 2999.
    auto all = json::parse(
        audit("?actor_id=" + std::to_string(user.id) + "&from=2000-01-01", admin.tokens.access)
            .body);
    EXPECT_EQ(all["items"].size(), 4u);
    auto none =
        json::parse(audit("?actor_id=" + std::to_string(user.id) + "&from=2999-01-01T00:00:00Z",
                          admin.tokens.access)
                        .body);
    EXPECT_EQ(none["items"].size(), 0u);
    auto before = json::parse(
        audit("?actor_id=" + std::to_string(user.id) + "&to=2000-01-01T00:00:00%2B01:00",
              admin.tokens.access)
            .body);
    EXPECT_EQ(before["items"].size(), 0u);
    // No secret is ever in the audit log.
    EXPECT_EQ(r.body.find(user.password), std::string::npos);
}

TEST(AuthAdminAudit, BadParametersAre422) {
    const Admin admin = make_admin();
    for (const char* q :
         {"?limit=0", "?limit=201", "?limit=x", "?actor_id=-1", "?from=yesterday", "?to=2024-02-30",
          "?from=2024-01-01T25:00:00Z", "?cursor=bogus", "?cursor=YXVkaXQ6LTE"}) {
        SCOPED_TRACE(q);
        auto body = authtest::expect_problem(audit(std::string(q), admin.tokens.access), 422);
        EXPECT_TRUE(body["errors"].is_array());
    }
}

}  // namespace
