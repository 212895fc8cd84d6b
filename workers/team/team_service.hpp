// Teams of an event: organizers (and admins) add, rename, re-seed and remove
// them; anyone who may read the event lists them. Names are unique per event
// without regard to case (409), seeds too; a team that is in a game cannot be
// removed (409). Every change refreshes the event's standings and writes the
// audit log and the outbox (team.updated / team.deleted).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/caller.hpp"
#include "db/connection.hpp"
#include "event/event_service.hpp"
#include "team/team_repository.hpp"

namespace tournament {

struct TeamInput {
    std::string name;
    std::optional<std::string> short_name;
    std::optional<int> seed;
    std::vector<std::string> aliases;
};

struct TeamPatch {
    std::optional<std::string> name;
    bool short_name_set = false;  // set: short_name replaces the old one (null clears)
    std::optional<std::string> short_name;
    bool seed_set = false;
    std::optional<int> seed;
    std::optional<std::vector<std::string>> aliases;  // set: replaces the old ones
};

[[nodiscard]] TeamRow create_team_in(db::Tx& tx, const Caller& caller, std::int64_t event_id,
                                     const TeamInput& input);
[[nodiscard]] TeamRow create_team(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                                  const TeamInput& input);
[[nodiscard]] TeamRow update_team(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                                  std::int64_t team_id, const TeamPatch& patch);
void delete_team(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                 std::int64_t team_id);
[[nodiscard]] Page list_teams(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                              const std::optional<std::string>& cursor, int limit);

}  // namespace tournament
