// The JSON of a game, one shape for every reader: the REST bodies of games
// and scores, the game.updated / score.updated outbox payloads, the game.*
// audit rows and the "games" of the JSON export all write it here. Pure; any
// thread.
#pragma once

#include <nlohmann/json.hpp>

#include "game/game_repository.hpp"

namespace tournament {

// {id, event_id, round, home_team_id, home_team_name, away_team_id,
// away_team_name, venue, starts_at, time_zone, status, home_score,
// away_score, winner_team_id, next_game_id, next_slot, version, updated_at}
[[nodiscard]] nlohmann::json to_json(const GameRow& game);

}  // namespace tournament
