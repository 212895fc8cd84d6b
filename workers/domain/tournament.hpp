// The vocabulary every part of the tournament domain shares: ids, a team as
// the schedulers and the standings see it, the event format, bracket slots and
// game statuses, with their spellings in the API and the database.
// Pure C++ (no I/O); used by scoreline-api workers on any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace domain {

using TeamId = std::int64_t;
using GameId = std::int64_t;

struct Team {
    TeamId id = 0;
    std::string name;
    std::optional<int> seed;  // 1 is the strongest; unseeded teams follow the seeded ones
};

enum class Format { kRoundRobin, kDoubleRoundRobin, kSingleElimination };

// A side of a game; in a bracket, the side a winner is placed on in the next game.
enum class Slot { kHome, kAway };

enum class GameStatus { kScheduled, kLive, kFinal, kPostponed, kCancelled };

// In the order an event moves through them (domain::event_transition).
enum class EventStatus { kDraft, kScheduled, kLive, kCompleted, kArchived };

// Spellings as in events.format, events.status, games.next_slot and
// games.status; parse_*
// answer nullopt for anything else (exact, case-sensitive match).
[[nodiscard]] std::optional<Format> parse_format(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(Format format) noexcept;
[[nodiscard]] std::optional<Slot> parse_slot(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(Slot slot) noexcept;
[[nodiscard]] std::optional<GameStatus> parse_game_status(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(GameStatus status) noexcept;
[[nodiscard]] std::optional<EventStatus> parse_event_status(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(EventStatus status) noexcept;

// A stored value that does not parse: the row is corrupt, never defaulted.
// Thrown by the repositories that read these columns (a 500 for the request).
struct BadStoredValue : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// `parsed` (what parse_* answered for `text` of `column`), or BadStoredValue.
template <class T>
[[nodiscard]] T stored(std::optional<T> parsed, std::string_view column, std::string_view text) {
    if (!parsed) {
        throw BadStoredValue(std::string(column) + " holds an unknown value '" + std::string(text) +
                             "'");
    }
    return *parsed;
}

}  // namespace domain
