// scoreline-sse's limits through nginx (issue 6): past the connection limit
// the answer is 503 with Retry-After; a client that never reads is dropped
// (backlog) while the clients that read get every message at once; nginx's
// own per-address cap answers 429 as problem+json. Clients connect from
// several loopback addresses (127.0.0.x) so nginx sees different clients.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "http_client.hpp"
#include "sse_client.hpp"
#include "sse_fixture.hpp"
#include "stack.hpp"

namespace {

using namespace std::chrono_literals;
using harness::SseClient;

class SseLimitsTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        harness::StackOptions o;
        o.sse_processes = 1;
        o.sse_env = {{"SCORELINE_SSE_MAX_CONNECTIONS", "4"},
                     {"SCORELINE_SSE_MAX_CONNECTIONS_PER_IP", "1000"},
                     {"SCORELINE_SSE_MAX_BACKLOG_BYTES", "2097152"},
                     {"SCORELINE_SSE_WRITE_TIMEOUT_MS", "20000"},
                     {"SCORELINE_SSE_POLL_INTERVAL_MS", "200"}};
        o.nginx_env = {{"SSE_CONN_PER_IP", "2"}};
        stack_ = new harness::Stack(o);
        writer_ = new ssetest::Writer(stack_->database_url());
    }
    static void TearDownTestSuite() {
        delete writer_;
        delete stack_;
    }
    static harness::SseClientOptions via_nginx(const std::string& path, int from = 1) {
        harness::SseClientOptions o;
        o.url = stack_->https_url(path);
        o.ca_file = stack_->cert_file();
        o.source_address = "127.0.0." + std::to_string(from);
        return o;
    }
    // Streams of the previous test are gone before the next one counts.
    void SetUp() override {
        ASSERT_TRUE(harness::wait_until(
            [] {
                const std::string m = metrics();
                return m.find("scoreline_sse_connections{state=\"streaming\"} 0\n") !=
                           std::string::npos &&
                       m.find("scoreline_sse_connections{state=\"draining\"} 0\n") !=
                           std::string::npos;
            },
            10s));
    }
    static std::string metrics() {
        harness::HttpClient http;
        return http.get("http://127.0.0.1:" + std::to_string(stack_->sse_ops_port(0)) + "/metrics")
            .body;
    }
    static harness::Stack* stack_;
    static ssetest::Writer* writer_;
};
harness::Stack* SseLimitsTest::stack_ = nullptr;
ssetest::Writer* SseLimitsTest::writer_ = nullptr;

TEST_F(SseLimitsTest, PastTheConnectionLimitTheAnswerIs503WithRetryAfter) {
    const auto event = writer_->make_event();
    const std::string path = "/api/v1/events/" + std::to_string(event) + "/stream";
    std::vector<std::unique_ptr<SseClient>> open;
    for (int i = 0; i < 4; ++i) {
        open.push_back(std::make_unique<SseClient>(via_nginx(path, 10 + i)));
        ASSERT_EQ(open.back()->wait_status(), 200) << i << open.back()->body();
    }
    SseClient over(via_nginx(path, 20));
    ASSERT_EQ(over.wait_status(), 503) << over.body();
    EXPECT_EQ(over.header("retry-after"), "5");
    EXPECT_EQ(over.header("content-type"), "application/problem+json");
    EXPECT_TRUE(over.wait_finished(5s));
    EXPECT_EQ(nlohmann::json::parse(over.body())["status"], 503);
    // A slot frees up when a stream ends.
    open.pop_back();
    ASSERT_TRUE(harness::wait_until(
        [&] {
            return metrics().find("scoreline_sse_connections{state=\"streaming\"} 3\n") !=
                   std::string::npos;
        },
        5s));
    SseClient again(via_nginx(path, 21));
    EXPECT_EQ(again.wait_status(), 200);
    EXPECT_NE(metrics().find("scoreline_sse_rejected_total{reason=\"max_connections\"} 1"),
              std::string::npos);
}

TEST_F(SseLimitsTest, NginxCapsStreamsPerAddressWith429) {
    const auto event = writer_->make_event();
    const std::string path = "/api/v1/events/" + std::to_string(event) + "/stream";
    SseClient a(via_nginx(path, 30));
    SseClient b(via_nginx(path, 30));
    ASSERT_EQ(a.wait_status(), 200);
    ASSERT_EQ(b.wait_status(), 200);
    SseClient c(via_nginx(path, 30));
    ASSERT_EQ(c.wait_status(), 429) << c.body();
    EXPECT_EQ(c.header("content-type"), "application/problem+json");
    ASSERT_TRUE(c.wait_finished(5s));
    EXPECT_EQ(nlohmann::json::parse(c.body())["status"], 429);
    // Another address is not affected.
    SseClient d(via_nginx(path, 31));
    EXPECT_EQ(d.wait_status(), 200);
}

TEST_F(SseLimitsTest, AClientThatNeverReadsIsDroppedWithoutDelayingTheOthers) {
    const auto event = writer_->make_event();
    const std::string topic = "event:" + std::to_string(event);
    const std::string path = "/api/v1/events/" + std::to_string(event) + "/stream";
    harness::SseClientOptions lazy = via_nginx(path, 40);
    lazy.stop_reading = true;
    SseClient slow(lazy);
    ASSERT_EQ(slow.wait_status(), 200);
    std::vector<std::unique_ptr<SseClient>> readers;
    for (int i = 0; i < 2; ++i) {
        readers.push_back(std::make_unique<SseClient>(via_nginx(path, 41 + i)));
        ASSERT_EQ(readers.back()->wait_status(), 200);
        ASSERT_TRUE(readers.back()->wait_comments(1, 5s));
    }
    // 16 MB in bursts of 500 kB: each burst is taken at once by a reading
    // client (below the 2 MiB backlog limit), while in all it is more than
    // every buffer between scoreline-sse and the slow client holds (its
    // socket, nginx's, the client's kernel), so the slow one's backlog grows.
    const std::string blob(100 * 1024, 'x');
    const auto started = std::chrono::steady_clock::now();
    std::int64_t last = 0;
    constexpr int kMessages = 160;
    for (int i = 0; i < kMessages; ++i) {
        last =
            writer_->insert(topic, "game.updated",
                            nlohmann::json({{"event_id", event}, {"i", i}, {"blob", blob}}).dump());
        if (i % 5 == 4) {
            std::this_thread::sleep_for(30ms);
        }
    }
    for (auto& r : readers) {
        ASSERT_TRUE(r->wait_events(kMessages, 20s)) << r->event_count();
        EXPECT_EQ(r->events().back().id, std::to_string(last));
    }
    const auto took = std::chrono::steady_clock::now() - started;
    // Far below the 20 s write timeout: nobody waited for the slow client.
    EXPECT_LT(took, 10s);
    ASSERT_TRUE(harness::wait_until(
        [&] {
            return metrics().find("scoreline_sse_closed_total{reason=\"backlog\"} 1") !=
                   std::string::npos;
        },
        10s))
        << metrics();
    EXPECT_NE(metrics().find("scoreline_sse_disconnects_total{cause=\"server_backlog\"} 1\n"),
              std::string::npos)
        << metrics();
    EXPECT_NE(stack_->sse_log(0).find("\"stream_dropped\""), std::string::npos);
}

}  // namespace
