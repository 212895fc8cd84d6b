// The transactional outbox of tournament changes: one row per committed
// change, written in the transaction of the change, for scoreline-sse to
// deliver. Topic "event:{id}" (stream::event_topic, shared/stream/topic.hpp);
// kinds event.updated, event.deleted, team.updated, team.deleted,
// game.updated, score.updated, standings.updated; the payload is
// {"event_id": id, <object>: <its new representation>}. Integrity alerts go to
// the admin topic (publish_admin). Each row carries the
// trace id of the request that wrote it (obs::RequestTrace) and counts in
// scoreline_outbox_rows_written_total.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "db/connection.hpp"

namespace tournament::outbox {

// Writes one row in `tx`; `object_name` is the payload key of `object`
// (e.g. "game"), next to "event_id"; trace_id is the current request's.
void publish(db::Tx& tx, std::int64_t event_id, std::string_view kind, std::string_view object_name,
             const nlohmann::json& object);

// Writes one row on the admin topic (stream::kAdminTopic): the payload is
// {<object_name>: object}. Kinds alert.created, alert.updated.
void publish_admin(db::Tx& tx, std::string_view kind, std::string_view object_name,
                   const nlohmann::json& object);

}  // namespace tournament::outbox
