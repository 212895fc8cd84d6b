// SQL of standings; see standings_repository.hpp.
#include "standings/standings_repository.hpp"

#include <string>

namespace tournament::standings_repo {
namespace {

constexpr db::Statement kBump{
    "tour_standings_bump",
    "INSERT INTO standings_versions (event_id, version) VALUES ($1, 1) "
    "ON CONFLICT (event_id) DO UPDATE SET version = standings_versions.version + 1, "
    "updated_at = now() RETURNING version"};
constexpr db::Statement kVersion{"tour_standings_version",
                                 "SELECT version FROM standings_versions WHERE event_id = $1"};
// One statement for the whole table: the columns travel as arrays.
constexpr db::Statement kStore{
    "tour_standings_store",
    "INSERT INTO standings (event_id, team_id, played, won, drawn, lost, goals_for, "
    "goals_against, away_goals_for, points, rank) "
    "SELECT $1, t.team_id, t.played, t.won, t.drawn, t.lost, t.gf, t.ga, t.agf, t.points, t.rank "
    "FROM unnest($2::bigint[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], "
    "$8::int[], $9::int[], $10::int[], $11::int[]) "
    "AS t(team_id, played, won, drawn, lost, gf, ga, agf, points, rank) "
    "ON CONFLICT (event_id, team_id) DO UPDATE SET played = EXCLUDED.played, "
    "won = EXCLUDED.won, drawn = EXCLUDED.drawn, lost = EXCLUDED.lost, "
    "goals_for = EXCLUDED.goals_for, goals_against = EXCLUDED.goals_against, "
    "away_goals_for = EXCLUDED.away_goals_for, points = EXCLUDED.points, rank = EXCLUDED.rank, "
    "updated_at = now()"};
constexpr db::Statement kClear{"tour_standings_clear", "DELETE FROM standings WHERE event_id = $1"};
constexpr db::Statement kRows{
    "tour_standings_rows",
    "SELECT s.rank, s.team_id, t.name, s.played, s.won, s.drawn, s.lost, s.goals_for, "
    "s.goals_against, s.points, s.away_goals_for FROM standings s "
    "JOIN teams t ON t.id = s.team_id WHERE s.event_id = $1 "
    "ORDER BY s.rank NULLS LAST, lower(t.name), t.id"};

// "{1,2,3}": a PostgreSQL array literal of integers (sent as a parameter).
template <class F>
std::string int_array(std::span<const domain::StandingsRow> rows, F field) {
    std::string out = "{";
    for (const auto& row : rows) {
        if (out.size() > 1) {
            out += ',';
        }
        out += std::to_string(field(row));
    }
    out += '}';
    return out;
}

}  // namespace

std::int64_t bump_version(db::Tx& tx, std::int64_t event_id) {
    return tx.exec(kBump, event_id).get<std::int64_t>(0, 0);
}

std::int64_t version(db::Tx& tx, std::int64_t event_id) {
    db::Result r = tx.exec(kVersion, event_id);
    return r.empty() ? 0 : r.get<std::int64_t>(0, 0);
}

void store(db::Tx& tx, std::int64_t event_id, std::span<const domain::StandingsRow> rows) {
    using Row = domain::StandingsRow;
    (void)tx.exec(kStore, event_id, int_array(rows, [](const Row& r) { return r.team_id; }),
                  int_array(rows, [](const Row& r) { return r.played; }),
                  int_array(rows, [](const Row& r) { return r.won; }),
                  int_array(rows, [](const Row& r) { return r.drawn; }),
                  int_array(rows, [](const Row& r) { return r.lost; }),
                  int_array(rows, [](const Row& r) { return r.goals_for; }),
                  int_array(rows, [](const Row& r) { return r.goals_against; }),
                  int_array(rows, [](const Row& r) { return r.away_goals_for; }),
                  int_array(rows, [](const Row& r) { return r.points; }),
                  int_array(rows, [](const Row& r) { return r.rank; }));
}

void clear(db::Tx& tx, std::int64_t event_id) {
    (void)tx.exec(kClear, event_id);
}

std::vector<domain::StandingsRow> rows(db::Tx& tx, std::int64_t event_id) {
    db::Result r = tx.exec(kRows, event_id);
    std::vector<domain::StandingsRow> out;
    for (int i = 0; i < r.rows(); ++i) {
        domain::StandingsRow row;
        row.rank = r.get_opt<int>(i, 0).value_or(0);
        row.team_id = r.get<std::int64_t>(i, 1);
        row.team_name = r.get<std::string>(i, 2);
        row.played = r.get<int>(i, 3);
        row.won = r.get<int>(i, 4);
        row.drawn = r.get<int>(i, 5);
        row.lost = r.get<int>(i, 6);
        row.goals_for = r.get<int>(i, 7);
        row.goals_against = r.get<int>(i, 8);
        row.goal_difference = row.goals_for - row.goals_against;
        row.points = r.get<int>(i, 9);
        row.away_goals_for = r.get<int>(i, 10);
        out.push_back(std::move(row));
    }
    return out;
}

}  // namespace tournament::standings_repo
