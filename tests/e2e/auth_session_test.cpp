// Sessions through nginx: refresh rotates the refresh token; reusing a
// rotated one ends the whole session (its successor and access tokens too)
// and is audited; logout ends one session, logout-all every session.
#include "auth_suite.hpp"

namespace {

using authtest::post_json;

harness::HttpResponse refresh(const std::string& token) {
    return post_json("/api/v1/auth/refresh", {{"refresh_token", token}});
}

authtest::Tokens tokens_of(const harness::HttpResponse& r) {
    authtest::Tokens t;
    t.body = nlohmann::json::parse(r.body, nullptr, false);
    if (t.body.is_object() && t.body.contains("access_token")) {
        t.access = authtest::secret(t.body["access_token"].get<std::string>());
        t.refresh = authtest::secret(t.body["refresh_token"].get<std::string>());
    }
    return t;
}

long me_status(const std::string& access) {
    return authtest::get_with("/api/v1/me", access).status;
}

TEST(AuthRefresh, RotatesTheRefreshToken) {
    const auto account = authtest::register_account("rotate");
    const auto first = authtest::login(account);
    auto r = refresh(first.refresh);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("cache-control"), "no-store");
    const auto second = tokens_of(r);
    EXPECT_NE(second.refresh, first.refresh);
    EXPECT_NE(second.access, first.access);
    EXPECT_EQ(second.body["user"]["id"], account.id);
    EXPECT_EQ(me_status(second.access), 200);
    // Only hashes are stored: no row holds the token text.
    EXPECT_EQ(authtest::sql("SELECT count(*) FROM refresh_tokens WHERE user_id = " +
                            std::to_string(account.id) + " AND octet_length(token_hash) = 32"),
              "2");
}

// The test the issue asks for: A gives B; A again is 401; B is dead too.
TEST(AuthRefresh, ReuseOfARotatedTokenEndsTheSession) {
    const auto account = authtest::register_account("reuse");
    const auto a = authtest::login(account);
    auto rb = refresh(a.refresh);
    ASSERT_EQ(rb.status, 200) << rb.body;
    const auto b = tokens_of(rb);

    auto reuse = refresh(a.refresh);
    authtest::expect_problem(reuse, 401);
    auto with_b = refresh(b.refresh);
    authtest::expect_problem(with_b, 401);
    // The access tokens of that session die with it.
    EXPECT_EQ(me_status(b.access), 401);
    EXPECT_EQ(me_status(a.access), 401);
    // Audited, with the actor and the session.
    EXPECT_EQ(authtest::sql(
                  "SELECT count(*) FROM audit_log WHERE action = "
                  "'auth.refresh_token_reused' AND actor_id = " +
                  std::to_string(account.id) + " AND after->>'session_id' = '" +
                  nlohmann::json::parse(authtest::b64url_decode(a.access.substr(
                      a.access.find('.') + 1, a.access.rfind('.') - a.access.find('.') - 1)))["sid"]
                      .get<std::string>() +
                  "'"),
              "1");
    // Another session of the same user is untouched.
    const auto other = authtest::login(account);
    EXPECT_EQ(refresh(other.refresh).status, 200);
}

TEST(AuthRefresh, UnknownOrMalformedTokenIs401) {
    for (const std::string& token :
         {std::string(43, 'A'), std::string("not-a-token"), std::string(43, '*')}) {
        auto r = refresh(token);
        auto body = authtest::expect_problem(r, 401);
        EXPECT_NE(body["detail"].get<std::string>().find("refresh token"), std::string::npos);
    }
    authtest::expect_problem(post_json("/api/v1/auth/refresh", nlohmann::json::object()), 422);
}

TEST(AuthRefresh, ExpiredTokenIs401) {
    const auto account = authtest::register_account("expired");
    const auto t = authtest::login(account);
    authtest::sql(
        "UPDATE refresh_tokens SET expires_at = now() - interval '1 second' "
        "WHERE user_id = " +
        std::to_string(account.id));
    authtest::expect_problem(refresh(t.refresh), 401);
}

TEST(AuthLogout, EndsThatSessionOnly) {
    const auto account = authtest::register_account("logout");
    const auto one = authtest::login(account);
    const auto two = authtest::login(account);
    auto r =
        post_json("/api/v1/auth/logout", {{"refresh_token", one.refresh}}, "127.0.0.1", one.access);
    ASSERT_EQ(r.status, 204) << r.body;
    authtest::expect_problem(refresh(one.refresh), 401);
    EXPECT_EQ(me_status(one.access), 401);
    EXPECT_EQ(me_status(two.access), 200);
    EXPECT_EQ(refresh(two.refresh).status, 200);
    EXPECT_EQ(authtest::sql("SELECT count(*) FROM audit_log WHERE action = 'auth.logout' AND "
                            "actor_id = " +
                            std::to_string(account.id)),
              "1");
}

TEST(AuthLogout, NeedsAnAccessTokenAndCannotEndSomeoneElsesSession) {
    const auto victim = authtest::register_account("victim");
    const auto attacker = authtest::register_account("attacker");
    const auto v = authtest::login(victim);
    const auto a = authtest::login(attacker);
    auto anonymous = post_json("/api/v1/auth/logout", {{"refresh_token", v.refresh}});
    authtest::expect_problem(anonymous, 401);
    EXPECT_TRUE(anonymous.header("www-authenticate").starts_with("Bearer"));
    // Someone else's refresh token: accepted silently, and nothing happens.
    auto r =
        post_json("/api/v1/auth/logout", {{"refresh_token", v.refresh}}, "127.0.0.1", a.access);
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(me_status(v.access), 200);
    EXPECT_EQ(refresh(v.refresh).status, 200);
}

TEST(AuthLogoutAll, EndsEverySessionOfTheUser) {
    const auto account = authtest::register_account("everywhere");
    const auto bystander = authtest::register_account("bystander");
    const auto one = authtest::login(account);
    const auto two = authtest::login(account);
    const auto other = authtest::login(bystander);
    authtest::expect_problem(post_json("/api/v1/auth/logout-all", nlohmann::json::object()), 401);
    auto r =
        post_json("/api/v1/auth/logout-all", nlohmann::json::object(), "127.0.0.1", two.access);
    ASSERT_EQ(r.status, 204) << r.body;
    for (const auto* t : {&one, &two}) {
        EXPECT_EQ(me_status(t->access), 401);
        authtest::expect_problem(refresh(t->refresh), 401);
    }
    EXPECT_EQ(me_status(other.access), 200);
    EXPECT_EQ(authtest::sql("SELECT after->>'tokens_revoked' FROM audit_log WHERE action = "
                            "'auth.logout_all' AND actor_id = " +
                            std::to_string(account.id)),
              "2");
    // Signing in again works.
    EXPECT_EQ(me_status(authtest::login(account).access), 200);
}

}  // namespace
