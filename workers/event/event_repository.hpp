// SQL of events and of the caller's access to one: named statements only,
// run inside the caller's transaction. EventRow is an events row as the API
// shows it (dates as YYYY-MM-DD, times as UTC ISO-8601). Format and status
// are parsed once here; a value that does not parse throws
// domain::BadStoredValue.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "authz.hpp"
#include "db/connection.hpp"
#include "domain/standings.hpp"
#include "domain/tournament.hpp"

namespace tournament {

struct EventRow {
    std::int64_t id = 0;
    std::string name;
    std::string slug;
    std::string sport;
    domain::Format format = domain::Format::kRoundRobin;
    domain::EventStatus status = domain::EventStatus::kDraft;
    std::string starts_on;
    std::optional<std::string> ends_on;
    std::string time_zone = "UTC";
    domain::Points points;
    std::vector<std::string> tiebreakers;
    std::int64_t owner_id = 0;
    std::int64_t version = 1;
    std::string created_at;
    std::string updated_at;
};

// What authorization needs to know about an event and the caller.
struct EventAccess {
    std::int64_t event_id = 0;
    domain::EventStatus status = domain::EventStatus::kDraft;
    domain::Format format = domain::Format::kRoundRobin;
    std::optional<authz::EventRole> role;  // the caller's membership, if any
    [[nodiscard]] bool draft() const noexcept { return status == domain::EventStatus::kDraft; }
};

// Row lock taken on the event while loading access: kShare keeps the event
// (its format, its existence) stable for a write to its games; kUpdate
// serializes writes to the event itself and to its members.
enum class Lock { kNone, kShare, kUpdate };

namespace event_repo {

[[nodiscard]] std::optional<EventAccess> access(db::Tx& tx, std::int64_t event_id,
                                                std::optional<std::int64_t> user_id, Lock lock);
// The access to the event of game `game_id`.
[[nodiscard]] std::optional<EventAccess> access_by_game(db::Tx& tx, std::int64_t game_id,
                                                        std::optional<std::int64_t> user_id,
                                                        Lock lock);

[[nodiscard]] std::optional<EventRow> find(db::Tx& tx, std::int64_t event_id);

// The id of the event whose slug is `slug`, if any (drafts included: the
// caller authorizes).
[[nodiscard]] std::optional<std::int64_t> id_of_slug(db::Tx& tx, const std::string& slug);

// Inserts with event.slug; nullopt when another event has that slug (nothing
// is written then, and the transaction stays usable).
[[nodiscard]] std::optional<std::int64_t> insert(db::Tx& tx, const EventRow& event);

// Writes every field of `event` and bumps the version; returns the new version.
[[nodiscard]] std::int64_t update(db::Tx& tx, const EventRow& event);

// True when the slug is used by an event other than `except_id`.
[[nodiscard]] bool slug_taken(db::Tx& tx, const std::string& slug, std::int64_t except_id);

void remove(db::Tx& tx, std::int64_t event_id);

// True when PostgreSQL knows the IANA time zone `name`.
[[nodiscard]] bool time_zone_exists(db::Tx& tx, const std::string& name);

struct EventFilter {
    std::optional<std::int64_t> viewer_id;  // the caller; empty = anonymous
    bool viewer_is_admin = false;
    std::optional<std::string> q;  // a substring of the name, any case
    std::optional<std::string> sport;
    std::optional<std::string> status;
    std::optional<std::string> from;            // starts_on >= from (YYYY-MM-DD)
    std::optional<std::string> to;              // starts_on <= to
    std::optional<std::string> slug;            // exactly this slug
    std::string after_starts_on = "-infinity";  // the keyset: rows after (date, id)
    std::int64_t after_id = 0;
    int limit = 50;
};

struct ListedEvent {
    EventRow event;
    std::optional<authz::EventRole> role;  // the viewer's membership
};

// Events by (starts_on, id); drafts only where the viewer is a member or an
// admin. At most filter.limit + 1 rows: one more than asked tells that a next
// page exists.
[[nodiscard]] std::vector<ListedEvent> list(db::Tx& tx, const EventFilter& filter);

}  // namespace event_repo
}  // namespace tournament
