// Whole real seasons through compute_standings, checked against the real
// final tables (openfootball data in ../shared/data/football, see its README).
// The expected values are the real-world tables, not output of this code.
// A missing data file fails the test: nothing here is skipped.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/standings.hpp"

#ifndef SCORELINE_SHARED_DATA
#error "SCORELINE_SHARED_DATA must name the folder of the football data"
#endif

namespace {

using domain::StandingsRow;
using domain::Tiebreaker;
using enum Tiebreaker;

struct Season {
    std::vector<domain::Team> teams;
    std::vector<domain::FinalScore> results;
};

// Loads a season file: teams get ids in order of first appearance, every
// match counts with its full-time score.
Season load(const std::string& file) {
    const std::string path = std::string(SCORELINE_SHARED_DATA) + "/" + file;
    std::ifstream in(path);
    EXPECT_TRUE(in.good()) << "cannot open " << path;
    Season season;
    if (!in.good()) {
        return season;
    }
    const auto doc = nlohmann::json::parse(in);
    std::map<std::string, domain::TeamId> ids;
    auto id_of = [&](const std::string& name) {
        const auto [it, added] = ids.emplace(name, static_cast<domain::TeamId>(ids.size() + 1));
        if (added) {
            season.teams.push_back({it->second, name, {}});
        }
        return it->second;
    };
    for (const auto& m : doc.at("matches")) {
        const auto& ft = m.at("score").at("ft");
        season.results.push_back({id_of(m.at("team1").get<std::string>()),
                                  id_of(m.at("team2").get<std::string>()), ft.at(0).get<int>(),
                                  ft.at(1).get<int>()});
    }
    return season;
}

struct Expected {
    std::string team;
    int points;
};

// Every team played `games`, and the table is exactly `expected`, in order.
void expect_table(const std::vector<StandingsRow>& rows, const std::vector<Expected>& expected,
                  int games) {
    ASSERT_EQ(rows.size(), expected.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i].rank, static_cast<int>(i + 1));
        EXPECT_EQ(rows[i].team_name, expected[i].team) << "position " << i + 1;
        EXPECT_EQ(rows[i].points, expected[i].points) << rows[i].team_name;
        EXPECT_EQ(rows[i].played, games) << rows[i].team_name;
        EXPECT_EQ(rows[i].won + rows[i].drawn + rows[i].lost, games) << rows[i].team_name;
    }
}

TEST(RealSeason, PremierLeague2022To23) {
    const Season s = load("2022-23_en.1.json");
    ASSERT_EQ(s.results.size(), 380u);
    const auto rows =
        domain::compute_standings(s.teams, s.results, {}, domain::default_tiebreakers());
    // Manchester City champions on 89, Arsenal 84; Leicester, Leeds and
    // Southampton relegated. Palace above Chelsea on goals scored (both -9).
    expect_table(rows,
                 {{"Manchester City FC", 89},
                  {"Arsenal FC", 84},
                  {"Manchester United FC", 75},
                  {"Newcastle United FC", 71},
                  {"Liverpool FC", 67},
                  {"Brighton & Hove Albion FC", 62},
                  {"Aston Villa FC", 61},
                  {"Tottenham Hotspur FC", 60},
                  {"Brentford FC", 59},
                  {"Fulham FC", 52},
                  {"Crystal Palace FC", 45},
                  {"Chelsea FC", 44},
                  {"Wolverhampton Wanderers FC", 41},
                  {"West Ham United FC", 40},
                  {"AFC Bournemouth", 39},
                  {"Nottingham Forest FC", 38},
                  {"Everton FC", 36},
                  {"Leicester City FC", 34},
                  {"Leeds United FC", 31},
                  {"Southampton FC", 25}},
                 38);
    ASSERT_EQ(rows.size(), 20u);
    const StandingsRow& city = rows[0];
    EXPECT_EQ(city.won, 28);
    EXPECT_EQ(city.drawn, 5);
    EXPECT_EQ(city.lost, 5);
    EXPECT_EQ(city.goals_for, 94);
    EXPECT_EQ(city.goals_against, 33);
    EXPECT_EQ(city.goal_difference, 61);
    const StandingsRow& arsenal = rows[1];
    EXPECT_EQ(arsenal.won, 26);
    EXPECT_EQ(arsenal.goals_for, 88);
    EXPECT_EQ(arsenal.goals_against, 43);
    const StandingsRow& southampton = rows[19];
    EXPECT_EQ(southampton.won, 6);
    EXPECT_EQ(southampton.goals_for, 36);
    EXPECT_EQ(southampton.goals_against, 73);
}

TEST(RealSeason, PremierLeague2011To12DecidedOnGoalDifference) {
    const Season s = load("2011-12_en.1.json");
    ASSERT_EQ(s.results.size(), 380u);
    const auto rows =
        domain::compute_standings(s.teams, s.results, {}, domain::default_tiebreakers());
    // City and United both on 89: City champions on goal difference (+64 to
    // +56). West Brom 10th above Swansea on goals scored (both -7, 45 to 44).
    expect_table(rows, {{"Manchester City", 89},     {"Manchester United", 89},
                        {"Arsenal FC", 70},          {"Tottenham Hotspur", 69},
                        {"Newcastle United", 65},    {"Chelsea FC", 64},
                        {"Everton FC", 56},          {"Liverpool FC", 52},
                        {"Fulham FC", 52},           {"West Bromwich Albion", 47},
                        {"Swansea City", 47},        {"Norwich City", 47},
                        {"Sunderland AFC", 45},      {"Stoke City", 45},
                        {"Wigan Athletic", 43},      {"Aston Villa", 38},
                        {"Queens Park Rangers", 37}, {"Bolton Wanderers", 36},
                        {"Blackburn Rovers", 31},    {"Wolverhampton Wanderers", 25}},
                 38);
    ASSERT_EQ(rows.size(), 20u);
    EXPECT_EQ(rows[0].goal_difference, 64);
    EXPECT_EQ(rows[1].goal_difference, 56);
}

TEST(RealSeason, LaLiga2013To14WithHeadToHeadFirst) {
    const Season s = load("2013-14_es.1.json");
    ASSERT_EQ(s.results.size(), 380u);
    // La Liga ranks teams level on points by their head-to-head games first.
    const std::vector<Tiebreaker> spain = {kPoints, kHeadToHead, kGoalDifference, kGoalsFor};
    const auto rows = domain::compute_standings(s.teams, s.results, {}, spain);
    // Atlético champions on 90; Barcelona 2nd above Real Madrid (87 each)
    // after beating them twice. Villarreal 6th above Real Sociedad (59).
    // Valencia and Celta (49) each won at home 2-1: level head to head, so
    // goal difference puts Valencia 8th. Getafe 13th above Espanyol (42) on
    // head to head despite the worse goal difference. Elche 16th above
    // Almería (40). Osasuna, Valladolid and Betis relegated.
    expect_table(rows, {{"Atlético Madrid", 90}, {"FC Barcelona", 87},       {"Real Madrid", 87},
                        {"Athletic Club", 70},   {"Sevilla FC", 63},         {"Villarreal CF", 59},
                        {"Real Sociedad", 59},   {"Valencia CF", 49},        {"RC Celta", 49},
                        {"Levante UD", 48},      {"Málaga CF", 45},          {"Rayo Vallecano", 43},
                        {"Getafe CF", 42},       {"Espanyol Barcelona", 42}, {"Granada CF", 41},
                        {"Elche CF", 40},        {"UD Almería", 40},         {"CA Osasuna", 39},
                        {"Real Valladolid", 36}, {"Real Betis", 25}},
                 38);
    // Goal difference first (the API default) swaps Getafe and Espanyol.
    const auto by_goals =
        domain::compute_standings(s.teams, s.results, {}, domain::default_tiebreakers());
    ASSERT_EQ(by_goals.size(), 20u);
    EXPECT_EQ(by_goals[12].team_name, "Espanyol Barcelona");
    EXPECT_EQ(by_goals[13].team_name, "Getafe CF");
}

}  // namespace
