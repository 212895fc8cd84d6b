// SQL of teams; see team_repository.hpp.
#include "team/team_repository.hpp"

#include "db/sql_utc.hpp"

namespace tournament {
namespace {

#define SL_TEAM_COLUMNS                                            \
    "id, event_id, name, short_name, seed, " SCORELINE_SQL_UTC_MS( \
        "created_at") ", " SCORELINE_SQL_UTC_MS("updated_at") ", array_to_json(aliases)::text"
// The aliases travel as a JSON array of strings ($5).
#define SL_TEAM_ALIASES "ARRAY(SELECT json_array_elements_text($5::json))"

constexpr db::Statement kInsert{"tour_team_insert",
                                "INSERT INTO teams (event_id, name, short_name, seed, aliases) "
                                "VALUES ($1, $2, $3, $4, " SL_TEAM_ALIASES
                                ") RETURNING " SL_TEAM_COLUMNS};
constexpr db::Statement kUpdate{"tour_team_update",
                                "UPDATE teams SET name = $2, short_name = $3, seed = $4, "
                                "aliases = " SL_TEAM_ALIASES
                                " WHERE id = $1 RETURNING " SL_TEAM_COLUMNS};
constexpr db::Statement kFind{
    "tour_team_find", "SELECT " SL_TEAM_COLUMNS " FROM teams WHERE event_id = $1 AND id = $2"};
constexpr db::Statement kFindLocked{"tour_team_find_locked",
                                    "SELECT " SL_TEAM_COLUMNS
                                    " FROM teams WHERE event_id = $1 AND id = $2 FOR UPDATE"};
constexpr db::Statement kGameCounts{
    "tour_team_game_counts",
    "SELECT count(*), count(*) FILTER (WHERE status IN ('live', 'final')) FROM games "
    "WHERE event_id = $1 AND (home_team_id = $2 OR away_team_id = $2)"};
constexpr db::Statement kDelete{"tour_team_delete", "DELETE FROM teams WHERE id = $1"};
constexpr db::Statement kList{"tour_team_list", "SELECT " SL_TEAM_COLUMNS
                                                " FROM teams WHERE event_id = $1 "
                                                "AND id > $2 ORDER BY id LIMIT $3"};
constexpr db::Statement kAll{"tour_team_all",
                             "SELECT id, name, seed FROM teams WHERE event_id = $1 ORDER BY id"};
#undef SL_TEAM_ALIASES
#undef SL_TEAM_COLUMNS

TeamRow read_team(const db::Result& r, int row) {
    TeamRow t;
    t.id = r.get<std::int64_t>(row, 0);
    t.event_id = r.get<std::int64_t>(row, 1);
    t.name = r.get<std::string>(row, 2);
    t.short_name = r.get_opt<std::string>(row, 3);
    t.seed = r.get_opt<int>(row, 4);
    t.created_at = r.get<std::string>(row, 5);
    t.updated_at = r.get<std::string>(row, 6);
    t.aliases = nlohmann::json::parse(r.text(row, 7)).get<std::vector<std::string>>();
    return t;
}

}  // namespace

namespace team_repo {

TeamRow insert(db::Tx& tx, const TeamRow& t) {
    return read_team(tx.exec(kInsert, t.event_id, t.name, t.short_name, t.seed,
                             nlohmann::json(t.aliases).dump()),
                     0);
}

TeamRow update(db::Tx& tx, const TeamRow& t) {
    return read_team(
        tx.exec(kUpdate, t.id, t.name, t.short_name, t.seed, nlohmann::json(t.aliases).dump()), 0);
}

std::optional<TeamRow> find(db::Tx& tx, std::int64_t event_id, std::int64_t team_id, bool lock) {
    db::Result r = tx.exec(lock ? kFindLocked : kFind, event_id, team_id);
    if (r.empty()) {
        return std::nullopt;
    }
    return read_team(r, 0);
}

GameCounts game_counts(db::Tx& tx, std::int64_t event_id, std::int64_t team_id) {
    db::Result r = tx.exec(kGameCounts, event_id, team_id);
    return {r.get<int>(0, 0), r.get<int>(0, 1)};
}

void remove(db::Tx& tx, std::int64_t team_id) {
    (void)tx.exec(kDelete, team_id);
}

std::vector<TeamRow> list(db::Tx& tx, std::int64_t event_id, std::int64_t after_id, int limit) {
    db::Result r = tx.exec(kList, event_id, after_id, limit + 1);
    std::vector<TeamRow> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back(read_team(r, i));
    }
    return out;
}

std::vector<domain::Team> all(db::Tx& tx, std::int64_t event_id) {
    db::Result r = tx.exec(kAll, event_id);
    std::vector<domain::Team> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({r.get<std::int64_t>(i, 0), r.get<std::string>(i, 1), r.get_opt<int>(i, 2)});
    }
    return out;
}

}  // namespace team_repo
}  // namespace tournament
