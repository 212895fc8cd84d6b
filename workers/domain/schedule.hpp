// Schedule generation for an event: the games of a round robin (Berger
// tables), a double round robin (the same, mirrored) or a single-elimination
// bracket (standard seeding, byes to the top seeds), with kick-off times and
// venues such that no team and no venue is ever double-booked.
// Pure: the caller loads teams and settings and stores the result.
//
// Time rule. Every round is split into slots of `minutes_between_rounds`
// each. With V venues, game k (0-based, in the order listed) of a round is
// played at venues[k % V] in the round's slot k / V; a round therefore needs
// ceil(games / V) slots (1 when no venues are given: the round's games then
// all start together and carry no venue). Rounds follow each other without a
// gap: a round starts in the slot after the previous round's last slot. So
//   starts_at = first_game_at + (first_slot_of_round + k / V) * minutes_between_rounds
// and, whenever the venues suffice for every round (or none are given),
//   starts_at = first_game_at + round_index * minutes_between_rounds.
// A team plays at most once per round and a venue hosts one game per slot,
// so no two games of a team or of a venue start less than one slot apart.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/tournament.hpp"

namespace domain {

inline constexpr std::size_t kMaxScheduleTeams = 256;
inline constexpr std::size_t kMaxVenues = 64;
inline constexpr std::size_t kMaxVenueChars = 200;  // games.venue's check
inline constexpr std::chrono::minutes kMaxMinutesBetweenRounds{366 * 24 * 60};

struct ScheduleRequest {
    Format format = Format::kRoundRobin;
    std::vector<Team> teams;                         // any order; ids and seeds unique
    std::chrono::sys_seconds first_game_at{};        // UTC
    std::chrono::minutes minutes_between_rounds{0};  // the slot length, > 0
    std::vector<std::string> venues;                 // may be empty; names unique
};

// In a bracket: the game (an index into Schedule::games) and side that a
// game's winner moves on to.
struct NextGame {
    std::size_t game = 0;
    Slot slot = Slot::kHome;
};

struct ScheduledGame {
    int round = 1;  // 1-based, as games.round
    // nullopt only in a knockout: the side waits for the winner of *_from.
    std::optional<TeamId> home;
    std::optional<TeamId> away;
    std::optional<std::size_t> home_from;  // index into Schedule::games
    std::optional<std::size_t> away_from;
    std::optional<NextGame> winner_to;  // knockout: where the winner goes; nullopt for the final
    std::optional<std::string> venue;
    std::chrono::sys_seconds starts_at{};
};

// A team that does not play in a round: one per round for an odd round robin,
// the top seeds in a bracket's first round when the count is not a power of two.
struct Bye {
    int round = 1;
    TeamId team = 0;
};

enum class ScheduleError {
    kNone,
    kTooFewTeams,     // fewer than 2
    kTooManyTeams,    // more than kMaxScheduleTeams
    kDuplicateTeam,   // two teams with one id
    kDuplicateSeed,   // two teams with one seed
    kBadSeed,         // a seed below 1
    kBadInterval,     // minutes_between_rounds not in 1..kMaxMinutesBetweenRounds
    kTooManyVenues,   // more than kMaxVenues
    kBadVenue,        // an empty or over-long venue name
    kDuplicateVenue,  // the same venue twice would book it twice per slot
};

struct Schedule {
    ScheduleError error = ScheduleError::kNone;
    int rounds = 0;
    // Ordered by round, then starts_at, then venue order; indices are stable
    // and are what home_from / away_from / winner_to refer to.
    std::vector<ScheduledGame> games;
    std::vector<Bye> byes;
    [[nodiscard]] bool ok() const noexcept { return error == ScheduleError::kNone; }
};

// kNone when `request` can be scheduled; otherwise the first problem found.
[[nodiscard]] ScheduleError check_schedule_request(const ScheduleRequest& request);

// Words for a 422 body, e.g. "at least 2 teams are needed".
[[nodiscard]] std::string_view describe(ScheduleError error) noexcept;

// The games of `request` in its format, timed and placed by the rule at the top
// of this file. On a bad request returns only the error (see check_schedule_request).
[[nodiscard]] Schedule make_schedule(const ScheduleRequest& request);

// Teams in seeding order: seeded ones by seed ascending, then the unseeded
// ones by id. Position 0 is seed 1 of the bracket and team 1 of the Berger table.
[[nodiscard]] std::vector<Team> seeding_order(std::span<const Team> teams);

// One round of a round robin as team positions (0-based, in seeding order):
// `home` plays `away`; position `count` (odd counts only) is the bye.
struct Pairing {
    std::size_t home = 0;
    std::size_t away = 0;
};

// The Berger table for `count` >= 2 teams: count - 1 rounds for an even count,
// count rounds for an odd one (each with one bye); every pair meets once and
// each team's home and away counts differ by at most one.
[[nodiscard]] std::vector<std::vector<Pairing>> berger_rounds(std::size_t count);

}  // namespace domain
