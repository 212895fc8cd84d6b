// The JSON of an integrity alert, one shape for every reader: the admin
// routes, the alert.created / alert.updated payloads of the admin stream, the
// alert.* audit rows and the NDJSON export. Pure; any thread.
#pragma once

#include <nlohmann/json.hpp>

#include "integrity/alert_repository.hpp"

namespace tournament {

// {id, kind, severity, status, event_id, event_name, game_id, home_team_id,
// home_team_name, away_team_id, away_team_name, user_id, user_display_name,
// evidence, occurrences, version, created_at, updated_at}
[[nodiscard]] nlohmann::json to_json(const AlertRow& alert);

}  // namespace tournament
