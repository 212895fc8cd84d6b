// TeamRow as JSON; see team_view.hpp.
#include "team/team_view.hpp"

namespace tournament {

nlohmann::json to_json(const TeamRow& t) {
    return {{"id", t.id},
            {"event_id", t.event_id},
            {"name", t.name},
            {"short_name", t.short_name ? nlohmann::json(*t.short_name) : nlohmann::json(nullptr)},
            {"seed", t.seed ? nlohmann::json(*t.seed) : nlohmann::json(nullptr)},
            {"aliases", t.aliases},
            {"created_at", t.created_at},
            {"updated_at", t.updated_at}};
}

}  // namespace tournament
