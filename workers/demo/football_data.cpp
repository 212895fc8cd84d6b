// The openfootball match files of the demo; see football_data.hpp.
#include "demo/football_data.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "common/time_text.hpp"

namespace demo {
namespace {

std::optional<Goals> goals(const nlohmann::json& score, const char* key) {
    if (!score.contains(key) || !score[key].is_array() || score[key].size() != 2) {
        return std::nullopt;
    }
    return Goals{score[key][0].get<int>(), score[key][1].get<int>()};
}

// The last Sunday of `m` in year `y`.
std::chrono::sys_days last_sunday(std::chrono::year y, std::chrono::month m) {
    using namespace std::chrono;
    const sys_days month_end = sys_days{y / m / std::chrono::last};
    return month_end - (weekday{month_end} - Sunday);
}

}  // namespace

Season read_season(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::stringstream text;
    text << in.rdbuf();
    const auto doc = nlohmann::json::parse(text.str());
    Season season;
    season.name = doc.at("name").get<std::string>();
    for (const auto& m : doc.at("matches")) {
        Match match;
        match.round = m.at("round").get<std::string>();
        match.date = m.at("date").get<std::string>();
        match.time = m.value("time", "");
        match.team1 = m.at("team1").get<std::string>();
        match.team2 = m.at("team2").get<std::string>();
        if (m.contains("score")) {
            const auto& score = m["score"];
            match.ht = goals(score, "ht");
            match.ft = goals(score, "ft");
            match.et = goals(score, "et");
            match.p = goals(score, "p");
        }
        if (m.contains("ground") && m["ground"].is_string()) {
            match.ground = m["ground"].get<std::string>();
        }
        season.matches.push_back(std::move(match));
    }
    return season;
}

std::optional<int> matchday(const std::string& round) {
    constexpr std::string_view kPrefix = "Matchday ";
    if (!round.starts_with(kPrefix)) {
        return std::nullopt;
    }
    try {
        return std::stoi(round.substr(kPrefix.size()));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::chrono::sys_seconds to_utc(const std::string& date, const std::string& time,
                                const LocalZone& zone) {
    using namespace std::chrono;
    const std::string hhmm = time.empty() ? "15:00" : time;
    const auto local = tournament::parse_instant(date + "T" + hhmm + "Z");
    if (!local) {
        throw std::runtime_error("bad date or time in the demo data: " + date + " " + time);
    }
    minutes offset = zone.standard_offset;
    if (zone.eu_summer_time) {
        const year_month_day ymd{floor<days>(*local)};
        const sys_days day = sys_days{ymd};
        if (day >= last_sunday(ymd.year(), March) && day < last_sunday(ymd.year(), October)) {
            offset += hours{1};
        }
    }
    return *local - offset;
}

}  // namespace demo
