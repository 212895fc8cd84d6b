// The API additions of the web UI (issue 17): an event is read by its slug as
// by its id (drafts stay hidden), GET /events?slug= finds it, the live table
// counts games in progress as they stand while the official one counts final
// games only (each with its own ETag), and audit rows name their actor.
#include <map>

#include "tournament_suite.hpp"

namespace {

using tourtest::json;

std::string ev(std::int64_t id) {
    return "/api/v1/events/" + std::to_string(id);
}

json publish(const tourtest::User& u, std::int64_t event_id) {
    auto r = tourtest::call("PATCH", ev(event_id), {{"status", "scheduled"}}, u.token);
    EXPECT_EQ(r.status, 200) << r.raw.body;
    return r.body;
}

TEST(TournamentUiApi, EventBySlugAnswersLikeById) {
    const auto u = tourtest::new_user("slug");
    const json created = tourtest::create_event(u, {{"name", "Slug Cup"},
                                                    {"slug", "ui-slug-cup-2024"},
                                                    {"sport", "football"},
                                                    {"format", "round_robin"},
                                                    {"starts_on", "2024-06-01"}});
    const auto id = created["id"].get<std::int64_t>();
    publish(u, id);

    const auto by_id = tourtest::call("GET", ev(id));
    const auto by_slug = tourtest::call("GET", "/api/v1/events/ui-slug-cup-2024");
    ASSERT_EQ(by_id.status, 200) << by_id.raw.body;
    ASSERT_EQ(by_slug.status, 200) << by_slug.raw.body;
    EXPECT_EQ(by_slug.body, by_id.body);
    EXPECT_EQ(by_slug.header("etag"), by_id.header("etag"));
    EXPECT_EQ(by_slug.body["slug"], "ui-slug-cup-2024");
    const auto again = tourtest::call("GET", "/api/v1/events/ui-slug-cup-2024", nullptr, {},
                                      {"If-None-Match: " + by_slug.header("etag")});
    EXPECT_EQ(again.status, 304);

    const auto listed = tourtest::call("GET", "/api/v1/events?slug=ui-slug-cup-2024");
    ASSERT_EQ(listed.status, 200) << listed.raw.body;
    ASSERT_EQ(listed.body["items"].size(), 1u) << listed.raw.body;
    EXPECT_EQ(listed.body["items"][0], by_id.body);

    tourtest::expect_problem(tourtest::call("GET", "/api/v1/events/ui-no-such-slug"), 404);
    tourtest::expect_problem(tourtest::call("GET", "/api/v1/events/Not_A-Slug"), 404);
    const auto none = tourtest::call("GET", "/api/v1/events?slug=ui-no-such-slug");
    ASSERT_EQ(none.status, 200) << none.raw.body;
    EXPECT_TRUE(none.body["items"].empty());
    const json bad =
        tourtest::expect_problem(tourtest::call("GET", "/api/v1/events?slug=Bad_Slug"), 422);
    EXPECT_NE(bad.dump().find("slug"), std::string::npos) << bad.dump();
}

TEST(TournamentUiApi, DraftStaysHiddenBySlug) {
    const auto owner = tourtest::new_user("slugowner");
    const auto stranger = tourtest::new_user("slugstranger");
    const json draft = tourtest::create_event(owner, {{"name", "Hidden Slug Cup"},
                                                      {"slug", "ui-hidden-slug-cup"},
                                                      {"sport", "football"},
                                                      {"format", "round_robin"},
                                                      {"starts_on", "2024-06-01"}});
    ASSERT_EQ(draft["status"], "draft");
    const std::string path = "/api/v1/events/ui-hidden-slug-cup";
    // Anonymous and a non-member get the answer of an unknown slug.
    const json anonymous = tourtest::expect_problem(tourtest::call("GET", path), 404);
    const json unknown =
        tourtest::expect_problem(tourtest::call("GET", "/api/v1/events/ui-hidden-slug-cux"), 404);
    EXPECT_EQ(anonymous["detail"], unknown["detail"]);
    tourtest::expect_problem(tourtest::call("GET", path, nullptr, stranger.token), 404);
    for (const auto& token : {std::string(), stranger.token}) {
        const auto listed =
            tourtest::call("GET", "/api/v1/events?slug=ui-hidden-slug-cup", nullptr, token);
        ASSERT_EQ(listed.status, 200) << listed.raw.body;
        EXPECT_TRUE(listed.body["items"].empty()) << listed.raw.body;
    }
    // The organizer reads it by slug and by id alike.
    const auto mine = tourtest::call("GET", path, nullptr, owner.token);
    ASSERT_EQ(mine.status, 200) << mine.raw.body;
    EXPECT_EQ(mine.body, draft);
    const auto listed =
        tourtest::call("GET", "/api/v1/events?slug=ui-hidden-slug-cup", nullptr, owner.token);
    ASSERT_EQ(listed.body["items"].size(), 1u) << listed.raw.body;
}

// One team's line of a table, as the test computes it.
struct Line {
    int played = 0, won = 0, drawn = 0, lost = 0, goals_for = 0, goals_against = 0, points = 0;
};

void count(std::map<std::int64_t, Line>& table, std::int64_t home, std::int64_t away, int h,
           int a) {
    auto add = [](Line& l, int scored, int conceded) {
        ++l.played;
        l.goals_for += scored;
        l.goals_against += conceded;
        l.won += scored > conceded;
        l.drawn += scored == conceded;
        l.lost += scored < conceded;
        l.points += scored > conceded ? 3 : (scored == conceded ? 1 : 0);
    };
    add(table[home], h, a);
    add(table[away], a, h);
}

void expect_table(const json& body, const std::map<std::int64_t, Line>& expected) {
    ASSERT_EQ(body["rows"].size(), expected.size()) << body.dump();
    int last_points = 1 << 20;
    int rank = 0;
    for (const json& row : body["rows"]) {
        const Line& want = expected.at(row["team_id"].get<std::int64_t>());
        EXPECT_EQ(row["rank"], ++rank) << row.dump();
        EXPECT_EQ(row["played"], want.played) << row.dump();
        EXPECT_EQ(row["won"], want.won) << row.dump();
        EXPECT_EQ(row["drawn"], want.drawn) << row.dump();
        EXPECT_EQ(row["lost"], want.lost) << row.dump();
        EXPECT_EQ(row["goals_for"], want.goals_for) << row.dump();
        EXPECT_EQ(row["goals_against"], want.goals_against) << row.dump();
        EXPECT_EQ(row["goal_difference"], want.goals_for - want.goals_against) << row.dump();
        EXPECT_EQ(row["points"], want.points) << row.dump();
        EXPECT_LE(want.points, last_points) << "ranked out of points order: " << body.dump();
        last_points = want.points;
    }
}

TEST(TournamentUiApi, LiveTableCountsGamesInProgress) {
    const auto u = tourtest::new_user("livetable");
    const json event = tourtest::create_event(u, {{"name", "Live Table League"},
                                                  {"sport", "football"},
                                                  {"format", "round_robin"},
                                                  {"starts_on", "2024-05-01"}});
    const auto id = event["id"].get<std::int64_t>();
    std::map<std::int64_t, Line> none;
    for (const char* name : {"Live Albion", "Live Rovers", "Live United"}) {
        none[tourtest::add_team(u, id, name)["id"].get<std::int64_t>()] = Line{};
    }
    publish(u, id);
    const json games =
        tourtest::schedule(u, id, {{"first_game_at", "2024-05-04T12:00:00Z"}})["games"];
    ASSERT_EQ(games.size(), 3u) << games.dump();
    auto teams_of = [&](int i) {
        return std::pair{games[i]["home_team_id"].get<std::int64_t>(),
                         games[i]["away_team_id"].get<std::int64_t>()};
    };
    // Game 0 ends 2-0, game 1 stands at 3-1 in progress, game 2 is to come.
    const auto game0 = games[0]["id"].get<std::int64_t>();
    const auto game1 = games[1]["id"].get<std::int64_t>();
    ASSERT_EQ(tourtest::put_score(u, game0, 0, 0, "live").status, 200);
    ASSERT_EQ(tourtest::put_score(u, game0, 2, 0, "final").status, 200);
    ASSERT_EQ(tourtest::put_score(u, game1, 3, 1, "live").status, 200);
    std::map<std::int64_t, Line> official = none;
    count(official, teams_of(0).first, teams_of(0).second, 2, 0);
    std::map<std::int64_t, Line> live = official;
    count(live, teams_of(1).first, teams_of(1).second, 3, 1);

    const std::string path = ev(id) + "/standings";
    const auto off = tourtest::call("GET", path);
    ASSERT_EQ(off.status, 200) << off.raw.body;
    expect_table(off.body, official);
    EXPECT_FALSE(off.body.contains("live")) << off.raw.body;
    const auto off_false = tourtest::call("GET", path + "?live=false");
    ASSERT_EQ(off_false.status, 200) << off_false.raw.body;
    EXPECT_EQ(off_false.body, off.body);
    EXPECT_EQ(off_false.header("etag"), off.header("etag"));

    const auto now = tourtest::call("GET", path + "?live=true");
    ASSERT_EQ(now.status, 200) << now.raw.body;
    expect_table(now.body, live);
    EXPECT_EQ(now.body["live"], true);
    EXPECT_EQ(now.body["event_id"], id);
    EXPECT_EQ(now.body["version"], off.body["version"]);
    EXPECT_EQ(now.body["format"], "round_robin");

    // Each table answers 304 to its own tag only.
    ASSERT_FALSE(now.header("etag").empty());
    EXPECT_NE(now.header("etag"), off.header("etag"));
    EXPECT_EQ(tourtest::call("GET", path + "?live=true", nullptr, {},
                             {"If-None-Match: " + now.header("etag")})
                  .status,
              304);
    EXPECT_EQ(tourtest::call("GET", path + "?live=true", nullptr, {},
                             {"If-None-Match: " + off.header("etag")})
                  .status,
              200);
    EXPECT_EQ(
        tourtest::call("GET", path, nullptr, {}, {"If-None-Match: " + now.header("etag")}).status,
        200);

    // A live goal moves the live table and its tag, not the official one.
    ASSERT_EQ(tourtest::put_score(u, game1, 3, 2, "live").status, 200);
    std::map<std::int64_t, Line> live2 = official;
    count(live2, teams_of(1).first, teams_of(1).second, 3, 2);
    const auto moved = tourtest::call("GET", path + "?live=true", nullptr, {},
                                      {"If-None-Match: " + now.header("etag")});
    ASSERT_EQ(moved.status, 200) << moved.raw.body;
    expect_table(moved.body, live2);
    EXPECT_NE(moved.header("etag"), now.header("etag"));
    EXPECT_EQ(
        tourtest::call("GET", path, nullptr, {}, {"If-None-Match: " + off.header("etag")}).status,
        304);

    // Bad values are refused; nothing changes.
    for (const char* bad : {"?live=yes", "?live=1", "?live=", "?live=TRUE"}) {
        const json p = tourtest::expect_problem(tourtest::call("GET", path + bad), 422);
        EXPECT_NE(p.dump().find("live"), std::string::npos) << bad << " " << p.dump();
    }
    expect_table(tourtest::call("GET", path).body, official);
}

TEST(TournamentUiApi, AuditRowsNameTheirActor) {
    const auto u = tourtest::new_user("auditwho");
    const auto admin = tourtest::new_admin("auditreader");
    (void)tourtest::create_event(u, {{"name", "Audited Cup"},
                                     {"sport", "football"},
                                     {"format", "round_robin"},
                                     {"starts_on", "2024-06-01"}});
    const auto mine = tourtest::call("GET", "/api/v1/admin/audit?actor_id=" + std::to_string(u.id),
                                     nullptr, admin.token);
    ASSERT_EQ(mine.status, 200) << mine.raw.body;
    ASSERT_FALSE(mine.body["items"].empty()) << mine.raw.body;
    for (const json& row : mine.body["items"]) {
        EXPECT_EQ(row["actor_id"], u.id) << row.dump();
        ASSERT_TRUE(row.contains("actor_display_name")) << row.dump();
        EXPECT_EQ(row["actor_display_name"], "Player auditwho") << row.dump();
    }

    // A row without an actor (a reset request is anonymous) names nobody.
    const auto reset = tourtest::call("POST", "/api/v1/auth/password-reset", {{"email", u.email}});
    ASSERT_EQ(reset.status, 202) << reset.raw.body;
    const auto system =
        tourtest::call("GET", "/api/v1/admin/audit?action=auth.password_reset_requested&limit=1",
                       nullptr, admin.token);
    ASSERT_EQ(system.status, 200) << system.raw.body;
    ASSERT_EQ(system.body["items"].size(), 1u) << system.raw.body;
    EXPECT_TRUE(system.body["items"][0]["actor_id"].is_null()) << system.raw.body;
    ASSERT_TRUE(system.body["items"][0].contains("actor_display_name")) << system.raw.body;
    EXPECT_TRUE(system.body["items"][0]["actor_display_name"].is_null()) << system.raw.body;
}

}  // namespace
