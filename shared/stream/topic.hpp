// Stream topics: the names of what a live stream follows, the contract
// between scoreline-api (which writes them into `outbox.topic` and issues
// stream tickets for them) and scoreline-sse (which reads them from requests,
// tickets and the outbox). The grammar, written only here:
//   admin        the admin stream
//   event:{id}   one event; id a positive decimal, no sign, no leading zero,
//                that fits in int64
// Pure functions; any thread, both processes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stream {

inline constexpr std::string_view kAdminTopic = "admin";
inline constexpr std::string_view kEventTopicPrefix = "event:";
// The longest topic: "event:" and 19 digits.
inline constexpr std::size_t kMaxTopicBytes = 25;

struct Topic {
    enum class Kind { kAdmin, kEvent } kind = Kind::kAdmin;
    std::int64_t event_id = 0;  // kEvent only
};

// The topic `text` names, or nullopt when it follows no rule of the grammar.
[[nodiscard]] std::optional<Topic> parse_topic(std::string_view text) noexcept;
// "event:42" → 42; nullopt for anything else (admin, leading zeros, signs, 0,
// overflow).
[[nodiscard]] std::optional<std::int64_t> event_topic_id(std::string_view text) noexcept;
// 42 → "event:42". `event_id` is positive.
[[nodiscard]] std::string event_topic(std::int64_t event_id);
// A non-negative decimal without sign or leading zeros that fits in int64
// (an event id, a message id).
[[nodiscard]] std::optional<std::int64_t> parse_id(std::string_view text) noexcept;

}  // namespace stream
