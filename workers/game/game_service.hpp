// Games outside of scoring: one added by hand, one read (with its version),
// the event's games listed with filters and keyset pages, a game rescheduled,
// moved or postponed / cancelled, and a game's score history. Writes are
// audited and published as game.updated; client errors are domain::Refusal.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/caller.hpp"
#include "db/connection.hpp"
#include "event/event_service.hpp"
#include "game/game_repository.hpp"

namespace tournament {

struct GameInput {
    std::int64_t home_team_id = 0;
    std::int64_t away_team_id = 0;
    std::string starts_at;  // UTC ISO-8601, checked by the caller
    std::optional<std::string> venue;
    int round = 1;
};

struct GamePatch {
    std::optional<std::string> starts_at;  // UTC ISO-8601
    bool venue_set = false;                // set: venue replaces the old one (null clears)
    std::optional<std::string> venue;
    std::optional<domain::GameStatus> status;  // scheduled | postponed | cancelled
};

struct GameListQuery {
    std::optional<int> round;
    std::optional<std::int64_t> team_id;
    std::optional<std::string> status;
    std::optional<std::string> from;  // UTC ISO-8601, inclusive
    std::optional<std::string> to;    // exclusive
    std::optional<std::string> cursor;
    int limit = 50;
};

[[nodiscard]] GameRow create_game_in(db::Tx& tx, const Caller& caller, std::int64_t event_id,
                                     const GameInput& input);
[[nodiscard]] GameRow create_game(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                                  const GameInput& input);
[[nodiscard]] GameRow get_game(db::Connection& conn, const Caller& caller, std::int64_t game_id);
[[nodiscard]] Page list_games(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                              const GameListQuery& query);
[[nodiscard]] GameRow update_game_in(db::Tx& tx, const Caller& caller, std::int64_t game_id,
                                     const GamePatch& patch,
                                     std::optional<std::int64_t> expected_version);
[[nodiscard]] GameRow update_game(db::Connection& conn, const Caller& caller, std::int64_t game_id,
                                  const GamePatch& patch,
                                  std::optional<std::int64_t> expected_version);
[[nodiscard]] Page game_history(db::Connection& conn, const Caller& caller, std::int64_t game_id,
                                const std::optional<std::string>& cursor, int limit);

// 412 with the current ETag unless `expected` is empty or equals `current`.
void check_game_version(std::optional<std::int64_t> expected, std::int64_t current);

}  // namespace tournament
