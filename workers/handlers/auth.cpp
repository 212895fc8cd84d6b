// Account handlers; see auth.hpp.
#include "handlers/auth.hpp"

#include "accounts/password_reset.hpp"
#include "accounts/registration.hpp"
#include "accounts/sign_in.hpp"
#include "auth/policy.hpp"
#include "domain/refusal.hpp"
#include "handlers/authenticate.hpp"
#include "http/json_body.hpp"

namespace api {
namespace {

// Bounds on what the body may carry before the real rules run.
constexpr std::size_t kMaxEmailBytes = 320;
constexpr std::size_t kMaxPasswordBytes = 1024;
constexpr std::size_t kMaxNameBytes = 1024;
constexpr std::size_t kMaxTokenBytes = 256;

accounts::Call call_of(Context& ctx) {
    return accounts::Call{ctx.db(), accounts::auth_runtime(), origin_of(ctx.req),
                          ctx.config.db_retry_attempts};
}

// Responses that carry tokens or account data must not be stored by caches.
http::Response private_json(int status, const nlohmann::json& body) {
    http::Response r = http::Response::json(status, body.dump());
    r.set_header("Cache-Control", "no-store");
    return r;
}

http::Response register_user(Context& ctx) {
    const auto body = http::parse_json_body(ctx.req, ctx.config.body_limits);
    http::FieldReader fields(body);
    auto email = fields.string("email", true, 1, kMaxEmailBytes);
    auto password = fields.string("password", true, 1, kMaxPasswordBytes);
    auto name = fields.string("display_name", true, 0, kMaxNameBytes);
    fields.finish();
    accounts::Call call = call_of(ctx);
    const accounts::User user = accounts::register_account(call, {*email, *name, *password});
    return private_json(201, accounts::to_json(user));
}

http::Response login(Context& ctx) {
    const auto body = http::parse_json_body(ctx.req, ctx.config.body_limits);
    http::FieldReader fields(body);
    auto email = fields.string("email", true, 1, kMaxEmailBytes);
    auto password = fields.string("password", true, 1, kMaxPasswordBytes);
    // Only the one ASCII form of an address reaches the lookup and the throttle.
    if (email) {
        if (auto why = auth::email_charset_problem(*email)) {
            fields.fail("email", std::move(*why));
        }
    }
    fields.finish();
    accounts::Call call = call_of(ctx);
    return private_json(200, accounts::to_json(accounts::login(call, *email, *password)));
}

http::Response refresh(Context& ctx) {
    const auto body = http::parse_json_body(ctx.req, ctx.config.body_limits);
    http::FieldReader fields(body);
    auto token = fields.string("refresh_token", true, 1, kMaxTokenBytes);
    fields.finish();
    accounts::Call call = call_of(ctx);
    return private_json(200, accounts::to_json(accounts::refresh(call, *token)));
}

http::Response logout(Context& ctx) {
    const authz::Actor& actor = require_actor(ctx);
    authorize(ctx, authz::Action::kEndSessions, authz::Resource::account(actor.user_id));
    const auto body = http::parse_json_body(ctx.req, ctx.config.body_limits);
    http::FieldReader fields(body);
    auto token = fields.string("refresh_token", true, 1, kMaxTokenBytes);
    fields.finish();
    accounts::Call call = call_of(ctx);
    accounts::logout(call, actor, *token);
    return http::Response::no_content();
}

http::Response logout_all(Context& ctx) {
    const authz::Actor& actor = require_actor(ctx);
    authorize(ctx, authz::Action::kEndSessions, authz::Resource::account(actor.user_id));
    accounts::Call call = call_of(ctx);
    accounts::logout_all(call, actor);
    return http::Response::no_content();
}

http::Response request_reset(Context& ctx) {
    const auto body = http::parse_json_body(ctx.req, ctx.config.body_limits);
    http::FieldReader fields(body);
    auto email = fields.string("email", true, 1, kMaxEmailBytes);
    fields.finish();
    accounts::Call call = call_of(ctx);
    accounts::request_password_reset(call, *email);
    return http::Response::json(
        202, nlohmann::json{{"status", "accepted"},
                            {"detail",
                             "if the address belongs to an account, a reset token "
                             "is on its way to it"}}
                 .dump());
}

http::Response confirm_reset(Context& ctx) {
    const auto body = http::parse_json_body(ctx.req, ctx.config.body_limits);
    http::FieldReader fields(body);
    auto token = fields.string("token", true, 1, kMaxTokenBytes);
    auto password = fields.string("new_password", true, 1, kMaxPasswordBytes);
    fields.finish();
    accounts::Call call = call_of(ctx);
    accounts::confirm_password_reset(call, *token, *password);
    return http::Response::no_content();
}

http::Response me(Context& ctx) {
    const authz::Actor& actor = require_actor(ctx);
    authorize(ctx, authz::Action::kReadAccount, authz::Resource::account(actor.user_id));
    const auto user = accounts::users::find_by_id(ctx.db(), actor.user_id);
    if (!user) {
        throw domain::Refusal::unauthenticated(
            domain::Refusal::Credentials::kInvalidToken,
            "the access token is invalid or expired; sign in again");
    }
    return private_json(200, accounts::to_json(*user));
}

}  // namespace

void add_auth_routes(Router& router) {
    router.add("POST", "/api/v1/auth/register", register_user);
    router.add("POST", "/api/v1/auth/login", login);
    router.add("POST", "/api/v1/auth/refresh", refresh);
    router.add("POST", "/api/v1/auth/logout", logout);
    router.add("POST", "/api/v1/auth/logout-all", logout_all);
    router.add("POST", "/api/v1/auth/password-reset", request_reset);
    router.add("POST", "/api/v1/auth/password-reset/confirm", confirm_reset);
    router.add("GET", "/api/v1/me", me);
}

}  // namespace api
