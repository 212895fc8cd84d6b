// Issuing and verifying stream tickets; see ticket.hpp.
#include "stream/ticket.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "auth/base64url.hpp"

namespace stream {
namespace {

auth::TokenPolicy policy(std::string_view issuer, std::chrono::seconds leeway) {
    auth::TokenPolicy p;
    p.issuer = std::string(issuer);
    p.audience = std::string(kTicketAudience);
    p.leeway = leeway;
    return p;
}

}  // namespace

std::string issue_ticket(const auth::SigningKey& key, std::string_view issuer, std::int64_t user_id,
                         std::string role, std::string session_id,
                         const std::vector<std::string>& topics, std::chrono::seconds ttl,
                         std::int64_t now) {
    if (topics.empty() || topics.size() > kMaxTicketTopics) {
        throw std::invalid_argument("stream ticket: 1 to 32 topics");
    }
    for (const auto& t : topics) {
        if (!parse_topic(t)) {
            throw std::invalid_argument("stream ticket: invalid topic");
        }
    }
    auth::TokenPolicy p = policy(issuer, std::chrono::seconds(0));
    p.ttl = ttl;
    const auth::AccessClaims c =
        auth::new_access_claims(p, user_id, std::move(role), std::move(session_id), now);
    // The layout of auth::sign_access_token, plus the topics claim.
    nlohmann::ordered_json header = {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", key.kid()}};
    nlohmann::ordered_json payload = {
        {"iss", c.issuer},     {"aud", c.audience},  {"sub", std::to_string(c.user_id)},
        {"role", c.role},      {"iat", c.issued_at}, {"nbf", c.not_before},
        {"exp", c.expires_at}, {"jti", c.token_id},  {"sid", c.session_id},
        {"topics", topics}};
    const std::string signing_input =
        auth::base64url_encode(header.dump()) + "." + auth::base64url_encode(payload.dump());
    const auth::Signature sig = key.sign(signing_input);
    return signing_input + "." +
           auth::base64url_encode(
               std::string_view(reinterpret_cast<const char*>(sig.data()), sig.size()));
}

VerifiedTicket verify_ticket(std::string_view token, const auth::KeyRing& keys,
                             std::string_view issuer, std::chrono::seconds leeway,
                             std::int64_t now) {
    const auth::VerifiedToken v =
        auth::verify_access_token(token, keys, policy(issuer, leeway), now);
    if (!v.claims) {
        return VerifiedTicket{std::nullopt, std::string(auth::to_string(v.error))};
    }
    // The signature is good, so the payload is ours; read the topics claim.
    const auto dot1 = token.find('.');
    const auto dot2 = token.find('.', dot1 + 1);
    const auto payload_text = auth::base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
    if (!payload_text) {
        return VerifiedTicket{std::nullopt, "malformed"};
    }
    const auto payload = nlohmann::json::parse(*payload_text, nullptr, false);
    const auto it = payload.is_object() ? payload.find("topics") : payload.end();
    if (it == payload.end() || !it->is_array() || it->empty() || it->size() > kMaxTicketTopics) {
        return VerifiedTicket{std::nullopt, "no_topics"};
    }
    Ticket t;
    for (const auto& topic : *it) {
        if (!topic.is_string() || !parse_topic(topic.get<std::string>())) {
            return VerifiedTicket{std::nullopt, "bad_topics"};
        }
        t.topics.push_back(topic.get<std::string>());
    }
    t.user_id = v.claims->user_id;
    t.role = v.claims->role;
    t.expires_at = v.claims->expires_at;
    return VerifiedTicket{std::move(t), {}};
}

bool covers(const Ticket& ticket, std::string_view topic) noexcept {
    for (const auto& t : ticket.topics) {
        if (t == topic) {
            return true;
        }
    }
    return false;
}

}  // namespace stream
