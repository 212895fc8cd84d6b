// GameRow as JSON; see game_view.hpp.
#include "game/game_view.hpp"

namespace tournament {
namespace {

template <class T>
nlohmann::json or_null(const std::optional<T>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const GameRow& g) {
    return {{"id", g.id},
            {"event_id", g.event_id},
            {"round", g.round},
            {"home_team_id", or_null(g.home_team_id)},
            {"home_team_name", or_null(g.home_team_name)},
            {"away_team_id", or_null(g.away_team_id)},
            {"away_team_name", or_null(g.away_team_name)},
            {"venue", or_null(g.venue)},
            {"starts_at", g.starts_at},
            {"time_zone", g.time_zone},
            {"status", domain::to_string(g.status)},
            {"home_score", or_null(g.home_score)},
            {"away_score", or_null(g.away_score)},
            {"winner_team_id", or_null(g.winner_team_id)},
            {"next_game_id", or_null(g.next_game_id)},
            {"next_slot", g.next_slot ? nlohmann::json(domain::to_string(*g.next_slot))
                                      : nlohmann::json(nullptr)},
            {"version", g.version},
            {"updated_at", g.updated_at}};
}

}  // namespace tournament
