// SQL of games and score history; see game_repository.hpp.
#include "game/game_repository.hpp"

#include "db/sql_utc.hpp"

namespace tournament {
namespace {

// The columns of a GameRow, in read_game's order, of the games row g.
#define SL_GAME_COLUMNS \
    "SELECT g.id, g.event_id, g.round, g.home_team_id, h.name, g.away_team_id, a.name, " \
    "g.venue, " SCORELINE_SQL_UTC_S("g.starts_at") ", g.status, g.home_score, "          \
    "g.away_score, g.winner_team_id, g.next_game_id, g.next_slot, g.version, "           \
    "e.time_zone, " SCORELINE_SQL_UTC_MS("g.updated_at")
#define SL_GAME_JOINS                      \
    " JOIN events e ON e.id = g.event_id " \
    "LEFT JOIN teams h ON h.id = g.home_team_id LEFT JOIN teams a ON a.id = g.away_team_id "
#define SL_GAME_SELECT SL_GAME_COLUMNS " FROM games g" SL_GAME_JOINS

constexpr db::Statement kFind{"tour_game_find", SL_GAME_SELECT "WHERE g.id = $1"};
constexpr db::Statement kFindLocked{"tour_game_find_locked",
                                    SL_GAME_SELECT "WHERE g.id = $1 FOR UPDATE OF g"};

constexpr db::Statement kInsert{
    "tour_game_insert",
    "INSERT INTO games (event_id, round, home_team_id, away_team_id, venue, starts_at) "
    "VALUES ($1, $2, $3, $4, $5, $6::timestamptz) RETURNING id"};
constexpr db::Statement kLink{"tour_game_link",
                              "UPDATE games SET next_game_id = $2, next_slot = $3 WHERE id = $1"};
constexpr db::Statement kCounts{
    "tour_game_counts",
    "SELECT count(*), count(*) FILTER (WHERE status IN ('live', 'final')) FROM games "
    "WHERE event_id = $1"};
constexpr db::Statement kRemoveAll{"tour_game_remove_all", "DELETE FROM games WHERE event_id = $1"};

// The version guard makes concurrent updates of one version all but one miss.
// Returns the updated game as kFind does, in the same round trip.
constexpr db::Statement kUpdateScore{
    "tour_game_update_score",
    "WITH u AS (UPDATE games SET home_score = $3, away_score = $4, status = $5, "
    "winner_team_id = $6, version = version + 1 WHERE id = $1 AND version = $2 RETURNING "
    "*) " SL_GAME_COLUMNS " FROM u g" SL_GAME_JOINS};
constexpr db::Statement kUpdateDetails{
    "tour_game_update_details",
    "UPDATE games SET starts_at = $3::timestamptz, venue = $4, status = $5, "
    "version = version + 1 WHERE id = $1 AND version = $2 RETURNING version"};
#define SL_SET_SIDE                                                                \
    "home_team_id = CASE WHEN $2 = 'home' THEN $3::bigint ELSE home_team_id END, " \
    "away_team_id = CASE WHEN $2 = 'away' THEN $3::bigint ELSE away_team_id END, "
constexpr db::Statement kSetSlot{"tour_game_set_slot",
                                 "UPDATE games SET " SL_SET_SIDE
                                 "version = version + 1 WHERE id = $1 RETURNING version"};
// The status to write ($4) comes from domain::transition; $5 guards the version.
constexpr db::Statement kResetSlot{
    "tour_game_reset_slot",
    "UPDATE games SET " SL_SET_SIDE
    "status = $4, home_score = NULL, away_score = NULL, winner_team_id = NULL, "
    "version = version + 1 WHERE id = $1 AND version = $5 RETURNING version"};
#undef SL_SET_SIDE

constexpr db::Statement kList{
    "tour_game_list", SL_GAME_SELECT
    "WHERE g.event_id = $1 AND ($2::int IS NULL OR g.round = $2) "
    "AND ($3::bigint IS NULL OR g.home_team_id = $3 OR g.away_team_id = $3) "
    "AND ($4::text IS NULL OR g.status = $4) "
    "AND ($5::timestamptz IS NULL OR g.starts_at >= $5) "
    "AND ($6::timestamptz IS NULL OR g.starts_at < $6) "
    "AND (g.starts_at, g.id) > ($7::timestamptz, $8::bigint) "
    "ORDER BY g.starts_at, g.id LIMIT $9"};
constexpr db::Statement kAll{
    "tour_game_all", SL_GAME_SELECT "WHERE g.event_id = $1 ORDER BY g.round, g.starts_at, g.id"};
#undef SL_GAME_SELECT
#undef SL_GAME_JOINS
#undef SL_GAME_COLUMNS

constexpr db::Statement kFinals{
    "tour_game_finals",
    "SELECT home_team_id, away_team_id, home_score, away_score FROM games "
    "WHERE event_id = $1 AND status = 'final' ORDER BY id"};
// Live games always carry a score and both teams (games_played_check).
constexpr db::Statement kFinalsAndLive{
    "tour_game_finals_and_live",
    "SELECT home_team_id, away_team_id, home_score, away_score FROM games "
    "WHERE event_id = $1 AND status IN ('final', 'live') ORDER BY id"};
constexpr db::Statement kLockBracket{
    "tour_game_lock_bracket",
    "SELECT id, home_team_id, away_team_id, status, winner_team_id, next_game_id, next_slot "
    "FROM games WHERE event_id = $1 ORDER BY id FOR UPDATE"};

#define SL_HISTORY_COLUMNS                                                             \
    "h.id, h.game_id, h.kind, h.old_home_score, h.old_away_score, h.old_status, "      \
    "h.new_home_score, h.new_away_score, h.new_status, h.game_version, h.changed_by, " \
    "u.display_name, h.reason, " SCORELINE_SQL_UTC_MS("h.created_at")
constexpr db::Statement kRecord{
    "tour_history_insert",
    "WITH h AS (INSERT INTO score_history (game_id, kind, old_home_score, old_away_score, "
    "old_status, new_home_score, new_away_score, new_status, game_version, changed_by, reason) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *) "
    "SELECT " SL_HISTORY_COLUMNS " FROM h LEFT JOIN users u ON u.id = h.changed_by"};
constexpr db::Statement kHistory{"tour_history_list",
                                 "SELECT " SL_HISTORY_COLUMNS
                                 " FROM score_history h LEFT JOIN users u ON u.id = h.changed_by "
                                 "WHERE h.game_id = $1 AND h.id > $2 ORDER BY h.id LIMIT $3"};
#undef SL_HISTORY_COLUMNS

template <class T>
nlohmann::json or_null(const std::optional<T>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

GameRow read_game(const db::Result& r, int row) {
    GameRow g;
    g.id = r.get<std::int64_t>(row, 0);
    g.event_id = r.get<std::int64_t>(row, 1);
    g.round = r.get<int>(row, 2);
    g.home_team_id = r.get_opt<std::int64_t>(row, 3);
    g.home_team_name = r.get_opt<std::string>(row, 4);
    g.away_team_id = r.get_opt<std::int64_t>(row, 5);
    g.away_team_name = r.get_opt<std::string>(row, 6);
    g.venue = r.get_opt<std::string>(row, 7);
    g.starts_at = r.get<std::string>(row, 8);
    g.status =
        domain::stored(domain::parse_game_status(r.text(row, 9)), "games.status", r.text(row, 9));
    g.home_score = r.get_opt<int>(row, 10);
    g.away_score = r.get_opt<int>(row, 11);
    g.winner_team_id = r.get_opt<std::int64_t>(row, 12);
    g.next_game_id = r.get_opt<std::int64_t>(row, 13);
    if (auto slot = r.get_opt<std::string>(row, 14)) {
        g.next_slot = domain::stored(domain::parse_slot(*slot), "games.next_slot", *slot);
    }
    g.version = r.get<std::int64_t>(row, 15);
    g.time_zone = r.get<std::string>(row, 16);
    g.updated_at = r.get<std::string>(row, 17);
    return g;
}

std::vector<GameRow> read_games(const db::Result& r) {
    std::vector<GameRow> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back(read_game(r, i));
    }
    return out;
}

nlohmann::json read_change(const db::Result& r, int row) {
    return {{"id", r.get<std::int64_t>(row, 0)},
            {"game_id", r.get<std::int64_t>(row, 1)},
            {"kind", r.get<std::string>(row, 2)},
            {"old",
             {{"home_score", or_null(r.get_opt<int>(row, 3))},
              {"away_score", or_null(r.get_opt<int>(row, 4))},
              {"status", or_null(r.get_opt<std::string>(row, 5))}}},
            {"new",
             {{"home_score", or_null(r.get_opt<int>(row, 6))},
              {"away_score", or_null(r.get_opt<int>(row, 7))},
              {"status", r.get<std::string>(row, 8)}}},
            {"game_version", r.get<std::int64_t>(row, 9)},
            {"changed_by", or_null(r.get_opt<std::int64_t>(row, 10))},
            {"changed_by_name", or_null(r.get_opt<std::string>(row, 11))},
            {"reason", or_null(r.get_opt<std::string>(row, 12))},
            {"created_at", r.get<std::string>(row, 13)}};
}

// Rows of (home_team_id, away_team_id, home_score, away_score).
std::vector<domain::FinalScore> read_scores(const db::Result& r) {
    std::vector<domain::FinalScore> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({r.get<std::int64_t>(i, 0), r.get<std::int64_t>(i, 1), r.get<int>(i, 2),
                       r.get<int>(i, 3)});
    }
    return out;
}

}  // namespace

namespace game_repo {

std::optional<GameRow> find(db::Tx& tx, std::int64_t game_id, bool lock) {
    db::Result r = tx.exec(lock ? kFindLocked : kFind, game_id);
    if (r.empty()) {
        return std::nullopt;
    }
    return read_game(r, 0);
}

std::int64_t insert(db::Tx& tx, const NewGame& g) {
    return tx
        .exec(kInsert, g.event_id, g.round, g.home_team_id, g.away_team_id, g.venue, g.starts_at)
        .get<std::int64_t>(0, 0);
}

void link(db::Tx& tx, std::int64_t game_id, std::int64_t next_game_id, domain::Slot slot) {
    (void)tx.exec(kLink, game_id, next_game_id, domain::to_string(slot));
}

GameCounts counts(db::Tx& tx, std::int64_t event_id) {
    db::Result r = tx.exec(kCounts, event_id);
    return {r.get<int>(0, 0), r.get<int>(0, 1)};
}

void remove_all(db::Tx& tx, std::int64_t event_id) {
    (void)tx.exec(kRemoveAll, event_id);
}

std::optional<GameRow> update_score(db::Tx& tx, std::int64_t game_id, std::int64_t expected_version,
                                    int home_score, int away_score, domain::GameStatus status,
                                    std::optional<std::int64_t> winner) {
    db::Result r = tx.exec(kUpdateScore, game_id, expected_version, home_score, away_score,
                           domain::to_string(status), winner);
    if (r.empty()) {
        return std::nullopt;
    }
    return read_game(r, 0);
}

namespace {

std::optional<std::int64_t> version_of(const db::Result& r) {
    if (r.empty()) {
        return std::nullopt;
    }
    return r.get<std::int64_t>(0, 0);
}

}  // namespace

std::optional<std::int64_t> update_details(db::Tx& tx, std::int64_t game_id,
                                           std::int64_t expected_version,
                                           const std::string& starts_at,
                                           const std::optional<std::string>& venue,
                                           domain::GameStatus status) {
    return version_of(tx.exec(kUpdateDetails, game_id, expected_version, starts_at, venue,
                              domain::to_string(status)));
}

std::int64_t set_slot(db::Tx& tx, std::int64_t game_id, domain::Slot slot,
                      std::optional<std::int64_t> team) {
    return tx.exec(kSetSlot, game_id, domain::to_string(slot), team).get<std::int64_t>(0, 0);
}

std::optional<std::int64_t> reset_slot(db::Tx& tx, std::int64_t game_id,
                                       std::int64_t expected_version, domain::Slot slot,
                                       std::optional<std::int64_t> team,
                                       domain::GameStatus status) {
    return version_of(tx.exec(kResetSlot, game_id, domain::to_string(slot), team,
                              domain::to_string(status), expected_version));
}

std::vector<GameRow> list(db::Tx& tx, const GameFilter& f) {
    return read_games(tx.exec(kList, f.event_id, f.round, f.team_id, f.status, f.from, f.to,
                              f.after_starts_at, f.after_id, f.limit + 1));
}

std::vector<GameRow> all(db::Tx& tx, std::int64_t event_id) {
    return read_games(tx.exec(kAll, event_id));
}

std::vector<domain::FinalScore> finals(db::Tx& tx, std::int64_t event_id) {
    return read_scores(tx.exec(kFinals, event_id));
}

std::vector<domain::FinalScore> finals_and_live(db::Tx& tx, std::int64_t event_id) {
    return read_scores(tx.exec(kFinalsAndLive, event_id));
}

std::vector<domain::BracketGame> lock_bracket(db::Tx& tx, std::int64_t event_id) {
    db::Result r = tx.exec(kLockBracket, event_id);
    std::vector<domain::BracketGame> out;
    for (int i = 0; i < r.rows(); ++i) {
        domain::BracketGame g;
        g.id = r.get<std::int64_t>(i, 0);
        g.home = r.get_opt<std::int64_t>(i, 1);
        g.away = r.get_opt<std::int64_t>(i, 2);
        g.status =
            domain::stored(domain::parse_game_status(r.text(i, 3)), "games.status", r.text(i, 3));
        g.winner = r.get_opt<std::int64_t>(i, 4);
        g.next_game = r.get_opt<std::int64_t>(i, 5);
        if (auto slot = r.get_opt<std::string>(i, 6)) {
            g.next_slot = domain::stored(domain::parse_slot(*slot), "games.next_slot", *slot);
        }
        out.push_back(g);
    }
    return out;
}

nlohmann::json record_change(db::Tx& tx, const ScoreChange& c) {
    db::Result r = tx.exec(kRecord, c.game_id, c.kind, c.old_home, c.old_away,
                           domain::to_string(c.old_status), c.new_home, c.new_away,
                           domain::to_string(c.new_status), c.game_version, c.changed_by, c.reason);
    return read_change(r, 0);
}

nlohmann::json history(db::Tx& tx, std::int64_t game_id, std::int64_t after_id, int limit) {
    db::Result r = tx.exec(kHistory, game_id, after_id, limit + 1);
    nlohmann::json items = nlohmann::json::array();
    for (int i = 0; i < r.rows(); ++i) {
        items.push_back(read_change(r, i));
    }
    return items;
}

}  // namespace game_repo
}  // namespace tournament
