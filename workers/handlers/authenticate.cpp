// Bearer authentication and the authorization gate; see authenticate.hpp.
#include "handlers/authenticate.hpp"

#include <cctype>
#include <chrono>

#include "accounts/auth_runtime.hpp"
#include "accounts/session_repository.hpp"
#include "auth/jwt.hpp"
#include "domain/refusal.hpp"
#include "log.hpp"

namespace api {
namespace {

[[noreturn]] void refuse(std::string_view reason) {
    // The reason is for the log only; the client learns nothing from it.
    slog::info("access_token_refused", {{"reason", reason}});
    throw domain::Refusal::unauthenticated(domain::Refusal::Credentials::kInvalidToken,
                                           "the access token is invalid or expired; sign in again");
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

// The token of an "Authorization: Bearer <token>" value; nullopt for another scheme.
std::optional<std::string_view> bearer_token(std::string_view value) {
    const auto space = value.find(' ');
    if (space == std::string_view::npos || !iequals(value.substr(0, space), "Bearer")) {
        return std::nullopt;
    }
    std::string_view token = value.substr(space + 1);
    while (!token.empty() && token.front() == ' ') {
        token.remove_prefix(1);
    }
    while (!token.empty() && token.back() == ' ') {
        token.remove_suffix(1);
    }
    return token;
}

auth::VerifiedToken verify(std::string_view token) {
    const accounts::AuthRuntime& auth = accounts::auth_runtime();
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    return auth::verify_access_token(token, auth.tokens.keys, auth.tokens.access, now);
}

}  // namespace

std::optional<std::int64_t> token_user_id(const http::Request& req) {
    const auto header = req.header("authorization");
    if (!header) {
        return std::nullopt;
    }
    const auto token = bearer_token(*header);
    if (!token) {
        return std::nullopt;
    }
    const auth::VerifiedToken verified = verify(*token);
    if (!verified.claims) {
        return std::nullopt;
    }
    return verified.claims->user_id;
}

const std::optional<authz::Actor>& authenticate(Context& ctx) {
    if (ctx.actor) {
        return ctx.actor;
    }
    const auto header = ctx.req.header("authorization");
    if (!header) {
        return ctx.actor;
    }
    const auto token = bearer_token(*header);
    if (!token) {
        refuse("not_bearer");
    }
    const auth::VerifiedToken verified = verify(*token);
    if (!verified.claims) {
        refuse(auth::to_string(verified.error));
    }
    const auto owner = accounts::sessions::find_token_owner(ctx.db(), verified.claims->user_id,
                                                            verified.claims->session_id);
    if (!owner) {
        refuse("no_such_user");
    }
    if (!owner->session_live) {
        refuse("session_ended");
    }
    const auto role = authz::parse_global_role(owner->role);
    if (!role) {
        refuse("unknown_role");
    }
    ctx.actor = authz::Actor{owner->user_id, *role};
    return ctx.actor;
}

const authz::Actor& require_actor(Context& ctx) {
    const auto& actor = authenticate(ctx);
    if (!actor) {
        throw domain::Refusal::unauthenticated(domain::Refusal::Credentials::kNone,
                                               "sign in first: this route needs an access token "
                                               "(Authorization: Bearer <token>)");
    }
    return *actor;
}

void authorize(Context& ctx, authz::Action action, const authz::Resource& resource) {
    const auto& actor = authenticate(ctx);
    switch (authz::may(actor, action, resource)) {
        case authz::Decision::kAllow:
            return;
        case authz::Decision::kUnauthenticated:
            (void)require_actor(ctx);  // throws the 401
            return;
        case authz::Decision::kForbidden:
            throw domain::Refusal::forbidden("you are signed in but not allowed to do this");
    }
}

audit::Origin origin_of(const http::Request& req) {
    return audit::Origin::from(req.remote_addr, req.request_id);
}

}  // namespace api
