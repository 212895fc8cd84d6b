// Focused rules of the tournament routes: preconditions (412 stale, 428
// missing, 304 on standings and games), conflicts (409), validation (422),
// knockout progression and a correction that resets downstream games, and
// deletion guards.
#include <string>
#include <vector>

#include "tournament_suite.hpp"

namespace {

using tourtest::json;

std::string ev(std::int64_t id) {
    return "/api/v1/events/" + std::to_string(id);
}
std::string gm(std::int64_t id) {
    return "/api/v1/games/" + std::to_string(id);
}

// An event with `teams` seeded teams, published unless `draft`.
json league(const tourtest::User& u, const std::string& name, int teams,
            const std::string& format = "round_robin", bool draft = false) {
    json event = tourtest::create_event(
        u,
        {{"name", name}, {"sport", "football"}, {"format", format}, {"starts_on", "2024-05-01"}});
    if (!draft) {
        auto r = tourtest::call("PATCH", ev(event["id"].get<std::int64_t>()),
                                {{"status", "scheduled"}}, u.token);
        EXPECT_EQ(r.status, 200) << r.raw.body;
        event = r.body;
    }
    for (int i = 0; i < teams; ++i) {
        tourtest::add_team(u, event["id"].get<std::int64_t>(),
                           name + " team " + std::to_string(i + 1), i + 1);
    }
    return event;
}

TEST(TournamentRules, ScoreNeedsIfMatchAndRefusesStaleVersions) {
    const auto u = tourtest::new_user("pre");
    const auto id = league(u, "Precondition League", 2)["id"].get<std::int64_t>();
    const json sched = tourtest::schedule(u, id, {{"first_game_at", "2024-05-04T12:00:00Z"}});
    const auto game = sched["games"][0]["id"].get<std::int64_t>();
    const json body = {{"home_score", 1}, {"away_score", 0}, {"status", "live"}};

    tourtest::expect_problem(tourtest::call("PUT", gm(game) + "/score", body, u.token), 428);
    tourtest::expect_problem(
        tourtest::call("PUT", gm(game) + "/score", body, u.token, {"If-Match: *"}), 428);
    tourtest::expect_problem(
        tourtest::call("PUT", gm(game) + "/score", body, u.token, {"If-Match: \"x\""}), 400);
    auto stale = tourtest::call("PUT", gm(game) + "/score", body, u.token, {"If-Match: \"7\""});
    tourtest::expect_problem(stale, 412);
    EXPECT_EQ(stale.header("etag"), "\"1\"");
    EXPECT_EQ(
        tourtest::sql("SELECT count(*) FROM score_history WHERE game_id = " + std::to_string(game)),
        "0");

    // GET answers 304 to the current tag, 200 once the game moved on.
    auto first = tourtest::call("GET", gm(game));
    EXPECT_EQ(first.header("etag"), "\"1\"");
    auto same = tourtest::call("GET", gm(game), nullptr, "", {"If-None-Match: \"1\""});
    EXPECT_EQ(same.status, 304);
    EXPECT_TRUE(same.raw.body.empty());
    auto ok = tourtest::call("PUT", gm(game) + "/score", body, u.token, {"If-Match: \"1\""});
    ASSERT_EQ(ok.status, 200) << ok.raw.body;
    EXPECT_EQ(ok.header("etag"), "\"2\"");
    EXPECT_EQ(tourtest::call("GET", gm(game), nullptr, "", {"If-None-Match: \"1\""}).status, 200);
}

TEST(TournamentRules, EventPatchHonoursIfMatch) {
    const auto u = tourtest::new_user("patch");
    const json event = league(u, "Patch League", 0, "round_robin", true);
    const auto id = event["id"].get<std::int64_t>();
    auto r =
        tourtest::call("PATCH", ev(id), {{"name", "Patched League"}}, u.token, {"If-Match: \"1\""});
    ASSERT_EQ(r.status, 200) << r.raw.body;
    EXPECT_EQ(r.body["version"], 2);
    EXPECT_EQ(r.body["slug"], event["slug"]) << "a rename keeps the slug";
    auto stale =
        tourtest::call("PATCH", ev(id), {{"name", "Lost Update"}}, u.token, {"If-Match: \"1\""});
    tourtest::expect_problem(stale, 412);
    EXPECT_EQ(stale.header("etag"), "\"2\"");
    // Without If-Match the write applies (documented: If-Match is optional here).
    EXPECT_EQ(tourtest::call("PATCH", ev(id), {{"status", "scheduled"}}, u.token).status, 200);
    auto back = tourtest::call("PATCH", ev(id), {{"status", "draft"}}, u.token);
    tourtest::expect_problem(back, 409);
    auto bad = tourtest::call(
        "PATCH", ev(id),
        {{"ends_on", "2024-04-01"}, {"tiebreakers", {"points", "luck"}}, {"colour", "red"}},
        u.token);
    const json problem = tourtest::expect_problem(bad, 422);
    std::set<std::string> fields;
    for (const auto& e : problem["errors"]) {
        fields.insert(e["field"].get<std::string>());
    }
    EXPECT_EQ(fields, (std::set<std::string>{"colour"})) << problem.dump();
    bad = tourtest::call("PATCH", ev(id),
                         {{"ends_on", "2024-04-01"}, {"tiebreakers", {"points", "luck"}}}, u.token);
    fields.clear();
    const json problem2 = tourtest::expect_problem(bad, 422);
    for (const auto& e : problem2["errors"]) {
        fields.insert(e["field"].get<std::string>());
    }
    EXPECT_EQ(fields, (std::set<std::string>{"ends_on", "tiebreakers"}));
    EXPECT_EQ(tourtest::call("GET", ev(id), nullptr, "", {"If-None-Match: \"3\""}).status, 304);
}

TEST(TournamentRules, EventCreationValidates) {
    const auto u = tourtest::new_user("create");
    auto r = tourtest::call("POST", "/api/v1/events",
                            {{"name", "Bad"},
                             {"sport", "football"},
                             {"format", "swiss"},
                             {"starts_on", "2024-02-30"},
                             {"time_zone", "Mars/Olympus"},
                             {"points", {{"win", 1}, {"draw", 2}, {"loss", 0}}}},
                            u.token);
    std::set<std::string> fields;
    const json problem = tourtest::expect_problem(r, 422);
    for (const auto& e : problem["errors"]) {
        fields.insert(e["field"].get<std::string>());
    }
    EXPECT_EQ(fields, (std::set<std::string>{"format", "starts_on", "time_zone", "points"}));
    // Slugs: derived from the name, unique, or chosen (409 when taken).
    const json a = league(u, "Same Name Cup", 0, "round_robin", true);
    const json b = league(u, "Same Name Cup", 0, "round_robin", true);
    EXPECT_EQ(a["slug"], "same-name-cup");
    EXPECT_EQ(b["slug"], "same-name-cup-2");
    auto taken = tourtest::call("POST", "/api/v1/events",
                                {{"name", "Other"},
                                 {"sport", "x"},
                                 {"format", "round_robin"},
                                 {"starts_on", "2024-01-01"},
                                 {"slug", "same-name-cup"}},
                                u.token);
    tourtest::expect_problem(taken, 409);
}

TEST(TournamentRules, TeamsAreUniqueAndGuardedOncePlayed) {
    const auto u = tourtest::new_user("teams");
    const auto id = league(u, "Team Rules League", 0)["id"].get<std::int64_t>();
    const auto lions = tourtest::add_team(u, id, "Lions", 1)["id"].get<std::int64_t>();
    tourtest::expect_problem(
        tourtest::call("POST", ev(id) + "/teams", {{"name", "  LIONS "}}, u.token), 409);
    tourtest::expect_problem(
        tourtest::call("POST", ev(id) + "/teams", {{"name", "Pumas"}, {"seed", 1}}, u.token), 409);
    const auto tigers = tourtest::add_team(u, id, "Tigers", 2)["id"].get<std::int64_t>();
    const auto bears = tourtest::add_team(u, id, "Bears")["id"].get<std::int64_t>();
    tourtest::expect_problem(tourtest::call("PATCH", ev(id) + "/teams/" + std::to_string(bears),
                                            {{"name", "tigers"}}, u.token),
                             409);
    auto renamed = tourtest::call("PATCH", ev(id) + "/teams/" + std::to_string(bears),
                                  {{"name", "Grizzlies"}, {"short_name", "GRZ"}}, u.token);
    EXPECT_EQ(renamed.status, 200) << renamed.raw.body;

    const json sched = tourtest::schedule(u, id, {{"first_game_at", "2024-05-04T12:00:00Z"}});
    ASSERT_EQ(sched["games"].size(), 3u);
    EXPECT_EQ(sched["byes"].size(), 3u) << "three teams: one bye per round";
    // A team in the schedule cannot go; nor can the schedule be made twice.
    tourtest::expect_problem(
        tourtest::call("DELETE", ev(id) + "/teams/" + std::to_string(bears), nullptr, u.token),
        409);
    tourtest::expect_problem(tourtest::call("POST", ev(id) + "/schedule",
                                            {{"first_game_at", "2024-05-04T12:00:00Z"}}, u.token),
                             409);
    auto again =
        tourtest::call("POST", ev(id) + "/schedule",
                       {{"first_game_at", "2024-06-01T12:00:00Z"}, {"replace", true}}, u.token);
    ASSERT_EQ(again.status, 201) << again.raw.body;
    EXPECT_EQ(tourtest::sql("SELECT count(*) FROM games WHERE event_id = " + std::to_string(id)),
              "3");

    // Once a game is played: no replacing, no removing its teams.
    json game;
    for (const auto& g : again.body["games"]) {
        if (g["home_team_id"] == lions || g["away_team_id"] == lions) {
            game = g;
            break;
        }
    }
    const auto gid = game["id"].get<std::int64_t>();
    ASSERT_EQ(tourtest::put_score(u, gid, 2, 2, "live").status, 200);
    tourtest::expect_problem(tourtest::put_score(u, gid, 2, 2, "scheduled"), 422);
    ASSERT_EQ(tourtest::put_score(u, gid, 2, 2, "final").status, 200)
        << "draws are fine in a league";
    tourtest::expect_problem(tourtest::put_score(u, gid, 3, 2, "final"), 409);
    tourtest::expect_problem(tourtest::put_score(u, gid, 1000, 2, "live"), 422);
    tourtest::expect_problem(
        tourtest::call("POST", ev(id) + "/schedule",
                       {{"first_game_at", "2024-07-01T12:00:00Z"}, {"replace", true}}, u.token),
        409);
    tourtest::expect_problem(
        tourtest::call("DELETE", ev(id) + "/teams/" + std::to_string(lions), nullptr, u.token),
        409);
    (void)tigers;
    // Scheduled straight to final is refused, a postponed game takes no score.
    json other;
    for (const auto& g : again.body["games"]) {
        if (g["id"] != gid) {
            other = g;
        }
    }
    const auto oid = other["id"].get<std::int64_t>();
    tourtest::expect_problem(tourtest::put_score(u, oid, 1, 0, "final"), 409);
    auto postponed = tourtest::call("PATCH", gm(oid),
                                    {{"status", "postponed"},
                                     {"starts_at", "2024-08-01T12:00:00+02:00"},
                                     {"venue", "Back Field"}},
                                    u.token);
    ASSERT_EQ(postponed.status, 200) << postponed.raw.body;
    EXPECT_EQ(postponed.body["starts_at"], "2024-08-01T10:00:00Z");
    tourtest::expect_problem(tourtest::put_score(u, oid, 1, 0, "live"), 409);
    tourtest::expect_problem(tourtest::call("PATCH", gm(oid), {{"status", "final"}}, u.token), 422);
    // A correction needs a final game and a reason.
    tourtest::expect_problem(
        tourtest::call("POST", gm(oid) + "/corrections",
                       {{"home_score", 1}, {"away_score", 0}, {"reason", "x"}}, u.token),
        409);
    tourtest::expect_problem(tourtest::call("POST", gm(gid) + "/corrections",
                                            {{"home_score", 1}, {"away_score", 0}}, u.token),
                             422);
    // A team without games can go.
    auto extra = tourtest::add_team(u, id, "Wolves")["id"].get<std::int64_t>();
    EXPECT_EQ(tourtest::call("DELETE", ev(id) + "/teams/" + std::to_string(extra), nullptr, u.token)
                  .status,
              204);
}

TEST(TournamentRules, StandingsCarryAVersionAndAnswer304) {
    const auto u = tourtest::new_user("table");
    const auto id = league(u, "Table League", 2)["id"].get<std::int64_t>();
    const json sched = tourtest::schedule(u, id, {{"first_game_at", "2024-05-04T12:00:00Z"}});
    auto first = tourtest::call("GET", ev(id) + "/standings");
    ASSERT_EQ(first.status, 200) << first.raw.body;
    const std::string tag = first.header("etag");
    ASSERT_FALSE(tag.empty());
    EXPECT_EQ(tag, "\"" + std::to_string(first.body["version"].get<int>()) + "\"");
    EXPECT_EQ(first.body["rows"].size(), 2u);
    auto again =
        tourtest::call("GET", ev(id) + "/standings", nullptr, "", {"If-None-Match: " + tag});
    EXPECT_EQ(again.status, 304);
    EXPECT_EQ(again.header("etag"), tag);
    const auto game = sched["games"][0]["id"].get<std::int64_t>();
    ASSERT_EQ(tourtest::put_score(u, game, 1, 0, "live").status, 200);
    // A live score does not move the table: still 304.
    EXPECT_EQ(
        tourtest::call("GET", ev(id) + "/standings", nullptr, "", {"If-None-Match: " + tag}).status,
        304);
    ASSERT_EQ(tourtest::put_score(u, game, 1, 0, "final").status, 200);
    auto moved =
        tourtest::call("GET", ev(id) + "/standings", nullptr, "", {"If-None-Match: " + tag});
    ASSERT_EQ(moved.status, 200);
    EXPECT_NE(moved.header("etag"), tag);
    EXPECT_EQ(moved.body["rows"][0]["points"], 3);
    EXPECT_EQ(moved.body["rows"][0]["team_id"], sched["games"][0]["home_team_id"]);
}

TEST(TournamentRules, KnockoutWinnersMoveOnAndCorrectionsResetDownstream) {
    const auto u = tourtest::new_user("cup");
    const auto admin = tourtest::new_admin("cupadmin");
    const auto id = league(u, "Knockout Cup", 4, "single_elimination")["id"].get<std::int64_t>();
    const json sched = tourtest::schedule(
        u, id, {{"first_game_at", "2024-05-04T12:00:00Z"}, {"minutes_between_rounds", 120}});
    ASSERT_EQ(sched["games"].size(), 3u);
    const json& semi1 = sched["games"][0];
    const json& semi2 = sched["games"][1];
    const json& final = sched["games"][2];
    EXPECT_TRUE(final["home_team_id"].is_null());
    EXPECT_EQ(semi1["next_game_id"], final["id"]);
    EXPECT_EQ(semi1["next_slot"], "home");
    EXPECT_EQ(semi2["next_slot"], "away");
    EXPECT_EQ(final["starts_at"], "2024-05-04T14:00:00Z");

    const auto s1 = semi1["id"].get<std::int64_t>();
    const auto s2 = semi2["id"].get<std::int64_t>();
    const auto f = final["id"].get<std::int64_t>();
    ASSERT_EQ(tourtest::put_score(u, s1, 1, 1, "live").status, 200);
    tourtest::expect_problem(tourtest::put_score(u, s1, 1, 1, "final"), 422);  // no level knockout
    ASSERT_EQ(tourtest::put_score(u, s1, 2, 1, "final").status, 200);
    ASSERT_EQ(tourtest::put_score(u, s2, 0, 0, "live").status, 200);
    ASSERT_EQ(tourtest::put_score(u, s2, 0, 3, "final").status, 200);
    json fin = tourtest::get_game(f);
    EXPECT_EQ(fin["home_team_id"], semi1["home_team_id"]);
    EXPECT_EQ(fin["away_team_id"], semi2["away_team_id"]);
    ASSERT_EQ(tourtest::put_score(u, f, 1, 0, "live").status, 200);

    // The first semi-final's result is corrected: the other team won.
    auto fix = tourtest::call(
        "POST", gm(s1) + "/corrections",
        {{"home_score", 1}, {"away_score", 2}, {"reason", "own goal was offside"}}, admin.token);
    ASSERT_EQ(fix.status, 200) << fix.raw.body;
    EXPECT_EQ(fix.body["winner_team_id"], semi1["away_team_id"]);
    fin = tourtest::get_game(f);
    EXPECT_EQ(fin["home_team_id"], semi1["away_team_id"]);
    EXPECT_EQ(fin["status"], "scheduled");
    EXPECT_TRUE(fin["home_score"].is_null());
    auto history = tourtest::call("GET", gm(f) + "/history");
    ASSERT_EQ(history.body["items"].size(), 2u) << history.raw.body;
    const json& reset = history.body["items"][1];
    EXPECT_EQ(reset["kind"], "reset");
    EXPECT_EQ(reset["old"]["status"], "live");
    EXPECT_EQ(reset["old"]["home_score"], 1);
    EXPECT_EQ(reset["new"]["status"], "scheduled");
    EXPECT_TRUE(reset["new"]["home_score"].is_null());
    EXPECT_NE(reset["reason"].get<std::string>().find(std::to_string(s1)), std::string::npos);
    auto standings = tourtest::call("GET", ev(id) + "/standings");
    EXPECT_TRUE(standings.body["rows"].empty()) << "a knockout has no table";
}

// Team aliases (issue 16): at most 10, each 1..40 characters of a name people
// read; returned in the team's JSON; PATCH replaces them; a refused list
// changes nothing.
TEST(TournamentTeams, AliasesAreCheckedStoredAndReplaced) {
    const tourtest::User organizer = tourtest::new_user("aliases");
    const json event = tourtest::create_event(organizer, {{"name", "Alias League"},
                                                          {"sport", "football"},
                                                          {"format", "round_robin"},
                                                          {"starts_on", "2026-03-01"}});
    const std::string teams = "/api/v1/events/" + std::to_string(event["id"].get<int>()) + "/teams";
    auto created = tourtest::call("POST", teams,
                                  {{"name", "Tottenham Hotspur"}, {"aliases", {" Spurs ", "THFC"}}},
                                  organizer.token);
    ASSERT_EQ(created.status, 201) << created.raw.body;
    EXPECT_EQ(created.body["aliases"], json::array({"Spurs", "THFC"}));
    const std::string team = teams + "/" + std::to_string(created.body["id"].get<int>());

    const json plain = tourtest::add_team(organizer, event["id"].get<int>(), "Wolverhampton");
    EXPECT_EQ(plain["aliases"], json::array());

    std::vector<json> refused = {
        json::array({""}),                        // empty
        json::array({std::string(41, 'x')}),      // 41 characters
        json::array({"Sp\xe2\x80\xaeurs"}),       // a bidi override: not a name
        json(std::vector<std::string>(11, "a")),  // 11 aliases
        json::array({1}),                         // not a string
        json("Spurs"),                            // not an array
    };
    for (const json& aliases : refused) {
        auto r = tourtest::call("PATCH", team, {{"aliases", aliases}}, organizer.token);
        const json p = tourtest::expect_problem(r, 422);
        EXPECT_NE(p.dump().find("aliases"), std::string::npos) << aliases.dump() << p.dump();
    }
    auto replaced =
        tourtest::call("PATCH", team, {{"aliases", json::array({"Lilywhites"})}}, organizer.token);
    ASSERT_EQ(replaced.status, 200) << replaced.raw.body;
    EXPECT_EQ(replaced.body["aliases"], json::array({"Lilywhites"}));
    // A PATCH without aliases keeps them.
    auto renamed = tourtest::call("PATCH", team, {{"short_name", "TOT"}}, organizer.token);
    ASSERT_EQ(renamed.status, 200) << renamed.raw.body;
    EXPECT_EQ(renamed.body["aliases"], json::array({"Lilywhites"}));
    auto listed = tourtest::call("GET", teams, nullptr, organizer.token);
    ASSERT_EQ(listed.status, 200) << listed.raw.body;
    EXPECT_EQ(listed.body["items"][0]["aliases"], json::array({"Lilywhites"}));
}

}  // namespace
