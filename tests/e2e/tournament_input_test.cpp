// Hostile input on every route, as the outside security run sent it: numbers
// out of range (1e400, a 400-digit integer) in JSON bodies, NUL and other
// control characters in strings, invalid UTF-8 and control characters in
// query parameters. Every route of the router is walked with each value and
// must answer a 4xx problem, never a 5xx; and the names people read (event,
// sport, team, venue) refuse bidi overrides and invisible characters as the
// display name does.
#include <string>
#include <vector>

#include "routes.hpp"
#include "tournament_suite.hpp"

namespace {

using tourtest::call;
using tourtest::json;

// A raw JSON body (call() would serialize a json value, and 1e400 cannot be one).
tourtest::Reply send_raw(const std::string& method, const std::string& path,
                         const std::string& body, const std::string& token) {
    thread_local harness::HttpClient client(tourtest::stack().cert_file());
    std::vector<std::string> headers = {"Content-Type: application/json", "If-Match: \"1\""};
    if (!token.empty()) {
        headers.push_back("Authorization: Bearer " + token);
    }
    tourtest::Reply r;
    r.raw = client.request(method, tourtest::stack().https_url(path), body, headers);
    r.status = r.raw.status;
    r.body = json::parse(r.raw.body, nullptr, false);
    return r;
}

struct Ids {
    std::int64_t event = 0;
    std::int64_t game = 0;
    std::int64_t team = 0;
    std::int64_t user = 0;
};

// The route pattern with each {param} replaced by an id that exists.
std::string concrete(std::string pattern, const Ids& ids) {
    const bool game = pattern.rfind("/api/v1/games/", 0) == 0;
    auto put = [&](const std::string& param, std::int64_t value) {
        const auto at = pattern.find(param);
        if (at != std::string::npos) {
            pattern.replace(at, param.size(), std::to_string(value));
        }
    };
    put("{team_id}", ids.team);
    put("{user_id}", ids.user);
    put("{id}", game ? ids.game : ids.event);
    return pattern;
}

const std::string kHugeInteger(400, '9');

// Bodies that the validation layer must refuse on every route that reads one.
const std::vector<std::string> kBadBodies = {
    R"({"name":1e400,"home_score":1e400,"away_score":1e400,"email":"a@b.org"})",
    "{\"name\":" + kHugeInteger + ",\"home_score\":" + kHugeInteger + ",\"seed\":-" + kHugeInteger +
        "}",
    R"({"name":"x\u0000","email":"someone@example.org\u0000","password":"p\u0000w"})",
    R"({"reason":"a\u0007b","venue":"\u001b[31m","role":"viewer\u0000"})",
    R"({"name\u0000":"x"})",
    "{\"name\":\"\xc2\x85\"}",  // U+0085 (NEL), a C1 control
};

// Query strings with invalid UTF-8, a NUL, a control character and numbers
// out of range in every filter the routes read.
const std::vector<std::string> kBadQueries = {
    "?q=%FF&sport=%FF&action=%FF&status=%FF&format=%FF&cursor=%FF&from=%FF&to=%FF&limit=%FF"
    "&actor_id=%FF&team_id=%FF&round=%FF&ticket=%FF",
    "?q=a%00b&sport=%00&action=%1b&status=%00&cursor=%00&from=%00",
    "?limit=1e400&actor_id=" + kHugeInteger + "&round=" + kHugeInteger + "&team_id=-" +
        kHugeInteger,
    "?q=%E0%80%80&sport=%ED%A0%80&action=%F4%90%80%80",  // overlong, surrogate, > U+10FFFF
    "?q=%&sport=%G1",                                    // malformed escapes
};

TEST(TournamentInput, EveryRouteAnswersHostileValuesWithA4xxProblem) {
    const auto admin = tourtest::new_admin("walker");
    const auto other = tourtest::new_user("walked");
    const json event = tourtest::create_event(admin, {{"name", "Walked League"},
                                                      {"sport", "football"},
                                                      {"format", "round_robin"},
                                                      {"starts_on", "2026-08-01"}});
    const std::int64_t event_id = event["id"];
    const json home = tourtest::add_team(admin, event_id, "Walkers");
    tourtest::add_team(admin, event_id, "Runners");
    tourtest::schedule(admin, event_id, {{"first_game_at", "2026-08-02T15:00:00Z"}});
    const auto games =
        tourtest::all_pages("/api/v1/events/" + std::to_string(event_id) + "/games", admin.token);
    ASSERT_FALSE(games.empty());
    const Ids ids{event_id, games.front()["id"], home["id"], other.id};

    auto routes = api::build_router().routes();
    // Deletes last, so the resources stay for the other routes.
    std::stable_partition(routes.begin(), routes.end(),
                          [](const auto& r) { return r.first != "DELETE"; });
    int requests = 0;
    for (const auto& [method, pattern] : routes) {
        if (pattern.rfind("/api/v1/_test/", 0) == 0) {
            continue;  // test-build only
        }
        const std::string path = concrete(pattern, ids);
        // Every route that reads a body must refuse these; a read may ignore
        // a parameter it does not take, but never fail on one.
        const bool reads_body =
            method != "GET" && method != "DELETE" && pattern != "/api/v1/auth/logout-all";
        for (const auto& query : kBadQueries) {
            for (const auto& body : kBadBodies) {
                const auto r = send_raw(method, path + query, body, admin.token);
                ++requests;
                if (reads_body) {
                    EXPECT_GE(r.status, 400) << method << " " << path << query << " " << body;
                }
                EXPECT_LT(r.status, 500)
                    << method << " " << path << query << " " << body << " " << r.raw.body;
                if (r.status >= 400 && r.status < 500) {
                    EXPECT_EQ(r.header("content-type"), "application/problem+json")
                        << method << " " << path << query;
                }
            }
        }
    }
    EXPECT_GT(requests, 500);
    // Nothing was changed by any of them: the event and its teams are as made.
    EXPECT_EQ(tourtest::sql("SELECT name FROM events WHERE id = " + std::to_string(event_id)),
              "Walked League");
    EXPECT_EQ(tourtest::sql("SELECT string_agg(name, ',' ORDER BY name) FROM teams "
                            "WHERE event_id = " +
                            std::to_string(event_id)),
              "Runners,Walkers");
}

TEST(TournamentInput, OutOfRangeNumbersAre422) {
    const auto user = tourtest::new_user("numbers");
    for (const std::string& number : {std::string("1e400"), std::string("-1e400"), kHugeInteger}) {
        const auto r = send_raw("POST", "/api/v1/events",
                                R"({"name":"N","sport":"football","format":"round_robin",)"
                                R"("starts_on":"2026-08-01","points_for_win":)" +
                                    number + "}",
                                user.token);
        tourtest::expect_problem(r, 422);
    }
}

TEST(TournamentInput, InvalidUtf8InAQueryIs400) {
    for (const char* query : {"q=%FF", "sport=%FF", "status=%FF", "q=%C0%AF"}) {
        const auto r = call("GET", std::string("/api/v1/events?") + query);
        const json body = tourtest::expect_problem(r, 400);
        EXPECT_EQ(body["errors"][0]["message"], "is not valid UTF-8") << query;
    }
    const auto admin = tourtest::new_admin("audit-query");
    tourtest::expect_problem(call("GET", "/api/v1/admin/audit?action=%FF", nullptr, admin.token),
                             400);
}

// Expects a 422 whose errors name `field`.
void expect_refused(const tourtest::Reply& r, const std::string& field, const std::string& bad) {
    const json body = tourtest::expect_problem(r, 422);
    bool named = false;
    for (const auto& e : body.value("errors", json::array())) {
        named = named || e.value("field", "") == field;
    }
    EXPECT_TRUE(named) << field << " not among the errors of " << body.dump() << " for "
                       << json(bad).dump();
}

// The name policy of every human-readable field: the characters the outside
// run used to spoof names, each refused on each field, and nothing stored.
TEST(TournamentInput, NamesRefuseBidiAndInvisibleCharacters) {
    const auto user = tourtest::new_user("names");
    const json event = tourtest::create_event(user, {{"name", "Clean Cup"},
                                                     {"sport", "football"},
                                                     {"format", "single_elimination"},
                                                     {"starts_on", "2026-08-01"}});
    const std::int64_t event_id = event["id"];
    const std::string events = "/api/v1/events/" + std::to_string(event_id);
    const json team = tourtest::add_team(user, event_id, "Clean A");
    tourtest::add_team(user, event_id, "Clean B");
    const std::vector<std::string> spoofs = {
        "Abc\u202Edef",  // right-to-left override
        "Abc\u2028def",  // line separator
        "Abc\u0085def",  // next line (C1)
        "\uFEFFAbc",     // byte order mark
        "Abc\uFFFF",     // noncharacter
        "A\u200Dbc",     // zero-width joiner
        "A\u200Bbc",     // zero-width space
        "Abc\u2066d",    // left-to-right isolate
    };
    const std::string team_path =
        events + "/teams/" + std::to_string(team["id"].get<std::int64_t>());
    const json event_fields = {{"name", "Fine"},
                               {"sport", "football"},
                               {"format", "round_robin"},
                               {"starts_on", "2026-08-01"}};
    for (const auto& bad : spoofs) {
        for (const char* field : {"name", "sport"}) {
            json fields = event_fields;
            fields[field] = bad;
            expect_refused(call("POST", "/api/v1/events", fields, user.token), field, bad);
        }
        expect_refused(call("POST", events + "/teams", {{"name", bad}}, user.token), "name", bad);
        expect_refused(
            call("POST", events + "/teams", {{"name", "Fine"}, {"short_name", bad}}, user.token),
            "short_name", bad);
        expect_refused(call("PATCH", team_path, {{"name", bad}}, user.token), "name", bad);
        expect_refused(call("POST", events + "/games",
                            {{"home_team_id", team["id"]},
                             {"away_team_id", team["id"].get<std::int64_t>() + 1},
                             {"starts_at", "2026-08-02T18:00:00Z"},
                             {"venue", bad}},
                            user.token),
                       "venue", bad);
        expect_refused(call("POST", events + "/schedule", {{"venues", {"Main", bad}}}, user.token),
                       "venues", bad);
        expect_refused(call("POST", "/api/v1/auth/register",
                            {{"email", "spoof@example.org"},
                             {"password", "a-Long-and-Unusual-Pass-93"},
                             {"display_name", bad}}),
                       "display_name", bad);
    }
    EXPECT_EQ(
        tourtest::sql("SELECT count(*) FROM teams WHERE event_id = " + std::to_string(event_id)),
        "2");
    EXPECT_EQ(tourtest::sql("SELECT count(*) FROM users WHERE email = 'spoof@example.org'"), "0");
    // Letters of every script stay welcome.
    tourtest::add_team(user, event_id, "Beşiktaş İstanbul");
    tourtest::add_team(user, event_id, "Ελλάδα");
}

}  // namespace
