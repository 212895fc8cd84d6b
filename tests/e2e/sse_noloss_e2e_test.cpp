// The no-loss test of issue 6, through nginx to two scoreline-sse processes:
// 8 concurrent writers commit 2,000 changes across 5 events (transactions of
// 1-4 rows, so commits land out of id order) while 50 clients follow random
// subsets of the events, 20 of them disconnecting and reconnecting with
// Last-Event-ID at random moments. Every client must end with every message
// of its topics exactly once, in id order. Then the same with one
// scoreline-sse process killed (-9) and restarted in the middle, and with
// PostgreSQL restarted in the middle.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "sse_client.hpp"
#include "sse_fixture.hpp"
#include "stack.hpp"

namespace {

using namespace std::chrono_literals;

constexpr int kWriters = 8;
constexpr int kChanges = 2000;
constexpr int kClients = 50;
constexpr int kFlappingClients = 20;
constexpr int kEvents = 5;

// One client: reconnects with Last-Event-ID whenever its stream ends (or, when
// flapping, at random moments), and keeps every message it was given.
class Subscriber {
  public:
    Subscriber(harness::Stack& stack, std::vector<std::string> topics, std::int64_t baseline,
               bool flapping, unsigned seed)
        : stack_(stack),
          topics_(std::move(topics)),
          last_(baseline),
          flapping_(flapping),
          rng_(seed) {
        thread_ = std::thread([this] { run(); });
    }
    ~Subscriber() {
        stop_ = true;
        thread_.join();
    }
    // True once it holds a message with id >= `id` (or gave up).
    [[nodiscard]] bool reached(std::int64_t id) const { return last_.load() >= id; }
    [[nodiscard]] std::vector<std::pair<std::int64_t, std::string>> received() const {
        std::lock_guard lock(mu_);
        return received_;
    }
    [[nodiscard]] const std::vector<std::string>& topics() const { return topics_; }
    [[nodiscard]] int connections() const { return connections_; }
    [[nodiscard]] std::vector<std::string> problems() const {
        std::lock_guard lock(mu_);
        return problems_;
    }

  private:
    void run() {
        while (!stop_) {
            std::string target = "/api/v1/stream?topics=";
            for (std::size_t i = 0; i < topics_.size(); ++i) {
                target += (i ? "," : "") + topics_[i];
            }
            harness::SseClientOptions o;
            o.url = stack_.https_url(target);
            o.ca_file = stack_.cert_file();
            o.headers = {"Last-Event-ID: " + std::to_string(last_.load())};
            o.http1_only = (rng_() % 2) == 0;
            harness::SseClient client(o);
            ++connections_;
            const long status = client.wait_status(10s);
            if (status != 200) {  // e.g. 503 while PostgreSQL restarts, 502 while a process dies
                std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng_() % 200));
                continue;
            }
            const auto deadline =
                std::chrono::steady_clock::now() + std::chrono::milliseconds(200 + rng_() % 1500);
            std::size_t taken = 0;
            for (;;) {
                const bool ended = client.wait_finished(50ms);
                const auto events = client.events();
                take(events, taken);
                if (ended || stop_ || (flapping_ && std::chrono::steady_clock::now() > deadline)) {
                    break;
                }
            }
            client.stop();
            take(client.events(), taken);
        }
    }
    void take(const std::vector<harness::SseEvent>& events, std::size_t& taken) {
        std::lock_guard lock(mu_);
        for (; taken < events.size(); ++taken) {
            const auto& e = events[taken];
            if (e.event == "reset") {
                problems_.push_back("reset: " + e.data);
                continue;
            }
            const std::int64_t id = std::stoll(e.id);
            received_.emplace_back(id, nlohmann::json::parse(e.data).value("topic", ""));
            last_ = id;
        }
    }

    harness::Stack& stack_;
    std::vector<std::string> topics_;
    std::atomic<std::int64_t> last_;
    bool flapping_;
    std::mt19937 rng_;
    std::atomic<bool> stop_{false};
    std::atomic<int> connections_{0};
    mutable std::mutex mu_;
    std::vector<std::pair<std::int64_t, std::string>> received_;
    std::vector<std::string> problems_;
    std::thread thread_;
};

// A writer that commits at least its share of rows and goes on until `stop`,
// reconnecting and retrying through a PostgreSQL restart (the truth is read
// back from the table at the end).
void write_changes(const std::string& url, const std::vector<std::string>& topics, int writer,
                   int rows, const std::atomic<bool>& stop) {
    std::mt19937 rng(static_cast<unsigned>(writer * 7919));
    std::optional<db::Connection> conn;
    int done = 0;
    while (done < rows || !stop) {
        try {
            if (!conn) {
                conn.emplace(db::Connection::open({url, "sse-noloss-writer"}));
            }
            const int n = 1 + static_cast<int>(rng() % 4);
            db::Tx tx(*conn);
            for (int i = 0; i < n; ++i) {
                static constexpr db::Statement kInsert{"noloss_insert",
                                                       "INSERT INTO outbox (topic, kind, payload) "
                                                       "VALUES ($1, 'score.updated', $2::jsonb)"};
                const std::string& topic = topics[rng() % topics.size()];
                (void)tx.exec(
                    kInsert, topic,
                    nlohmann::json({{"topic", topic}, {"writer", writer}, {"n", done + i}}).dump());
                if (rng() % 8 == 0) {
                    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
                }
            }
            tx.commit();
            done += n;
            // Spread the writes over a few seconds, so the disturbance lands among them.
            std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 50));
        } catch (const db::Error&) {
            conn.reset();
            std::this_thread::sleep_for(50ms);
        }
    }
}

class SseNoLossTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        harness::StackOptions o;
        o.sse_processes = 2;
        o.sse_env = {{"SCORELINE_SSE_POLL_INTERVAL_MS", "250"},
                     {"SCORELINE_SSE_HEARTBEAT_MS", "1000"},
                     {"SCORELINE_SSE_MAX_CONNECTIONS_PER_IP", "10000"},
                     {"SCORELINE_SSE_MAX_BACKLOG_BYTES", "16777216"},
                     {"SCORELINE_SSE_DB_RECONNECT_MAX_MS", "500"},
                     {"SCORELINE_SSE_ACCESS_CACHE_MS", "1000"}};
        o.nginx_env = {{"SSE_CONN_PER_IP", "10000"}};
        o.pg_settings = {"max_connections=200"};
        stack_ = new harness::Stack(o);
        ssetest::Writer w(stack_->database_url());
        for (int i = 0; i < kEvents; ++i) {
            topics_.push_back("event:" + std::to_string(w.make_event()));
        }
    }
    static void TearDownTestSuite() {
        delete stack_;
        stack_ = nullptr;
    }

    std::int64_t max_id() {
        const std::string out =
            stack_->postgres().psql("scoreline", "SELECT coalesce(max(id), 0) FROM outbox");
        return std::stoll(out);
    }

    // Runs the whole scenario; `disturb` runs in the middle of the writes.
    void run(const std::function<void()>& disturb) {
        const std::int64_t baseline = max_id();
        std::mt19937 rng(12345);
        std::vector<std::unique_ptr<Subscriber>> clients;
        for (int i = 0; i < kClients; ++i) {
            std::vector<std::string> mine;
            for (const auto& t : topics_) {
                if (rng() % 2 == 0) {
                    mine.push_back(t);
                }
            }
            if (mine.empty()) {
                mine.push_back(topics_[static_cast<std::size_t>(i) % topics_.size()]);
            }
            clients.push_back(
                std::make_unique<Subscriber>(*stack_, mine, baseline, i < kFlappingClients, rng()));
        }
        std::this_thread::sleep_for(1s);  // most streams are open before the first write
        std::vector<std::thread> writers;
        std::atomic<bool> stop{false};
        for (int w = 0; w < kWriters; ++w) {
            writers.emplace_back(write_changes, stack_->database_url(), topics_, w,
                                 kChanges / kWriters, std::cref(stop));
        }
        // The disturbance lands among the writes, on slow machines too: it
        // waits for 100 rows, and the writers go on until 100 more followed it.
        EXPECT_TRUE(harness::wait_until([&] { return max_id() > baseline + 100; }, 60s));
        disturb();
        const std::int64_t after = max_id();
        EXPECT_TRUE(harness::wait_until([&] { return max_id() > after + 100; }, 60s))
            << "no writes went through after the disturbance";
        stop = true;
        for (auto& t : writers) {
            t.join();
        }
        // The truth: every row the writers committed, in id order.
        const std::string rows = stack_->postgres().psql(
            "scoreline", "SELECT id || ' ' || topic FROM outbox WHERE id > " +
                             std::to_string(baseline) + " ORDER BY id");
        std::vector<std::pair<std::int64_t, std::string>> all;
        std::istringstream in(rows);
        std::string line;
        while (std::getline(in, line)) {
            const auto sp = line.find(' ');
            all.emplace_back(std::stoll(line.substr(0, sp)), line.substr(sp + 1));
        }
        ASSERT_GE(all.size(), static_cast<std::size_t>(kChanges));
        for (auto& c : clients) {
            std::int64_t want = 0;
            for (const auto& [id, topic] : all) {
                if (std::find(c->topics().begin(), c->topics().end(), topic) != c->topics().end()) {
                    want = id;
                }
            }
            EXPECT_TRUE(harness::wait_until([&] { return c->reached(want); }, 60s));
        }
        std::this_thread::sleep_for(500ms);  // anything extra (a duplicate) would show up by now
        int reconnects = 0;
        for (std::size_t i = 0; i < clients.size(); ++i) {
            auto& c = clients[i];
            std::vector<std::pair<std::int64_t, std::string>> expected;
            for (const auto& row : all) {
                if (std::find(c->topics().begin(), c->topics().end(), row.second) !=
                    c->topics().end()) {
                    expected.push_back(row);
                }
            }
            const auto got = c->received();
            EXPECT_EQ(got.size(), expected.size()) << "client " << i;
            EXPECT_TRUE(got == expected)
                << "client " << i << ": not every message exactly once in id order";
            EXPECT_TRUE(c->problems().empty()) << "client " << i << ": " << c->problems().front();
            reconnects += c->connections() - 1;
        }
        EXPECT_GE(reconnects, kFlappingClients) << "the flapping clients should have reconnected";
        std::cout << "[ info ] " << all.size() << " rows, " << clients.size() << " clients, "
                  << reconnects << " reconnects\n";
        clients.clear();
    }

    static harness::Stack* stack_;
    static std::vector<std::string> topics_;
};
harness::Stack* SseNoLossTest::stack_ = nullptr;
std::vector<std::string> SseNoLossTest::topics_;

TEST_F(SseNoLossTest, EveryClientGetsEveryMessageOnceInOrder) {
    run([] {});
}

TEST_F(SseNoLossTest, SurvivesScorelineSseKilledAndRestarted) {
    run([&] {
        stack_->sse(0).signal(SIGKILL);
        (void)stack_->sse(0).wait(5s);
        std::this_thread::sleep_for(1s);
        stack_->start_sse(0);
    });
}

TEST_F(SseNoLossTest, SurvivesPostgresRestarted) {
    run([&] { stack_->postgres().restart(); });
}

}  // namespace
