// kill -9 of workers under load (issue 14): the counters live in the
// master's shared memory, so what a killed worker counted stays. Three
// clients load a pool of three workers for about 5 s while /metrics is
// scraped through nginx every 100 ms and two workers are killed with
// SIGKILL; scoreline_http_requests_total, summed over every series, never
// goes down between two scrapes and ends at least at the number of 200s the
// clients received, and the two kills show as worker exits of cause crash.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <sstream>
#include <thread>

#include "http_client.hpp"
#include "stack.hpp"

namespace {

using namespace std::chrono_literals;

using harness::children_of;

// The sum of every sample of `family` whose labels contain `filter` (all when empty).
double sum_of(const std::string& body, const std::string& family, const std::string& filter = {}) {
    double sum = 0;
    std::istringstream lines(body);
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.starts_with(family + "{") || line.find(filter) == std::string::npos) {
            continue;
        }
        sum += std::stod(line.substr(line.rfind(' ') + 1));
    }
    return sum;
}

constexpr const char* kRequests = "scoreline_http_requests_total";
constexpr auto kLoadTime = 5s;
constexpr int kMaxRequestsPerClient = 5000;

TEST(ObservabilityCounters, KillNineNeverTakesTheRequestCounterBackwards) {
    harness::Stack stack(harness::StackOptions::with(3));
    const pid_t master = stack.api().pid();
    ASSERT_TRUE(harness::wait_until([&] { return children_of(master).size() == 3; }, 5s));

    std::atomic<bool> stop{false};
    std::atomic<long> client_ok{0};  // 200s the clients received, scrapes included
    std::atomic<long> load_ok{0};    // of which the load route's
    const auto deadline = std::chrono::steady_clock::now() + kLoadTime;
    std::vector<std::thread> clients;
    for (int i = 0; i < 3; ++i) {
        clients.emplace_back([&] {
            harness::HttpClient client;
            for (int n = 0;
                 n < kMaxRequestsPerClient && !stop && std::chrono::steady_clock::now() < deadline;
                 ++n) {
                if (client.get(stack.https_url("/api/v1/_test/sleep?ms=2")).status == 200) {
                    ++load_ok;
                    ++client_ok;
                }
            }
        });
    }
    std::mutex mu;
    std::vector<double> totals;  // one per successful scrape, in order
    std::thread scraper([&] {
        harness::HttpClient client;
        for (int n = 0; n < 200 && !stop && std::chrono::steady_clock::now() < deadline; ++n) {
            const auto r = client.get(stack.https_url("/metrics"));
            if (r.status == 200) {
                ++client_ok;
                std::lock_guard lock(mu);
                totals.push_back(sum_of(r.body, kRequests));
            }
            std::this_thread::sleep_for(100ms);
        }
    });

    std::vector<pid_t> killed;
    for (int kill = 0; kill < 2; ++kill) {
        std::this_thread::sleep_for(1500ms);
        const auto workers = children_of(master);
        auto victim = std::find_if(workers.begin(), workers.end(), [&](pid_t p) {
            return std::find(killed.begin(), killed.end(), p) == killed.end();
        });
        // No ASSERT before the threads are joined: a return would leave them running.
        if (victim == workers.end() || ::kill(*victim, SIGKILL) != 0) {
            ADD_FAILURE() << "no worker to kill";
            break;
        }
        killed.push_back(*victim);
        EXPECT_TRUE(harness::wait_until(
            [&] {
                const auto now = children_of(master);
                return now.size() == 3 &&
                       std::find(now.begin(), now.end(), killed.back()) == now.end();
            },
            10s))
            << "the killed worker was not replaced";
    }
    for (auto& t : clients) {
        t.join();
    }
    stop = true;
    scraper.join();

    ASSERT_GE(totals.size(), 10u) << "too few scrapes answered";
    for (std::size_t i = 1; i < totals.size(); ++i) {
        EXPECT_GE(totals[i], totals[i - 1]) << "scrape " << i << " went backwards";
    }
    harness::HttpClient client;
    const auto last = client.get(stack.https_url("/metrics"));
    ASSERT_EQ(last.status, 200);
    EXPECT_GE(sum_of(last.body, kRequests), static_cast<double>(client_ok.load()));
    EXPECT_GE(sum_of(last.body, kRequests, R"(route="/api/v1/_test/sleep",status="200")"),
              static_cast<double>(load_ok.load()));
    EXPECT_GT(load_ok.load(), 100);
    EXPECT_GE(sum_of(last.body, "scoreline_pool_worker_exits_total", R"(cause="crash")"), 2)
        << last.body;
}

}  // namespace
