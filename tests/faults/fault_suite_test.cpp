// The fault suite (`make test-faults`): the faults of the outside reliability
// run, each under load. Writers record scores through nginx and the API
// (PUT /games/{id}/score with If-Match), subscribers follow both events'
// streams through nginx as an EventSource does, and in the middle of the
// writes one fault lands. After it, for every fault:
//   - 0 acknowledged writes lost: every 200 is in score_history;
//   - 0 failed writes applied: no write the API refused (a 4xx or a 5xx of
//     its own) is in score_history. A write whose answer never came (the
//     connection died, or nginx answered 502/504 because the worker did) may
//     be either; the writer reads the game back and goes on;
//   - every stream message exactly once, in id order, to every subscriber.
// Two subscribers read slowly (a capped receive rate), so the server's buffers
// for them fill up; they too must get every message once, in order.
// Each score a writer sends is unique within a scenario (home, away = the
// game's attempt counter in base 1000), so score_history tells exactly which
// attempts were applied.
//
// score_history lives in a tablespace on a tmpfs of its own (a mount namespace
// entered in main()), so a scenario can fill the disk under the writes.
//
// Besides the single faults: PostgreSQL stopped for FAULT_PG_DOWN_SECONDS
// (default 30), and a soak of FAULT_SOAK_SECONDS (default 60; the outside run
// soaked for 300) with a worker killed every 10 s and nginx reloaded halfway.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "http_client.hpp"
#include "sign_up.hpp"
#include "small_filesystem.hpp"
#include "stack.hpp"
#include "stream_subscriber.hpp"

namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr int kWriters = 6;
constexpr int kSubscribers = 12;
constexpr int kFlapping = 4;
constexpr int kSlow = 2;    // after the flapping ones
constexpr int kTeams = 10;  // per event: 45 games each
constexpr auto kWriteTime = 6s;

struct Attempt {
    std::int64_t game = 0;
    int n = 0;  // the game's attempt counter: home = n % 1000, away = n / 1000
    long status = 0;
};

// A whole number of seconds from the environment, or the default.
std::chrono::seconds seconds_from_env(const char* name, long fallback) {
    const char* v = std::getenv(name);
    return std::chrono::seconds(v && *v ? std::stol(v) : fallback);
}

class Faults : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        harness::StackOptions o;
        o.workers = 4;
        o.sse_processes = 2;
        o.sse_env = {{"SCORELINE_SSE_POLL_INTERVAL_MS", "250"},
                     {"SCORELINE_SSE_HEARTBEAT_MS", "1000"},
                     {"SCORELINE_SSE_MAX_CONNECTIONS_PER_IP", "10000"},
                     {"SCORELINE_SSE_DB_RECONNECT_MAX_MS", "500"},
                     {"SCORELINE_SSE_ACCESS_CACHE_MS", "1000"}};
        o.nginx_env = {{"SSE_CONN_PER_IP", "10000"}};
        disk_ = new harness::SmallFilesystem(256);
        stack_ = new harness::Stack(o);
        (void)stack_->postgres().psql("scoreline",
                                      "CREATE TABLESPACE small LOCATION '" + disk_->path() + "'");
        (void)stack_->postgres().psql("scoreline",
                                      "ALTER TABLE score_history SET TABLESPACE small");
        token_ = sign_up();
        for (int e = 0; e < 2; ++e) {
            make_event(e);
        }
    }
    static void TearDownTestSuite() {
        delete stack_;
        stack_ = nullptr;
        delete disk_;
        disk_ = nullptr;
    }

    static harness::HttpResponse send(const std::string& method, const std::string& path,
                                      const json& body = nullptr,
                                      std::vector<std::string> headers = {}) {
        thread_local harness::HttpClient client(stack_->cert_file());
        headers.push_back("Authorization: Bearer " + token_);
        if (!body.is_null()) {
            headers.push_back("Content-Type: application/json");
        }
        return client.request(method, stack_->https_url(path), body.is_null() ? "" : body.dump(),
                              headers);
    }

    static std::string sign_up() {
        harness::HttpClient client(stack_->cert_file());
        return harness::sign_up(client, *stack_, "faults@example.org", "Fault Suite").access_token;
    }

    static void make_event(int n) {
        auto ev = send("POST", "/api/v1/events",
                       {{"name", "Fault League " + std::to_string(n)},
                        {"sport", "football"},
                        {"format", "round_robin"},
                        {"starts_on", "2026-08-01"}});
        ASSERT_EQ(ev.status, 201) << ev.body;
        const std::int64_t id = json::parse(ev.body)["id"];
        const std::string base = "/api/v1/events/" + std::to_string(id);
        for (int t = 0; t < kTeams; ++t) {
            auto team = send("POST", base + "/teams", {{"name", "Team " + std::to_string(t)}});
            ASSERT_EQ(team.status, 201) << team.body;
        }
        auto s = send("POST", base + "/schedule", {{"first_game_at", "2026-08-02T15:00:00Z"}});
        ASSERT_EQ(s.status, 201) << s.body;
        // Published: a draft's stream is for its members only.
        auto pub = send("PATCH", base, {{"status", "scheduled"}});
        ASSERT_EQ(pub.status, 200) << pub.body;
        std::string cursor;
        do {
            auto page = send(
                "GET", base + "/games?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor));
            ASSERT_EQ(page.status, 200) << page.body;
            const json body = json::parse(page.body);
            for (const auto& g : body["items"]) {
                games_.push_back(g["id"]);
            }
            cursor = body["next_cursor"].is_string() ? body["next_cursor"].get<std::string>() : "";
        } while (!cursor.empty());
        topics_.push_back("event:" + std::to_string(id));
    }

    static std::int64_t max_outbox_id() {
        return std::stoll(
            stack_->postgres().psql("scoreline", "SELECT coalesce(max(id), 0) FROM outbox"));
    }

    // The game's current version, read until an answer comes (the fault may
    // still be going on: PostgreSQL may be away for half a minute).
    static std::int64_t version_of(std::int64_t game) {
        for (int i = 0; i < 1800; ++i) {
            auto r = send("GET", "/api/v1/games/" + std::to_string(game));
            if (r.status == 200) {
                return json::parse(r.body)["version"];
            }
            std::this_thread::sleep_for(50ms);
        }
        ADD_FAILURE() << "game " << game << " unreadable for 90 s";
        return 0;
    }

    // One writer: its own games, unique scores, until `stop`.
    static void write(int writer, const std::atomic<bool>& stop, std::vector<Attempt>& acked,
                      std::vector<Attempt>& refused, std::vector<Attempt>& unknown) {
        std::map<std::int64_t, std::int64_t> version;
        std::map<std::int64_t, int> attempts;
        std::vector<std::int64_t> mine;
        for (std::size_t i = static_cast<std::size_t>(writer); i < games_.size(); i += kWriters) {
            mine.push_back(games_[i]);
            version[games_[i]] = version_of(games_[i]);
        }
        for (std::size_t n = 0; !stop; ++n) {
            const std::int64_t game = mine[n % mine.size()];
            const int n_attempt = ++attempts[game];
            if (n_attempt >= 1000 * 1000) {
                break;  // both scores at their upper bound: enough for any run
            }
            auto r = send("PUT", "/api/v1/games/" + std::to_string(game) + "/score",
                          {{"home_score", n_attempt % 1000},
                           {"away_score", n_attempt / 1000},
                           {"status", "live"}},
                          {"If-Match: \"" + std::to_string(version[game]) + "\""});
            const Attempt a{game, n_attempt, r.status};
            if (r.status == 200) {
                acked.push_back(a);
                version[game] = json::parse(r.body)["version"];
            } else if (r.status == 0 || r.status == 502 || r.status == 504) {
                unknown.push_back(a);  // no answer from the API: applied or not
                version[game] = version_of(game);
            } else {
                refused.push_back(a);
                if (r.status == 412) {
                    version[game] = version_of(game);
                } else {
                    std::this_thread::sleep_for(20ms);  // 503: the database is away
                }
            }
        }
    }

    // The scenario: subscribers, writers, `fault` in the middle, then the checks.
    void run(const std::function<void()>& fault) {
        const std::int64_t baseline = max_outbox_id();
        // Scores repeat from one scenario to the next: only this one's rows count.
        const std::int64_t history_baseline = std::stoll(
            stack_->postgres().psql("scoreline", "SELECT coalesce(max(id), 0) FROM score_history"));
        std::vector<std::unique_ptr<harness::StreamSubscriber>> subscribers;
        for (int i = 0; i < kSubscribers; ++i) {
            std::vector<std::string> topics = {topics_[static_cast<std::size_t>(i) % 2]};
            if (i % 3 == 0) {
                topics = topics_;
            }
            const harness::Pace pace = i < kFlapping           ? harness::Pace::kFlapping
                                       : i < kFlapping + kSlow ? harness::Pace::kSlow
                                                               : harness::Pace::kSteady;
            subscribers.push_back(std::make_unique<harness::StreamSubscriber>(
                *stack_, topics, baseline, pace, 1000u + static_cast<unsigned>(i)));
        }
        std::atomic<bool> stop{false};
        std::vector<std::vector<Attempt>> acked(kWriters), refused(kWriters), unknown(kWriters);
        std::vector<std::thread> writers;
        for (int w = 0; w < kWriters; ++w) {
            writers.emplace_back(write, w, std::cref(stop), std::ref(acked[w]),
                                 std::ref(refused[w]), std::ref(unknown[w]));
        }
        // The fault lands once writes are flowing, and writes go on after it.
        auto acked_count = [&] {
            std::size_t n = 0;
            for (const auto& a : acked) {
                n += a.size();
            }
            return n;
        };
        ASSERT_TRUE(harness::wait_until([&] { return max_outbox_id() > baseline + 50; }, 30s));
        fault();
        const std::int64_t after_fault = max_outbox_id();
        ASSERT_TRUE(harness::wait_until([&] { return max_outbox_id() > after_fault + 50; }, 60s))
            << "no writes went through after the fault";
        std::this_thread::sleep_for(kWriteTime / 2);
        stop = true;
        for (auto& t : writers) {
            t.join();
        }

        // Writes: what score_history holds for each attempt.
        std::set<std::pair<std::int64_t, int>> applied;
        {
            std::istringstream rows(stack_->postgres().psql(
                "scoreline",
                "SELECT game_id || ' ' || (new_away_score * 1000 + new_home_score) FROM "
                "score_history WHERE kind = 'update' AND id > " +
                    std::to_string(history_baseline)));
            std::string line;
            while (std::getline(rows, line)) {
                const auto sp = line.find(' ');
                applied.emplace(std::stoll(line.substr(0, sp)), std::stoi(line.substr(sp + 1)));
            }
        }
        std::size_t lost = 0, wrongly_applied = 0, unknown_applied = 0, unknown_total = 0,
                    refused_total = 0;
        for (int w = 0; w < kWriters; ++w) {
            for (const auto& a : acked[static_cast<std::size_t>(w)]) {
                lost += applied.count({a.game, a.n}) == 0 ? 1 : 0;
            }
            for (const auto& a : refused[static_cast<std::size_t>(w)]) {
                ++refused_total;
                if (applied.count({a.game, a.n}) != 0) {
                    ++wrongly_applied;
                    ADD_FAILURE() << "game " << a.game << " attempt " << a.n << " answered "
                                  << a.status << " but was applied";
                }
            }
            for (const auto& a : unknown[static_cast<std::size_t>(w)]) {
                ++unknown_total;
                unknown_applied += applied.count({a.game, a.n});
            }
        }
        EXPECT_EQ(lost, 0u) << "acknowledged writes missing from score_history";
        EXPECT_EQ(wrongly_applied, 0u);
        EXPECT_GT(acked_count(), 100u);
        refused_in_last_run_ = refused_total;

        // Streams: every outbox row of a subscriber's topics, once, in order.
        std::vector<std::pair<std::int64_t, std::string>> all;
        {
            std::istringstream rows(stack_->postgres().psql(
                "scoreline", "SELECT id || ' ' || topic FROM outbox WHERE id > " +
                                 std::to_string(baseline) + " ORDER BY id"));
            std::string line;
            while (std::getline(rows, line)) {
                const auto sp = line.find(' ');
                all.emplace_back(std::stoll(line.substr(0, sp)), line.substr(sp + 1));
            }
        }
        for (std::size_t i = 0; i < subscribers.size(); ++i) {
            const auto expected = harness::messages_of(all, subscribers[i]->topics());
            ASSERT_FALSE(expected.empty());
            EXPECT_TRUE(harness::wait_until(
                [&] { return subscribers[i]->reached(expected.back().first); }, 60s))
                << "subscriber " << i << " did not catch up";
        }
        std::this_thread::sleep_for(500ms);  // a duplicate would have arrived by now
        int reconnects = 0;
        for (std::size_t i = 0; i < subscribers.size(); ++i) {
            const auto& s = *subscribers[i];
            const auto expected = harness::messages_of(all, s.topics());
            const auto got = s.received();
            EXPECT_EQ(got.size(), expected.size()) << "subscriber " << i;
            EXPECT_TRUE(got == expected)
                << "subscriber " << i << ": not every message exactly once in id order";
            EXPECT_TRUE(s.problems().empty()) << "subscriber " << i << ": " << s.problems().front();
            reconnects += s.connections() - 1;
        }
        std::cout << "[ info ] " << acked_count() << " acknowledged writes (0 lost), "
                  << refused_total << " refused (0 applied), " << unknown_total
                  << " without an answer (" << unknown_applied << " applied), " << all.size()
                  << " stream messages to " << subscribers.size() << " subscribers, " << reconnects
                  << " reconnects\n";
    }

    // The scoreline-api workers: the master's children.
    static std::vector<pid_t> workers() {
        std::vector<pid_t> out;
        const pid_t master = stack_->api().pid();
        for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
            const std::string name = entry.path().filename();
            if (name.find_first_not_of("0123456789") != std::string::npos) {
                continue;
            }
            std::ifstream stat(entry.path() / "stat");
            std::string line;
            std::getline(stat, line);
            const auto close = line.rfind(')');
            if (close == std::string::npos) {
                continue;
            }
            std::istringstream rest(line.substr(close + 2));
            char state = 0;
            pid_t ppid = 0;
            rest >> state >> ppid;
            if (ppid == master) {
                out.push_back(std::stoi(name));
            }
        }
        return out;
    }

    static harness::SmallFilesystem* disk_;
    static harness::Stack* stack_;
    static std::size_t refused_in_last_run_;
    static std::string token_;
    static std::vector<std::int64_t> games_;
    static std::vector<std::string> topics_;
};
harness::SmallFilesystem* Faults::disk_ = nullptr;
harness::Stack* Faults::stack_ = nullptr;
std::size_t Faults::refused_in_last_run_ = 0;
std::string Faults::token_;
std::vector<std::int64_t> Faults::games_;
std::vector<std::string> Faults::topics_;

TEST_F(Faults, WorkersKilled) {
    run([&] {
        const auto pids = workers();
        ASSERT_GE(pids.size(), 2u);
        ::kill(pids[0], SIGKILL);
        ::kill(pids[1], SIGKILL);
    });
}

TEST_F(Faults, MasterKilledAndStartedAgain) {
    run([&] {
        stack_->api().signal(SIGKILL);
        ASSERT_TRUE(stack_->api().wait(5s));
        // Its workers leave too (PR_SET_PDEATHSIG), finishing what they hold.
        ASSERT_TRUE(harness::wait_until([&] { return workers().empty(); }, 15s));
        stack_->start_api();
    });
}

TEST_F(Faults, ApiStoppedWithSigtermAndStarted) {
    run([&] {
        stack_->api().signal(SIGTERM);
        ASSERT_TRUE(stack_->api().wait(20s));
        stack_->start_api();
    });
}

TEST_F(Faults, ApiRollingRestart) {
    run([&] {
        const auto before = workers();
        stack_->api().signal(SIGHUP);
        ASSERT_TRUE(harness::wait_until(
            [&] {
                for (pid_t p : workers()) {
                    if (std::find(before.begin(), before.end(), p) != before.end()) {
                        return false;
                    }
                }
                return true;
            },
            30s))
            << "the old workers were not all replaced";
    });
}

TEST_F(Faults, PostgresRestarted) {
    run([&] { stack_->postgres().restart(); });
}

TEST_F(Faults, PostgresStoppedForHalfAMinute) {
    run([&] {
        stack_->postgres().stop();
        std::this_thread::sleep_for(seconds_from_env("FAULT_PG_DOWN_SECONDS", 30));
        stack_->postgres().start();
    });
}

TEST_F(Faults, DiskFull) {
    run([&] {
        (void)disk_->fill("filler");
        std::this_thread::sleep_for(3s);
        disk_->free("filler");
    });
    EXPECT_GT(refused_in_last_run_, 0u) << "no write met the full disk";
}

TEST_F(Faults, Soak) {
    const auto soak = seconds_from_env("FAULT_SOAK_SECONDS", 60);
    run([&] {
        const auto start = std::chrono::steady_clock::now();
        bool reloaded = false;
        while (std::chrono::steady_clock::now() - start < soak) {
            std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
                10s, soak - (std::chrono::steady_clock::now() - start)));
            if (!reloaded && std::chrono::steady_clock::now() - start >= soak / 2) {
                stack_->reload_nginx();
                reloaded = true;
            }
            const auto pids = workers();
            if (!pids.empty()) {
                ::kill(pids.front(), SIGKILL);
            }
        }
    });
}

TEST_F(Faults, NginxReloaded) {
    run([&] { stack_->reload_nginx(); });
}

TEST_F(Faults, ScorelineSseKilledAndRestarted) {
    run([&] {
        stack_->sse(0).signal(SIGKILL);
        ASSERT_TRUE(stack_->sse(0).wait(5s));
        stack_->start_sse(0);
    });
}

}  // namespace

int main(int argc, char** argv) {
    try {
        harness::enter_private_mount_namespace();
    } catch (const std::exception& e) {
        std::cerr << "fault_e2e_test: " << e.what() << "\n";
        return 1;
    }
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
