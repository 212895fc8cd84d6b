// SQL of teams: per event, names unique without regard to case, seeds unique.
// Named statements, run inside the caller's transaction.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "domain/tournament.hpp"

namespace tournament {

struct TeamRow {
    std::int64_t id = 0;
    std::int64_t event_id = 0;
    std::string name;
    std::optional<std::string> short_name;
    std::optional<int> seed;
    std::vector<std::string> aliases;  // names people use, for the analytics questions
    std::string created_at;
    std::string updated_at;
};

namespace team_repo {

// Insert / update throw db::UniqueViolation with constraint
// teams_event_id_name_key (name taken) or teams_event_id_seed_key (seed taken).
[[nodiscard]] TeamRow insert(db::Tx& tx, const TeamRow& team);
[[nodiscard]] TeamRow update(db::Tx& tx, const TeamRow& team);

// The team if it belongs to the event; locked FOR UPDATE when `lock`.
[[nodiscard]] std::optional<TeamRow> find(db::Tx& tx, std::int64_t event_id, std::int64_t team_id,
                                          bool lock);

struct GameCounts {
    int games = 0;   // games the team is in
    int played = 0;  // of those, live or final
};
[[nodiscard]] GameCounts game_counts(db::Tx& tx, std::int64_t event_id, std::int64_t team_id);

// Throws db::ForeignKeyViolation when a game still names the team.
void remove(db::Tx& tx, std::int64_t team_id);

// Teams by id after `after_id`, at most limit + 1.
[[nodiscard]] std::vector<TeamRow> list(db::Tx& tx, std::int64_t event_id, std::int64_t after_id,
                                        int limit);

// Every team of the event as the domain sees it (id, name, seed), by id.
[[nodiscard]] std::vector<domain::Team> all(db::Tx& tx, std::int64_t event_id);

}  // namespace team_repo
}  // namespace tournament
