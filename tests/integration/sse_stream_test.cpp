// scoreline-sse against a real PostgreSQL, on its unix socket: a committed
// outbox row reaches a subscriber with its id, event and data; heartbeats and
// retry (spread over [R, 2R) across 2,000 streams); strict request parsing
// (400), routes (404/405), event visibility (404 for no event and, as REST
// answers, for a draft the client may not see), stream tickets (403 expired
// or forged; 200 with a valid one); /healthz and /metrics (disconnects by
// cause, build and process facts from the shared metrics module); SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "sse_fixture.hpp"

namespace {

using namespace std::chrono_literals;
using harness::SseClient;

// The value of one series (name and labels as rendered) in a /metrics body; -1 if absent.
double series_value(const std::string& body, const std::string& series) {
    const std::string needle = "\n" + series + " ";
    const auto at = body.find(needle);
    return at == std::string::npos ? -1 : std::stod(body.substr(at + needle.size()));
}

class SseStreamTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        world_ = new ssetest::SseWorld();
        sse_ = world_->start_sse("sse-a").release();
    }
    static void TearDownTestSuite() {
        delete sse_;
        delete world_;
    }
    static ssetest::SseWorld* world_;
    static ssetest::SseProcess* sse_;
};
ssetest::SseWorld* SseStreamTest::world_ = nullptr;
ssetest::SseProcess* SseStreamTest::sse_ = nullptr;

TEST_F(SseStreamTest, CommittedRowReachesSubscriberWithIdEventAndData) {
    ssetest::Writer w(world_->db_url());
    const auto event = w.make_event();
    const std::string topic = "event:" + std::to_string(event);
    SseClient client(sse_->client("/api/v1/events/" + std::to_string(event) + "/stream"));
    ASSERT_EQ(client.wait_status(), 200) << client.body() << sse_->log();
    EXPECT_EQ(client.header("content-type"), "text/event-stream; charset=utf-8");
    EXPECT_EQ(client.header("cache-control"), "no-store");
    ASSERT_TRUE(harness::wait_until([&] { return !client.retry().empty(); }, 5s));
    // SCORELINE_SSE_RETRY_MS is 500: each stream gets a value in [500, 1000).
    EXPECT_GE(std::stoi(client.retry()), 500);
    EXPECT_LT(std::stoi(client.retry()), 1000);
    // A row of another topic is not delivered to this stream.
    (void)w.insert("event:999999", "score.updated", R"({"event_id":999999})");
    const auto id = w.insert(topic, "score.updated",
                             R"({"event_id":)" + std::to_string(event) + R"(,"game":{"id":7}})");
    ASSERT_TRUE(client.wait_events(1, 10s)) << sse_->log();
    const auto events = client.events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].id, std::to_string(id));
    EXPECT_EQ(events[0].event, "score.updated");
    const auto data = nlohmann::json::parse(events[0].data);
    EXPECT_EQ(data["event_id"], event);
    EXPECT_EQ(data["game"]["id"], 7);
}

TEST_F(SseStreamTest, HeartbeatsArrive) {
    ssetest::Writer w(world_->db_url());
    const auto event = w.make_event();
    SseClient client(sse_->client("/api/v1/events/" + std::to_string(event) + "/stream"));
    ASSERT_EQ(client.wait_status(), 200);
    // The preamble carries one comment; heartbeats (every 300 ms here) add more.
    EXPECT_TRUE(client.wait_comments(4, 5s)) << client.comment_count();
}

TEST_F(SseStreamTest, SeveralTopicsOnOneStream) {
    ssetest::Writer w(world_->db_url());
    const auto a = w.make_event();
    const auto b = w.make_event();
    const auto c = w.make_event();
    SseClient client(sse_->client("/api/v1/stream?topics=event:" + std::to_string(a) +
                                  ",event:" + std::to_string(b)));
    ASSERT_EQ(client.wait_status(), 200) << client.body();
    const auto id1 = w.insert("event:" + std::to_string(a), "game.updated", "{}");
    (void)w.insert("event:" + std::to_string(c), "game.updated", "{}");
    const auto id3 = w.insert("event:" + std::to_string(b), "standings.updated", "{}");
    ASSERT_TRUE(client.wait_events(2, 10s));
    EXPECT_EQ(ssetest::ids_of(client.events()), (std::vector<std::int64_t>{id1, id3}));
}

TEST_F(SseStreamTest, MalformedRequestsGet400AndAreClosed) {
    const std::vector<std::string> bad = {
        "GET /api/v1/stream?topics=event:1 HTTP/1.1\nHost: x\n\n",         // bare LF
        "GET /api/v1/stream?topics=event:1 HTTP/1.1\r\nHost : x\r\n\r\n",  // space before colon
        "GET /api/v1/stream?topics=event:1 HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
        "GET  /api/v1/stream HTTP/1.1\r\nHost: x\r\n\r\n",         // two spaces
        "GET http://x/api/v1/stream HTTP/1.1\r\nHost: x\r\n\r\n",  // absolute-form
        "GET /api/v1/stream?topics=event:1 HTTP/1.1\r\n\r\n",      // no Host
        "GET /api/v1/stream?topics=event:1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
        "chunked\r\n\r\n",
        "GET /api/v1/stream?topics=nope HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/stream?topics=event:1&topics=event:2 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/events/1/stream HTTP/1.1\r\nHost: x\r\nLast-Event-ID: -3\r\n\r\n",
    };
    for (const auto& req : bad) {
        const std::string out = ssetest::raw_exchange(sse_->socket(), req);
        EXPECT_TRUE(out.starts_with("HTTP/1.1 400 ")) << req << "\n---\n" << out;
        EXPECT_NE(out.find("application/problem+json"), std::string::npos) << out;
        EXPECT_NE(out.find("Connection: close"), std::string::npos) << out;
    }
    // Limits: a line longer than 4096 bytes, more than 64 header fields.
    std::string long_line = "GET /api/v1/stream?topics=event:1&x=" + std::string(5000, 'a') +
                            " HTTP/1.1\r\nHost: x\r\n\r\n";
    EXPECT_TRUE(ssetest::raw_exchange(sse_->socket(), long_line).starts_with("HTTP/1.1 414 "));
    std::string many = "GET /api/v1/stream?topics=event:1 HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 70; ++i) {
        many += "X-H" + std::to_string(i) + ": v\r\n";
    }
    EXPECT_TRUE(ssetest::raw_exchange(sse_->socket(), many + "\r\n").starts_with("HTTP/1.1 431 "));
    EXPECT_TRUE(ssetest::raw_exchange(sse_->socket(), "GET /x HTTP/2.0\r\nHost: x\r\n\r\n")
                    .starts_with("HTTP/1.1 505 "));
}

TEST_F(SseStreamTest, UnknownRoutesAndMethods) {
    EXPECT_TRUE(
        ssetest::raw_exchange(sse_->socket(), "GET /api/v1/nope HTTP/1.1\r\nHost: x\r\n\r\n")
            .starts_with("HTTP/1.1 404 "));
    EXPECT_TRUE(ssetest::raw_exchange(sse_->socket(),
                                      "GET /api/v1/events/01/stream HTTP/1.1\r\nHost: x\r\n\r\n")
                    .starts_with("HTTP/1.1 404 "));
    const std::string post = ssetest::raw_exchange(
        sse_->socket(),
        "POST /api/v1/admin/stream HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    EXPECT_TRUE(post.starts_with("HTTP/1.1 405 ")) << post;
    EXPECT_NE(post.find("Allow: GET"), std::string::npos);
    // An event that does not exist.
    SseClient missing(sse_->client("/api/v1/events/987654321/stream"));
    EXPECT_EQ(missing.wait_status(), 404);
    EXPECT_TRUE(missing.wait_finished(5s));
}

TEST_F(SseStreamTest, PrivateTopicsNeedAValidTicket) {
    ssetest::Writer w(world_->db_url());
    const auto draft = w.make_event("draft");
    const std::string topic = "event:" + std::to_string(draft);
    const std::string path = "/api/v1/events/" + std::to_string(draft) + "/stream";
    const auto& keys = world_->keys();

    // A draft without a ticket looks exactly like a missing event.
    SseClient none(sse_->client(path));
    EXPECT_EQ(none.wait_status(), 404) << none.body();
    SseClient missing(sse_->client("/api/v1/events/987654321/stream"));
    EXPECT_EQ(missing.wait_status(), 404);
    ASSERT_TRUE(none.wait_finished(5s));
    ASSERT_TRUE(missing.wait_finished(5s));
    const auto draft_body = nlohmann::json::parse(none.body());
    const auto missing_body = nlohmann::json::parse(missing.body());
    EXPECT_EQ(draft_body["title"], missing_body["title"]);
    EXPECT_EQ(draft_body["detail"], "no event " + std::to_string(draft));
    EXPECT_EQ(missing_body["detail"], "no event 987654321");
    SseClient admin_none(sse_->client("/api/v1/admin/stream"));
    EXPECT_EQ(admin_none.wait_status(), 403);

    const std::string expired = ssetest::make_ticket(keys, 1, {topic}, -1s);
    SseClient old(sse_->client(path + "?ticket=" + expired));
    EXPECT_EQ(old.wait_status(), 403);

    // Forged: a valid ticket with its payload swapped for another topic's.
    const std::string good_other = ssetest::make_ticket(keys, 1, {"event:999999"}, 60s);
    const std::string good = ssetest::make_ticket(keys, 1, {topic}, 60s);
    const auto p1 = good_other.find('.');
    const auto p2 = good.find('.');
    const std::string forged = good_other.substr(0, p1) + good.substr(p2, good.rfind('.') - p2) +
                               good_other.substr(good_other.rfind('.'));
    SseClient fake(sse_->client(path + "?ticket=" + forged));
    EXPECT_EQ(fake.wait_status(), 403);
    // A valid ticket for another topic does not open this one.
    SseClient wrong(sse_->client(path + "?ticket=" + good_other));
    EXPECT_EQ(wrong.wait_status(), 404);

    SseClient ok(sse_->client(path + "?ticket=" + good));
    ASSERT_EQ(ok.wait_status(), 200) << ok.body();
    const auto id = w.insert(topic, "game.updated", R"({"event_id":1})");
    ASSERT_TRUE(ok.wait_events(1, 10s));
    EXPECT_EQ(ok.events()[0].id, std::to_string(id));

    const std::string admin_ticket = ssetest::make_ticket(keys, 1, {"admin"}, 60s, "admin");
    SseClient admin(sse_->client("/api/v1/admin/stream?ticket=" + admin_ticket));
    ASSERT_EQ(admin.wait_status(), 200) << admin.body();
    const auto alert = w.insert("admin", "alert.created", R"({"alert":{"id":3}})");
    ASSERT_TRUE(admin.wait_events(1, 10s));
    EXPECT_EQ(admin.events()[0].id, std::to_string(alert));
    EXPECT_EQ(admin.events()[0].event, "alert.created");
    // No ticket ever reaches the log.
    EXPECT_EQ(sse_->log().find(good), std::string::npos);
    EXPECT_EQ(sse_->log().find(admin_ticket.substr(admin_ticket.rfind('.'))), std::string::npos);
}

TEST_F(SseStreamTest, HealthzAndMetrics) {
    ssetest::Writer w(world_->db_url());
    const auto event = w.make_event();
    SseClient client(sse_->client("/api/v1/events/" + std::to_string(event) + "/stream"));
    ASSERT_EQ(client.wait_status(), 200);
    (void)w.insert("event:" + std::to_string(event), "game.updated", "{}");
    ASSERT_TRUE(client.wait_events(1, 10s));
    auto [hs, health] = sse_->ops_get("/healthz");
    EXPECT_EQ(hs, 200);
    EXPECT_EQ(nlohmann::json::parse(health)["database"], "up");
    auto [ms, metrics] = sse_->ops_get("/metrics");
    EXPECT_EQ(ms, 200);
    for (const char* needle :
         {"scoreline_sse_connections{state=\"streaming\"} ", "scoreline_sse_messages_sent_total ",
          "scoreline_sse_bytes_sent_total ", "scoreline_sse_closed_total",
          "scoreline_sse_delivery_latency_seconds_bucket{le=\"+Inf\"} ",
          "scoreline_sse_replays_total ", "scoreline_sse_rejected_total{reason=\"bad_request\"}",
          "scoreline_sse_delivery_latency_seconds_bucket{le=\"0.2\"} ",
          "# TYPE scoreline_sse_disconnects_total counter\n",
          "scoreline_build_info{version=\"0.1.0\",commit=\"", "process_resident_memory_bytes ",
          "process_cpu_seconds_total ", "process_open_fds ", "process_max_fds ",
          "process_start_time_seconds "}) {
        EXPECT_NE(metrics.find(needle), std::string::npos) << needle << "\n" << metrics;
    }
    // Every cause is exported before its first disconnect.
    for (const char* cause : {"client", "server_backlog", "server_write_timeout",
                              "server_handshake_timeout", "server_io_error", "shutdown"}) {
        EXPECT_GE(series_value(metrics, std::string("scoreline_sse_disconnects_total{cause=\"") +
                                            cause + "\"}"),
                  0)
            << cause << "\n"
            << metrics;
    }
    EXPECT_EQ(sse_->ops_get("/nope").first, 404);
}

// A client that goes away is a disconnect of cause client.
TEST_F(SseStreamTest, AClientThatLeavesCountsAsAClientDisconnect) {
    ssetest::Writer w(world_->db_url());
    const auto event = w.make_event();
    const std::string series = "scoreline_sse_disconnects_total{cause=\"client\"}";
    const double before = series_value(sse_->ops_get("/metrics").second, series);
    ASSERT_GE(before, 0);
    {
        SseClient client(sse_->client("/api/v1/events/" + std::to_string(event) + "/stream"));
        ASSERT_EQ(client.wait_status(), 200);
    }
    EXPECT_TRUE(harness::wait_until(
        [&] { return series_value(sse_->ops_get("/metrics").second, series) == before + 1; }, 5s))
        << sse_->ops_get("/metrics").second;
}

TEST_F(SseStreamTest, PerAddressLimitAnswers429AndSilentClientsAreClosed) {
    auto limited =
        world_->start_sse("sse-limited", {{"SCORELINE_SSE_MAX_CONNECTIONS_PER_IP", "2"},
                                          {"SCORELINE_SSE_HANDSHAKE_TIMEOUT_MS", "300"}});
    ssetest::Writer w(world_->db_url());
    const auto event = w.make_event();
    const std::string path = "/api/v1/events/" + std::to_string(event) + "/stream";
    SseClient a(limited->client(path, {"X-Real-IP: 10.1.2.3"}));
    SseClient b(limited->client(path, {"X-Real-IP: 10.1.2.3"}));
    ASSERT_EQ(a.wait_status(), 200);
    ASSERT_EQ(b.wait_status(), 200);
    SseClient c(limited->client(path, {"X-Real-IP: 10.1.2.3"}));
    EXPECT_EQ(c.wait_status(), 429) << c.body();
    EXPECT_EQ(c.header("retry-after"), "10");
    SseClient other(limited->client(path, {"X-Real-IP: 10.9.9.9"}));
    EXPECT_EQ(other.wait_status(), 200);
    // A connection that never sends a complete request head is closed.
    const auto started = std::chrono::steady_clock::now();
    const std::string out = ssetest::raw_exchange(limited->socket(), "GET /api/v1/str", 5s);
    EXPECT_EQ(out, "");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
    EXPECT_TRUE(harness::wait_until(
        [&] {
            return limited->ops_get("/metrics")
                       .second.find("scoreline_sse_closed_total{reason=\"handshake_timeout\"} 1") !=
                   std::string::npos;
        },
        5s));
    EXPECT_EQ(series_value(limited->ops_get("/metrics").second,
                           "scoreline_sse_disconnects_total{cause=\"server_handshake_timeout\"}"),
              1);
}

TEST_F(SseStreamTest, AClientThatStopsReadingIsDroppedAfterTheWriteTimeout) {
    auto stall = world_->start_sse("sse-stall", {{"SCORELINE_SSE_WRITE_TIMEOUT_MS", "500"},
                                                 {"SCORELINE_SSE_MAX_BACKLOG_BYTES", "67108864"}});
    ssetest::Writer w(world_->db_url());
    const auto event = w.make_event();
    // A raw client: sends its request and never reads a byte.
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, stall->socket().c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const std::string req =
        "GET /api/v1/events/" + std::to_string(event) + "/stream HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
    SseClient reader(stall->client("/api/v1/events/" + std::to_string(event) + "/stream"));
    ASSERT_EQ(reader.wait_status(), 200);
    ASSERT_TRUE(harness::wait_until(
        [&] {
            return stall->ops_get("/metrics")
                       .second.find("scoreline_sse_connections{state=\"streaming\"} 2") !=
                   std::string::npos;
        },
        5s));
    // More than the socket buffers hold: the stalled client's queue stays non-empty.
    const std::string blob(100 * 1024, 'x');
    for (int i = 0; i < 20; ++i) {
        (void)w.insert("event:" + std::to_string(event), "game.updated",
                       nlohmann::json({{"blob", blob}}).dump());
    }
    EXPECT_TRUE(reader.wait_events(20, 10s)) << "a reading client was held up";
    EXPECT_TRUE(harness::wait_until(
        [&] {
            return stall->ops_get("/metrics")
                       .second.find("scoreline_sse_closed_total{reason=\"write_timeout\"} 1") !=
                   std::string::npos;
        },
        5s))
        << stall->ops_get("/metrics").second;
    EXPECT_EQ(series_value(stall->ops_get("/metrics").second,
                           "scoreline_sse_disconnects_total{cause=\"server_write_timeout\"}"),
              1);
    ::close(fd);
}

// Issue 12, reliability 5: an nginx reload cuts every stream at once; each
// stream's retry: is drawn from [R, 2R), so 2,000 EventSources cut together
// come back spread over R: every tenth of the window gets about a tenth.
TEST_F(SseStreamTest, TwoThousandStreamsAreToldToReconnectSpreadOverTheRetryWindow) {
    constexpr int kStreams = 2000;
    constexpr int kRetryMs = 3000;
    auto many = world_->start_sse("sse-many", {{"SCORELINE_SSE_RETRY_MS", "3000"},
                                               {"SCORELINE_SSE_MAX_CONNECTIONS_PER_IP", "5000"}});
    ssetest::Writer w(world_->db_url());
    const auto event = w.make_event();
    const std::string req =
        "GET /api/v1/events/" + std::to_string(event) + "/stream HTTP/1.1\r\nHost: x\r\n\r\n";
    std::vector<int> fds;
    for (int i = 0; i < kStreams; ++i) {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ASSERT_GE(fd, 0) << std::strerror(errno);
        fds.push_back(fd);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, many->socket().c_str(), sizeof addr.sun_path - 1);
        ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(req.size()));
    }
    std::vector<int> retries;
    for (int fd : fds) {
        timeval tv{5, 0};
        (void)::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        std::string got;
        char buf[1024];
        std::size_t at = std::string::npos;
        // Until the retry line is complete (the head and preamble come in one write).
        for (int reads = 0; reads < 16; ++reads) {
            at = got.find("\nretry: ");
            if (at != std::string::npos && got.find('\n', at + 1) != std::string::npos) {
                break;
            }
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) {
                break;
            }
            got.append(buf, static_cast<std::size_t>(n));
        }
        ASSERT_TRUE(got.starts_with("HTTP/1.1 200")) << got;
        ASSERT_NE(at, std::string::npos) << got;
        retries.push_back(std::stoi(got.substr(at + 8)));
        ::close(fd);
    }
    std::vector<int> tenths(10, 0);
    for (int r : retries) {
        ASSERT_GE(r, kRetryMs);
        ASSERT_LT(r, 2 * kRetryMs);
        ++tenths[static_cast<std::size_t>((r - kRetryMs) * 10 / kRetryMs)];
    }
    // 200 expected per tenth; 120..280 is more than six standard deviations.
    for (int n : tenths) {
        EXPECT_GT(n, 120) << ::testing::PrintToString(tenths);
        EXPECT_LT(n, 280) << ::testing::PrintToString(tenths);
    }
}

// Runs last in this binary (gtest keeps declaration order): it stops the process.
TEST_F(SseStreamTest, SigtermClosesEveryStreamCleanly) {
    ssetest::Writer w(world_->db_url());
    const auto event = w.make_event();
    std::vector<std::unique_ptr<SseClient>> clients;
    for (int i = 0; i < 5; ++i) {
        clients.push_back(std::make_unique<SseClient>(
            sse_->client("/api/v1/events/" + std::to_string(event) + "/stream")));
        ASSERT_EQ(clients.back()->wait_status(), 200);
    }
    const auto st = sse_->terminate(10s);
    ASSERT_TRUE(st.has_value());
    EXPECT_TRUE(WIFEXITED(*st) && WEXITSTATUS(*st) == 0) << sse_->log();
    for (auto& c : clients) {
        EXPECT_TRUE(c->wait_finished(5s));
        EXPECT_EQ(c->error(), "") << "the stream ended with an error instead of a clean close";
    }
    EXPECT_NE(sse_->log().find("\"reason\":\"shutdown\""), std::string::npos);
}

}  // namespace
