// SQL of the analytics questions; see analytics_repository.hpp.
#include "analytics/analytics_repository.hpp"

#include <nlohmann/json.hpp>

#include "db/sql_utc.hpp"

namespace tournament {
namespace {

// The event, the caller's membership and every team as one JSON array: the
// catalogue of a question in one round trip.
constexpr db::Statement kEvent{
    "analytics_event",
    "SELECT e.id, e.name, e.slug, e.sport, e.status, m.role, e.format, e.points_win, "
    "e.points_draw, e.points_loss, array_to_json(e.tiebreakers)::text, "
    "(SELECT coalesce(json_agg(json_build_object('id', t.id, 'name', t.name, 'short_name', "
    "t.short_name, 'aliases', t.aliases) ORDER BY t.id), '[]'::json) "
    "FROM teams t WHERE t.event_id = e.id)::text "
    "FROM events e LEFT JOIN event_members m ON m.event_id = e.id AND m.user_id = $2 "
    "WHERE e.id = $1"};
constexpr db::Statement kPublicEvents{"analytics_public_events",
                                      "SELECT id, name, slug, sport FROM events "
                                      "WHERE status <> 'draft' ORDER BY id LIMIT $1"};
constexpr db::Statement kGames{
    "analytics_games",
    "SELECT g.id, g.round, " SCORELINE_SQL_UTC_S("g.starts_at") ", g.status, g.home_team_id, "
    "g.away_team_id, g.home_score, g.away_score FROM games g JOIN events e ON e.id = g.event_id "
    "WHERE g.event_id = $1 "
    "AND ($2::bigint IS NULL OR g.home_team_id = $2 OR g.away_team_id = $2) "
    "AND ($3::bigint IS NULL OR g.home_team_id = $3 OR g.away_team_id = $3) "
    "AND ($4::int IS NULL OR g.round = $4) "
    "AND ($5::int IS NULL OR extract(month FROM g.starts_at AT TIME ZONE e.time_zone) = $5) "
    "AND ($6::text IS NULL "
    "OR ($6 = 'today' AND (g.starts_at AT TIME ZONE e.time_zone)::date = "
    "(now() AT TIME ZONE e.time_zone)::date) "
    "OR ($6 = 'this_week' AND date_trunc('week', g.starts_at AT TIME ZONE e.time_zone) = "
    "date_trunc('week', now() AT TIME ZONE e.time_zone))) "
    "AND (NOT $7::boolean OR g.status = 'final') "
    "ORDER BY g.starts_at, g.id"};

}  // namespace

namespace analytics_repo {

std::optional<AnalyticsEvent> event(db::Tx& tx, std::int64_t event_id,
                                    std::optional<std::int64_t> user_id) {
    db::Result r = tx.exec(kEvent, event_id, user_id);
    if (r.empty()) {
        return std::nullopt;
    }
    AnalyticsEvent e;
    e.event.id = r.get<std::int64_t>(0, 0);
    e.event.name = r.get<std::string>(0, 1);
    e.event.slug = r.get<std::string>(0, 2);
    e.event.sport = r.get<std::string>(0, 3);
    e.draft = r.text(0, 4) == "draft";
    if (auto role = r.get_opt<std::string>(0, 5)) {
        e.role = domain::stored(authz::parse_event_role(*role), "event_members.role", *role);
    }
    e.format = domain::stored(domain::parse_format(r.text(0, 6)), "events.format", r.text(0, 6));
    e.points.win = r.get<int>(0, 7);
    e.points.draw = r.get<int>(0, 8);
    e.points.loss = r.get<int>(0, 9);
    e.tiebreakers = nlohmann::json::parse(r.text(0, 10)).get<std::vector<std::string>>();
    for (const auto& t : nlohmann::json::parse(r.text(0, 11))) {
        domain::analytics::CatalogueTeam team;
        team.id = t.at("id").get<std::int64_t>();
        team.event_id = e.event.id;
        team.name = t.at("name").get<std::string>();
        if (t.at("short_name").is_string()) {
            team.short_name = t.at("short_name").get<std::string>();
        }
        team.aliases = t.at("aliases").get<std::vector<std::string>>();
        e.teams.push_back(std::move(team));
    }
    return e;
}

std::vector<domain::analytics::CatalogueEvent> public_events(db::Tx& tx, int limit) {
    db::Result r = tx.exec(kPublicEvents, limit);
    std::vector<domain::analytics::CatalogueEvent> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({r.get<std::int64_t>(i, 0), r.get<std::string>(i, 1),
                       r.get<std::string>(i, 2), r.get<std::string>(i, 3)});
    }
    return out;
}

std::vector<AnalyticsGame> games(db::Tx& tx, std::int64_t event_id, const GameFilter& f) {
    db::Result r =
        tx.exec(kGames, event_id, f.team, f.other, f.round, f.month, f.period, f.finals_only);
    std::vector<AnalyticsGame> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        AnalyticsGame g;
        g.id = r.get<std::int64_t>(i, 0);
        g.round = r.get<int>(i, 1);
        g.starts_at = r.get<std::string>(i, 2);
        g.status = r.get<std::string>(i, 3);
        g.home = r.get_opt<std::int64_t>(i, 4);
        g.away = r.get_opt<std::int64_t>(i, 5);
        g.home_score = r.get_opt<int>(i, 6);
        g.away_score = r.get_opt<int>(i, 7);
        out.push_back(std::move(g));
    }
    return out;
}

}  // namespace analytics_repo
}  // namespace tournament
