// Who is calling: the Bearer access token of a request, verified (signature,
// kid, iss, aud, exp, nbf; auth/jwt.hpp) and checked against the database (the
// user exists, its session is live; the role is read from the users row, so
// a role change applies at once). Answers 401 with WWW-Authenticate: Bearer
// for a missing or refused token and 403 when authz::may says no.
#pragma once

#include <optional>

#include "authz.hpp"
#include "context.hpp"

namespace accounts {

// Fills ctx.actor from the Authorization header. No header: nullopt. A header
// that is not a valid token: throws a 401 Problem (never treated as anonymous).
const std::optional<authz::Actor>& authenticate(api::Context& ctx);

// The user id of a Bearer access token that verifies (signature, kid, iss,
// aud, exp, nbf) without asking the database; nullopt when there is no
// Authorization header or the token does not verify. For rate-limit keys only:
// a token of an ended session still names its user, but authenticate()
// refuses it when the handler runs.
[[nodiscard]] std::optional<std::int64_t> token_user_id(const http::Request& req);

// The actor, or a 401 Problem when the request carries no valid token.
[[nodiscard]] const authz::Actor& require_actor(api::Context& ctx);

// authz::may for the caller of this request: returns normally when allowed,
// else throws 401 (anonymous) or 403 (signed in, not allowed).
void authorize(api::Context& ctx, authz::Action action, const authz::Resource& resource);

}  // namespace accounts
