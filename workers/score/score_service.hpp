// Scores: PUT /games/{id}/score (scheduled -> live -> final, optimistic
// concurrency on the game's version) and POST /games/{id}/corrections (a
// final game's result changed by an organizer or admin, with a reason). Each
// change writes score_history, the audit log and score.updated in one
// transaction; a round-robin game going final (or corrected) recomputes the
// standings in that transaction; a knockout game going final places its
// winner in the next game, and a correction that changes a winner resets the
// games downstream (domain::plan_winner_change), recorded as kind "reset".
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/caller.hpp"
#include "db/connection.hpp"
#include "domain/integrity.hpp"
#include "domain/score_rules.hpp"
#include "game/game_repository.hpp"

namespace tournament {

struct ScoreResult {
    GameRow game;           // after the change
    nlohmann::json change;  // the score_history entry
    // Integrity alerts this write created or reopened (integrity_service.hpp).
    std::vector<domain::integrity::Kind> alerts;
};

// 412 unless the game is at `expected_version`; 409 for a move the game's
// state forbids (final already, scheduled -> final, postponed, teams not set);
// 422 for scores out of range or a level knockout final.
[[nodiscard]] ScoreResult record_score_in(db::Tx& tx, const Caller& caller, std::int64_t game_id,
                                          std::int64_t expected_version,
                                          const domain::ScoreUpdate& update);
[[nodiscard]] ScoreResult record_score(db::Connection& conn, const Caller& caller,
                                       std::int64_t game_id, std::int64_t expected_version,
                                       const domain::ScoreUpdate& update);

struct Correction {
    int home_score = 0;
    int away_score = 0;
    std::string reason;
};

// 409 unless the game is final; 412 when `expected_version` is set and stale.
[[nodiscard]] ScoreResult correct_score_in(db::Tx& tx, const Caller& caller, std::int64_t game_id,
                                           const Correction& correction,
                                           std::optional<std::int64_t> expected_version);
[[nodiscard]] ScoreResult correct_score(db::Connection& conn, const Caller& caller,
                                        std::int64_t game_id, const Correction& correction,
                                        std::optional<std::int64_t> expected_version);

}  // namespace tournament
