// SQL of games and score_history: named statements run inside the caller's
// transaction. GameRow is a games row as the API shows it, with the team
// names and the event's time zone for display. Status and slot columns are
// parsed once here; a value that does not parse throws domain::BadStoredValue.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "domain/bracket.hpp"
#include "domain/standings.hpp"
#include "domain/tournament.hpp"

namespace tournament {

struct GameRow {
    std::int64_t id = 0;
    std::int64_t event_id = 0;
    int round = 1;
    std::optional<std::int64_t> home_team_id;
    std::optional<std::string> home_team_name;
    std::optional<std::int64_t> away_team_id;
    std::optional<std::string> away_team_name;
    std::optional<std::string> venue;
    std::string starts_at;  // UTC ISO-8601
    domain::GameStatus status = domain::GameStatus::kScheduled;
    std::optional<int> home_score;
    std::optional<int> away_score;
    std::optional<std::int64_t> winner_team_id;
    std::optional<std::int64_t> next_game_id;
    std::optional<domain::Slot> next_slot;
    std::int64_t version = 1;
    std::string time_zone;  // the event's, for display
    std::string updated_at;
};

// A new game: teams may be empty in a bracket's later rounds.
struct NewGame {
    std::int64_t event_id = 0;
    int round = 1;
    std::optional<std::int64_t> home_team_id;
    std::optional<std::int64_t> away_team_id;
    std::optional<std::string> venue;
    std::string starts_at;  // UTC ISO-8601
};

// One score_history row to write.
struct ScoreChange {
    std::int64_t game_id = 0;
    std::string kind;  // update | correction | reset
    std::optional<int> old_home;
    std::optional<int> old_away;
    domain::GameStatus old_status = domain::GameStatus::kScheduled;
    std::optional<int> new_home;
    std::optional<int> new_away;
    domain::GameStatus new_status = domain::GameStatus::kScheduled;
    std::int64_t game_version = 0;  // the game's version after the change
    std::optional<std::int64_t> changed_by;
    std::optional<std::string> reason;
};

namespace game_repo {

[[nodiscard]] std::optional<GameRow> find(db::Tx& tx, std::int64_t game_id, bool lock);
[[nodiscard]] std::int64_t insert(db::Tx& tx, const NewGame& game);
// Bracket progression: the winner of `game_id` goes to `next_game_id` as `slot`.
void link(db::Tx& tx, std::int64_t game_id, std::int64_t next_game_id, domain::Slot slot);

struct GameCounts {
    int games = 0;
    int played = 0;  // live or final
};
[[nodiscard]] GameCounts counts(db::Tx& tx, std::int64_t event_id);
void remove_all(db::Tx& tx, std::int64_t event_id);

// The writes below take the status the service got from domain::transition
// and only apply it; the SQL decides no status move.

// Optimistic concurrency: writes only when the game still has
// `expected_version`; returns the updated game (as find() reads it), nullopt
// when it had another version.
[[nodiscard]] std::optional<GameRow> update_score(db::Tx& tx, std::int64_t game_id,
                                                  std::int64_t expected_version, int home_score,
                                                  int away_score, domain::GameStatus status,
                                                  std::optional<std::int64_t> winner);

// Reschedule / move / postpone, when the game is still at `expected_version`
// (the caller holds its row lock); returns the new version, nullopt when the
// game had another version.
[[nodiscard]] std::optional<std::int64_t> update_details(db::Tx& tx, std::int64_t game_id,
                                                         std::int64_t expected_version,
                                                         const std::string& starts_at,
                                                         const std::optional<std::string>& venue,
                                                         domain::GameStatus status);

// Puts `team` (or nothing) on `slot` of a bracket game. Returns the new version.
[[nodiscard]] std::int64_t set_slot(db::Tx& tx, std::int64_t game_id, domain::Slot slot,
                                    std::optional<std::int64_t> team);

// set_slot, and the game's result is void: `status` (domain::transition's
// kReset), no scores, no winner. Only when the game is still at
// `expected_version`; returns the new version, nullopt otherwise.
[[nodiscard]] std::optional<std::int64_t> reset_slot(db::Tx& tx, std::int64_t game_id,
                                                     std::int64_t expected_version,
                                                     domain::Slot slot,
                                                     std::optional<std::int64_t> team,
                                                     domain::GameStatus status);

struct GameFilter {
    std::int64_t event_id = 0;
    std::optional<int> round;
    std::optional<std::int64_t> team_id;
    std::optional<std::string> status;
    std::optional<std::string> from;  // starts_at >= from
    std::optional<std::string> to;    // starts_at < to
    std::string after_starts_at = "-infinity";
    std::int64_t after_id = 0;
    int limit = 50;
};
// By (starts_at, id), at most limit + 1 rows.
[[nodiscard]] std::vector<GameRow> list(db::Tx& tx, const GameFilter& filter);

// Every game of the event by round, starts_at, id (for exports).
[[nodiscard]] std::vector<GameRow> all(db::Tx& tx, std::int64_t event_id);

// The final games of the event, for its standings.
[[nodiscard]] std::vector<domain::FinalScore> finals(db::Tx& tx, std::int64_t event_id);
// The final games and the live ones as they stand, for the live table.
[[nodiscard]] std::vector<domain::FinalScore> finals_and_live(db::Tx& tx, std::int64_t event_id);

// Every game of the event as a bracket game, locked FOR UPDATE in id order.
[[nodiscard]] std::vector<domain::BracketGame> lock_bracket(db::Tx& tx, std::int64_t event_id);

// Writes one history row; returns it as the API shows it.
[[nodiscard]] nlohmann::json record_change(db::Tx& tx, const ScoreChange& change);

// History entries of a game by id after `after_id`, at most limit + 1.
[[nodiscard]] nlohmann::json history(db::Tx& tx, std::int64_t game_id, std::int64_t after_id,
                                     int limit);

}  // namespace game_repo
}  // namespace tournament
