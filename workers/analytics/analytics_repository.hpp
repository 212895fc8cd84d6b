// SQL of the analytics questions (issue 16, docs/analytics.md): the names a
// question is matched against (the catalogue) and the rows it is answered
// from. Named, parameterized statements only: the question text never
// reaches SQL. Run inside the caller's (read-only) transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "authz.hpp"
#include "db/connection.hpp"
#include "domain/analytics/catalogue.hpp"
#include "domain/standings.hpp"
#include "domain/tournament.hpp"

namespace tournament {

// One event as a question needs it, with its teams: read in one query.
struct AnalyticsEvent {
    domain::analytics::CatalogueEvent event;
    bool draft = true;
    std::optional<authz::EventRole> role;  // the caller's membership, if any
    domain::Format format = domain::Format::kRoundRobin;
    domain::Points points;
    std::vector<std::string> tiebreakers;
    std::vector<domain::analytics::CatalogueTeam> teams;
};

// One game of the event (team ids null for a knockout slot not filled yet).
struct AnalyticsGame {
    std::int64_t id = 0;
    int round = 1;
    std::string starts_at;  // ISO-8601 UTC, as the API shows it
    std::string status;     // scheduled, live, final, postponed, cancelled
    std::optional<std::int64_t> home;
    std::optional<std::int64_t> away;
    std::optional<int> home_score;
    std::optional<int> away_score;
};

// Which games to read; every unset filter lets every game through.
struct GameFilter {
    std::optional<std::int64_t> team;   // a game of this team
    std::optional<std::int64_t> other;  // ... and of this one too
    std::optional<int> round;
    std::optional<int> month;           // 1..12 in the event's time zone
    std::optional<std::string> period;  // "today" or "this_week" in the event's time zone
    bool finals_only = true;
};

namespace analytics_repo {

// At most this many events are matched against a question without event_id.
inline constexpr int kMaxCatalogueEvents = 200;

// The event with its teams (aliases included) and the caller's membership;
// nullopt when there is no such event.
[[nodiscard]] std::optional<AnalyticsEvent> event(db::Tx& tx, std::int64_t event_id,
                                                  std::optional<std::int64_t> user_id);

// The names of the events that are not drafts, by id, at most `limit`.
[[nodiscard]] std::vector<domain::analytics::CatalogueEvent> public_events(db::Tx& tx, int limit);

// The event's games through `filter`, oldest first (starts_at, then id).
[[nodiscard]] std::vector<AnalyticsGame> games(db::Tx& tx, std::int64_t event_id,
                                               const GameFilter& filter);

}  // namespace analytics_repo
}  // namespace tournament
