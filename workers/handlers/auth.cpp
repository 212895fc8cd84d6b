// Account handlers; see auth.hpp.
#include "handlers/auth.hpp"

#include "accounts/authenticate.hpp"
#include "accounts/password_reset.hpp"
#include "accounts/registration.hpp"
#include "accounts/sign_in.hpp"
#include "auth/policy.hpp"
#include "http/json_body.hpp"
#include "http/problem.hpp"

namespace api {
namespace {

// Bounds on what the body may carry before the real rules run.
constexpr std::size_t kMaxEmailBytes = 320;
constexpr std::size_t kMaxPasswordBytes = 1024;
constexpr std::size_t kMaxNameBytes = 1024;
constexpr std::size_t kMaxTokenBytes = 256;

accounts::Call call_of(Context& ctx) {
    return accounts::Call{ctx.db(), accounts::auth_runtime(), audit::Origin::of(ctx.req),
                          ctx.config.db_retry_attempts};
}

// Responses that carry tokens or account data must not be stored by caches.
http::Response private_json(int status, const nlohmann::json& body) {
    http::Response r = http::Response::json(status, body.dump());
    r.set_header("Cache-Control", "no-store");
    return r;
}

http::Problem bad_credentials() {
    return http::Problem(401, "the email or the password is wrong");
}

http::Response register_user(Context& ctx) {
    const auto body = http::parse_json_body(ctx.req, ctx.config.body_limits);
    http::FieldReader fields(body);
    auto email = fields.string("email", true, 1, kMaxEmailBytes);
    auto password = fields.string("password", true, 1, kMaxPasswordBytes);
    auto name = fields.string("display_name", true, 0, kMaxNameBytes);
    fields.finish();
    accounts::Call call = call_of(ctx);
    const auto result = accounts::register_account(call, {*email, *name, *password});
    switch (result.status) {
        case accounts::RegisterResult::Status::kCreated:
            return private_json(201, accounts::to_json(*result.user));
        case accounts::RegisterResult::Status::kEmailTaken:
            throw http::Problem(409, "an account with this email already exists",
                                {{"email", "is already registered"}});
        case accounts::RegisterResult::Status::kInvalid:
            break;
    }
    throw http::Problem(422, "the account cannot be created as sent", result.errors);
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
    const auto result = accounts::login(call, *email, *password);
    switch (result.status) {
        case accounts::LoginResult::Status::kOk:
            return private_json(200, accounts::to_json(*result.tokens));
        case accounts::LoginResult::Status::kThrottled:
            throw http::Problem(429, "too many failed sign-ins; wait before trying again")
                .with_header("Retry-After", std::to_string(result.retry_after));
        case accounts::LoginResult::Status::kBadCredentials:
            break;
    }
    throw bad_credentials();
}

http::Response refresh(Context& ctx) {
    const auto body = http::parse_json_body(ctx.req, ctx.config.body_limits);
    http::FieldReader fields(body);
    auto token = fields.string("refresh_token", true, 1, kMaxTokenBytes);
    fields.finish();
    accounts::Call call = call_of(ctx);
    const auto result = accounts::refresh(call, *token);
    if (result.status != accounts::RefreshResult::Status::kOk) {
        // Unknown, expired, revoked and reused tokens all look the same.
        throw http::Problem(401, "the refresh token is invalid, expired or revoked; sign in again");
    }
    return private_json(200, accounts::to_json(*result.tokens));
}

http::Response logout(Context& ctx) {
    const authz::Actor& actor = accounts::require_actor(ctx);
    accounts::authorize(ctx, authz::Action::kEndSessions, authz::Resource::account(actor.user_id));
    const auto body = http::parse_json_body(ctx.req, ctx.config.body_limits);
    http::FieldReader fields(body);
    auto token = fields.string("refresh_token", true, 1, kMaxTokenBytes);
    fields.finish();
    accounts::Call call = call_of(ctx);
    accounts::logout(call, actor, *token);
    return http::Response::no_content();
}

http::Response logout_all(Context& ctx) {
    const authz::Actor& actor = accounts::require_actor(ctx);
    accounts::authorize(ctx, authz::Action::kEndSessions, authz::Resource::account(actor.user_id));
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
    const auto result = accounts::request_password_reset(call, *email);
    if (!result.email_valid) {
        throw http::Problem(422, "the body has invalid fields", {{"email", result.email_problem}});
    }
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
    const auto result = accounts::confirm_password_reset(call, *token, *password);
    switch (result.status) {
        case accounts::ResetConfirmResult::Status::kDone:
            return http::Response::no_content();
        case accounts::ResetConfirmResult::Status::kRefusedPassword:
            throw http::Problem(422, "the new password is refused",
                                {{"new_password", result.password_problem}});
        case accounts::ResetConfirmResult::Status::kInvalidToken:
            break;
    }
    throw http::Problem(422, "the reset token is invalid, expired or used",
                        {{"token", "is invalid, expired or already used"}});
}

http::Response me(Context& ctx) {
    const authz::Actor& actor = accounts::require_actor(ctx);
    accounts::authorize(ctx, authz::Action::kReadAccount, authz::Resource::account(actor.user_id));
    const auto user = accounts::users::find_by_id(ctx.db(), actor.user_id);
    if (!user) {
        throw http::Problem(401, "the access token is invalid or expired; sign in again")
            .with_header("WWW-Authenticate", "Bearer realm=\"scoreline\", error=\"invalid_token\"");
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
