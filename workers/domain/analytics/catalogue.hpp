// What the analytics parser matches names against (issue 16): the events and
// their teams, given by the caller (the route reads them from the database).
// Short forms are derived from the names by the parser (names.hpp); what
// cannot be derived ("Spurs", "Wolves", "Barça") comes from a team's
// short_name or the aliases an organizer adds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace domain::analytics {

struct CatalogueEvent {
    std::int64_t id = 0;
    std::string name;  // "English Premier League 2022/23"
    std::string slug;  // "premier-league-2022-23"
    std::string sport;
};

struct CatalogueTeam {
    std::int64_t id = 0;
    std::int64_t event_id = 0;
    std::string name;  // "Tottenham Hotspur FC"
    std::optional<std::string> short_name;
    std::vector<std::string> aliases;  // organizer-added: "Spurs"
};

struct Catalogue {
    std::vector<CatalogueEvent> events;
    std::vector<CatalogueTeam> teams;
};

}  // namespace domain::analytics
