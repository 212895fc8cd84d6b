// SQL of integrity alerts; see alert_repository.hpp.
#include "integrity/alert_repository.hpp"

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

}  // namespace alert_repo
}  // namespace tournament
