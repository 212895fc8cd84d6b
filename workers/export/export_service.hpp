// GET /events/{id}/export?format=csv|json: the event's games and results as
// a download, read from one snapshot. CSV: one record per game with a header
// row (csv_writer.hpp for the escaping). JSON: {event, teams, games, standings}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/caller.hpp"
#include "db/connection.hpp"

namespace tournament {

struct ExportFile {
    std::string content_type;
    std::string filename;  // e.g. premier-league-2011-12-games.csv
    std::string body;
};

// `format` is "csv" or "json" (checked by the caller).
[[nodiscard]] ExportFile export_event(db::Connection& conn, const Caller& caller,
                                      std::int64_t event_id, std::string_view format);

// The CSV header, in column order.
inline constexpr std::string_view kExportColumns[] = {
    "game_id",   "round",     "starts_at",  "venue",      "status",
    "home_team", "away_team", "home_score", "away_score", "winner_team"};

}  // namespace tournament
