// Standings of an event: recomputed from its final games with
// domain::compute_standings inside the transaction of every change that can
// move them (a game going final, a correction, a team added, renamed or
// removed, the points or tiebreakers changed), stored, versioned, and
// published to the outbox as standings.updated. Knockout events have no table.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "common/caller.hpp"
#include "db/connection.hpp"

namespace tournament {

// {event_id, version, format, rows:[{rank, team_id, team_name, played, won,
// drawn, lost, goals_for, goals_against, goal_difference, points, away_goals_for}]}
struct StandingsView {
    std::int64_t version = 0;
    nlohmann::json body;
};

// Recomputes and stores the event's table in `tx`, bumps its version and
// writes the standings.updated outbox row. Returns the new table.
StandingsView refresh_standings(db::Tx& tx, std::int64_t event_id);

// The stored table, for GET /events/{id}/standings (404 for a hidden draft).
[[nodiscard]] StandingsView read_standings(db::Connection& conn, const Caller& caller,
                                           std::int64_t event_id);

// The live table, for GET /events/{id}/standings?live=true: the final games
// and the live ones as they stand, ranked like the official table, computed
// on each read and never stored or published. The body is the official
// table's shape plus "live": true; its version is the official table's (a
// live score changes the body, not the version).
[[nodiscard]] StandingsView read_live_standings(db::Connection& conn, const Caller& caller,
                                                std::int64_t event_id);

}  // namespace tournament
