// Stream tickets: what a browser passes as ?ticket= to open a private stream
// (the admin stream, a draft event's stream), since an EventSource cannot send
// Authorization. scoreline-api issues one (POST /api/v1/stream-tickets) to a
// signed-in user for topics that user may follow; scoreline-sse verifies it
// without a database query. A ticket is an access-token-shaped JWS (auth/jwt.hpp:
// Ed25519, same keys and kid, same strict verification) with its own audience,
// "scoreline-stream", so neither kind of token passes for the other, a short
// lifetime, and a `topics` claim binding it to the topics it was issued for.
// It is checked when a stream opens; an open stream outlives it.
// Topics follow stream/topic.hpp. Pure functions over the key ring; any
// thread, both processes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jwt.hpp"
#include "auth/keys.hpp"
#include "stream/topic.hpp"

namespace stream {

inline constexpr std::string_view kTicketAudience = "scoreline-stream";
inline constexpr std::size_t kMaxTicketTopics = 32;

struct Ticket {
    std::int64_t user_id = 0;
    std::string role;  // "user" | "admin", when issued
    std::vector<std::string> topics;
    std::int64_t expires_at = 0;
};

// A ticket for these topics, signed with `key`, valid from `now` for `ttl`.
// `session_id` is the access token's sid (a UUID). Throws std::invalid_argument
// for no topics, too many, or a topic outside the grammar of stream/topic.hpp.
[[nodiscard]] std::string issue_ticket(const auth::SigningKey& key, std::string_view issuer,
                                       std::int64_t user_id, std::string role,
                                       std::string session_id,
                                       const std::vector<std::string>& topics,
                                       std::chrono::seconds ttl, std::int64_t now);

struct VerifiedTicket {
    std::optional<Ticket> ticket;  // set exactly when error is empty
    std::string error;             // for logs only: "expired", "bad_signature", "no_topics" …
};

// auth::verify_access_token with the stream audience, then the topics claim.
[[nodiscard]] VerifiedTicket verify_ticket(std::string_view token, const auth::KeyRing& keys,
                                           std::string_view issuer, std::chrono::seconds leeway,
                                           std::int64_t now);

// True when `ticket` covers `topic`.
[[nodiscard]] bool covers(const Ticket& ticket, std::string_view topic) noexcept;

}  // namespace stream
