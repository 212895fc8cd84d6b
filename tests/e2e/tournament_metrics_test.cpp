// scoreline-api's /metrics against what the test itself did through nginx:
// HTTP requests by route pattern and status, and the business counters
// (registrations, logins by result, scores, finished games, corrections,
// standings), each moved by exactly what was done between two scrapes.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>

#include "tournament_suite.hpp"

namespace {

using tourtest::json;

// series ("name{labels}" or "name") -> value, from the text format.
std::map<std::string, double> scrape() {
    const auto r = tourtest::call("GET", "/metrics");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    std::map<std::string, double> out;
    std::istringstream in(r.raw.body);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        const auto space = line.rfind(' ');
        EXPECT_NE(space, std::string::npos) << line;
        out[line.substr(0, space)] = std::stod(line.substr(space + 1));
    }
    return out;
}

double delta(const std::map<std::string, double>& before,
             const std::map<std::string, double>& after, const std::string& series) {
    const auto b = before.find(series);
    const auto a = after.find(series);
    EXPECT_NE(a, after.end()) << series << " is not exported";
    return (a == after.end() ? 0 : a->second) - (b == before.end() ? 0 : b->second);
}

TEST(ApiMetrics, BusinessAndHttpCountersMoveByWhatWasDone) {
    const auto before = scrape();

    const auto organizer = tourtest::new_user("metrics");  // register + login
    auto wrong = tourtest::call("POST", "/api/v1/auth/login",
                                {{"email", organizer.email}, {"password", "not the password"}});
    ASSERT_EQ(wrong.status, 401);
    json event = tourtest::create_event(organizer, {{"name", "Metrics League"},
                                                    {"sport", "football"},
                                                    {"format", "round_robin"},
                                                    {"starts_on", "2024-05-01"}});
    const auto event_id = event["id"].get<std::int64_t>();
    ASSERT_EQ(tourtest::call("PATCH", "/api/v1/events/" + std::to_string(event_id),
                             {{"status", "scheduled"}}, organizer.token)
                  .status,
              200);
    tourtest::add_team(organizer, event_id, "Metrics A", 1);
    tourtest::add_team(organizer, event_id, "Metrics B", 2);
    const json sched =
        tourtest::schedule(organizer, event_id, {{"first_game_at", "2024-05-04T12:00:00Z"}});
    const auto game = sched["games"][0]["id"].get<std::int64_t>();
    auto live = tourtest::put_score(organizer, game, 1, 0, "live");
    ASSERT_EQ(live.status, 200) << live.raw.body;
    auto fin = tourtest::put_score(organizer, game, 2, 0, "final",
                                   live.body["version"].get<std::int64_t>());
    ASSERT_EQ(fin.status, 200) << fin.raw.body;
    const auto admin = tourtest::new_admin("metrics-admin");  // one more login
    auto fix =
        tourtest::call("POST", "/api/v1/games/" + std::to_string(game) + "/corrections",
                       {{"home_score", 2}, {"away_score", 1}, {"reason", "own goal"}}, admin.token);
    ASSERT_EQ(fix.status, 200) << fix.raw.body;
    ASSERT_EQ(tourtest::call("GET", "/api/v1/games/999999999").status, 404);

    const auto after = scrape();
    EXPECT_EQ(delta(before, after, "scoreline_registrations_total"), 1);
    EXPECT_EQ(delta(before, after, R"(scoreline_logins_total{result="success"})"), 2);
    EXPECT_EQ(delta(before, after, R"(scoreline_logins_total{result="failure"})"), 1);
    EXPECT_EQ(delta(before, after, "scoreline_scores_recorded_total"), 2);
    EXPECT_EQ(delta(before, after, "scoreline_games_finished_total"), 1);
    EXPECT_EQ(delta(before, after, "scoreline_score_corrections_total"), 1);
    // The final score and the correction each recompute the table.
    EXPECT_GE(delta(before, after, "scoreline_standings_recomputes_total"), 2);
    EXPECT_EQ(
        delta(
            before, after,
            R"(scoreline_http_requests_total{method="PUT",route="/api/v1/games/{id}/score",status="200"})"),
        2);
    EXPECT_EQ(
        delta(
            before, after,
            R"(scoreline_http_requests_total{method="GET",route="/api/v1/games/{id}",status="404"})"),
        1);
    EXPECT_EQ(
        delta(
            before, after,
            R"(scoreline_http_request_duration_seconds_count{method="PUT",route="/api/v1/games/{id}/score"})"),
        2);
    EXPECT_EQ(after.at(R"(scoreline_events{status="scheduled"})"),
              std::stod(tourtest::sql("SELECT count(*) FROM events WHERE status = 'scheduled'")));
    EXPECT_EQ(after.at("scoreline_readyz_ok"), 1);
    // Labels are route patterns, never paths: no series names an id.
    const std::regex concrete_id(R"(route="[^"]*/[0-9]+(/|"))");
    for (const auto& [series, value] : after) {
        EXPECT_FALSE(std::regex_search(series, concrete_id)) << series;
    }
}

TEST(ApiMetrics, AnUnknownPathIsCountedAsUnmatchedNotByItsPath) {
    ASSERT_EQ(tourtest::call("GET", "/api/v1/no/such/thing/12345").status, 404);
    const auto after = scrape();
    EXPECT_GE(
        after.at(R"(scoreline_http_requests_total{method="GET",route="unmatched",status="404"})"),
        1);
    for (const auto& [series, value] : after) {
        EXPECT_EQ(series.find("no/such"), std::string::npos) << series;
    }
}

}  // namespace
