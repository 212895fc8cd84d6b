// Sessions: login, refresh-token rotation, logout and logout-all. A login
// starts a session (a refresh-token family); each refresh replaces the
// refresh token; presenting a replaced one revokes the whole family (someone
// copied it); logout revokes one family, logout-all every family of the user.
// Access tokens carry the family as "sid", so they die with their session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "accounts/call.hpp"
#include "accounts/user_repository.hpp"
#include "authz.hpp"

namespace accounts {

struct TokenPair {
    std::string access_token;
    std::int64_t expires_in = 0;
    std::string refresh_token;
    std::int64_t refresh_expires_in = 0;
    User user;
};
// {access_token, token_type: "Bearer", expires_in, refresh_token, refresh_expires_in, user}
[[nodiscard]] nlohmann::json to_json(const TokenPair& pair);

// Checks the password (against a dummy hash for an unknown email, so both
// take as long), applies the throttle, re-hashes an outdated hash, and audits
// every outcome. Refuses (domain::Refusal, after the failure count and its
// audit row committed) with too_many while throttled and unauthenticated
// (kBadSecret) for a wrong email or password.
[[nodiscard]] TokenPair login(Call& call, std::string_view email, std::string_view password);

// Rotates the refresh token. Unknown, expired, revoked and reused tokens are
// refused alike (unauthenticated, kBadSecret); a reused one first revokes its
// whole session, and that revocation commits.
[[nodiscard]] TokenPair refresh(Call& call, std::string_view refresh_token);

// Revokes the session of this refresh token when it belongs to the actor;
// an unknown token changes nothing (and says nothing). Audited.
void logout(Call& call, const authz::Actor& actor, std::string_view refresh_token);
// Revokes every session of the actor. Audited.
void logout_all(Call& call, const authz::Actor& actor);

}  // namespace accounts
