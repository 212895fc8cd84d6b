// Standings of a round-robin event: the table computed from the final games,
// the event's points for a win, draw and loss, and its tiebreaker order.
// Pure; the worker recomputes the table inside the transaction that changes a
// score and stores the rows.
//
// Ranking. Teams are ordered by the configured tiebreakers in turn, each one
// only among the teams still level on all the ones before it. `points` is
// implied first when the order does not name it. `head_to_head` ranks the
// teams level so far by a mini-table of the games among them (points, then
// goal difference, then goals for, in those games only); teams still level
// in it get a fresh mini-table of the games among just them, and so on (the
// UEFA way); when a mini-table separates nobody, the next tiebreaker applies.
// Team name is the last key (ASCII case-insensitively, then bytewise, then
// id). Ranks are positions 1..N: two teams level on everything but the name
// still get different ranks; no rank is shared.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/tournament.hpp"

namespace domain {

enum class Tiebreaker {
    kPoints,
    kGoalDifference,
    kGoalsFor,
    kGoalsAgainst,  // fewer is better
    kHeadToHead,
    kWins,
    kAwayGoalsFor,
};

inline constexpr std::size_t kMaxTiebreakers = 10;  // events.tiebreakers' check

[[nodiscard]] std::optional<Tiebreaker> parse_tiebreaker(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(Tiebreaker tiebreaker) noexcept;

// ["points", "goal_difference", "goals_for", "head_to_head"], the API default.
[[nodiscard]] std::vector<Tiebreaker> default_tiebreakers();

enum class TiebreakerError { kNone, kUnknown, kDuplicate, kTooMany };
struct TiebreakerOrder {
    TiebreakerError error = TiebreakerError::kNone;
    std::size_t index = 0;  // the offending entry when error != kNone
    std::vector<Tiebreaker> order;
};
// Parses the tiebreakers of an event as given in the API.
[[nodiscard]] TiebreakerOrder parse_tiebreakers(std::span<const std::string> names);

struct Points {
    int win = 3;
    int draw = 1;
    int loss = 0;
};

// A final game: only these count.
struct FinalScore {
    TeamId home = 0;
    TeamId away = 0;
    int home_score = 0;
    int away_score = 0;
};

struct StandingsRow {
    int rank = 0;  // 1..N, the position
    TeamId team_id = 0;
    std::string team_name;
    int played = 0;
    int won = 0;
    int drawn = 0;
    int lost = 0;
    int goals_for = 0;
    int goals_against = 0;
    int goal_difference = 0;
    int points = 0;
    int away_goals_for = 0;
};

// The ranked table of `teams` (every team gets a row, also without games)
// from `results`, ranked by the rule at the top of this file. Throws
// std::invalid_argument when a result names a team not in `teams`, a team
// plays itself, or two teams share an id.
[[nodiscard]] std::vector<StandingsRow> compute_standings(std::span<const Team> teams,
                                                          std::span<const FinalScore> results,
                                                          const Points& points,
                                                          std::span<const Tiebreaker> order);

}  // namespace domain
