// Optimistic concurrency on scores: 20 score updates of one game sent at
// once with the same If-Match version give exactly one 200 and nineteen 412,
// and exactly one score_history row. So that the race is real and not left to
// timing, the test holds the game's row lock from its own connection until
// every API worker has an UPDATE of the game waiting on it: those updates all
// read the same version before any of them could write.
#include <atomic>
#include <thread>

#include "db/connection.hpp"
#include "tournament_suite.hpp"

namespace {

using tourtest::json;

constexpr db::Statement kLockGame{"test_lock_game", "SELECT 1 FROM games WHERE id = $1 FOR UPDATE"};

// Score updates of game `game_id` waiting for a row lock right now.
int waiting_updates() {
    return std::stoi(
        tourtest::sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                      "AND query LIKE '%UPDATE games SET home_score%'"));
}

TEST(TournamentConcurrency, TwentyParallelUpdatesOfOneVersionGiveOneWinner) {
    const tourtest::User organizer = tourtest::new_user("race");
    const json event = tourtest::create_event(organizer, {{"name", "Race Cup"},
                                                          {"sport", "hockey"},
                                                          {"format", "round_robin"},
                                                          {"starts_on", "2024-06-01"}});
    const auto event_id = event["id"].get<std::int64_t>();
    tourtest::add_team(organizer, event_id, "Hawks");
    tourtest::add_team(organizer, event_id, "Eagles");
    const json sched =
        tourtest::schedule(organizer, event_id, {{"first_game_at", "2024-06-01T18:00:00Z"}});
    ASSERT_EQ(sched["games"].size(), 1u);
    const auto game_id = sched["games"][0]["id"].get<std::int64_t>();
    ASSERT_EQ(tourtest::call("PATCH", "/api/v1/events/" + std::to_string(event_id),
                             {{"status", "live"}}, organizer.token)
                  .status,
              200);
    const auto version = sched["games"][0]["version"].get<std::int64_t>();

    db::Connection blocker =
        db::Connection::open({tourtest::stack().database_url(), "tournament-test"});
    db::Tx hold(blocker);
    (void)hold.exec(kLockGame, game_id);

    constexpr int kRacers = 20;
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<long> statuses(kRacers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kRacers; ++i) {
        threads.emplace_back([&, i] {
            // Each racer sends its own score, so the winner is identifiable.
            ready++;
            while (!go) {
                std::this_thread::yield();
            }
            statuses[static_cast<std::size_t>(i)] =
                tourtest::put_score(organizer, game_id, i, 0, "live", version).status;
        });
    }
    while (ready < kRacers) {
        std::this_thread::yield();
    }
    go = true;
    // Every worker (3 in this suite) is blocked in its UPDATE: release the row.
    const bool overlapped =
        harness::wait_until([] { return waiting_updates() >= 3; }, std::chrono::seconds(20));
    EXPECT_TRUE(overlapped) << "the updates never waited on the row together: "
                            << waiting_updates();
    hold.commit();
    for (auto& t : threads) {
        t.join();
    }
    int ok = 0, stale = 0, winner = -1;
    for (int i = 0; i < kRacers; ++i) {
        const long s = statuses[static_cast<std::size_t>(i)];
        ok += s == 200 ? 1 : 0;
        stale += s == 412 ? 1 : 0;
        winner = s == 200 ? i : winner;
        EXPECT_TRUE(s == 200 || s == 412) << "racer " << i << " got " << s;
    }
    EXPECT_EQ(ok, 1);
    EXPECT_EQ(stale, kRacers - 1);
    EXPECT_EQ(tourtest::sql("SELECT count(*) FROM score_history WHERE game_id = " +
                            std::to_string(game_id)),
              "1");
    const json game = tourtest::get_game(game_id);
    EXPECT_EQ(game["version"], version + 1);
    EXPECT_EQ(game["home_score"], winner);
    EXPECT_EQ(game["status"], "live");
    auto history = tourtest::call("GET", "/api/v1/games/" + std::to_string(game_id) + "/history");
    ASSERT_EQ(history.body["items"].size(), 1u) << history.raw.body;
    EXPECT_EQ(history.body["items"][0]["new"]["home_score"], winner);

    // A late writer with the old version is refused with the current ETag.
    auto late = tourtest::put_score(organizer, game_id, 9, 9, "live", version);
    tourtest::expect_problem(late, 412);
    EXPECT_EQ(late.header("etag"), "\"" + std::to_string(version + 1) + "\"");
}

}  // namespace
