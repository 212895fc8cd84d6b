// The whole life of a league through nginx: register, sign in, create an
// event, add 6 teams, schedule a round robin, record every score (live, then
// final), and the standings equal a table computed here, independently of
// the server's domain code. Then an admin corrects a result: the history
// shows the old and new values, the standings follow, and the outbox holds
// every change of the event in the order it was made.
#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "tournament_suite.hpp"

namespace {

using tourtest::json;

// Results by pair of team positions (a < b): goals of a, goals of b. Chosen so
// that no two teams are level on points, goal difference and goals for, before
// or after the correction (the test checks that too), so the ranking below
// needs no further tiebreakers.
const std::map<std::pair<int, int>, std::pair<int, int>> kResults = {
    {{0, 1}, {2, 1}}, {{0, 2}, {3, 0}}, {{0, 3}, {0, 0}}, {{0, 4}, {2, 0}}, {{0, 5}, {4, 1}},
    {{1, 2}, {0, 0}}, {{1, 3}, {3, 3}}, {{1, 4}, {0, 1}}, {{1, 5}, {0, 3}}, {{2, 3}, {0, 0}},
    {{2, 4}, {1, 0}}, {{2, 5}, {4, 3}}, {{3, 4}, {0, 1}}, {{3, 5}, {0, 1}}, {{4, 5}, {2, 3}}};
const std::vector<std::string> kTeams = {"Rovers", "Athletic",  "United",
                                         "City",   "Wanderers", "Albion"};

struct Line {
    std::int64_t team_id = 0;
    int played = 0, won = 0, drawn = 0, lost = 0, gf = 0, ga = 0, points = 0;
};

// The table by points, goal difference, goals for (3/1/0 points).
std::vector<Line> expected_table(
    const std::vector<std::int64_t>& ids,
    const std::map<std::pair<int, int>, std::pair<int, int>>& results) {
    std::vector<Line> lines(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        lines[i].team_id = ids[i];
    }
    for (const auto& [pair, goals] : results) {
        Line& a = lines[static_cast<std::size_t>(pair.first)];
        Line& b = lines[static_cast<std::size_t>(pair.second)];
        a.played++, b.played++;
        a.gf += goals.first, a.ga += goals.second, b.gf += goals.second, b.ga += goals.first;
        if (goals.first > goals.second) {
            a.won++, b.lost++, a.points += 3;
        } else if (goals.first < goals.second) {
            b.won++, a.lost++, b.points += 3;
        } else {
            a.drawn++, b.drawn++, a.points++, b.points++;
        }
    }
    auto key = [](const Line& l) { return std::make_tuple(l.points, l.gf - l.ga, l.gf); };
    std::sort(lines.begin(), lines.end(),
              [&](const Line& x, const Line& y) { return key(x) > key(y); });
    for (std::size_t i = 1; i < lines.size(); ++i) {
        EXPECT_NE(key(lines[i - 1]), key(lines[i])) << "the fixture has a tie; pick other results";
    }
    return lines;
}

void expect_standings(std::int64_t event_id, const std::vector<Line>& expected) {
    auto r = tourtest::call("GET", "/api/v1/events/" + std::to_string(event_id) + "/standings");
    ASSERT_EQ(r.status, 200) << r.raw.body;
    const json& rows = r.body["rows"];
    ASSERT_EQ(rows.size(), expected.size()) << r.raw.body;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const Line& e = expected[i];
        const json& row = rows[i];
        EXPECT_EQ(row["rank"], i + 1);
        EXPECT_EQ(row["team_id"], e.team_id) << "rank " << i + 1 << ": " << r.raw.body;
        EXPECT_EQ(row["played"], e.played);
        EXPECT_EQ(row["won"], e.won);
        EXPECT_EQ(row["drawn"], e.drawn);
        EXPECT_EQ(row["lost"], e.lost);
        EXPECT_EQ(row["goals_for"], e.gf);
        EXPECT_EQ(row["goals_against"], e.ga);
        EXPECT_EQ(row["goal_difference"], e.gf - e.ga);
        EXPECT_EQ(row["points"], e.points);
    }
    EXPECT_EQ(r.header("etag"), "\"" + std::to_string(r.body["version"].get<int>()) + "\"");
}

TEST(TournamentFlow, LeagueFromRegistrationToCorrection) {
    const tourtest::User organizer = tourtest::new_user("organizer");
    ASSERT_FALSE(organizer.token.empty());

    // An event: a draft owned by its creator, who becomes organizer.
    json event = tourtest::create_event(organizer, {{"name", "Flow League 2024"},
                                                    {"sport", "football"},
                                                    {"format", "round_robin"},
                                                    {"starts_on", "2024-04-01"},
                                                    {"time_zone", "Europe/London"}});
    const std::int64_t event_id = event["id"].get<std::int64_t>();
    const std::string base = "/api/v1/events/" + std::to_string(event_id);
    EXPECT_EQ(event["status"], "draft");
    EXPECT_EQ(event["version"], 1);
    EXPECT_EQ(event["slug"], "flow-league-2024");
    EXPECT_EQ(event["points"], json({{"win", 3}, {"draw", 1}, {"loss", 0}}));
    auto members = tourtest::call("GET", base + "/members", nullptr, organizer.token);
    ASSERT_EQ(members.status, 200) << members.raw.body;
    ASSERT_EQ(members.body["items"].size(), 1u);
    EXPECT_EQ(members.body["items"][0]["user_id"], organizer.id);
    EXPECT_EQ(members.body["items"][0]["role"], "organizer");

    std::vector<std::int64_t> team_ids;
    std::map<std::int64_t, int> position;
    for (const auto& name : kTeams) {
        const json team = tourtest::add_team(organizer, event_id, name);
        position[team["id"].get<std::int64_t>()] = static_cast<int>(team_ids.size());
        team_ids.push_back(team["id"].get<std::int64_t>());
    }

    // The schedule: 5 rounds of 3 games, every pair once, nobody twice a round.
    const json sched =
        tourtest::schedule(organizer, event_id,
                           {{"first_game_at", "2024-04-06T14:00:00Z"},
                            {"minutes_between_rounds", 7 * 24 * 60},
                            {"venues", {"North Ground", "South Ground", "East Ground"}}});
    ASSERT_EQ(sched["games"].size(), 15u) << sched.dump();
    EXPECT_EQ(sched["rounds"], 5);
    std::set<std::pair<std::int64_t, std::int64_t>> pairs;
    std::map<int, std::set<std::int64_t>> busy;
    for (const json& g : sched["games"]) {
        const auto h = g["home_team_id"].get<std::int64_t>();
        const auto a = g["away_team_id"].get<std::int64_t>();
        EXPECT_TRUE(pairs.insert({std::min(h, a), std::max(h, a)}).second) << g.dump();
        EXPECT_TRUE(busy[g["round"].get<int>()].insert(h).second) << g.dump();
        EXPECT_TRUE(busy[g["round"].get<int>()].insert(a).second) << g.dump();
        EXPECT_EQ(g["status"], "scheduled");
        EXPECT_EQ(g["time_zone"], "Europe/London");
    }
    EXPECT_EQ(sched["games"][0]["starts_at"], "2024-04-06T14:00:00Z");

    // Published: from now on anyone may read it.
    auto publish = tourtest::call("PATCH", base, {{"status", "scheduled"}}, organizer.token);
    ASSERT_EQ(publish.status, 200) << publish.raw.body;

    // Every score: live at 0-0, then final. The list is read page by page.
    const auto games = tourtest::all_pages(base + "/games?limit=4");
    ASSERT_EQ(games.size(), 15u);
    std::vector<std::tuple<std::int64_t, int, int, int>> recorded;  // game, version, home, away
    for (const json& g : games) {
        const auto id = g["id"].get<std::int64_t>();
        const int h = position[g["home_team_id"].get<std::int64_t>()];
        const int a = position[g["away_team_id"].get<std::int64_t>()];
        const auto goals = kResults.at({std::min(h, a), std::max(h, a)});
        const int home_goals = h < a ? goals.first : goals.second;
        const int away_goals = h < a ? goals.second : goals.first;
        auto live =
            tourtest::put_score(organizer, id, 0, 0, "live", g["version"].get<std::int64_t>());
        ASSERT_EQ(live.status, 200) << live.raw.body;
        EXPECT_EQ(live.body["version"], g["version"].get<int>() + 1);
        EXPECT_EQ(live.header("etag"), "\"" + std::to_string(g["version"].get<int>() + 1) + "\"");
        auto fin = tourtest::put_score(organizer, id, home_goals, away_goals, "final",
                                       live.body["version"].get<std::int64_t>());
        ASSERT_EQ(fin.status, 200) << fin.raw.body;
        EXPECT_EQ(fin.body["status"], "final");
        recorded.emplace_back(id, live.body["version"].get<int>(), 0, 0);
        recorded.emplace_back(id, fin.body["version"].get<int>(), home_goals, away_goals);
    }
    expect_standings(event_id, expected_table(team_ids, kResults));

    // An admin corrects Rovers 4-1 Albion to 0-3: Albion take the lead.
    const tourtest::User admin = tourtest::new_admin("referee");
    std::int64_t corrected = 0;
    bool rovers_home = false;
    for (const json& g : games) {
        const int h = position[g["home_team_id"].get<std::int64_t>()];
        const int a = position[g["away_team_id"].get<std::int64_t>()];
        if (std::min(h, a) == 0 && std::max(h, a) == 5) {
            corrected = g["id"].get<std::int64_t>();
            rovers_home = h == 0;
        }
    }
    ASSERT_NE(corrected, 0);
    const int new_home = rovers_home ? 0 : 3;
    const int new_away = rovers_home ? 3 : 0;
    const std::string reason = "match report: two goals given in error";
    auto fix = tourtest::call(
        "POST", "/api/v1/games/" + std::to_string(corrected) + "/corrections",
        {{"home_score", new_home}, {"away_score", new_away}, {"reason", reason}}, admin.token);
    ASSERT_EQ(fix.status, 200) << fix.raw.body;
    EXPECT_EQ(fix.body["home_score"], new_home);
    EXPECT_EQ(fix.body["status"], "final");
    recorded.emplace_back(corrected, fix.body["version"].get<int>(), new_home, new_away);

    auto history = tourtest::call("GET", "/api/v1/games/" + std::to_string(corrected) + "/history");
    ASSERT_EQ(history.status, 200) << history.raw.body;
    const json& items = history.body["items"];
    ASSERT_EQ(items.size(), 3u) << history.raw.body;
    EXPECT_EQ(items[0]["kind"], "update");
    EXPECT_EQ(items[0]["old"]["status"], "scheduled");
    EXPECT_EQ(items[0]["new"]["status"], "live");
    EXPECT_EQ(items[1]["new"]["status"], "final");
    EXPECT_EQ(items[1]["changed_by"], organizer.id);
    const json& c = items[2];
    EXPECT_EQ(c["kind"], "correction");
    EXPECT_EQ(c["old"]["home_score"], rovers_home ? 4 : 1);
    EXPECT_EQ(c["old"]["away_score"], rovers_home ? 1 : 4);
    EXPECT_EQ(c["old"]["status"], "final");
    EXPECT_EQ(c["new"]["home_score"], new_home);
    EXPECT_EQ(c["new"]["away_score"], new_away);
    EXPECT_EQ(c["reason"], reason);
    EXPECT_EQ(c["changed_by"], admin.id);
    EXPECT_EQ(
        tourtest::sql("SELECT count(*) FROM audit_log WHERE action = 'game.score_corrected' "
                      "AND target_id = " +
                      std::to_string(corrected) + " AND actor_id = " + std::to_string(admin.id)),
        "1");

    auto after = kResults;
    after[{0, 5}] = {0, 3};
    const auto table = expected_table(team_ids, after);
    EXPECT_EQ(table.front().team_id, team_ids[5]) << "the correction should change the leader";
    expect_standings(event_id, table);

    // The outbox: every change of the event, in the order it was made.
    std::vector<std::string> expected_kinds = {"event.updated"};  // created
    for (std::size_t i = 0; i < kTeams.size(); ++i) {
        expected_kinds.insert(expected_kinds.end(), {"team.updated", "standings.updated"});
    }
    expected_kinds.insert(expected_kinds.end(), 15, "game.updated");
    expected_kinds.insert(expected_kinds.end(), {"schedule.updated", "event.updated"});
    for (std::size_t i = 0; i < games.size(); ++i) {
        expected_kinds.insert(expected_kinds.end(),
                              {"score.updated", "score.updated", "standings.updated"});
    }
    expected_kinds.insert(expected_kinds.end(), {"score.updated", "standings.updated"});
    const std::string rows =
        tourtest::sql("SELECT kind || '|' || payload::text FROM outbox WHERE topic = 'event:" +
                      std::to_string(event_id) + "' ORDER BY id");
    std::vector<std::string> kinds;
    std::vector<json> scores;
    std::vector<std::int64_t> standings_versions;
    std::istringstream lines(rows);
    for (std::string line; std::getline(lines, line);) {
        const auto bar = line.find('|');
        kinds.push_back(line.substr(0, bar));
        const json payload = json::parse(line.substr(bar + 1));
        EXPECT_EQ(payload["event_id"], event_id) << line;
        if (kinds.back() == "score.updated") {
            scores.push_back(payload["game"]);
        } else if (kinds.back() == "standings.updated") {
            standings_versions.push_back(payload["standings"]["version"].get<std::int64_t>());
        }
    }
    EXPECT_EQ(kinds, expected_kinds);
    ASSERT_EQ(scores.size(), recorded.size());
    for (std::size_t i = 0; i < recorded.size(); ++i) {
        const auto& [id, version, home, away] = recorded[i];
        EXPECT_EQ(scores[i]["id"], id) << "score change " << i;
        EXPECT_EQ(scores[i]["version"], version) << "score change " << i;
        EXPECT_EQ(scores[i]["home_score"], home) << "score change " << i;
        EXPECT_EQ(scores[i]["away_score"], away) << "score change " << i;
    }
    for (std::size_t i = 1; i < standings_versions.size(); ++i) {
        EXPECT_EQ(standings_versions[i], standings_versions[i - 1] + 1);
    }
}

}  // namespace
