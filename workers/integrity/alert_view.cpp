// The JSON of an alert; see alert_view.hpp.
#include "integrity/alert_view.hpp"

namespace tournament {
namespace {

template <class T>
nlohmann::json or_null(const std::optional<T>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const AlertRow& a) {
    namespace ig = domain::integrity;
    return {{"id", a.id},
            {"kind", ig::to_string(a.kind)},
            {"severity", ig::to_string(a.severity)},
            {"status", ig::to_string(a.status)},
            {"event_id", or_null(a.event_id)},
            {"event_name", or_null(a.event_name)},
            {"game_id", or_null(a.game_id)},
            {"home_team_id", or_null(a.home_team_id)},
            {"home_team_name", or_null(a.home_team_name)},
            {"away_team_id", or_null(a.away_team_id)},
            {"away_team_name", or_null(a.away_team_name)},
            {"user_id", or_null(a.user_id)},
            {"user_display_name", or_null(a.user_display_name)},
            {"evidence", a.evidence},
            {"occurrences", a.occurrences},
            {"version", a.version},
            {"created_at", a.created_at},
            {"updated_at", a.updated_at}};
}

}  // namespace tournament
