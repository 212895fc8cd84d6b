// Reading the real football results of ../shared/data/football (openfootball's
// football.json / worldcup.json, public domain) for the demo data: one season
// or tournament file as its matches, and kick-off times converted from the
// local time the files give to UTC. Pure apart from reading the file.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace demo {

struct Goals {
    int home = 0;  // team1
    int away = 0;  // team2
};

struct Match {
    std::string round;  // "Matchday 1", "Round of 16", …
    std::string date;   // YYYY-MM-DD, local
    std::string time;   // HH:MM, local ("" when unknown)
    std::string team1;  // the home side in the file
    std::string team2;
    std::optional<Goals> ht;  // half time
    std::optional<Goals> ft;  // full time
    std::optional<Goals> et;  // after extra time
    std::optional<Goals> p;   // penalty shoot-out
    std::optional<std::string> ground;
};

struct Season {
    std::string name;
    std::vector<Match> matches;
};

// Throws std::runtime_error when the file is missing or not of this shape.
[[nodiscard]] Season read_season(const std::string& path);

// The number in "Matchday 17"; nullopt for another round name.
[[nodiscard]] std::optional<int> matchday(const std::string& round);

// Local time zones of the demo's competitions: a fixed standard offset, and
// whether EU summer time applies (last Sunday of March to last Sunday of
// October, +1 hour; the UK and Spain follow it, Qatar does not).
struct LocalZone {
    std::chrono::minutes standard_offset{0};
    bool eu_summer_time = false;
};

// The UTC instant of a local date and time ("15:00" when `time` is empty).
[[nodiscard]] std::chrono::sys_seconds to_utc(const std::string& date, const std::string& time,
                                              const LocalZone& zone);

}  // namespace demo
