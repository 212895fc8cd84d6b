// The admin side of integrity alerts (issue 15, docs/integrity.md "The API"):
// list, read with history, move through the status workflow, export. The
// handler authorizes the caller (authz::Action::kManageAlerts: admins only)
// before any of these runs. Worker process, one request's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/caller.hpp"
#include "db/connection.hpp"
#include "event/event_service.hpp"
#include "integrity/alert_repository.hpp"

namespace tournament {

// An alert with its history of status changes, oldest first.
struct AlertDetail {
    AlertRow alert;
    std::vector<AlertTransitionRow> history;
};

// {…the alert (to_json), "history": [{from_status, to_status, actor_id,
// actor_display_name, note, at}]}
[[nodiscard]] nlohmann::json to_json(const AlertDetail& detail);

// One page of alerts matching `filter`, newest first; `cursor` is the
// next_cursor of the page before (an invalid one is an invalid_fields refusal
// naming `cursor`).
[[nodiscard]] Page list_alerts(db::Connection& conn, const Caller& caller,
                               const AlertFilter& filter, const std::optional<std::string>& cursor,
                               int limit);

// The alert and its history; not_found when there is none.
[[nodiscard]] AlertDetail get_alert(db::Connection& conn, const Caller& caller, std::int64_t id);

struct AlertMove {
    domain::integrity::AlertStatus to = domain::integrity::AlertStatus::kAcknowledged;
    std::optional<std::string> note;
};

// Moves the alert at `expected_version` to `move.to`: not_found, stale_version
// (with the current version) or conflict (a move domain::integrity::may_move
// refuses, naming both statuses). In one transaction: the status (version +
// 1), an alert_transitions row, an audit row (alert.acknowledged |
// alert.resolved | alert.dismissed) and an alert.updated outbox row on the
// admin topic.
[[nodiscard]] AlertDetail move_alert(db::Connection& conn, const Caller& caller, std::int64_t id,
                                     std::int64_t expected_version, const AlertMove& move);

// Alerts per page of the export: what the worker holds at once.
inline constexpr int kAlertExportPage = 500;

// Hands every alert matching `filter`, newest first, to `page` one page at a
// time (kAlertExportPage rows at most; an empty page only when nothing
// matches), read in one REPEATABLE READ READ ONLY transaction so that the
// whole export is one consistent snapshot. Stops early when `page` returns
// false (the peer is gone). Throws db::Error on a database failure; the pages
// handed over stay handed over. The handler turns the pages into CSV or NDJSON.
void export_alerts(db::Connection& conn, const AlertFilter& filter,
                   const std::function<bool(const std::vector<AlertRow>&)>& page);

}  // namespace tournament
