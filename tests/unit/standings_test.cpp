// Standings of issue 4 from real situations: a three-way tie settled by the
// head-to-head mini-table, a level head-to-head falling through to goal
// difference, a correction that changes the leader, and each tiebreaker.
#include "domain/standings.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using domain::FinalScore;
using domain::Team;
using domain::Tiebreaker;

using enum Tiebreaker;

// Names of the rows, in rank order; checks that ranks are the positions.
std::vector<std::string> names(const std::vector<domain::StandingsRow>& rows) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i].rank, static_cast<int>(i + 1));
        out.push_back(rows[i].team_name);
    }
    return out;
}

// Whether `a` is ranked above `b` in `order`.
bool ahead(const std::vector<std::string>& order, const std::string& a, const std::string& b) {
    const auto pa = std::find(order.begin(), order.end(), a);
    const auto pb = std::find(order.begin(), order.end(), b);
    EXPECT_TRUE(pa != order.end() && pb != order.end());
    return pa < pb;
}

std::vector<std::string> table(const std::vector<Team>& teams,
                               const std::vector<FinalScore>& results,
                               std::vector<Tiebreaker> order) {
    return names(domain::compute_standings(teams, results, {}, order));
}

// UEFA EURO 2004, group C. Sweden, Denmark and Italy finished on 5 points;
// every game among them was drawn (1-1, 0-0, 2-2), so their mini-table was
// level on points and goal difference and goals scored in those games put
// Sweden first, Denmark second and Italy out. Ids: 1 SWE, 2 DEN, 3 ITA, 4 BUL.
const std::vector<Team> kEuro2004C = {
    {1, "Sweden", {}}, {2, "Denmark", {}}, {3, "Italy", {}}, {4, "Bulgaria", {}}};
const std::vector<FinalScore> kEuro2004CResults = {{2, 3, 0, 0}, {1, 4, 5, 0}, {4, 2, 0, 2},
                                                   {3, 1, 1, 1}, {3, 4, 2, 1}, {2, 1, 2, 2}};

TEST(Standings, ThreeWayTieSettledByTheHeadToHeadMiniTable) {
    const auto rows = domain::compute_standings(kEuro2004C, kEuro2004CResults, {},
                                                std::vector{kPoints, kHeadToHead});
    EXPECT_EQ(names(rows), (std::vector<std::string>{"Sweden", "Denmark", "Italy", "Bulgaria"}));
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].points, 5);
    EXPECT_EQ(rows[0].goals_for, 8);
    EXPECT_EQ(rows[0].goals_against, 3);
    EXPECT_EQ(rows[1].points, 5);
    EXPECT_EQ(rows[1].goal_difference, 2);
    EXPECT_EQ(rows[2].points, 5);
    EXPECT_EQ(rows[2].won, 1);
    EXPECT_EQ(rows[2].drawn, 2);
    EXPECT_EQ(rows[2].lost, 0);
    EXPECT_EQ(rows[3].points, 0);
    EXPECT_EQ(rows[3].played, 3);
    EXPECT_EQ(rows[3].goals_for, 1);
    EXPECT_EQ(rows[3].goals_against, 9);
    // The API default (points, goal_difference, goals_for, head_to_head).
    EXPECT_EQ(names(domain::compute_standings(kEuro2004C, kEuro2004CResults, {},
                                              domain::default_tiebreakers())),
              (std::vector<std::string>{"Sweden", "Denmark", "Italy", "Bulgaria"}));
}

// Three clubs on 6 points. Mini-table of their games: Rovers 3 pts +2,
// United and Albion 3 pts -1 with 2 goals each. Re-applied to United and
// Albion alone, United won their game 2-0. Albion's big win over City would
// put them above United on overall goal difference: the UEFA way does not.
const std::vector<Team> kClubs = {
    {1, "Rovers", {}}, {2, "United", {}}, {3, "Albion", {}}, {4, "City", {}}};
const std::vector<FinalScore> kClubResults = {{1, 2, 3, 0}, {2, 3, 2, 0}, {3, 1, 2, 1},
                                              {1, 4, 1, 0}, {2, 4, 1, 0}, {3, 4, 5, 0}};

TEST(Standings, MiniTableIsReappliedToTheTeamsStillLevel) {
    EXPECT_EQ(table(kClubs, kClubResults, {kPoints, kHeadToHead, kGoalDifference}),
              (std::vector<std::string>{"Rovers", "United", "Albion", "City"}));
    // Goal difference first: Albion +4, Rovers +3, United 0.
    EXPECT_EQ(table(kClubs, kClubResults, domain::default_tiebreakers()),
              (std::vector<std::string>{"Albion", "Rovers", "United", "City"}));
}

TEST(Standings, DefaultOrderReachesHeadToHeadWhenPointsAndGoalsAreLevel) {
    // Same games among the three, but City's results make all three +3 with
    // 6 goals: the API default gets to head_to_head and settles it as above.
    auto results = kClubResults;
    results[3] = {1, 4, 2, 1};
    results[4] = {2, 4, 4, 0};
    results[5] = {3, 4, 4, 0};
    const auto rows = domain::compute_standings(kClubs, results, {}, domain::default_tiebreakers());
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(rows[i].points, 6);
        EXPECT_EQ(rows[i].goal_difference, 3);
        EXPECT_EQ(rows[i].goals_for, 6);
    }
    EXPECT_EQ(names(rows), (std::vector<std::string>{"Rovers", "United", "Albion", "City"}));
}

// FIFA World Cup 2022, group E: Japan 6, then Spain and Germany on 4 after a
// 1-1 draw with each other; Spain went through on goal difference (+6 to +1).
// Ids: 1 GER, 2 JPN, 3 ESP, 4 CRC.
const std::vector<Team> kWorldCup2022E = {
    {1, "Germany", {}}, {2, "Japan", {}}, {3, "Spain", {}}, {4, "Costa Rica", {}}};
const std::vector<FinalScore> kWorldCup2022EResults = {{1, 2, 1, 2}, {3, 4, 7, 0}, {2, 4, 0, 1},
                                                       {3, 1, 1, 1}, {2, 3, 2, 1}, {4, 1, 2, 4}};
const std::vector<Tiebreaker> kUefaOrder = {kPoints, kHeadToHead, kGoalDifference, kGoalsFor};

TEST(Standings, LevelHeadToHeadFallsThroughToGoalDifference) {
    const auto rows =
        domain::compute_standings(kWorldCup2022E, kWorldCup2022EResults, {}, kUefaOrder);
    EXPECT_EQ(names(rows), (std::vector<std::string>{"Japan", "Spain", "Germany", "Costa Rica"}));
    EXPECT_EQ(rows[0].points, 6);
    EXPECT_EQ(rows[1].points, 4);
    EXPECT_EQ(rows[1].goal_difference, 6);
    EXPECT_EQ(rows[2].points, 4);
    EXPECT_EQ(rows[2].goal_difference, 1);
    EXPECT_EQ(rows[3].points, 3);
    EXPECT_EQ(rows[3].goals_against, 11);
    // Head to head alone cannot separate them: the name decides, Germany first.
    EXPECT_EQ(table(kWorldCup2022E, kWorldCup2022EResults, {kPoints, kHeadToHead}),
              (std::vector<std::string>{"Japan", "Germany", "Spain", "Costa Rica"}));
}

TEST(Standings, CorrectionChangesTheLeader) {
    auto results = kWorldCup2022EResults;
    const auto before = domain::compute_standings(kWorldCup2022E, results, {}, kUefaOrder);
    ASSERT_EQ(before[0].team_name, "Japan");
    // Japan 2-1 Spain corrected to 1-1: Spain 5 points and top; Japan and
    // Germany on 4, Japan ahead on their head-to-head win, although Germany's
    // goal difference (+1 to 0) is better.
    results[4] = {2, 3, 1, 1};
    const auto after = domain::compute_standings(kWorldCup2022E, results, {}, kUefaOrder);
    EXPECT_EQ(names(after), (std::vector<std::string>{"Spain", "Japan", "Germany", "Costa Rica"}));
    EXPECT_EQ(after[0].points, 5);
    EXPECT_EQ(after[0].drawn, 2);
    EXPECT_EQ(after[1].points, 4);
    EXPECT_EQ(after[1].goal_difference, 0);
    EXPECT_EQ(table(kWorldCup2022E, results, domain::default_tiebreakers()),
              (std::vector<std::string>{"Spain", "Germany", "Japan", "Costa Rica"}));
}

TEST(Standings, EachOverallTiebreaker) {
    // Zulu and Alpha always finish level on points; each criterion has to put
    // Zulu first, against the name order.
    const std::vector<Team> teams = {
        {1, "Zulu", {}}, {2, "Alpha", {}}, {3, "C", {}}, {4, "D", {}}, {5, "E", {}}};
    // wins: Zulu 1W 1L, Alpha 3 draws; both 3 points, +0, 1 goal.
    const std::vector<FinalScore> wins = {
        {1, 3, 1, 0}, {4, 1, 1, 0}, {2, 3, 0, 0}, {2, 4, 0, 0}, {5, 2, 1, 1}};
    EXPECT_TRUE(ahead(table(teams, wins, {kPoints, kGoalDifference, kGoalsFor}), "Alpha", "Zulu"));
    EXPECT_TRUE(
        ahead(table(teams, wins, {kPoints, kGoalDifference, kGoalsFor, kWins}), "Zulu", "Alpha"));
    // goals_against: Zulu won 1-0, Alpha 3-2; fewer conceded is better.
    const std::vector<FinalScore> against = {{1, 3, 1, 0}, {2, 4, 3, 2}};
    EXPECT_TRUE(
        ahead(table(teams, against, {kPoints, kGoalDifference, kGoalsFor}), "Alpha", "Zulu"));
    EXPECT_TRUE(ahead(table(teams, against, {kPoints, kGoalsAgainst}), "Zulu", "Alpha"));
    // away_goals_for: Zulu won 2-1 away, Alpha 2-1 at home.
    const std::vector<FinalScore> away = {{3, 1, 1, 2}, {2, 4, 2, 1}};
    const auto rows =
        domain::compute_standings(teams, away, {}, std::vector{kPoints, kAwayGoalsFor});
    EXPECT_EQ(rows[0].team_name, "Zulu");
    EXPECT_EQ(rows[0].away_goals_for, 2);
    EXPECT_EQ(rows[1].away_goals_for, 0);
    EXPECT_EQ(table(teams, away, domain::default_tiebreakers())[0], "Alpha");
}

TEST(Standings, PointsAreImpliedFirstAndConfigurable) {
    // Only goal difference configured: points still come first.
    const std::vector<Team> teams = {{1, "Big", {}}, {2, "Small", {}}, {3, "Other", {}}};
    const std::vector<FinalScore> results = {{1, 3, 9, 0}, {2, 1, 1, 0}, {3, 2, 0, 0}};
    // Small 4 pts (+1), Big 3 pts (+8), Other 1 pt.
    EXPECT_EQ(table(teams, results, {kGoalDifference}),
              (std::vector<std::string>{"Small", "Big", "Other"}));
    // Two points for a win (and none for a draw): Big 2 (+8), Small 2 (+1).
    const auto rows =
        domain::compute_standings(teams, results, {2, 0, 0}, std::vector{kGoalDifference});
    EXPECT_EQ(names(rows), (std::vector<std::string>{"Big", "Small", "Other"}));
    EXPECT_EQ(rows[0].points, 2);
    EXPECT_EQ(rows[2].points, 0);
}

TEST(Standings, EqualOnEverythingGoesByNameWithDistinctRanks) {
    // Case-insensitive name order; bytewise would put "Borough" first.
    const std::vector<Team> teams = {{5, "harriers", {}}, {3, "athletic", {}}, {9, "Borough", {}}};
    const auto rows = domain::compute_standings(teams, {}, {}, domain::default_tiebreakers());
    EXPECT_EQ(names(rows), (std::vector<std::string>{"athletic", "Borough", "harriers"}));
    for (const auto& r : rows) {
        EXPECT_EQ(r.played, 0);
        EXPECT_EQ(r.points, 0);
    }
    const std::vector<FinalScore> draw = {{3, 9, 1, 1}};
    const auto level = domain::compute_standings(teams, draw, {}, domain::default_tiebreakers());
    EXPECT_EQ(names(level), (std::vector<std::string>{"athletic", "Borough", "harriers"}));
    EXPECT_EQ(level[0].team_id, 3);
    EXPECT_EQ(level[1].rank, 2);
}

TEST(Standings, RejectsResultsOfUnknownTeams) {
    EXPECT_THROW((void)domain::compute_standings(kClubs, std::vector<FinalScore>{{1, 99, 1, 0}}, {},
                                                 domain::default_tiebreakers()),
                 std::invalid_argument);
    EXPECT_THROW((void)domain::compute_standings(kClubs, std::vector<FinalScore>{{1, 1, 1, 0}}, {},
                                                 domain::default_tiebreakers()),
                 std::invalid_argument);
}

TEST(Standings, ParseTiebreakers) {
    const std::vector<std::string> api_default = {"points", "goal_difference", "goals_for",
                                                  "head_to_head"};
    const auto parsed = domain::parse_tiebreakers(api_default);
    EXPECT_EQ(parsed.error, domain::TiebreakerError::kNone);
    EXPECT_EQ(parsed.order, domain::default_tiebreakers());
    const std::vector<std::string> all = {"points",        "goal_difference", "goals_for",
                                          "goals_against", "head_to_head",    "wins",
                                          "away_goals_for"};
    const auto every = domain::parse_tiebreakers(all);
    ASSERT_EQ(every.error, domain::TiebreakerError::kNone);
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(domain::to_string(every.order[i]), all[i]);
    }
    const std::vector<std::string> unknown = {"points", "fair_play"};
    EXPECT_EQ(domain::parse_tiebreakers(unknown).error, domain::TiebreakerError::kUnknown);
    EXPECT_EQ(domain::parse_tiebreakers(unknown).index, 1u);
    const std::vector<std::string> twice = {"wins", "points", "wins"};
    EXPECT_EQ(domain::parse_tiebreakers(twice).error, domain::TiebreakerError::kDuplicate);
    EXPECT_EQ(domain::parse_tiebreakers(twice).index, 2u);
    const std::vector<std::string> many(11, "points");
    EXPECT_EQ(domain::parse_tiebreakers(many).error, domain::TiebreakerError::kTooMany);
}

}  // namespace
