// Events: create (the creator becomes organizer), read, list (name search,
// filters, keyset pages), update (If-Match honoured) and delete. Each
// operation runs in one transaction that also writes the audit log and the
// outbox; client errors are thrown as domain::Refusal (domain/refusal.hpp).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/caller.hpp"
#include "db/connection.hpp"
#include "domain/standings.hpp"
#include "event/event_repository.hpp"

namespace tournament {

struct EventInput {
    std::string name;
    std::string sport;
    std::string format;
    std::string starts_on;
    std::optional<std::string> ends_on;
    std::optional<std::string> time_zone;  // default UTC
    std::optional<std::string> slug;       // default: made from the name
    std::optional<domain::Points> points;  // default 3/1/0
    std::optional<std::vector<std::string>> tiebreakers;
};

// A partial update: only what is set changes. ends_on may be cleared.
struct EventPatch {
    std::optional<std::string> name;
    std::optional<std::string> slug;
    std::optional<std::string> sport;
    std::optional<std::string> format;
    std::optional<std::string> status;
    std::optional<std::string> starts_on;
    bool ends_on_set = false;
    std::optional<std::string> ends_on;
    std::optional<std::string> time_zone;
    std::optional<domain::Points> points;
    std::optional<std::vector<std::string>> tiebreakers;
};

struct EventListQuery {
    std::optional<std::string> q;
    std::optional<std::string> sport;
    std::optional<std::string> status;
    std::optional<std::string> from;
    std::optional<std::string> to;
    std::optional<std::string> slug;    // exactly this slug (at most one item)
    std::optional<std::string> cursor;  // as the client sent it
    int limit = 50;
};

struct Page {
    nlohmann::json items = nlohmann::json::array();
    std::optional<std::string> next_cursor;
};

// The core of create, for callers that own the transaction (the demo loader).
[[nodiscard]] EventRow create_event_in(db::Tx& tx, const Caller& caller, const EventInput& input);

[[nodiscard]] EventRow create_event(db::Connection& conn, const Caller& caller,
                                    const EventInput& input);
[[nodiscard]] EventRow get_event(db::Connection& conn, const Caller& caller, std::int64_t event_id);
// The event whose slug is `slug`: the same answers as get_event (404 for an
// unknown slug or a draft the caller may not read).
[[nodiscard]] EventRow get_event_by_slug(db::Connection& conn, const Caller& caller,
                                         const std::string& slug);
[[nodiscard]] Page list_events(db::Connection& conn, const Caller& caller,
                               const EventListQuery& query);
// expected_version: the If-Match version, if one was sent (412 when stale).
[[nodiscard]] EventRow update_event_in(db::Tx& tx, const Caller& caller, std::int64_t event_id,
                                       const EventPatch& patch,
                                       std::optional<std::int64_t> expected_version);
[[nodiscard]] EventRow update_event(db::Connection& conn, const Caller& caller,
                                    std::int64_t event_id, const EventPatch& patch,
                                    std::optional<std::int64_t> expected_version);
void delete_event(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                  std::optional<std::int64_t> expected_version);

}  // namespace tournament
