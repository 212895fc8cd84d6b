// Signing and strict verification of Ed25519 JWTs; see jwt.hpp.
#include "auth/jwt.hpp"

#include <sodium.h>

#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "auth/base64url.hpp"

namespace auth {
namespace {

constexpr std::size_t kMaxTokenBytes = 4096;

// Parses a JSON object, refusing duplicate member names at any depth (the
// library would keep the last one silently: two readers could disagree).
std::optional<nlohmann::json> parse_object(std::string_view text) {
    std::vector<std::set<std::string>> open;
    bool duplicate = false;
    nlohmann::json::parser_callback_t cb = [&](int, nlohmann::json::parse_event_t event,
                                               nlohmann::json& parsed) {
        using E = nlohmann::json::parse_event_t;
        if (event == E::object_start) {
            open.emplace_back();
        } else if (event == E::object_end && !open.empty()) {
            open.pop_back();
        } else if (event == E::key && !open.empty() &&
                   !open.back().insert(parsed.get<std::string>()).second) {
            duplicate = true;
        }
        return true;
    };
    nlohmann::json doc = nlohmann::json::parse(text, cb, /*allow_exceptions=*/false);
    if (doc.is_discarded() || duplicate || !doc.is_object()) {
        return std::nullopt;
    }
    return doc;
}

const nlohmann::json* member(const nlohmann::json& obj, const char* name) {
    auto it = obj.find(name);
    return it == obj.end() ? nullptr : &*it;
}

std::optional<std::string> string_claim(const nlohmann::json& obj, const char* name,
                                        std::size_t max_len) {
    const nlohmann::json* v = member(obj, name);
    if (!v || !v->is_string()) {
        return std::nullopt;
    }
    const auto& s = v->get_ref<const std::string&>();
    if (s.empty() || s.size() > max_len) {
        return std::nullopt;
    }
    return s;
}

// NumericDate as an integer number of seconds (fractions are refused).
std::optional<std::int64_t> time_claim(const nlohmann::json& obj, const char* name) {
    const nlohmann::json* v = member(obj, name);
    if (!v || !v->is_number_integer()) {
        return std::nullopt;
    }
    if (v->is_number_unsigned() && v->get<std::uint64_t>() > (1ULL << 53)) {
        return std::nullopt;
    }
    const auto t = v->get<std::int64_t>();
    if (t < 0 || t > (std::int64_t{1} << 53)) {
        return std::nullopt;
    }
    return t;
}

// A user id as "sub": decimal, no sign, no leading zero, fits in int64.
std::optional<std::int64_t> parse_subject(std::string_view s) {
    if (s.empty() || s.size() > 18 || s.front() == '0') {
        return std::nullopt;
    }
    std::int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        v = v * 10 + (c - '0');
    }
    return v;
}

std::string random_token_id() {
    unsigned char bytes[16];
    randombytes_buf(bytes, sizeof bytes);
    return base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

VerifiedToken refuse(TokenError e) {
    return VerifiedToken{std::nullopt, e};
}

}  // namespace

std::string_view to_string(TokenError e) noexcept {
    switch (e) {
        case TokenError::kNone:
            return "none";
        case TokenError::kMalformed:
            return "malformed";
        case TokenError::kBadHeader:
            return "bad_header";
        case TokenError::kUnknownKey:
            return "unknown_kid";
        case TokenError::kBadSignature:
            return "bad_signature";
        case TokenError::kBadClaims:
            return "bad_claims";
        case TokenError::kWrongIssuer:
            return "wrong_issuer";
        case TokenError::kWrongAudience:
            return "wrong_audience";
        case TokenError::kExpired:
            return "expired";
        case TokenError::kNotYetValid:
            return "not_yet_valid";
    }
    return "unknown";
}

bool is_uuid(std::string_view text) noexcept {
    if (text.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') {
                return false;
            }
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

AccessClaims new_access_claims(const TokenPolicy& policy, std::int64_t user_id, std::string role,
                               std::string session_id, std::int64_t now) {
    AccessClaims c;
    c.issuer = policy.issuer;
    c.audience = policy.audience;
    c.user_id = user_id;
    c.role = std::move(role);
    c.issued_at = now;
    c.not_before = now;
    c.expires_at = now + policy.ttl.count();
    c.token_id = random_token_id();
    c.session_id = std::move(session_id);
    return c;
}

std::string sign_access_token(const SigningKey& key, const AccessClaims& claims) {
    nlohmann::ordered_json header = {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", key.kid()}};
    nlohmann::ordered_json payload = {{"iss", claims.issuer},
                                      {"aud", claims.audience},
                                      {"sub", std::to_string(claims.user_id)},
                                      {"role", claims.role},
                                      {"iat", claims.issued_at},
                                      {"nbf", claims.not_before},
                                      {"exp", claims.expires_at},
                                      {"jti", claims.token_id},
                                      {"sid", claims.session_id}};
    std::string signing_input =
        base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
    const Signature sig = key.sign(signing_input);
    return signing_input + "." +
           base64url_encode(
               std::string_view(reinterpret_cast<const char*>(sig.data()), sig.size()));
}

VerifiedToken verify_access_token(std::string_view token, const KeyRing& keys,
                                  const TokenPolicy& policy, std::int64_t now) {
    if (token.empty() || token.size() > kMaxTokenBytes) {
        return refuse(TokenError::kMalformed);
    }
    const auto dot1 = token.find('.');
    const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
        return refuse(TokenError::kMalformed);  // not exactly three segments
    }
    const std::string_view header_b64 = token.substr(0, dot1);
    const std::string_view payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
    const std::string_view signature_b64 = token.substr(dot2 + 1);
    const auto header_text = base64url_decode(header_b64);
    const auto payload_text = base64url_decode(payload_b64);
    const auto signature = base64url_decode(signature_b64);
    if (header_b64.empty() || payload_b64.empty() || !header_text || !payload_text || !signature ||
        signature->size() != kSignatureBytes) {
        return refuse(TokenError::kMalformed);
    }

    const auto header = parse_object(*header_text);
    if (!header) {
        return refuse(TokenError::kMalformed);
    }
    const auto alg = string_claim(*header, "alg", 16);
    const auto typ = string_claim(*header, "typ", 16);
    const auto kid = string_claim(*header, "kid", 64);
    if (header->size() != 3 || !alg || *alg != "EdDSA" || !typ || *typ != "JWT" || !kid) {
        return refuse(TokenError::kBadHeader);
    }
    const PublicKey* key = keys.find(*kid);
    if (!key) {
        return refuse(TokenError::kUnknownKey);
    }
    const std::string_view signing_input = token.substr(0, dot2);
    if (!verify_signature(*key, signing_input, *signature)) {
        return refuse(TokenError::kBadSignature);
    }

    const auto payload = parse_object(*payload_text);
    if (!payload) {
        return refuse(TokenError::kMalformed);
    }
    AccessClaims c;
    const auto iss = string_claim(*payload, "iss", 256);
    const auto aud = string_claim(*payload, "aud", 256);
    const auto sub = string_claim(*payload, "sub", 32);
    const auto role = string_claim(*payload, "role", 16);
    const auto jti = string_claim(*payload, "jti", 128);
    const auto sid = string_claim(*payload, "sid", 36);
    const auto iat = time_claim(*payload, "iat");
    const auto nbf = time_claim(*payload, "nbf");
    const auto exp = time_claim(*payload, "exp");
    const auto user_id = sub ? parse_subject(*sub) : std::nullopt;
    if (!iss || !aud || !user_id || !role || (*role != "user" && *role != "admin") || !jti ||
        !sid || !is_uuid(*sid) || !iat || !nbf || !exp || *exp <= *nbf) {
        return refuse(TokenError::kBadClaims);
    }
    if (*iss != policy.issuer) {
        return refuse(TokenError::kWrongIssuer);
    }
    if (*aud != policy.audience) {
        return refuse(TokenError::kWrongAudience);
    }
    const std::int64_t leeway = policy.leeway.count();
    if (now >= *exp + leeway) {
        return refuse(TokenError::kExpired);
    }
    if (*nbf > now + leeway || *iat > now + leeway) {
        return refuse(TokenError::kNotYetValid);
    }
    c.issuer = *iss;
    c.audience = *aud;
    c.user_id = *user_id;
    c.role = *role;
    c.issued_at = *iat;
    c.not_before = *nbf;
    c.expires_at = *exp;
    c.token_id = *jti;
    c.session_id = *sid;
    return VerifiedToken{std::move(c), TokenError::kNone};
}

}  // namespace auth
