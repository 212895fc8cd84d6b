// The admin side of integrity alerts; see alert_service.hpp.
#include "integrity/alert_service.hpp"

#include "audit/audit_repository.hpp"
#include "common/cursor.hpp"
#include "domain/refusal.hpp"
#include "integrity/alert_view.hpp"
#include "outbox/outbox_repository.hpp"

namespace tournament {
namespace {

namespace ig = domain::integrity;

constexpr std::string_view kAlertCursor = "al";

template <class T>
nlohmann::json or_null(const std::optional<T>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::string_view audit_action(ig::AlertStatus to) {
    switch (to) {
        case ig::AlertStatus::kAcknowledged:
            return "alert.acknowledged";
        case ig::AlertStatus::kResolved:
            return "alert.resolved";
        case ig::AlertStatus::kDismissed:
            return "alert.dismissed";
        case ig::AlertStatus::kOpen:
            break;  // may_move never allows a move to open
    }
    return "alert.reopened";
}

AlertDetail detail_of(db::Tx& tx, AlertRow alert) {
    AlertDetail d;
    d.history = alert_repo::history(tx, alert.id);
    d.alert = std::move(alert);
    return d;
}

}  // namespace

nlohmann::json to_json(const AlertDetail& d) {
    nlohmann::json j = to_json(d.alert);
    nlohmann::json history = nlohmann::json::array();
    for (const auto& t : d.history) {
        history.push_back(
            {{"from_status", t.from ? nlohmann::json(ig::to_string(*t.from)) : nullptr},
             {"to_status", ig::to_string(t.to)},
             {"actor_id", or_null(t.actor_id)},
             {"actor_display_name", or_null(t.actor_display_name)},
             {"note", or_null(t.note)},
             {"at", t.at}});
    }
    j["history"] = std::move(history);
    return j;
}

Page list_alerts(db::Connection& conn, const Caller& caller, const AlertFilter& filter,
                 const std::optional<std::string>& cursor, int limit) {
    const std::int64_t before = client_cursor(kAlertCursor, cursor).id;
    auto rows = db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
        return alert_repo::list(tx, filter, before, limit + 1);
    });
    Page page;
    if (rows.size() > static_cast<std::size_t>(limit)) {
        rows.resize(static_cast<std::size_t>(limit));
        page.next_cursor = encode_cursor(kAlertCursor, "", rows.back().id);
    }
    for (const auto& a : rows) {
        page.items.push_back(to_json(a));
    }
    return page;
}

AlertDetail get_alert(db::Connection& conn, const Caller& caller, std::int64_t id) {
    return db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
        auto alert = alert_repo::find(tx, id, false);
        if (!alert) {
            throw domain::Refusal::not_found("no alert with this id");
        }
        return detail_of(tx, std::move(*alert));
    });
}

AlertDetail move_alert(db::Connection& conn, const Caller& caller, std::int64_t id,
                       std::int64_t expected_version, const AlertMove& move) {
    return db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
        const auto before = alert_repo::find(tx, id, true);
        if (!before) {
            throw domain::Refusal::not_found("no alert with this id");
        }
        if (before->version != expected_version) {
            throw domain::Refusal::stale_version("the alert has changed since version " +
                                                     std::to_string(expected_version) +
                                                     "; read it again",
                                                 before->version);
        }
        if (!ig::may_move(before->status, move.to)) {
            throw domain::Refusal::conflict(
                "an alert cannot move from " + std::string(ig::to_string(before->status)) + " to " +
                    std::string(ig::to_string(move.to)) +
                    " (open → acknowledged → resolved | dismissed)",
                {{"status", "cannot move from " + std::string(ig::to_string(before->status)) +
                                " to " + std::string(ig::to_string(move.to))}});
        }
        // Locked above, so the version guard holds; it stays as the
        // statement's own check.
        auto after = alert_repo::move(tx, id, expected_version, move.to);
        if (!after) {
            throw domain::Refusal::stale_version("the alert has changed; read it again",
                                                 std::nullopt);
        }
        alert_repo::add_transition(tx, id, before->status, move.to, caller.user_id(), move.note);
        audit::record(tx, caller.origin,
                      {caller.user_id(), std::string(audit_action(move.to)), "alert", id,
                       nlohmann::json{{"status", ig::to_string(before->status)},
                                      {"version", before->version}},
                       nlohmann::json{{"status", ig::to_string(after->status)},
                                      {"version", after->version},
                                      {"note", or_null(move.note)}}});
        outbox::publish_admin(tx, "alert.updated", "alert", to_json(*after));
        return detail_of(tx, std::move(*after));
    });
}

void export_alerts(db::Connection& conn, const AlertFilter& filter,
                   const std::function<bool(const std::vector<AlertRow>&)>& page) {
    db::Tx tx(conn, db::Isolation::kRepeatableRead);
    (void)tx.connection().exec_script("SET TRANSACTION READ ONLY");
    // Ids fall strictly from page to page, so the loop ends; the bound on
    // pages only guards against a mistake in that.
    std::int64_t before = 0;
    for (std::int64_t pages = 0; pages < (std::int64_t{1} << 40); ++pages) {
        const auto rows = alert_repo::export_page(tx, filter, before, kAlertExportPage);
        if ((!rows.empty() || pages == 0) && !page(rows)) {
            return;
        }
        if (rows.size() < static_cast<std::size_t>(kAlertExportPage)) {
            break;
        }
        before = rows.back().id;
    }
    tx.commit();
}

}  // namespace tournament
