// The pool's status page and pool metrics against a real scoreline-api (and
// PostgreSQL), straight on its FastCGI socket: /status in every format with
// php-fpm's fields, busy workers with their route and request id, max
// children reached, the listen queue while requests wait, and the pool's CPU
// counter across recycled workers.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "fcgi_client.hpp"
#include "stack.hpp"

namespace {

using namespace std::chrono_literals;
using nlohmann::json;

harness::StackOptions pool(int workers, harness::Env env = {}) {
    harness::StackOptions o = harness::StackOptions::with(workers, std::move(env));
    o.start_nginx = false;
    return o;
}

json status_json(harness::Stack& stack, const std::string& query = "json&full") {
    const auto r = harness::fcgi_get(stack.api_socket(), "/status?" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
}

std::set<pid_t> children_of(pid_t pid) {
    const std::vector<pid_t> pids = harness::children_of(pid);
    return {pids.begin(), pids.end()};
}

// The value of an unlabelled sample of a text exposition; -1 when absent.
double sample(const std::string& text, const std::string& name) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(name + " ", 0) == 0) {
            return std::stod(line.substr(name.size() + 1));
        }
    }
    return -1;
}

// Starts GET target on its own thread; the connection is made before it returns,
// so the order of calls is the order of the socket's accept queue.
class InFlight {
  public:
    void start(harness::Stack& stack, const std::string& target, const std::string& request_id) {
        std::atomic<bool> sent{false};
        threads_.emplace_back([&stack, target, request_id, this, &sent] {
            sent = true;
            const auto r = harness::fcgi_get(stack.api_socket(), target, request_id);
            std::lock_guard lock(mu_);
            statuses_.push_back(r.status);
        });
        while (!sent) {
            std::this_thread::sleep_for(1ms);
        }
        std::this_thread::sleep_for(50ms);  // connected and queued by now
    }
    std::vector<int> finish() {
        for (auto& t : threads_) {
            t.join();
        }
        threads_.clear();
        return statuses_;
    }
    ~InFlight() {
        for (auto& t : threads_) {
            t.join();
        }
    }

  private:
    std::vector<std::thread> threads_;
    std::mutex mu_;
    std::vector<int> statuses_;
};

TEST(ApiStatus, EveryFormatHasPhpFpmFieldsWithPlausibleValues) {
    const std::string data_dir = std::filesystem::temp_directory_path();
    harness::Stack stack(pool(2, {{"SCORELINE_STATUS_DATA_DIR", data_dir}}));
    const pid_t master = stack.api().pid();
    ASSERT_TRUE(harness::wait_until([&] { return children_of(master).size() == 2; }, 5s));
    for (int i = 0; i < 5; ++i) {
        ASSERT_EQ(harness::fcgi_get(stack.api_socket(), "/api/v1/version").status, 200);
    }

    const auto text = harness::fcgi_get(stack.api_socket(), "/status");
    ASSERT_EQ(text.status, 200) << text.body;
    EXPECT_EQ(text.headers.at("content-type"), "text/plain; charset=utf-8");
    for (const char* key :
         {"pool:                 scoreline-api\n", "process manager:      static\n",
          "start time:", "start since:", "accepted conn:", "listen queue:", "max listen queue:",
          "listen queue len:", "idle processes:", "active processes:", "total processes:      2\n",
          "max active processes:", "max children reached:", "slow requests:",
          "database:             ok\n",
          "data dir free bytes:", "memory available bytes:", "open fds:", "max fds per process:"}) {
        EXPECT_NE(text.body.find(key), std::string::npos) << key << "\n" << text.body;
    }
    EXPECT_EQ(text.body.find("log dir"), std::string::npos) << "unset: omitted";
    EXPECT_EQ(text.body.find("*****"), std::string::npos) << "per-process blocks only with full";

    const json j = status_json(stack, "json");
    ASSERT_TRUE(j.is_object());
    EXPECT_EQ(j["pool"], "scoreline-api");
    EXPECT_GE(j["accepted conn"].get<int>(), 6);  // 5 versions + the text status
    EXPECT_GE(j["start since"].get<int>(), 0);
    EXPECT_GT(j["start time"].get<std::int64_t>(), 1'700'000'000);
    EXPECT_GT(j["listen queue len"].get<int>(), 0);
    EXPECT_EQ(j["listen queue"].get<int>(), 0);
    EXPECT_EQ(j["total processes"].get<int>(), 2);
    // The worker answering /status is busy with it, as in php-fpm.
    EXPECT_EQ(j["active processes"].get<int>(), 1);
    EXPECT_EQ(j["idle processes"].get<int>(), 1);
    EXPECT_GE(j["max active processes"].get<int>(), 1);
    EXPECT_EQ(j["max processes"].get<int>(), 2);
    EXPECT_FALSE(j.contains("processes"));
    const json& health = j["health"];
    EXPECT_EQ(health["database"], "ok");
    EXPECT_GT(health["database round trip seconds"].get<double>(), 0);
    EXPECT_LT(health["database round trip seconds"].get<double>(), 5);
    EXPECT_EQ(health["schema version"], health["expected schema version"]);
    EXPECT_EQ(health["data dir"]["path"], data_dir);
    EXPECT_GT(health["data dir"]["free bytes"].get<std::uint64_t>(), 0u);
    EXPECT_GE(health["data dir"]["total bytes"].get<std::uint64_t>(),
              health["data dir"]["free bytes"].get<std::uint64_t>());
    EXPECT_FALSE(health.contains("log dir"));
    EXPECT_GT(health["memory total bytes"].get<std::uint64_t>(),
              health["memory available bytes"].get<std::uint64_t>());
    EXPECT_GT(health["pool rss bytes"].get<std::uint64_t>(), 3u << 20);
    EXPECT_GT(health["open fds"].get<int>(), 3 * 3);
    EXPECT_GT(health["max fds per process"].get<int>(),
              health["most open fds in one process"].get<int>());

    const json full = status_json(stack, "json&full");
    ASSERT_EQ(full["processes"].size(), 2u);
    std::set<pid_t> pids;
    for (const json& p : full["processes"]) {
        pids.insert(p["pid"].get<pid_t>());
        EXPECT_TRUE(p["state"] == "idle" || p["state"] == "busy") << p;
        EXPECT_GT(p["rss bytes"].get<std::uint64_t>(), 1u << 20);
        EXPECT_EQ(p["database"], "up");
        EXPECT_GE(p["start since"].get<int>(), 0);
    }
    EXPECT_EQ(pids, children_of(master));
    const auto full_text = harness::fcgi_get(stack.api_socket(), "/status?full");
    EXPECT_NE(full_text.body.find("************************\npid:"), std::string::npos)
        << full_text.body;

    const auto om = harness::fcgi_get(stack.api_socket(), "/status?openmetrics");
    ASSERT_EQ(om.status, 200);
    EXPECT_EQ(om.headers.at("content-type"),
              "application/openmetrics-text; version=1.0.0; charset=utf-8");
    ASSERT_GE(om.body.size(), 6u);
    EXPECT_EQ(om.body.substr(om.body.size() - 6), "# EOF\n");
    EXPECT_NE(om.body.find("# TYPE scoreline_pool_accepted_connections counter\n"),
              std::string::npos);
    EXPECT_GE(sample(om.body, "scoreline_pool_accepted_connections_total"), 8);
    EXPECT_EQ(sample(om.body, "scoreline_pool_workers_max"), 2);
    for (pid_t p : pids) {
        EXPECT_NE(om.body.find("scoreline_pool_worker_requests_total{pid=\"" + std::to_string(p) +
                               "\"} "),
                  std::string::npos)
            << om.body;
        EXPECT_NE(om.body.find("scoreline_pool_worker_resident_memory_bytes{pid=\"" +
                               std::to_string(p) + "\"} "),
                  std::string::npos);
    }
    EXPECT_EQ(sample(om.body, "scoreline_db_up"), 1);

    // The pool's gauges in /metrics.
    const auto m = harness::fcgi_get(stack.api_socket(), "/metrics");
    ASSERT_EQ(m.status, 200);
    EXPECT_EQ(sample(m.body, "scoreline_pool_workers_max"), 2);
    EXPECT_NE(m.body.find("scoreline_pool_workers{state=\"busy\"} 1\n"), std::string::npos)
        << m.body;
    EXPECT_NE(m.body.find("scoreline_pool_workers{state=\"idle\"} 1\n"), std::string::npos);
    EXPECT_NE(m.body.find("scoreline_db_connections{state=\"up\"} 2\n"), std::string::npos);
    EXPECT_EQ(sample(m.body, "scoreline_pool_listen_queue"), 0);
    EXPECT_GT(sample(m.body, "scoreline_pool_listen_queue_length"), 0);
    EXPECT_GE(sample(m.body, "scoreline_pool_listen_queue_max"), 0);
    EXPECT_GT(sample(m.body, "process_resident_memory_bytes"), 3 << 20);
    const double started = sample(m.body, "process_start_time_seconds");
    const double now = static_cast<double>(std::time(nullptr));
    EXPECT_GT(started, now - 120);
    EXPECT_LE(started, now + 1);

    EXPECT_EQ(harness::fcgi_get(stack.api_socket(), "/status?xml").status, 400);
    EXPECT_EQ(harness::fcgi_get(stack.api_socket(), "/status?json&openmetrics").status, 400);
}

TEST(ApiStatus, FullShowsSlowRequestsBusyWithRouteAndRequestId) {
    harness::Stack stack(pool(4));
    ASSERT_TRUE(harness::wait_until(
        [&] { return status_json(stack, "json")["idle processes"].get<int>() >= 3; }, 5s));
    constexpr int kSlow = 2;
    InFlight slow;
    for (int i = 0; i < kSlow; ++i) {
        slow.start(stack, "/api/v1/_test/sleep?ms=1500", "slow-request-" + std::to_string(i));
    }
    const json j = status_json(stack, "json&full");
    // The slow ones, plus the worker answering this /status.
    EXPECT_EQ(j["active processes"].get<int>(), kSlow + 1) << j.dump(2);
    EXPECT_EQ(j["idle processes"].get<int>(), 4 - kSlow - 1);
    std::set<std::string> ids;
    for (const json& p : j["processes"]) {
        if (p["route"] == "/api/v1/_test/sleep") {
            EXPECT_EQ(p["state"], "busy");
            EXPECT_EQ(p["request method"], "GET");
            EXPECT_GT(p["request duration"].get<std::uint64_t>(), 10'000u) << p;
            ids.insert(p["request id"].get<std::string>());
        } else if (p["route"] == "/status") {
            EXPECT_EQ(p["state"], "busy");
        }
    }
    EXPECT_EQ(ids, (std::set<std::string>{"slow-request-0", "slow-request-1"})) << j.dump(2);
    for (int s : slow.finish()) {
        EXPECT_EQ(s, 200);
    }
    // Done: idle, their last request kept, with its duration (but for a
    // worker that went on to answer this /status). A worker marks itself idle
    // just after its answer leaves, so wait for that first.
    json after;
    EXPECT_TRUE(harness::wait_until(
        [&] {
            after = status_json(stack, "json&full");
            return after["active processes"].get<int>() == 1;
        },
        5s))
        << after.dump(2);
    int last_sleeps = 0;
    for (const json& p : after["processes"]) {
        if (p["route"] == "/api/v1/_test/sleep") {
            ++last_sleeps;
            EXPECT_EQ(p["state"], "idle");
            EXPECT_GE(p["request duration"].get<std::uint64_t>(), 1'400'000u) << p;
            EXPECT_GE(p["requests"].get<int>(), 1);
        }
    }
    EXPECT_GE(last_sleeps, kSlow - 1) << after.dump(2);
}

TEST(ApiStatus, MaxChildrenReachedCountsRequestsThatFoundEveryWorkerBusy) {
    harness::Stack stack(pool(2));
    ASSERT_TRUE(harness::wait_until(
        [&] { return status_json(stack, "json")["total processes"].get<int>() == 2; }, 5s));
    EXPECT_EQ(status_json(stack, "json")["max children reached"].get<int>(), 0);
    InFlight slow;
    for (int i = 0; i < 4; ++i) {
        slow.start(stack, "/api/v1/_test/sleep?ms=300", "burst-" + std::to_string(i));
    }
    for (int s : slow.finish()) {
        EXPECT_EQ(s, 200);
    }
    const json j = status_json(stack, "json");
    EXPECT_GE(j["max children reached"].get<int>(), 1) << j.dump(2);
    EXPECT_EQ(j["max active processes"].get<int>(), 2);
    const auto m = harness::fcgi_get(stack.api_socket(), "/metrics");
    EXPECT_GE(sample(m.body, "scoreline_pool_max_children_reached_total"), 1);
}

TEST(ApiStatus, ListenQueueCountsRequestsWaitingForTheOnlyWorker) {
    harness::Stack stack(pool(1));
    ASSERT_TRUE(harness::wait_until(
        [&] { return status_json(stack, "json")["total processes"].get<int>() == 1; }, 5s));
    InFlight queued;
    // In the accept queue's order: one sleep served at once, this /status
    // next, then two sleeps that are still waiting when /status is served.
    queued.start(stack, "/api/v1/_test/sleep?ms=800", "first");
    json during;
    std::thread status_thread([&] { during = status_json(stack, "json"); });
    std::this_thread::sleep_for(100ms);
    queued.start(stack, "/api/v1/_test/sleep?ms=200", "second");
    queued.start(stack, "/api/v1/_test/sleep?ms=200", "third");
    status_thread.join();
    for (int s : queued.finish()) {
        EXPECT_EQ(s, 200);
    }
    ASSERT_TRUE(during.is_object());
    EXPECT_EQ(during["listen queue"].get<int>(), 2) << during.dump(2);
    EXPECT_GE(during["max listen queue"].get<int>(), 3)
        << "the master saw /status and two sleeps wait";
    const json after = status_json(stack, "json");
    EXPECT_EQ(after["listen queue"].get<int>(), 0);
    EXPECT_GE(after["max listen queue"].get<int>(), 3);
}

TEST(ApiStatus, PoolCpuCounterNeverGoesBackwardsWhenWorkersAreRecycled) {
    harness::Stack stack(pool(1, {{"SCORELINE_MAX_REQUESTS", "3"}}));
    double last = 0;
    std::set<pid_t> workers;
    for (int i = 0; i < 12; ++i) {
        const auto spin = harness::fcgi_get(stack.api_socket(), "/api/v1/_test/spin?ms=60");
        ASSERT_EQ(spin.status, 200) << spin.body;
        workers.insert(json::parse(spin.body)["pid"].get<pid_t>());
        const auto m = harness::fcgi_get(stack.api_socket(), "/metrics");
        ASSERT_EQ(m.status, 200);
        const double cpu = sample(m.body, "process_cpu_seconds_total");
        EXPECT_GE(cpu, last) << "after request " << i;
        last = cpu;
    }
    EXPECT_GE(workers.size(), 4u) << "3 (+ up to 10%) requests per worker";
    EXPECT_GE(last, 12 * 0.06 * 0.9);
}

}  // namespace
