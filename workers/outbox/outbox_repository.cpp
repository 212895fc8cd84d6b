// Outbox rows of tournament changes; see outbox_repository.hpp.
#include "outbox/outbox_repository.hpp"

#include "stream/topic.hpp"

namespace tournament::outbox {
namespace {

constexpr db::Statement kPublish{
    "tour_outbox_publish", "INSERT INTO outbox (topic, kind, payload) VALUES ($1, $2, $3::jsonb)"};

}  // namespace

void publish(db::Tx& tx, std::int64_t event_id, std::string_view kind, std::string_view object_name,
             const nlohmann::json& object) {
    nlohmann::json payload = {{"event_id", event_id}};
    payload[std::string(object_name)] = object;
    (void)tx.exec(kPublish, stream::event_topic(event_id), kind,
                  payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace tournament::outbox
