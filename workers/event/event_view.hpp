// The JSON of an event, one shape for every reader: the REST bodies of
// /events, the event.* audit rows and outbox payloads and the "event" of the
// JSON export all write it here. Pure; any thread.
#pragma once

#include <nlohmann/json.hpp>

#include "event/event_repository.hpp"

namespace tournament {

// {id, name, slug, sport, format, status, starts_on, ends_on, time_zone,
// points {win, draw, loss}, tiebreakers, owner_id, version, created_at,
// updated_at}
[[nodiscard]] nlohmann::json to_json(const EventRow& event);

}  // namespace tournament
