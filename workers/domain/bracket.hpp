// Single-elimination brackets: the standard seeding order, the bracket's games
// with byes for the top seeds, where a winner moves on to, and what a
// correction that changes a winner undoes downstream.
// Pure: callers pass the games as loaded and apply the answer themselves.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "domain/schedule.hpp"
#include "domain/tournament.hpp"

namespace domain {

// Seeds (1-based) in bracket order for a bracket of `size` slots, a power of
// two >= 2: adjacent entries meet in the first round, and each half holds the
// standard order of the next smaller bracket, so seeds 1 and 2 can only meet
// in the final (1 and 4 at the earliest in the semi-finals, ...).
// For 8: 1 8 4 5 2 7 3 6. Throws std::invalid_argument for another size.
[[nodiscard]] std::vector<int> standard_seed_order(std::size_t size);

// The smallest power of two >= `count` (count >= 1).
[[nodiscard]] std::size_t bracket_size(std::size_t count) noexcept;

// The untimed bracket for `seeded` teams (in seeding order, >= 2): count - 1
// games, round 1 first. The better seed is home in round 1; later, the winner
// from the upper half of the bracket is home. A top seed whose opponent slot
// is empty (size - count of them) gets a bye and enters in round 2.
// Venue and starts_at are left for make_schedule.
struct Bracket {
    int rounds = 0;
    std::vector<ScheduledGame> games;
    std::vector<Bye> byes;
};
[[nodiscard]] Bracket build_bracket(std::span<const Team> seeded);

// A bracket game as stored (games row): what the functions below need.
struct BracketGame {
    GameId id = 0;
    std::optional<TeamId> home;
    std::optional<TeamId> away;
    GameStatus status = GameStatus::kScheduled;
    std::optional<TeamId> winner;
    std::optional<GameId> next_game;  // nullopt for the final
    Slot next_slot = Slot::kHome;
};

struct Placement {
    GameId game = 0;
    Slot slot = Slot::kHome;
    TeamId team = 0;
};

// Where the winner of `game`, once it is final, is placed: the next game and
// side. nullopt for the final. Throws std::invalid_argument when `winner` is
// neither the home nor the away team of `game`.
[[nodiscard]] std::optional<Placement> place_winner(const BracketGame& game, TeamId winner);

// One downstream consequence of a changed winner.
struct SlotChange {
    GameId game = 0;
    Slot slot = Slot::kHome;
    std::optional<TeamId> old_team;  // what the slot held
    std::optional<TeamId> new_team;  // nullopt: back to "winner of the previous game"
    bool reset_result = false;       // the game was live or final: its scores, winner
                                     // and status go back to scheduled
};

struct WinnerChangePlan {
    std::vector<SlotChange> changes;  // in bracket order, nearest game first
    [[nodiscard]] std::vector<GameId> games_to_reset() const;
};

// A correction of game `corrected` changes its winner from `old_winner` to
// `new_winner`. Answers what to do downstream, in order:
//  - the next game's slot gets `new_winner` instead of `old_winner`;
//  - a next game that was live or final had the wrong team in it, so its
//    result is void (reset_result); if it had a winner, that winner's slot in
//    the game after it is emptied, and so on down the chain while games had
//    results. A game that has not started only changes its slot.
// Empty when the winner does not change or `corrected` is the final.
// `bracket` holds the event's games in any order. Throws std::invalid_argument
// when `corrected` or a next game is missing, or the chain loops.
[[nodiscard]] WinnerChangePlan plan_winner_change(std::span<const BracketGame> bracket,
                                                  GameId corrected, TeamId old_winner,
                                                  TeamId new_winner);

}  // namespace domain
