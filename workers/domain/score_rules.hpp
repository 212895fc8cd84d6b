// The rules a score change must satisfy before it is written: the status move
// (asked of domain::transition), that a format without draws cannot end
// level, and that a final game changes only through a correction. Answers are error values that
// handlers map to responses (422 / 409); nothing here knows about HTTP.
// Pure; callable from any thread.
#pragma once

#include <optional>
#include <string_view>

#include "domain/tournament.hpp"

namespace domain {

inline constexpr int kMaxScore = 999;

enum class ScoreError {
    kNone,
    kScoreOutOfRange,  // a score below 0 or above kMaxScore
    kBadStatus,        // the requested status is not live or final
    kTeamsNotSet,      // a knockout side still waits for a winner
    kNotPlayable,      // the game is postponed or cancelled
    kAlreadyFinal,     // a final game changes only through a correction
    kBadTransition,    // e.g. scheduled straight to final
    kLevelKnockout,    // a knockout game cannot go final level
    kNotFinal,         // a correction needs a final game
};

// Words for the response body.
[[nodiscard]] std::string_view describe(ScoreError error) noexcept;

struct ScoreUpdate {
    int home_score = 0;
    int away_score = 0;
    GameStatus status = GameStatus::kLive;  // live or final
};

// Checks a score update of a game of an event in `format` whose status is
// `current`; `teams_set` says whether both sides have a team. kNone when the
// update may be written; the status move is domain::transition's kScore
// (scheduled -> live -> final, never scheduled -> final nor out of final). The first failing rule,
// in the order: status asked for, game state, transition, score range, level knockout.
[[nodiscard]] ScoreError check_score_update(Format format, GameStatus current, bool teams_set,
                                            const ScoreUpdate& update) noexcept;

// Checks a correction (new final scores) of a game whose status is `current`:
// it must be final (domain::transition's kCorrect), scores in range, and a knockout must not become
// level.
[[nodiscard]] ScoreError check_correction(Format format, GameStatus current, int home_score,
                                          int away_score) noexcept;

// The winner of a final knockout game; nullopt when level.
[[nodiscard]] std::optional<TeamId> winner_of(TeamId home, TeamId away, int home_score,
                                              int away_score) noexcept;

}  // namespace domain
