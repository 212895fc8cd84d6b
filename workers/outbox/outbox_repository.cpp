// Outbox rows of tournament changes; see outbox_repository.hpp.
#include "outbox/outbox_repository.hpp"

#include "metrics/store.hpp"
#include "observability/metrics.hpp"
#include "observability/request_trace.hpp"
#include "stream/topic.hpp"

namespace tournament::outbox {
namespace {

// trace_id: the request's W3C trace id, NULL without one; scoreline-sse logs
// it with the row it fans out.
constexpr db::Statement kPublish{
    "tour_outbox_publish",
    "INSERT INTO outbox (topic, kind, payload, trace_id) VALUES ($1, $2, $3::jsonb, $4)"};

void write(db::Tx& tx, std::string_view topic, std::string_view kind,
           const nlohmann::json& payload) {
    const std::string& trace_id = api::obs::request_trace().trace_id;
    (void)tx.exec(kPublish, topic, kind,
                  payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  trace_id.empty() ? db::Param(nullptr) : db::Param(trace_id));
    metrics::inc(api::obs::kOutboxRows);
}

}  // namespace

void publish(db::Tx& tx, std::int64_t event_id, std::string_view kind, std::string_view object_name,
             const nlohmann::json& object) {
    nlohmann::json payload = {{"event_id", event_id}};
    payload[std::string(object_name)] = object;
    write(tx, stream::event_topic(event_id), kind, payload);
}

void publish_admin(db::Tx& tx, std::string_view kind, std::string_view object_name,
                   const nlohmann::json& object) {
    nlohmann::json payload = nlohmann::json::object();
    payload[std::string(object_name)] = object;
    write(tx, stream::kAdminTopic, kind, payload);
}

}  // namespace tournament::outbox
