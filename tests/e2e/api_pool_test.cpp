// The scoreline-api worker pool under load, through nginx: a worker killed
// with -9 is replaced and only its in-flight request fails; SIGTERM lets every
// accepted request finish; SIGHUP replaces every worker without a failed
// request; max_requests recycles workers; /readyz follows a PostgreSQL restart.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "http_client.hpp"
#include "stack.hpp"

namespace {

using namespace std::chrono_literals;

using harness::children_of;

struct LoadResult {
    int ok = 0;
    int failed = 0;
    std::set<pid_t> pids;
};

// Runs `threads` clients requesting `path` until `stop` is set.
class Load {
  public:
    Load(harness::Stack& stack, const std::string& path, int threads) {
        for (int i = 0; i < threads; ++i) {
            threads_.emplace_back([this, &stack, path] {
                harness::HttpClient client;
                LoadResult local;
                while (!stop_) {
                    auto r = client.get(stack.https_url(path));
                    if (r.status == 200) {
                        ++local.ok;
                        auto body = nlohmann::json::parse(r.body, nullptr, false);
                        if (body.contains("pid")) {
                            local.pids.insert(body["pid"].get<pid_t>());
                        }
                    } else {
                        ++local.failed;
                    }
                }
                std::lock_guard lock(mu_);
                result_.ok += local.ok;
                result_.failed += local.failed;
                result_.pids.insert(local.pids.begin(), local.pids.end());
            });
        }
    }
    LoadResult finish() {
        stop_ = true;
        for (auto& t : threads_) {
            t.join();
        }
        return result_;
    }

  private:
    std::atomic<bool> stop_{false};
    std::vector<std::thread> threads_;
    std::mutex mu_;
    LoadResult result_;
};

TEST(ApiPool, KillNineReplacesWorkerAndOnlyInFlightRequestFails) {
    harness::Stack stack(harness::StackOptions::with(3));
    const pid_t master = stack.api().pid();
    ASSERT_TRUE(harness::wait_until([&] { return children_of(master).size() == 3; }, 5s));
    const auto before = children_of(master);
    Load load(stack, "/api/v1/_test/sleep?ms=20", 4);
    std::this_thread::sleep_for(700ms);
    ASSERT_EQ(::kill(before[0], SIGKILL), 0);
    std::this_thread::sleep_for(1500ms);
    auto result = load.finish();
    EXPECT_LE(result.failed, 1) << "only the request in flight on the killed worker may fail";
    EXPECT_GT(result.ok, 50);
    ASSERT_TRUE(harness::wait_until([&] { return children_of(master).size() == 3; }, 5s));
    const auto after = children_of(master);
    EXPECT_EQ(std::count(after.begin(), after.end(), before[0]), 0);
    const std::string log = stack.api_log();
    EXPECT_NE(log.find("\"event\":\"worker_died\""), std::string::npos);
    EXPECT_NE(log.find("signal Killed"), std::string::npos) << log;
    // Requests keep succeeding after the replacement.
    harness::HttpClient client;
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(client.get(stack.https_url("/api/v1/version")).status, 200);
    }
}

TEST(ApiPool, SigtermLetsEveryAcceptedRequestFinish) {
    harness::Stack stack(harness::StackOptions::with(2));
    // Eight slow requests on two workers: two in progress, six queued on the
    // socket when the signal arrives. All eight were accepted and must finish.
    std::vector<std::thread> clients;
    std::atomic<int> ok{0};
    std::vector<long> statuses(8, 0);
    for (int i = 0; i < 8; ++i) {
        clients.emplace_back([&, i] {
            harness::HttpClient client;
            auto r = client.get(stack.https_url("/api/v1/_test/sleep?ms=600"));
            statuses[static_cast<std::size_t>(i)] = r.status;
            ok += r.status == 200 ? 1 : 0;
        });
    }
    std::this_thread::sleep_for(300ms);
    stack.api().signal(SIGTERM);
    for (auto& t : clients) {
        t.join();
    }
    EXPECT_EQ(ok.load(), 8) << statuses[0] << " " << statuses[7];
    auto status = stack.api().wait(15s);
    ASSERT_TRUE(status.has_value()) << "master did not exit after draining";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
    // After the drain nothing listens any more: nginx answers 502 at once.
    harness::HttpClient client;
    EXPECT_EQ(client.get(stack.https_url("/api/v1/version")).status, 502);
}

TEST(ApiPool, SighupReplacesEveryWorkerWithoutFailingARequest) {
    harness::Stack stack(harness::StackOptions::with(2));
    const pid_t master = stack.api().pid();
    ASSERT_TRUE(harness::wait_until([&] { return children_of(master).size() == 2; }, 5s));
    const auto old_workers = children_of(master);
    Load load(stack, "/api/v1/_test/sleep?ms=5", 4);
    std::this_thread::sleep_for(500ms);
    stack.api().signal(SIGHUP);
    std::this_thread::sleep_for(1500ms);
    auto result = load.finish();
    EXPECT_EQ(result.failed, 0);
    EXPECT_GT(result.ok, 20);
    ASSERT_TRUE(harness::wait_until([&] { return children_of(master).size() == 2; }, 5s));
    for (pid_t p : children_of(master)) {
        EXPECT_EQ(std::count(old_workers.begin(), old_workers.end(), p), 0);
    }
}

TEST(ApiPool, MaxRequestsRecyclesWorkers) {
    harness::Stack stack(harness::StackOptions::with(1, {{"SCORELINE_MAX_REQUESTS", "5"}}));
    harness::HttpClient client;
    std::set<pid_t> pids;
    for (int i = 0; i < 30; ++i) {
        auto r = client.get(stack.https_url("/api/v1/_test/sleep?ms=0"));
        ASSERT_EQ(r.status, 200) << r.body;
        pids.insert(nlohmann::json::parse(r.body)["pid"].get<pid_t>());
    }
    // 5 (+ up to 10% jitter) requests per worker: 30 requests need at least 3.
    EXPECT_GE(pids.size(), 3u);
}

TEST(ApiPool, ReadyzFollowsPostgresRestartWithoutRestartingTheApi) {
    harness::Stack stack(harness::StackOptions::with(2));
    harness::HttpClient client;
    const pid_t master = stack.api().pid();
    auto r = client.get(stack.https_url("/readyz"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(nlohmann::json::parse(r.body)["status"], "ready");
    stack.postgres().stop();
    // Both workers must notice: ask enough times to reach each of them.
    for (int i = 0; i < 6; ++i) {
        r = client.get(stack.https_url("/readyz"));
        EXPECT_EQ(r.status, 503) << r.body;
        EXPECT_EQ(r.header("content-type"), "application/json");
    }
    EXPECT_EQ(client.get(stack.https_url("/healthz")).status, 200);
    stack.postgres().start();
    for (int i = 0; i < 6; ++i) {
        r = client.get(stack.https_url("/readyz"));
        EXPECT_EQ(r.status, 200) << r.body;
    }
    EXPECT_TRUE(stack.api().running());
    EXPECT_EQ(stack.api().pid(), master);
}

TEST(ApiPool, ReadyzIs503WhileSchemaIsBehind) {
    harness::Stack stack(harness::StackOptions::with(1));
    ASSERT_EQ(stack.migrate({"down", "--steps", "1"}).exit_code, 0);
    harness::HttpClient client;
    auto r = client.get(stack.https_url("/readyz"));
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(nlohmann::json::parse(r.body)["status"], "schema_behind");
    ASSERT_EQ(stack.migrate({"up"}).exit_code, 0);
    EXPECT_EQ(client.get(stack.https_url("/readyz")).status, 200);
}

TEST(ApiPool, BadSettingStopsStartWithItsName) {
    auto r = harness::run_process(
        {harness::binary_dir() + "/workers/scoreline-api"},
        {{"SCORELINE_DATABASE_URL", "postgresql:///x"}, {"SCORELINE_WORKERS", "many"}});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("SCORELINE_WORKERS: must be an integer from 1 to 256, got 'many'"),
              std::string::npos)
        << r.err;
    auto missing = harness::run_process({harness::binary_dir() + "/workers/scoreline-api"},
                                        {{"SCORELINE_DATABASE_URL", ""}});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("SCORELINE_DATABASE_URL: required"), std::string::npos);
    auto ttl = harness::run_process(
        {harness::binary_dir() + "/workers/scoreline-api"},
        {{"SCORELINE_DATABASE_URL", "postgresql:///x"}, {"SCORELINE_STREAM_TICKET_TTL_S", "5"}});
    EXPECT_EQ(ttl.exit_code, 2);
    EXPECT_NE(ttl.err.find("SCORELINE_STREAM_TICKET_TTL_S: must be an integer from 10 to 600"),
              std::string::npos)
        << ttl.err;
}

}  // namespace

namespace {

TEST(ApiPool, WorkersThatKeepCrashingAreRespawnedWithGrowingBackoff) {
    harness::Stack stack(harness::StackOptions::with(1));
    const pid_t master = stack.api().pid();
    for (int crash = 0; crash < 4; ++crash) {
        std::vector<pid_t> kids;
        ASSERT_TRUE(harness::wait_until([&] { return (kids = children_of(master)).size() == 1; },
                                        std::chrono::seconds(5)));
        ASSERT_EQ(::kill(kids[0], SIGKILL), 0);
        ASSERT_TRUE(harness::wait_until(
            [&] {
                auto now = children_of(master);
                return now.empty() || now[0] != kids[0];
            },
            std::chrono::seconds(5)));
    }
    ASSERT_TRUE(harness::wait_until([&] { return children_of(master).size() == 1; },
                                    std::chrono::seconds(5)));
    // Each early crash doubles the pause: 100, 200, 400, 800 ms.
    std::istringstream log(stack.api_log());
    std::vector<long> delays;
    std::string line;
    while (std::getline(log, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_object() && j.value("event", "") == "worker_respawn_backoff") {
            delays.push_back(j["delay_ms"].get<long>());
        }
    }
    EXPECT_EQ(delays, (std::vector<long>{100, 200, 400, 800}));
    harness::HttpClient client;
    EXPECT_EQ(client.get(stack.https_url("/api/v1/version")).status, 200);
}

}  // namespace
