// The one place that decides how a game's and an event's status may change.
// Services ask transition() before they write, then pass the answer to the
// repository, whose SQL only applies it (guarded by the version the service
// read); no SQL and no service compares status strings to decide a move.
// Pure; callable from any thread.
#pragma once

#include "domain/tournament.hpp"

namespace domain {

// What changes a game's status.
enum class GameAction {
    kPatch,    // PATCH /games/{id}: scheduled <-> postponed, either -> cancelled
    kScore,    // PUT /games/{id}/score: scheduled -> live -> final
    kCorrect,  // POST /games/{id}/corrections: final stays final
    kReset,    // a bracket correction voids a later game's result: back to scheduled
};

enum class GameRefusal {
    kNone,
    kBadTarget,     // the action never leads there (a score to scheduled, a PATCH to live)
    kAlreadyFinal,  // a score for a final game (it changes only through a correction)
    kNotPlayable,   // a score for a postponed or cancelled game
    kOutOfOrder,    // a move the action knows but not from this status
    kNotFinal,      // a correction of a game that is not final
};

struct GameTransition {
    GameStatus to = GameStatus::kScheduled;  // the status to write when allowed
    GameRefusal refusal = GameRefusal::kNone;
    [[nodiscard]] bool allowed() const noexcept { return refusal == GameRefusal::kNone; }
};

// The status a game in `from` gets from `action`. `requested` is the status
// the client asked for (kPatch, kScore); kCorrect and kReset ignore it (they
// lead to final and scheduled). A kPatch that keeps the status is allowed
// from any status (the PATCH changes other fields).
[[nodiscard]] GameTransition transition(GameStatus from, GameAction action,
                                        GameStatus requested) noexcept;

// Whether a game in `status` has a result (scores) that a reset voids.
[[nodiscard]] bool has_result(GameStatus status) noexcept;

enum class EventRefusal {
    kNone,
    kBackwards,  // draft -> scheduled -> live -> completed -> archived only moves forward
};

// Whether an event in `from` may be set to `to` (staying is allowed).
[[nodiscard]] EventRefusal event_transition(EventStatus from, EventStatus to) noexcept;

// Whether scores of an event in `status` may still be recorded (not archived).
[[nodiscard]] bool accepts_scores(EventStatus status) noexcept;

}  // namespace domain
