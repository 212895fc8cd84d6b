// The JSON of a team, one shape for every reader: the REST bodies of teams,
// the team.* audit rows and outbox payloads and the "teams" of the JSON
// export all write it here. Pure; any thread.
#pragma once

#include <nlohmann/json.hpp>

#include "team/team_repository.hpp"

namespace tournament {

// {id, event_id, name, short_name, seed, created_at, updated_at}
[[nodiscard]] nlohmann::json to_json(const TeamRow& team);

}  // namespace tournament
