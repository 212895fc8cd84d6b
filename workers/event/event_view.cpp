// EventRow as JSON; see event_view.hpp.
#include "event/event_view.hpp"

namespace tournament {

nlohmann::json to_json(const EventRow& e) {
    return {{"id", e.id},
            {"name", e.name},
            {"slug", e.slug},
            {"sport", e.sport},
            {"format", domain::to_string(e.format)},
            {"status", domain::to_string(e.status)},
            {"starts_on", e.starts_on},
            {"ends_on", e.ends_on ? nlohmann::json(*e.ends_on) : nlohmann::json(nullptr)},
            {"time_zone", e.time_zone},
            {"points", {{"win", e.points.win}, {"draw", e.points.draw}, {"loss", e.points.loss}}},
            {"tiebreakers", e.tiebreakers},
            {"owner_id", e.owner_id},
            {"version", e.version},
            {"created_at", e.created_at},
            {"updated_at", e.updated_at}};
}

}  // namespace tournament
