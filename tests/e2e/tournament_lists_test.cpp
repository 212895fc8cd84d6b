// Lists and exports: event pages stay stable while events are inserted
// (keyset on starts_on, id), the name search is case-insensitive and treats
// % and _ literally, filters narrow the event and game lists, and the CSV
// export is RFC 4180 with formula-looking cells escaped.
#include <set>

#include "tournament_suite.hpp"

namespace {

using tourtest::json;

json published(const tourtest::User& u, const std::string& name, const std::string& sport,
               const std::string& starts_on) {
    json e = tourtest::create_event(
        u, {{"name", name}, {"sport", sport}, {"format", "round_robin"}, {"starts_on", starts_on}});
    auto r =
        tourtest::call("PATCH", "/api/v1/events/" + std::to_string(e["id"].get<std::int64_t>()),
                       {{"status", "scheduled"}}, u.token);
    EXPECT_EQ(r.status, 200) << r.raw.body;
    return r.body;
}

TEST(TournamentLists, EventPagesStayStableWhileEventsAreInserted) {
    const auto u = tourtest::new_user("pages");
    const std::string sport = "pagesport";
    std::set<std::int64_t> original;
    for (int day = 10; day < 17; ++day) {
        original.insert(published(u, "Page Event " + std::to_string(day), sport,
                                  "2025-03-" + std::to_string(day))["id"]
                            .get<std::int64_t>());
    }
    auto page = tourtest::call("GET", "/api/v1/events?sport=" + sport + "&limit=3");
    ASSERT_EQ(page.status, 200) << page.raw.body;
    ASSERT_EQ(page.body["items"].size(), 3u);
    std::vector<std::int64_t> seen;
    for (const auto& e : page.body["items"]) {
        seen.push_back(e["id"].get<std::int64_t>());
    }
    // Inserted between pages: one before the cursor, one after it, one on the
    // cursor's own date (later id, so after it).
    published(u, "Page Event early", sport, "2025-03-01");
    const auto late =
        published(u, "Page Event late", sport, "2025-03-30")["id"].get<std::int64_t>();
    const auto same_day =
        published(u, "Page Event same day", sport, page.body["items"][2]["starts_on"])["id"]
            .get<std::int64_t>();
    std::string cursor = page.body["next_cursor"].get<std::string>();
    while (!cursor.empty()) {
        page = tourtest::call("GET", "/api/v1/events?sport=" + sport + "&limit=3&cursor=" + cursor);
        ASSERT_EQ(page.status, 200) << page.raw.body;
        for (const auto& e : page.body["items"]) {
            seen.push_back(e["id"].get<std::int64_t>());
        }
        cursor =
            page.body["next_cursor"].is_null() ? "" : page.body["next_cursor"].get<std::string>();
    }
    std::set<std::int64_t> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << "an event was listed twice";
    std::set<std::int64_t> expected = original;
    expected.insert(late);
    expected.insert(same_day);
    EXPECT_EQ(unique, expected);
    tourtest::expect_problem(tourtest::call("GET", "/api/v1/events?cursor=bm90LWEtY3Vyc29y"), 422);
    tourtest::expect_problem(tourtest::call("GET", "/api/v1/events?limit=201"), 422);
}

TEST(TournamentLists, SearchIsCaseInsensitiveAndLiteral) {
    const auto u = tourtest::new_user("search");
    published(u, "Zebra 100% Trophy", "searchsport", "2025-01-01");
    published(u, "Zebra 1000 Trophy", "searchsport", "2025-01-02");
    published(u, "Zebra_Under Cup", "searchsport", "2025-01-03");
    published(u, "ZebraXUnder Cup", "searchsport", "2025-01-04");
    auto names = [](const std::string& query) {
        std::vector<std::string> out;
        for (const auto& e : tourtest::all_pages("/api/v1/events?sport=searchsport&" + query)) {
            out.push_back(e["name"].get<std::string>());
        }
        return out;
    };
    EXPECT_EQ(names("q=zEBRA"), (std::vector<std::string>{"Zebra 100% Trophy", "Zebra 1000 Trophy",
                                                          "Zebra_Under Cup", "ZebraXUnder Cup"}));
    EXPECT_EQ(names("q=100%25"), std::vector<std::string>{"Zebra 100% Trophy"});
    EXPECT_EQ(names("q=a_u"), std::vector<std::string>{"Zebra_Under Cup"});
    EXPECT_EQ(names("q=trophy&from=2025-01-02"), std::vector<std::string>{"Zebra 1000 Trophy"});
    EXPECT_EQ(names("q=zebra&to=2025-01-01"), std::vector<std::string>{"Zebra 100% Trophy"});
    EXPECT_TRUE(names("q=zebra&status=live").empty());
    tourtest::expect_problem(tourtest::call("GET", "/api/v1/events?status=sleeping"), 422);
}

TEST(TournamentLists, GameFiltersAndPages) {
    const auto u = tourtest::new_user("gamelist");
    const json e = tourtest::create_event(u, {{"name", "Filter League"},
                                              {"sport", "x"},
                                              {"format", "double_round_robin"},
                                              {"starts_on", "2025-02-01"},
                                              {"ends_on", "2025-02-28"}});
    EXPECT_EQ(tourtest::call("PATCH", "/api/v1/events/" + std::to_string(e["id"].get<int>()),
                             {{"status", "live"}}, u.token)
                  .status,
              200);
    const auto id = e["id"].get<std::int64_t>();
    std::vector<std::int64_t> teams;
    for (const char* n : {"North", "South", "East", "West"}) {
        teams.push_back(tourtest::add_team(u, id, n)["id"].get<std::int64_t>());
    }
    const json sched = tourtest::schedule(
        u, id, {{"first_game_at", "2025-02-01T10:00:00Z"}, {"minutes_between_rounds", 1440}});
    ASSERT_EQ(sched["games"].size(), 12u);
    EXPECT_EQ(sched["rounds"], 6);
    const std::string base = "/api/v1/events/" + std::to_string(id) + "/games";
    EXPECT_EQ(tourtest::all_pages(base + "?limit=5").size(), 12u);
    EXPECT_EQ(tourtest::all_pages(base + "?round=4").size(), 2u);
    EXPECT_EQ(tourtest::all_pages(base + "?team_id=" + std::to_string(teams[0])).size(), 6u);
    EXPECT_EQ(tourtest::all_pages(base + "?from=2025-02-02&to=2025-02-04T00:00:00Z").size(), 4u);
    const auto gid = sched["games"][0]["id"].get<std::int64_t>();
    ASSERT_EQ(tourtest::put_score(u, gid, 1, 0, "live").status, 200);
    const auto live = tourtest::all_pages(base + "?status=live");
    ASSERT_EQ(live.size(), 1u);
    EXPECT_EQ(live[0]["id"], gid);
    auto manual = tourtest::call("POST", base,
                                 {{"home_team_id", teams[0]},
                                  {"away_team_id", teams[0]},
                                  {"starts_at", "2025-03-01T10:00:00Z"}},
                                 u.token);
    tourtest::expect_problem(manual, 422);
    manual = tourtest::call("POST", base,
                            {{"home_team_id", teams[0]},
                             {"away_team_id", teams[1]},
                             {"starts_at", "2025-03-01T10:00:00Z"},
                             {"round", 7},
                             {"venue", "Park"}},
                            u.token);
    ASSERT_EQ(manual.status, 201) << manual.raw.body;
    EXPECT_EQ(manual.body["round"], 7);
    EXPECT_EQ(tourtest::all_pages(base).size(), 13u);
}

TEST(TournamentLists, CsvExportEscapesFormulas) {
    const auto u = tourtest::new_user("export");
    const json e = published(u, "Export Cup", "x", "2025-04-01");
    const auto id = e["id"].get<std::int64_t>();
    tourtest::add_team(u, id, "=HYPERLINK(\"http://evil\",\"x\")");
    tourtest::add_team(u, id, "Plain, \"Quoted\" FC");
    const json sched = tourtest::schedule(u, id, {{"first_game_at", "2025-04-02T18:00:00Z"}});
    const auto gid = sched["games"][0]["id"].get<std::int64_t>();
    ASSERT_EQ(tourtest::put_score(u, gid, 2, 0, "live").status, 200);
    auto r = tourtest::call("GET", "/api/v1/events/" + std::to_string(id) + "/export?format=csv");
    ASSERT_EQ(r.status, 200) << r.raw.body;
    EXPECT_EQ(r.header("content-type"), "text/csv; charset=utf-8; header=present");
    EXPECT_EQ(r.header("content-disposition"), "attachment; filename=\"export-cup-games.csv\"");
    const std::string& csv = r.raw.body;
    EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
              "game_id,round,starts_at,venue,status,home_team,away_team,home_score,away_score,"
              "winner_team");
    EXPECT_NE(csv.find("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""), std::string::npos) << csv;
    EXPECT_NE(csv.find("\"Plain, \"\"Quoted\"\" FC\""), std::string::npos) << csv;
    EXPECT_NE(csv.find(",live,"), std::string::npos) << csv;
    EXPECT_EQ(csv.size() >= 2 ? csv.substr(csv.size() - 2) : "", "\r\n");
    auto j = tourtest::call("GET", "/api/v1/events/" + std::to_string(id) + "/export?format=json");
    ASSERT_EQ(j.status, 200) << j.raw.body;
    EXPECT_EQ(j.body["teams"].size(), 2u);
    EXPECT_EQ(j.body["games"].size(), 1u);
    EXPECT_EQ(j.body["event"]["id"], id);
    tourtest::expect_problem(
        tourtest::call("GET", "/api/v1/events/" + std::to_string(id) + "/export?format=xls"), 422);
}

// The JSON export's standings rows are GET /standings' rows, field for field
// (issue 13: the export had drifted and lacked away_goals_for).
TEST(TournamentLists, JsonExportStandingsRowsAreTheStandingsRows) {
    const auto u = tourtest::new_user("exportrows");
    const json e = published(u, "Export Rows Cup", "x", "2025-04-01");
    const auto id = e["id"].get<std::int64_t>();
    tourtest::add_team(u, id, "Home Side");
    tourtest::add_team(u, id, "Away Side");
    const json sched = tourtest::schedule(u, id, {{"first_game_at", "2025-04-02T18:00:00Z"}});
    const auto gid = sched["games"][0]["id"].get<std::int64_t>();
    ASSERT_EQ(tourtest::put_score(u, gid, 1, 1, "live").status, 200);
    ASSERT_EQ(tourtest::put_score(u, gid, 1, 2, "final").status, 200);
    auto standings = tourtest::call("GET", "/api/v1/events/" + std::to_string(id) + "/standings");
    ASSERT_EQ(standings.status, 200) << standings.raw.body;
    auto j = tourtest::call("GET", "/api/v1/events/" + std::to_string(id) + "/export?format=json");
    ASSERT_EQ(j.status, 200) << j.raw.body;
    ASSERT_EQ(standings.body["rows"].size(), 2u);
    EXPECT_EQ(j.body["standings"]["rows"], standings.body["rows"]);
    EXPECT_EQ(j.body["standings"]["version"], standings.body["version"]);
    EXPECT_EQ(j.body["standings"]["rows"][0]["away_goals_for"], 2) << j.raw.body;
}

}  // namespace
