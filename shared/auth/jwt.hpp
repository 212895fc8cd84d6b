// Access tokens: compact JWS (RFC 7515/7519) signed with Ed25519 ("EdDSA").
// Header exactly {"alg":"EdDSA","typ":"JWT","kid":…}; claims iss, aud, sub
// (the user id as a string), role, iat, nbf, exp, jti and sid (the session:
// the refresh-token family the token was issued under). Verification is
// strict and fails closed: exactly three segments of canonical base64url, JSON
// objects without duplicate members, no other header parameter, a known kid,
// a valid signature (checked before the claims are read), then iss, aud, exp
// and nbf with a small leeway. Pure functions over a KeyRing; any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/keys.hpp"

namespace auth {

struct AccessClaims {
    std::string issuer;
    std::string audience;
    std::int64_t user_id = 0;     // "sub"
    std::string role;             // "user" | "admin"
    std::int64_t issued_at = 0;   // "iat", seconds since the epoch
    std::int64_t not_before = 0;  // "nbf"
    std::int64_t expires_at = 0;  // "exp"
    std::string token_id;         // "jti"
    std::string session_id;       // "sid", a UUID
};

struct TokenPolicy {
    std::string issuer = "scoreline";
    std::string audience = "scoreline-api";
    std::chrono::seconds ttl{900};
    std::chrono::seconds leeway{30};
};

// Why a token was refused; for logs and tests, never for the client.
enum class TokenError {
    kNone,
    kMalformed,   // segments, base64url, JSON, sizes
    kBadHeader,   // alg, typ, unknown or missing parameters
    kUnknownKey,  // kid not in the key ring
    kBadSignature,
    kBadClaims,  // a claim missing or of the wrong type
    kWrongIssuer,
    kWrongAudience,
    kExpired,
    kNotYetValid,
};
[[nodiscard]] std::string_view to_string(TokenError e) noexcept;

struct VerifiedToken {
    std::optional<AccessClaims> claims;  // set exactly when error == kNone
    TokenError error = TokenError::kNone;
};

// Claims for a new token of `policy` for this user and session, issued `now`.
[[nodiscard]] AccessClaims new_access_claims(const TokenPolicy& policy, std::int64_t user_id,
                                             std::string role, std::string session_id,
                                             std::int64_t now);

// The compact serialization header.payload.signature, signed with `key`.
[[nodiscard]] std::string sign_access_token(const SigningKey& key, const AccessClaims& claims);

// Checks every rule above against `now` (seconds since the epoch).
[[nodiscard]] VerifiedToken verify_access_token(std::string_view token, const KeyRing& keys,
                                                const TokenPolicy& policy, std::int64_t now);

// "8-4-4-4-12" lower- or upper-case hex.
[[nodiscard]] bool is_uuid(std::string_view text) noexcept;

}  // namespace auth
