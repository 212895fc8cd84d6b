// The demo data of `make run`: `scoreline-api demo load` fills an empty
// database with a finished league, a live league and a knockout in progress
// built from real results, answers the API like any other event, and a second
// run changes nothing. Its own stack: the demo needs a database without events.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http_client.hpp"
#include "stack.hpp"

namespace {

using nlohmann::json;

class TournamentDemo : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { stack_ = new harness::Stack(harness::StackOptions::with(2)); }
    static void TearDownTestSuite() {
        delete stack_;
        stack_ = nullptr;
    }
    static harness::RunResult load() {
        return harness::run_process(
            {harness::binary_dir() + "/workers/scoreline-api", "demo", "load", "--data",
             harness::source_dir() + "/../shared/data/football"},
            stack_->api_env(), std::chrono::minutes(10));
    }
    static std::string sql(const std::string& statement) {
        std::string out = stack_->postgres().psql("scoreline", statement);
        while (!out.empty() && out.back() == '\n') {
            out.pop_back();
        }
        return out;
    }
    json get(const std::string& path) {
        auto r = client_.get(stack_->https_url(path));
        EXPECT_EQ(r.status, 200) << path << ": " << r.body;
        return json::parse(r.body, nullptr, false);
    }
    static harness::Stack* stack_;
    harness::HttpClient client_{stack_ ? stack_->cert_file() : std::string()};
};
harness::Stack* TournamentDemo::stack_ = nullptr;

TEST_F(TournamentDemo, LoadsThreeEventsOnceAndServesThem) {
    const auto first = load();
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    EXPECT_NE(first.out.find("Premier League 2011/12"), std::string::npos) << first.out;

    const json events = get("/api/v1/events");
    ASSERT_EQ(events["items"].size(), 3u) << events.dump();
    std::map<std::string, json> by_name;
    for (const auto& e : events["items"]) {
        by_name[e["name"].get<std::string>()] = e;
    }
    const json& epl = by_name.at("Premier League 2011/12");
    const json& liga = by_name.at("La Liga 2022/23");
    const json& cup = by_name.at("World Cup 2022 knockout stage");
    EXPECT_EQ(epl["status"], "completed");
    EXPECT_EQ(liga["status"], "live");
    EXPECT_EQ(cup["status"], "live");

    // The finished league: City above United on goal difference, both on 89 points.
    const json table = get("/api/v1/events/" + std::to_string(epl["id"].get<int>()) + "/standings");
    ASSERT_EQ(table["rows"].size(), 20u);
    EXPECT_EQ(table["rows"][0]["team_name"], "Manchester City");
    EXPECT_EQ(table["rows"][0]["points"], 89);
    EXPECT_EQ(table["rows"][0]["goal_difference"], 64);
    EXPECT_EQ(table["rows"][1]["team_name"], "Manchester United");
    EXPECT_EQ(table["rows"][1]["points"], 89);
    EXPECT_EQ(table["rows"][0]["played"], 38);

    // The live league: three games live, 190 final.
    const std::string liga_games =
        "/api/v1/events/" + std::to_string(liga["id"].get<int>()) + "/games";
    EXPECT_EQ(get(liga_games + "?status=live")["items"].size(), 3u);
    EXPECT_EQ(sql("SELECT count(*) FROM games WHERE event_id = " +
                  std::to_string(liga["id"].get<int>()) + " AND status = 'final'"),
              "190");

    // The knockout: the final waits for the second semi-final, live at half time.
    const std::string cup_id = std::to_string(cup["id"].get<int>());
    const json live = get("/api/v1/events/" + cup_id + "/games?status=live");
    ASSERT_EQ(live["items"].size(), 1u);
    EXPECT_EQ(live["items"][0]["round"], 3);
    EXPECT_EQ(live["items"][0]["venue"], "Al Bayt Stadium, Al Khor");
    const json final_round = get("/api/v1/events/" + cup_id + "/games?round=4");
    ASSERT_EQ(final_round["items"].size(), 1u);
    EXPECT_EQ(final_round["items"][0]["home_team_name"], "Argentina");
    EXPECT_TRUE(final_round["items"][0]["away_team_id"].is_null());
    EXPECT_EQ(final_round["items"][0]["starts_at"], "2022-12-18T15:00:00Z");

    // Idempotent: a second run finds events and writes nothing.
    const std::string outbox = sql("SELECT count(*) FROM outbox");
    const auto second = load();
    ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
    EXPECT_NE(second.out.find("nothing loaded"), std::string::npos) << second.out;
    EXPECT_EQ(sql("SELECT count(*) FROM events"), "3");
    EXPECT_EQ(sql("SELECT count(*) FROM outbox"), outbox);
}

}  // namespace
