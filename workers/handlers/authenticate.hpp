// The edge of a request, done once per request before any service runs: who
// is calling (the principal) and from where (the audit origin). Who is
// calling: the Bearer access token of a request, verified (signature,
// kid, iss, aud, exp, nbf; auth/jwt.hpp) and checked against the database (the
// user exists, its session is live; the role is read from the users row, so
// a role change applies at once). Refuses (domain::Refusal) unauthenticated
// for a missing or refused token and forbidden when authz::may says no.
// Services below get the authenticated principal (authz::Actor), never the
// request. Handler layer only.
#pragma once

#include <optional>

#include "audit/audit_repository.hpp"
#include "authz.hpp"
#include "context.hpp"

namespace api {

// Fills ctx.actor from the Authorization header. No header: nullopt. A header
// that is not a valid token: refused (never treated as anonymous).
const std::optional<authz::Actor>& authenticate(Context& ctx);

// The user id of a Bearer access token that verifies (signature, kid, iss,
// aud, exp, nbf) without asking the database; nullopt when there is no
// Authorization header or the token does not verify. For rate-limit keys only:
// a token of an ended session still names its user, but authenticate()
// refuses it when the handler runs.
[[nodiscard]] std::optional<std::int64_t> token_user_id(const http::Request& req);

// The actor; refused unauthenticated when the request carries no valid token.
[[nodiscard]] const authz::Actor& require_actor(Context& ctx);

// authz::may for the caller of this request: returns normally when allowed,
// else refuses unauthenticated (anonymous) or forbidden (signed in, not allowed).
void authorize(Context& ctx, authz::Action action, const authz::Resource& resource);

// Where the request came from, for the audit log: the client address (when
// it is an IP address) and the request id.
[[nodiscard]] audit::Origin origin_of(const http::Request& req);

}  // namespace api
