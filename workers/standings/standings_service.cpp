// Standings maintenance and reads; see standings_service.hpp.
#include "standings/standings_service.hpp"

#include <span>
#include <stdexcept>

#include "common/event_access.hpp"
#include "domain/format_rules.hpp"
#include "domain/standings.hpp"
#include "game/game_repository.hpp"
#include "metrics/store.hpp"
#include "observability/metrics.hpp"
#include "outbox/outbox_repository.hpp"
#include "standings/standings_repository.hpp"
#include "standings/standings_view.hpp"
#include "team/team_repository.hpp"

namespace tournament {
namespace {

StandingsView view_of(std::int64_t event_id, std::int64_t version, domain::Format format,
                      const std::vector<domain::StandingsRow>& rows) {
    return {version,
            {{"event_id", event_id},
             {"version", version},
             {"format", domain::to_string(format)},
             {"rows", rows_json(rows)}}};
}

// The table of `event` from `results`, by the event's points and tiebreakers.
std::vector<domain::StandingsRow> table_of(db::Tx& tx, const EventRow& event,
                                           std::span<const domain::FinalScore> results) {
    const auto teams = team_repo::all(tx, event.id);
    const auto order = domain::parse_tiebreakers(event.tiebreakers);
    return domain::compute_standings(teams, results, event.points, order.order);
}

}  // namespace

StandingsView refresh_standings(db::Tx& tx, std::int64_t event_id) {
    // The version row first: its lock orders concurrent recomputations, and
    // the games read below then include every one committed before.
    const std::int64_t version = standings_repo::bump_version(tx, event_id);
    // Every computation, those of a transaction retried or rolled back included.
    metrics::inc(api::obs::kStandingsRecomputes);
    const auto event = event_repo::find(tx, event_id);
    if (!event) {
        throw std::runtime_error("refresh_standings: the event is gone");
    }
    std::vector<domain::StandingsRow> rows;
    if (domain::rules_of(event->format).keeps_standings) {
        rows = table_of(tx, *event, game_repo::finals(tx, event_id));
        standings_repo::store(tx, event_id, rows);
    } else {
        standings_repo::clear(tx, event_id);
    }
    StandingsView view = view_of(event_id, version, event->format, rows);
    outbox::publish(tx, event_id, "standings.updated", "standings", view.body);
    return view;
}

StandingsView read_standings(db::Connection& conn, const Caller& caller, std::int64_t event_id) {
    return db::with_retry(
        conn, caller.attempts,
        [&](db::Tx& tx) {
            const EventAccess access =
                require_event(tx, caller, event_id, authz::Action::kReadEvent);
            const std::int64_t version = standings_repo::version(tx, event_id);
            const auto rows = domain::rules_of(access.format).keeps_standings
                                  ? standings_repo::rows(tx, event_id)
                                  : std::vector<domain::StandingsRow>{};
            return view_of(event_id, version, access.format, rows);
        },
        db::Isolation::kRepeatableRead);  // the version and the rows of one snapshot
}

StandingsView read_live_standings(db::Connection& conn, const Caller& caller,
                                  std::int64_t event_id) {
    StandingsView view = db::with_retry(
        conn, caller.attempts,
        [&](db::Tx& tx) {
            const EventAccess access =
                require_event(tx, caller, event_id, authz::Action::kReadEvent);
            const std::int64_t version = standings_repo::version(tx, event_id);
            std::vector<domain::StandingsRow> rows;
            if (domain::rules_of(access.format).keeps_standings) {
                const auto event = event_repo::find(tx, event_id);
                if (!event) {
                    throw std::runtime_error("read_live_standings: the event is gone");
                }
                rows = table_of(tx, *event, game_repo::finals_and_live(tx, event_id));
            }
            return view_of(event_id, version, access.format, rows);
        },
        db::Isolation::kRepeatableRead);  // the teams and the games of one snapshot
    view.body["live"] = true;
    return view;
}

}  // namespace tournament
