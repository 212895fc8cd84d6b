// The JSON of a standings table, one shape for every reader: GET
// /events/{id}/standings, the standings.updated outbox payload and the
// "standings" of the JSON export all write their rows here. Pure; any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "domain/standings.hpp"

namespace tournament {

// {rank, team_id, team_name, played, won, drawn, lost, goals_for,
// goals_against, goal_difference, points, away_goals_for}
[[nodiscard]] nlohmann::json to_json(const domain::StandingsRow& row);

// The rows in table order, as a JSON array.
[[nodiscard]] nlohmann::json rows_json(const std::vector<domain::StandingsRow>& rows);

}  // namespace tournament
