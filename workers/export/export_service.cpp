// Event exports; see export_service.hpp.
#include "export/export_service.hpp"

#include "common/event_access.hpp"
#include "domain/format_rules.hpp"
#include "event/event_view.hpp"
#include "export/csv_writer.hpp"
#include "game/game_repository.hpp"
#include "game/game_view.hpp"
#include "standings/standings_repository.hpp"
#include "standings/standings_view.hpp"
#include "team/team_repository.hpp"
#include "team/team_view.hpp"

namespace tournament {
namespace {

std::string csv_of(const std::vector<GameRow>& games) {
    CsvWriter csv;
    for (std::string_view column : kExportColumns) {
        csv.add(column);
    }
    csv.end_row();
    auto optional_int = [&](const std::optional<int>& v) {
        if (v) {
            csv.add(static_cast<std::int64_t>(*v));
        } else {
            csv.add_empty();
        }
    };
    for (const GameRow& g : games) {
        csv.add(g.id).add(static_cast<std::int64_t>(g.round)).add(g.starts_at);
        csv.add(g.venue.value_or("")).add(domain::to_string(g.status));
        csv.add(g.home_team_name.value_or("")).add(g.away_team_name.value_or(""));
        optional_int(g.home_score);
        optional_int(g.away_score);
        std::string winner;
        if (g.winner_team_id && g.winner_team_id == g.home_team_id) {
            winner = g.home_team_name.value_or("");
        } else if (g.winner_team_id && g.winner_team_id == g.away_team_id) {
            winner = g.away_team_name.value_or("");
        }
        csv.add(winner);
        csv.end_row();
    }
    return csv.text();
}

}  // namespace

ExportFile export_event(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                        std::string_view format) {
    return db::with_retry(
        conn, caller.attempts,
        [&](db::Tx& tx) {
            const EventAccess access =
                require_event(tx, caller, event_id, authz::Action::kReadEvent);
            const EventRow event = *event_repo::find(tx, event_id);
            const std::vector<GameRow> games = game_repo::all(tx, event_id);
            ExportFile file;
            if (format == "csv") {
                file.content_type = "text/csv; charset=utf-8; header=present";
                file.filename = event.slug + "-games.csv";
                file.body = csv_of(games);
                return file;
            }
            nlohmann::json teams = nlohmann::json::array();
            for (const TeamRow& t : team_repo::list(tx, event_id, 0, 1 << 20)) {
                teams.push_back(to_json(t));
            }
            nlohmann::json game_items = nlohmann::json::array();
            for (const GameRow& g : games) {
                game_items.push_back(to_json(g));
            }
            // The rows as GET /events/{id}/standings shows them (the contract).
            const nlohmann::json rows = rows_json(domain::rules_of(access.format).keeps_standings
                                                      ? standings_repo::rows(tx, event_id)
                                                      : std::vector<domain::StandingsRow>{});
            const nlohmann::json body = {
                {"event", to_json(event)},
                {"teams", teams},
                {"games", game_items},
                {"standings",
                 {{"version", standings_repo::version(tx, event_id)}, {"rows", rows}}}};
            file.content_type = "application/json";
            file.filename = event.slug + ".json";
            file.body = body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
            return file;
        },
        db::Isolation::kRepeatableRead);
}

}  // namespace tournament
