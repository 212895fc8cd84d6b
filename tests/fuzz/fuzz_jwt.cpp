// libFuzzer target: auth::verify_access_token, the strict checker of every
// Bearer token (input format in fuzz_token.hpp). A token it accepts must
// satisfy every rule of jwt.hpp, re-sign to a token that verifies to the same
// claims, and stop verifying when one signature character changes.
#include <cstdint>

#include "auth/jwt.hpp"
#include "fuzz_token.hpp"

using fuzz_token::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auth::TokenPolicy policy;
    const std::string token = fuzz_token::token_from(data, size);
    const auth::VerifiedToken v =
        auth::verify_access_token(token, fuzz_token::keys(), policy, fuzz_token::kNow);
    require(v.claims.has_value() == (v.error == auth::TokenError::kNone));
    require(auth::to_string(v.error) != "unknown");
    if (!v.claims) {
        return 0;
    }
    const auth::AccessClaims& c = *v.claims;
    require(c.issuer == policy.issuer && c.audience == policy.audience);
    require(c.user_id > 0);
    require(c.role == "user" || c.role == "admin");
    require(auth::is_uuid(c.session_id) && !c.token_id.empty());
    require(c.expires_at > c.not_before);
    require(fuzz_token::kNow < c.expires_at + policy.leeway.count());
    require(c.not_before <= fuzz_token::kNow + policy.leeway.count());

    const std::string again = auth::sign_access_token(*fuzz_token::keys().signing_key(), c);
    const auth::VerifiedToken w =
        auth::verify_access_token(again, fuzz_token::keys(), policy, fuzz_token::kNow);
    require(w.claims && w.claims->user_id == c.user_id && w.claims->role == c.role &&
            w.claims->session_id == c.session_id && w.claims->token_id == c.token_id &&
            w.claims->expires_at == c.expires_at);

    require(!auth::verify_access_token(fuzz_token::tampered(token), fuzz_token::keys(), policy,
                                       fuzz_token::kNow)
                 .claims);
    return 0;
}
