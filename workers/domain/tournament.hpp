// The vocabulary every part of the tournament domain shares: ids, a team as
// the schedulers and the standings see it, the event format, bracket slots and
// game statuses, with their spellings in the API and the database.
// Pure C++ (no I/O); used by scoreline-api workers on any thread.
#pragma once

#include <cstdint>
#include <optional>
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

// Spellings as in events.format, games.next_slot and games.status; parse_*
// answer nullopt for anything else (exact, case-sensitive match).
[[nodiscard]] std::optional<Format> parse_format(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(Format format) noexcept;
[[nodiscard]] std::optional<Slot> parse_slot(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(Slot slot) noexcept;
[[nodiscard]] std::optional<GameStatus> parse_game_status(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(GameStatus status) noexcept;

// Round-robin formats allow draws and have standings; knockouts do neither.
[[nodiscard]] constexpr bool is_round_robin(Format format) noexcept {
    return format == Format::kRoundRobin || format == Format::kDoubleRoundRobin;
}

}  // namespace domain
