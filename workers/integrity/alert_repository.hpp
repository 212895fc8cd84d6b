// SQL of integrity alerts (migration 0006, docs/integrity.md): the alerts
// table and each alert's history of status changes (alert_transitions).
// Written in the transaction of the score write that found them
// (record_* below, called by integrity_service) or of an admin's status
// change; read by the admin routes and the export.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "domain/integrity.hpp"

namespace tournament {

struct AlertRow {
    std::int64_t id = 0;
    domain::integrity::Kind kind = domain::integrity::Kind::kMarginOutlier;
    domain::integrity::Severity severity = domain::integrity::Severity::kWarning;
    domain::integrity::AlertStatus status = domain::integrity::AlertStatus::kOpen;
    std::string subject;  // game:{id} | user:{id}
    std::optional<std::int64_t> event_id;
    std::optional<std::string> event_name;
    std::optional<std::int64_t> game_id;
    std::optional<std::int64_t> home_team_id;
    std::optional<std::string> home_team_name;
    std::optional<std::int64_t> away_team_id;
    std::optional<std::string> away_team_name;
    std::optional<std::int64_t> user_id;  // whose write caused it (the latest)
    std::optional<std::string> user_display_name;
    nlohmann::json evidence = nlohmann::json::object();
    int occurrences = 1;
    std::int64_t version = 1;
    std::string created_at;  // UTC ISO-8601, milliseconds
    std::string updated_at;
};

// What a detector found, as the write path stores it.
struct AlertFinding {
    domain::integrity::Kind kind = domain::integrity::Kind::kMarginOutlier;
    domain::integrity::Severity severity = domain::integrity::Severity::kWarning;
    std::string subject;
    std::int64_t event_id = 0;
    std::int64_t game_id = 0;
    std::optional<std::int64_t> home_team_id;
    std::optional<std::int64_t> away_team_id;
    std::optional<std::int64_t> user_id;
    nlohmann::json evidence = nlohmann::json::object();
};

namespace alert_repo {

// The alert of this kind and subject, locked FOR UPDATE; nullopt when none.
[[nodiscard]] std::optional<AlertRow> find_subject_locked(db::Tx& tx, domain::integrity::Kind kind,
                                                          const std::string& subject);
// A new open alert, or nullopt when a concurrent write inserted the same
// kind and subject first (then find_subject_locked sees it).
[[nodiscard]] std::optional<AlertRow> insert(db::Tx& tx, const AlertFinding& finding);
// The finding recurred: new evidence, cause and severity, one more
// occurrence, `status` (domain::integrity::on_recurrence), version + 1.
[[nodiscard]] AlertRow recur(db::Tx& tx, std::int64_t id, const AlertFinding& finding,
                             domain::integrity::AlertStatus status);
// One row of the alert's history; `from` empty for its creation.
void add_transition(db::Tx& tx, std::int64_t alert_id,
                    std::optional<domain::integrity::AlertStatus> from,
                    domain::integrity::AlertStatus to, std::optional<std::int64_t> actor_id,
                    const std::optional<std::string>& note);

}  // namespace alert_repo

// --- the admin side: GET/PATCH /api/v1/admin/alerts and the export ---

// The filters of the list and the export; unset = any.
struct AlertFilter {
    std::optional<domain::integrity::AlertStatus> status;
    std::optional<domain::integrity::Kind> kind;
    std::optional<domain::integrity::Severity> severity;
    std::optional<std::int64_t> event_id;
    std::optional<std::string> from;  // created_at >= from (UTC ISO-8601)
    std::optional<std::string> to;    // created_at < to
};

// One status change of an alert, as the history shows it.
struct AlertTransitionRow {
    std::optional<domain::integrity::AlertStatus> from;  // empty: the alert's creation
    domain::integrity::AlertStatus to = domain::integrity::AlertStatus::kOpen;
    std::optional<std::int64_t> actor_id;
    std::optional<std::string> actor_display_name;
    std::optional<std::string> note;
    std::string at;  // UTC ISO-8601, milliseconds
};

namespace alert_repo {

// Up to `limit` alerts matching `filter` with an id below `before_id` (0: no
// bound), newest (highest id) first: one page of the keyset-paged list.
[[nodiscard]] std::vector<AlertRow> list(db::Tx& tx, const AlertFilter& filter,
                                         std::int64_t before_id, int limit);
// One page of the export: the same order and bound as list(); the export
// reads every page in one REPEATABLE READ transaction (one snapshot).
[[nodiscard]] std::vector<AlertRow> export_page(db::Tx& tx, const AlertFilter& filter,
                                                std::int64_t before_id, int page_size);
// The alert with this id, locked FOR UPDATE when `lock`; nullopt when none.
[[nodiscard]] std::optional<AlertRow> find(db::Tx& tx, std::int64_t id, bool lock);
// The alert's status changes, oldest first, with each actor's display name.
[[nodiscard]] std::vector<AlertTransitionRow> history(db::Tx& tx, std::int64_t alert_id);
// Sets the status when the alert is still at `expected_version` (version + 1,
// updated_at now); nullopt when it is not (or is gone).
[[nodiscard]] std::optional<AlertRow> move(db::Tx& tx, std::int64_t id,
                                           std::int64_t expected_version,
                                           domain::integrity::AlertStatus to);

}  // namespace alert_repo
}  // namespace tournament
