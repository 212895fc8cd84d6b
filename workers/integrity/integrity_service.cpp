// Integrity checks of a score write; see integrity_service.hpp.
#include "integrity/integrity_service.hpp"

#include "audit/audit_repository.hpp"
#include "integrity/alert_repository.hpp"
#include "integrity/alert_view.hpp"
#include "outbox/outbox_repository.hpp"

namespace tournament::integrity {
namespace {

namespace ig = domain::integrity;

// The event's other final games in the order played (elo, the event's margins).
constexpr db::Statement kEventFinals{
    "integrity_event_finals",
    "SELECT id, home_team_id, away_team_id, home_score, away_score, "
    "extract(epoch FROM starts_at)::bigint FROM games "
    "WHERE event_id = $1 AND status = 'final' AND id <> $2 ORDER BY starts_at, id"};
// The absolute margins of the sport's latest 5,000 final games in every
// event, this game excluded: games_final_id_idx read backwards, stopping
// there. The limit is a constant so that the generic plan of the prepared
// statement serves every execution (a parameter there made PostgreSQL plan
// each execution afresh).
constexpr db::Statement kSportMargins{
    "integrity_sport_margins",
    "SELECT abs(s.home_score - s.away_score), count(*) FROM (SELECT g.home_score, g.away_score "
    "FROM games g JOIN events e ON e.id = g.event_id "
    "WHERE e.sport = $1 AND g.status = 'final' AND g.id <> $2 ORDER BY g.id DESC LIMIT 5000) s "
    "GROUP BY 1"};
// The clock (the transaction's), the game's start, the event's sport, the
// game's corrections within $3 seconds, and of the writer's last $5 score
// writes those within $4 seconds with the events they touched. At most 64
// rows are read through score_history_changed_by_idx, whatever the write
// rate (burst_writes is at most 64), and that bound is a constant, not $5,
// so the generic plan serves every execution: with LIMIT $5 PostgreSQL
// planned each execution afresh, which cost a quarter of the score writes'
// throughput at 64 connections (docs/performance.md). This write's history
// row is already in score_history, so each count includes it.
constexpr db::Statement kFacts{
    "integrity_write_facts",
    "SELECT extract(epoch FROM now())::bigint, extract(epoch FROM g.starts_at)::bigint, e.sport, "
    "(SELECT count(*) FROM score_history h WHERE h.game_id = g.id AND h.kind = 'correction' "
    "AND h.created_at > now() - make_interval(secs => $3)), w.writes, w.events "
    "FROM games g JOIN events e ON e.id = g.event_id, "
    "LATERAL (SELECT count(*) AS writes, count(DISTINCT wg.event_id) AS events "
    "FROM (SELECT h.game_id, row_number() OVER (ORDER BY h.created_at DESC) AS rank "
    "FROM score_history h "
    "WHERE $2::bigint IS NOT NULL AND h.changed_by = $2 AND h.kind IN ('update', 'correction') "
    "AND h.created_at > now() - make_interval(secs => $4) ORDER BY h.created_at DESC LIMIT 64) r "
    "JOIN games wg ON wg.id = r.game_id WHERE r.rank <= $5) w "
    "WHERE g.id = $1"};

const ig::Thresholds& thresholds_of(const Caller& caller) {
    static const ig::Thresholds defaults;
    return caller.integrity ? *caller.integrity : defaults;
}

ig::WriteFacts read_facts(db::Tx& tx, const Caller& caller, const ig::Thresholds& t,
                          ig::WriteKind kind, const GameRow& before, const GameRow& after) {
    ig::WriteFacts f;
    f.kind = kind;
    f.game_id = after.id;
    f.home_team = after.home_team_id.value_or(0);
    f.away_team = after.away_team_id.value_or(0);
    f.from = before.status;
    f.to = after.status;
    f.home = after.home_score.value_or(0);
    f.away = after.away_score.value_or(0);
    const db::Result r = tx.exec(kFacts, after.id, caller.user_id(), t.corrections_window_s,
                                 t.burst_window_s, t.burst_writes);
    f.now_s = r.get<std::int64_t>(0, 0);
    f.starts_at_s = r.get<std::int64_t>(0, 1);
    f.sport = r.get<std::string>(0, 2);
    f.corrections_in_window = r.get<int>(0, 3);
    f.user_writes_in_window = r.get<int>(0, 4);
    f.user_events_in_window = r.get<int>(0, 5);
    if (after.status == domain::GameStatus::kFinal) {
        const db::Result finals = tx.exec(kEventFinals, after.event_id, after.id);
        f.event_finals.reserve(static_cast<std::size_t>(finals.rows()));
        for (int i = 0; i < finals.rows(); ++i) {
            f.event_finals.push_back({finals.get<std::int64_t>(i, 0),
                                      finals.get<std::int64_t>(i, 1),
                                      finals.get<std::int64_t>(i, 2), finals.get<int>(i, 3),
                                      finals.get<int>(i, 4), finals.get<std::int64_t>(i, 5)});
        }
        const db::Result margins = tx.exec(kSportMargins, f.sport, after.id);
        f.sport_margins.reserve(static_cast<std::size_t>(margins.rows()));
        for (int i = 0; i < margins.rows(); ++i) {
            f.sport_margins.push_back({margins.get<int>(i, 0), margins.get<std::int64_t>(i, 1)});
        }
    }
    return f;
}

nlohmann::json evidence_json(const std::vector<ig::EvidenceItem>& items) {
    nlohmann::json j = nlohmann::json::object();
    for (const ig::EvidenceItem& item : items) {
        std::visit([&](const auto& v) { j[item.name] = v; }, item.value);
    }
    return j;
}

nlohmann::json status_json(const AlertRow& a) {
    return {{"status", ig::to_string(a.status)}, {"version", a.version}};
}

// Stores one finding: a new alert (alert.created), or the existing one of
// its kind and subject with the new evidence; reopened (alert.updated) if it
// was resolved. Returns whether the alert is new or reopened.
bool store(db::Tx& tx, const Caller& caller, const AlertFinding& finding) {
    std::optional<AlertRow> existing =
        alert_repo::find_subject_locked(tx, finding.kind, finding.subject);
    if (!existing) {
        if (const auto created = alert_repo::insert(tx, finding)) {
            alert_repo::add_transition(
                tx, created->id, std::nullopt, created->status, caller.user_id(),
                "raised by the score write of game " + std::to_string(finding.game_id));
            audit::record(tx, caller.origin,
                          {caller.user_id(), "alert.created", "alert", created->id, std::nullopt,
                           status_json(*created)});
            outbox::publish_admin(tx, "alert.created", "alert", to_json(*created));
            return true;
        }
        // A concurrent write inserted it first; ours is a recurrence.
        existing = alert_repo::find_subject_locked(tx, finding.kind, finding.subject);
    }
    const ig::AlertStatus status = ig::on_recurrence(existing->status);
    const AlertRow updated = alert_repo::recur(tx, existing->id, finding, status);
    if (status == existing->status) {
        // New evidence only: no status change, nothing for the admin stream
        // (a game's every live update could otherwise repeat its alert).
        return false;
    }
    alert_repo::add_transition(tx, updated.id, existing->status, status, caller.user_id(),
                               "reopened: the cause recurred in the score write of game " +
                                   std::to_string(finding.game_id));
    audit::record(tx, caller.origin,
                  {caller.user_id(), "alert.reopened", "alert", updated.id, status_json(*existing),
                   status_json(updated)});
    outbox::publish_admin(tx, "alert.updated", "alert", to_json(updated));
    return true;
}

}  // namespace

std::vector<ig::Kind> check_write(db::Tx& tx, const Caller& caller, const EventAccess& access,
                                  ig::WriteKind kind, const GameRow& before, const GameRow& after) {
    std::vector<ig::Kind> raised;
    if (!after.home_score || !after.away_score) {
        return raised;  // no score was written
    }
    const ig::Thresholds& t = thresholds_of(caller);
    ig::WriteFacts facts = read_facts(tx, caller, t, kind, before, after);
    facts.event_completed = access.status == domain::EventStatus::kCompleted;
    for (ig::Finding& found : ig::detect(facts, t)) {
        AlertFinding finding;
        finding.kind = found.kind;
        finding.severity = found.severity;
        if (ig::subject_of(found.kind) == ig::Subject::kUser) {
            if (!caller.user_id()) {
                continue;  // a burst needs a writer to be about
            }
            finding.subject = "user:" + std::to_string(*caller.user_id());
        } else {
            finding.subject = "game:" + std::to_string(after.id);
        }
        finding.event_id = after.event_id;
        finding.game_id = after.id;
        finding.home_team_id = after.home_team_id;
        finding.away_team_id = after.away_team_id;
        finding.user_id = caller.user_id();
        finding.evidence = evidence_json(found.evidence);
        if (store(tx, caller, finding)) {
            raised.push_back(found.kind);
        }
    }
    return raised;
}

}  // namespace tournament::integrity
