// SQL of integrity alerts; see alert_repository.hpp.
#include "integrity/alert_repository.hpp"

#include <limits>

#include "db/sql_utc.hpp"

namespace tournament {
namespace {

namespace ig = domain::integrity;

// The columns of an AlertRow, in read_alert's order, of the alerts row a.
#define SL_ALERT_COLUMNS                                                                    \
    "SELECT a.id, a.kind, a.severity, a.status, a.subject, a.event_id, e.name, a.game_id, " \
    "a.home_team_id, h.name, a.away_team_id, w.name, a.user_id, u.display_name, "           \
    "a.evidence::text, a.occurrences, a.version, " SCORELINE_SQL_UTC_MS(                    \
        "a.created_at") ", " SCORELINE_SQL_UTC_MS("a.updated_at")
#define SL_ALERT_JOINS                                                                     \
    " LEFT JOIN events e ON e.id = a.event_id LEFT JOIN teams h ON h.id = a.home_team_id " \
    "LEFT JOIN teams w ON w.id = a.away_team_id LEFT JOIN users u ON u.id = a.user_id "

constexpr db::Statement kFindSubjectLocked{"integrity_alert_find_subject_locked", SL_ALERT_COLUMNS
                                           " FROM alerts a" SL_ALERT_JOINS
                                           "WHERE a.kind = $1 AND a.subject = $2 FOR UPDATE OF a"};
constexpr db::Statement kInsert{
    "integrity_alert_insert",
    "WITH a AS (INSERT INTO alerts (kind, severity, subject, event_id, game_id, home_team_id, "
    "away_team_id, user_id, evidence) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb) "
    "ON CONFLICT (kind, subject) DO NOTHING RETURNING *) " SL_ALERT_COLUMNS
    " FROM a" SL_ALERT_JOINS};
constexpr db::Statement kRecur{
    "integrity_alert_recur",
    "WITH a AS (UPDATE alerts SET severity = $2, event_id = $3, game_id = $4, home_team_id = $5, "
    "away_team_id = $6, user_id = $7, evidence = $8::jsonb, status = $9, "
    "occurrences = occurrences + 1, version = version + 1 "
    "WHERE id = $1 RETURNING *) " SL_ALERT_COLUMNS " FROM a" SL_ALERT_JOINS};
constexpr db::Statement kAddTransition{
    "integrity_alert_add_transition",
    "INSERT INTO alert_transitions (alert_id, from_status, to_status, actor_id, note) "
    "VALUES ($1, $2, $3, $4, $5)"};

// The admin side. Every filter is a parameter that is NULL when unset; the
// keyset bound is always a plain `a.id < $7` (the largest id when there is no
// cursor), so each page starts with an index scan at its bound (the primary
// key, or (event_id, id) for one event) instead of rescanning from the top.
constexpr db::Statement kList{
    "integrity_alert_list", SL_ALERT_COLUMNS
    " FROM alerts a" SL_ALERT_JOINS
    "WHERE ($1::text IS NULL OR a.status = $1) AND ($2::text IS NULL OR a.kind = $2) "
    "AND ($3::text IS NULL OR a.severity = $3) AND ($4::bigint IS NULL OR a.event_id = $4) "
    "AND ($5::timestamptz IS NULL OR a.created_at >= $5) "
    "AND ($6::timestamptz IS NULL OR a.created_at < $6) AND a.id < $7 "
    "ORDER BY a.id DESC LIMIT $8"};
constexpr db::Statement kFind{"integrity_alert_find",
                              SL_ALERT_COLUMNS " FROM alerts a" SL_ALERT_JOINS "WHERE a.id = $1"};
constexpr db::Statement kFindLocked{"integrity_alert_find_locked",
                                    SL_ALERT_COLUMNS " FROM alerts a" SL_ALERT_JOINS
                                                     "WHERE a.id = $1 FOR UPDATE OF a"};
constexpr db::Statement kHistory{
    "integrity_alert_history",
    "SELECT t.from_status, t.to_status, t.actor_id, u.display_name, t.note, " SCORELINE_SQL_UTC_MS(
        "t.created_at") " FROM alert_transitions t LEFT JOIN users u ON u.id = t.actor_id "
                        "WHERE t.alert_id = $1 ORDER BY t.id"};
constexpr db::Statement kMove{
    "integrity_alert_move",
    "WITH a AS (UPDATE alerts SET status = $3, version = version + 1, updated_at = now() "
    "WHERE id = $1 AND version = $2 RETURNING *) " SL_ALERT_COLUMNS " FROM a" SL_ALERT_JOINS};

#undef SL_ALERT_JOINS
#undef SL_ALERT_COLUMNS

std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

AlertRow read_alert(const db::Result& r, int row) {
    AlertRow a;
    a.id = r.get<std::int64_t>(row, 0);
    a.kind = domain::stored(ig::parse_kind(r.text(row, 1)), "alerts.kind", r.text(row, 1));
    a.severity =
        domain::stored(ig::parse_severity(r.text(row, 2)), "alerts.severity", r.text(row, 2));
    a.status =
        domain::stored(ig::parse_alert_status(r.text(row, 3)), "alerts.status", r.text(row, 3));
    a.subject = r.get<std::string>(row, 4);
    a.event_id = r.get_opt<std::int64_t>(row, 5);
    a.event_name = r.get_opt<std::string>(row, 6);
    a.game_id = r.get_opt<std::int64_t>(row, 7);
    a.home_team_id = r.get_opt<std::int64_t>(row, 8);
    a.home_team_name = r.get_opt<std::string>(row, 9);
    a.away_team_id = r.get_opt<std::int64_t>(row, 10);
    a.away_team_name = r.get_opt<std::string>(row, 11);
    a.user_id = r.get_opt<std::int64_t>(row, 12);
    a.user_display_name = r.get_opt<std::string>(row, 13);
    a.evidence = nlohmann::json::parse(r.text(row, 14));
    a.occurrences = r.get<int>(row, 15);
    a.version = r.get<std::int64_t>(row, 16);
    a.created_at = r.get<std::string>(row, 17);
    a.updated_at = r.get<std::string>(row, 18);
    return a;
}

}  // namespace

namespace alert_repo {

std::optional<AlertRow> find_subject_locked(db::Tx& tx, ig::Kind kind, const std::string& subject) {
    const db::Result r = tx.exec(kFindSubjectLocked, ig::to_string(kind), subject);
    if (r.rows() == 0) {
        return std::nullopt;
    }
    return read_alert(r, 0);
}

std::optional<AlertRow> insert(db::Tx& tx, const AlertFinding& f) {
    const db::Result r =
        tx.exec(kInsert, ig::to_string(f.kind), ig::to_string(f.severity), f.subject, f.event_id,
                f.game_id, f.home_team_id, f.away_team_id, f.user_id, dump(f.evidence));
    if (r.rows() == 0) {
        return std::nullopt;
    }
    return read_alert(r, 0);
}

AlertRow recur(db::Tx& tx, std::int64_t id, const AlertFinding& f, ig::AlertStatus status) {
    const db::Result r =
        tx.exec(kRecur, id, ig::to_string(f.severity), f.event_id, f.game_id, f.home_team_id,
                f.away_team_id, f.user_id, dump(f.evidence), ig::to_string(status));
    return read_alert(r, 0);
}

void add_transition(db::Tx& tx, std::int64_t alert_id, std::optional<ig::AlertStatus> from,
                    ig::AlertStatus to, std::optional<std::int64_t> actor_id,
                    const std::optional<std::string>& note) {
    (void)tx.exec(kAddTransition, alert_id,
                  from ? db::Param(std::string(ig::to_string(*from))) : db::Param(nullptr),
                  ig::to_string(to), actor_id, note);
}

namespace {

template <class T>
db::Param text_or_null(const std::optional<T>& value) {
    return value ? db::Param(std::string(ig::to_string(*value))) : db::Param(nullptr);
}

std::vector<AlertRow> read_alerts(const db::Result& r) {
    std::vector<AlertRow> rows;
    rows.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        rows.push_back(read_alert(r, i));
    }
    return rows;
}

}  // namespace

std::vector<AlertRow> list(db::Tx& tx, const AlertFilter& f, std::int64_t before_id, int limit) {
    const std::int64_t bound = before_id > 0 ? before_id : std::numeric_limits<std::int64_t>::max();
    return read_alerts(tx.exec(kList, text_or_null(f.status), text_or_null(f.kind),
                               text_or_null(f.severity), f.event_id, f.from, f.to, bound,
                               std::int64_t{limit}));
}

std::vector<AlertRow> export_page(db::Tx& tx, const AlertFilter& filter, std::int64_t before_id,
                                  int page_size) {
    return list(tx, filter, before_id, page_size);
}

std::optional<AlertRow> find(db::Tx& tx, std::int64_t id, bool lock) {
    const db::Result r = tx.exec(lock ? kFindLocked : kFind, id);
    if (r.rows() == 0) {
        return std::nullopt;
    }
    return read_alert(r, 0);
}

std::vector<AlertTransitionRow> history(db::Tx& tx, std::int64_t alert_id) {
    const db::Result r = tx.exec(kHistory, alert_id);
    std::vector<AlertTransitionRow> rows;
    rows.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        AlertTransitionRow t;
        if (auto from = r.get_opt<std::string>(i, 0)) {
            t.from = domain::stored(ig::parse_alert_status(*from), "alert_transitions.from_status",
                                    *from);
        }
        t.to = domain::stored(ig::parse_alert_status(r.text(i, 1)), "alert_transitions.to_status",
                              r.text(i, 1));
        t.actor_id = r.get_opt<std::int64_t>(i, 2);
        t.actor_display_name = r.get_opt<std::string>(i, 3);
        t.note = r.get_opt<std::string>(i, 4);
        t.at = r.get<std::string>(i, 5);
        rows.push_back(std::move(t));
    }
    return rows;
}

std::optional<AlertRow> move(db::Tx& tx, std::int64_t id, std::int64_t expected_version,
                             ig::AlertStatus to) {
    const db::Result r = tx.exec(kMove, id, expected_version, ig::to_string(to));
    if (r.rows() == 0) {
        return std::nullopt;
    }
    return read_alert(r, 0);
}

}  // namespace alert_repo
}  // namespace tournament
