// libFuzzer target: stream::verify_ticket, how scoreline-sse reads ?ticket=
// (input format in fuzz_token.hpp). An accepted ticket has 1-32 topics of the
// grammar (shared/stream/topic.hpp)
// it covers, re-issues to a ticket for the same topics, and stops verifying
// when one signature character changes.
#include <chrono>
#include <cstdint>

#include "fuzz_token.hpp"
#include "stream/ticket.hpp"

using fuzz_token::require;

namespace {

constexpr std::string_view kIssuer = "scoreline";
constexpr std::chrono::seconds kLeeway{30};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string token = fuzz_token::token_from(data, size);
    const stream::VerifiedTicket v =
        stream::verify_ticket(token, fuzz_token::keys(), kIssuer, kLeeway, fuzz_token::kNow);
    require(v.ticket.has_value() == v.error.empty());
    if (!v.ticket) {
        return 0;
    }
    const stream::Ticket& t = *v.ticket;
    require(!t.topics.empty() && t.topics.size() <= stream::kMaxTicketTopics);
    require(t.user_id > 0 && (t.role == "user" || t.role == "admin"));
    for (const auto& topic : t.topics) {
        require(stream::parse_topic(topic).has_value() && topic.size() <= stream::kMaxTopicBytes);
        require(stream::covers(t, topic));
    }

    // issue() accepts what verify() accepted, and the result verifies the same.
    const std::string again =
        stream::issue_ticket(*fuzz_token::keys().signing_key(), kIssuer, t.user_id, t.role,
                             "6f1c2a1e-9d1b-4c55-8a0e-1234567890ab", t.topics,
                             std::chrono::seconds(60), fuzz_token::kNow);
    const stream::VerifiedTicket w =
        stream::verify_ticket(again, fuzz_token::keys(), kIssuer, kLeeway, fuzz_token::kNow);
    require(w.ticket && w.ticket->topics == t.topics && w.ticket->user_id == t.user_id);

    require(!stream::verify_ticket(fuzz_token::tampered(token), fuzz_token::keys(), kIssuer,
                                   kLeeway, fuzz_token::kNow)
                 .ticket);
    return 0;
}
