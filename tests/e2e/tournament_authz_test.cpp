// Authorization of the tournament routes: a signed-in user who is not a
// member gets 403 on every write route of a published event and 404 on every
// route of a draft (whose existence stays hidden), an anonymous caller 401;
// scorekeepers record scores but change nothing else; viewers read drafts;
// admins may do everything. Refused writes change nothing.
#include "tournament_suite.hpp"

namespace {

using tourtest::json;

struct Fixture {
    tourtest::User organizer;
    std::int64_t event_id = 0;
    std::int64_t team_id = 0;
    std::int64_t other_team_id = 0;
    std::int64_t game_id = 0;
};

Fixture make_event(const std::string& name, bool publish) {
    Fixture f;
    f.organizer = tourtest::new_user("owner");
    const json event = tourtest::create_event(f.organizer, {{"name", name},
                                                            {"sport", "rugby"},
                                                            {"format", "round_robin"},
                                                            {"starts_on", "2024-09-01"}});
    f.event_id = event["id"].get<std::int64_t>();
    f.team_id = tourtest::add_team(f.organizer, f.event_id, "Lions")["id"].get<std::int64_t>();
    f.other_team_id =
        tourtest::add_team(f.organizer, f.event_id, "Tigers")["id"].get<std::int64_t>();
    tourtest::add_team(f.organizer, f.event_id, "Bears");
    const json sched =
        tourtest::schedule(f.organizer, f.event_id, {{"first_game_at", "2024-09-07T15:00:00Z"}});
    f.game_id = sched["games"][0]["id"].get<std::int64_t>();
    if (publish) {
        auto r = tourtest::call("PATCH", "/api/v1/events/" + std::to_string(f.event_id),
                                {{"status", "scheduled"}}, f.organizer.token);
        EXPECT_EQ(r.status, 200) << r.raw.body;
    }
    return f;
}

struct Write {
    std::string method;
    std::string path;
    json body;
    std::vector<std::string> headers;
};

// Every write route of the event, with a body that would be accepted.
std::vector<Write> write_routes(const Fixture& f, std::int64_t intruder_id) {
    const std::string e = "/api/v1/events/" + std::to_string(f.event_id);
    const std::string g = "/api/v1/games/" + std::to_string(f.game_id);
    const std::string t = e + "/teams/" + std::to_string(f.team_id);
    return {
        {"PATCH", e, {{"name", "Taken Over"}}, {}},
        {"DELETE", e, nullptr, {}},
        {"POST", e + "/members", {{"user_id", intruder_id}, {"role", "organizer"}}, {}},
        {"DELETE", e + "/members/" + std::to_string(f.organizer.id), nullptr, {}},
        {"POST", e + "/teams", {{"name", "Intruders"}}, {}},
        {"PATCH", t, {{"name", "Renamed"}}, {}},
        {"DELETE", e + "/teams/" + std::to_string(f.other_team_id), nullptr, {}},
        {"POST",
         e + "/schedule",
         {{"first_game_at", "2024-10-01T12:00:00Z"}, {"replace", true}},
         {}},
        {"POST",
         e + "/games",
         {{"home_team_id", f.team_id},
          {"away_team_id", f.other_team_id},
          {"starts_at", "2024-10-02T12:00:00Z"}},
         {}},
        {"PATCH", g, {{"status", "postponed"}}, {}},
        {"PUT",
         g + "/score",
         {{"home_score", 1}, {"away_score", 0}, {"status", "live"}},
         {"If-Match: \"1\""}},
        {"POST", g + "/corrections", {{"home_score", 1}, {"away_score", 0}, {"reason", "no"}}, {}},
    };
}

// A fingerprint of everything the writes above could touch.
std::string state_of(const Fixture& f) {
    const std::string id = std::to_string(f.event_id);
    return tourtest::sql("SELECT (SELECT name || status || version FROM events WHERE id = " + id +
                         ") || '/' || (SELECT string_agg(name, ',' ORDER BY id) FROM teams "
                         "WHERE event_id = " +
                         id +
                         ") || '/' || (SELECT string_agg(user_id || "
                         "role, ',' ORDER BY user_id) FROM event_members WHERE event_id = " +
                         id +
                         ") || '/' || (SELECT string_agg(id || status || version, ',' ORDER BY id) "
                         "FROM games WHERE event_id = " +
                         id + ")");
}

TEST(TournamentAuthz, NonMemberGets403OnEveryWriteOfAPublishedEvent) {
    const Fixture f = make_event("Open Championship", true);
    const tourtest::User outsider = tourtest::new_user("outsider");
    const std::string before = state_of(f);
    for (const Write& w : write_routes(f, outsider.id)) {
        auto r = tourtest::call(w.method, w.path, w.body, outsider.token, w.headers);
        tourtest::expect_problem(r, 403);
        EXPECT_EQ(r.status, 403) << w.method << " " << w.path;
    }
    EXPECT_EQ(state_of(f), before);
    // Reading is open to anyone, members are for members.
    EXPECT_EQ(tourtest::call("GET", "/api/v1/events/" + std::to_string(f.event_id)).status, 200);
    tourtest::expect_problem(
        tourtest::call("GET", "/api/v1/events/" + std::to_string(f.event_id) + "/members", nullptr,
                       outsider.token),
        403);
}

TEST(TournamentAuthz, AnonymousGets401OnEveryWrite) {
    const Fixture f = make_event("Anonymous Shield", true);
    const std::string before = state_of(f);
    for (const Write& w : write_routes(f, f.organizer.id)) {
        auto r = tourtest::call(w.method, w.path, w.body, "", w.headers);
        tourtest::expect_problem(r, 401);
        EXPECT_EQ(r.status, 401) << w.method << " " << w.path;
        EXPECT_NE(r.header("www-authenticate").find("Bearer"), std::string::npos);
    }
    EXPECT_EQ(state_of(f), before);
    tourtest::expect_problem(tourtest::call("POST", "/api/v1/events",
                                            {{"name", "X"},
                                             {"sport", "x"},
                                             {"format", "round_robin"},
                                             {"starts_on", "2024-01-01"}}),
                             401);
}

TEST(TournamentAuthz, DraftIsNotFoundForNonMembersOnEveryRoute) {
    const Fixture f = make_event("Secret Draft Cup", false);
    const tourtest::User outsider = tourtest::new_user("snoop");
    const std::string before = state_of(f);
    for (const Write& w : write_routes(f, outsider.id)) {
        auto r = tourtest::call(w.method, w.path, w.body, outsider.token, w.headers);
        tourtest::expect_problem(r, 404);
        EXPECT_EQ(r.status, 404) << w.method << " " << w.path;
        auto anon = tourtest::call(w.method, w.path, w.body, "", w.headers);
        EXPECT_EQ(anon.status, 404) << "anonymous " << w.method << " " << w.path;
    }
    EXPECT_EQ(state_of(f), before);
    const std::string e = "/api/v1/events/" + std::to_string(f.event_id);
    const std::string g = "/api/v1/games/" + std::to_string(f.game_id);
    for (const std::string& path : {e, e + "/teams", e + "/games", e + "/standings", e + "/members",
                                    e + "/export?format=csv", g, g + "/history"}) {
        EXPECT_EQ(tourtest::call("GET", path, nullptr, outsider.token).status, 404) << path;
        EXPECT_EQ(tourtest::call("GET", path).status, 404) << path;
        EXPECT_EQ(tourtest::call("GET", path, nullptr, f.organizer.token).status, 200) << path;
    }
    // The list leaves the draft out for others and keeps it for its organizer.
    auto mine = tourtest::all_pages("/api/v1/events?q=secret+draft", f.organizer.token);
    auto theirs = tourtest::all_pages("/api/v1/events?q=secret+draft", outsider.token);
    EXPECT_EQ(mine.size(), 1u);
    EXPECT_TRUE(theirs.empty());
}

TEST(TournamentAuthz, RolesAllowWhatTheyShould) {
    const Fixture f = make_event("Roles Trophy", false);
    const tourtest::User keeper = tourtest::new_user("keeper");
    const tourtest::User viewer = tourtest::new_user("viewer");
    const tourtest::User admin = tourtest::new_admin("boss");
    const std::string e = "/api/v1/events/" + std::to_string(f.event_id);
    const std::string g = "/api/v1/games/" + std::to_string(f.game_id);
    auto add = tourtest::call("POST", e + "/members",
                              {{"user_id", keeper.id}, {"role", "scorekeeper"}}, f.organizer.token);
    EXPECT_EQ(add.status, 201) << add.raw.body;
    add = tourtest::call("POST", e + "/members", {{"user_id", viewer.id}, {"role", "viewer"}},
                         f.organizer.token);
    EXPECT_EQ(add.status, 201) << add.raw.body;

    const json unknown = tourtest::expect_problem(
        tourtest::call("POST", e + "/members", {{"user_id", 999999999}, {"role", "viewer"}},
                       f.organizer.token),
        422);
    EXPECT_EQ(unknown["errors"][0]["field"], "user_id");
    // A viewer reads the draft but writes nothing.
    EXPECT_EQ(tourtest::call("GET", e, nullptr, viewer.token).status, 200);
    EXPECT_EQ(tourtest::call("GET", e + "/members", nullptr, viewer.token).status, 200);
    tourtest::expect_problem(tourtest::put_score(viewer, f.game_id, 1, 0, "live"), 403);
    // A scorekeeper records scores, but neither corrects nor edits.
    auto live = tourtest::put_score(keeper, f.game_id, 1, 0, "live");
    EXPECT_EQ(live.status, 200) << live.raw.body;
    auto fin = tourtest::put_score(keeper, f.game_id, 2, 0, "final");
    EXPECT_EQ(fin.status, 200) << fin.raw.body;
    tourtest::expect_problem(
        tourtest::call("POST", g + "/corrections",
                       {{"home_score", 0}, {"away_score", 0}, {"reason", "x"}}, keeper.token),
        403);
    tourtest::expect_problem(tourtest::call("PATCH", e, {{"name", "Keeper Cup"}}, keeper.token),
                             403);
    // An admin who is not a member may do anything, drafts included.
    auto patch = tourtest::call("PATCH", e, {{"name", "Admin Cup"}}, admin.token);
    EXPECT_EQ(patch.status, 200) << patch.raw.body;
    auto fix = tourtest::call("POST", g + "/corrections",
                              {{"home_score", 1}, {"away_score", 1}, {"reason", "video review"}},
                              admin.token);
    EXPECT_EQ(fix.status, 200) << fix.raw.body;
    // The last organizer cannot leave the event without one.
    tourtest::expect_problem(
        tourtest::call("DELETE", e + "/members/" + std::to_string(f.organizer.id), nullptr,
                       admin.token),
        409);
}

}  // namespace
