// Standings rows as JSON; see standings_view.hpp.
#include "standings/standings_view.hpp"

namespace tournament {

nlohmann::json to_json(const domain::StandingsRow& r) {
    return {{"rank", r.rank},
            {"team_id", r.team_id},
            {"team_name", r.team_name},
            {"played", r.played},
            {"won", r.won},
            {"drawn", r.drawn},
            {"lost", r.lost},
            {"goals_for", r.goals_for},
            {"goals_against", r.goals_against},
            {"goal_difference", r.goal_difference},
            {"points", r.points},
            {"away_goals_for", r.away_goals_for}};
}

nlohmann::json rows_json(const std::vector<domain::StandingsRow>& rows) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : rows) {
        items.push_back(to_json(r));
    }
    return items;
}

}  // namespace tournament
