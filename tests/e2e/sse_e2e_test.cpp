// Live updates end to end (issue 6): browsers' path through nginx over TLS
// (HTTP/2 and HTTP/1.1) to two scoreline-sse processes. A committed outbox
// row arrives with its id, event and data and the security headers; a
// heartbeat arrives; Last-Event-ID replays exactly the missed messages, also
// when the reconnect lands on the other process; a draft answers 404 without
// a ticket (as REST does), private topics 403 with an expired or forged
// ticket, and stream with a ticket from POST /api/v1/stream-tickets; no
// ticket reaches a log; a score changed through the API
// (PUT /api/v1/games/{id}/score) arrives on the event's stream.
#include <gtest/gtest.h>
#include <signal.h>
#include <sodium.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "http_client.hpp"
#include "sign_up.hpp"
#include "sse_client.hpp"
#include "sse_fixture.hpp"
#include "stack.hpp"

namespace {

using namespace std::chrono_literals;
using harness::SseClient;

class SseE2eTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        ASSERT_GE(sodium_init(), 0);
        harness::StackOptions o;
        o.sse_processes = 2;
        o.sse_env = {{"SCORELINE_SSE_HEARTBEAT_MS", "300"},
                     {"SCORELINE_SSE_POLL_INTERVAL_MS", "200"},
                     {"SCORELINE_SSE_MAX_CONNECTIONS_PER_IP", "1000"},
                     {"SCORELINE_LOG_LEVEL", "debug"}};
        o.nginx_env = {{"SSE_CONN_PER_IP", "1000"}};
        stack_ = new harness::Stack(o);
        writer_ = new ssetest::Writer(stack_->database_url());
    }
    static void TearDownTestSuite() {
        delete writer_;
        delete stack_;
    }
    static harness::SseClientOptions via_nginx(const std::string& path,
                                               std::vector<std::string> headers = {},
                                               bool http1 = false) {
        harness::SseClientOptions o;
        o.url = stack_->https_url(path);
        o.ca_file = stack_->cert_file();
        o.headers = std::move(headers);
        o.http1_only = http1;
        return o;
    }
    static ssetest::TicketKeys api_keys() {
        ssetest::TicketKeys k;
        k.kid = stack_->jwt_kid();
        k.private_pem = stack_->jwt_key_file();
        return k;
    }
    // A signed-in user (registered through the API); admin when asked.
    static std::pair<std::int64_t, std::string> sign_in(bool admin) {
        unsigned char raw[9];
        randombytes_buf(raw, sizeof raw);
        std::string tag;
        for (unsigned char b : raw) {
            tag += "0123456789abcdef"[b & 15];
        }
        harness::HttpClient http(stack_->cert_file());
        const harness::SignedUp account =
            harness::sign_up(http, *stack_, "sse-" + tag + "@example.org", "SSE " + tag);
        if (admin) {
            // The role is read from the users row on every request, so the
            // token of the login above is an admin's from now on.
            (void)stack_->postgres().psql(
                "scoreline",
                "UPDATE users SET role = 'admin' WHERE id = " + std::to_string(account.id));
        }
        return {account.id, account.access_token};
    }
    static harness::HttpResponse ticket_request(const std::string& token,
                                                const std::vector<std::string>& topics) {
        harness::HttpClient http(stack_->cert_file());
        return http.request("POST", stack_->https_url("/api/v1/stream-tickets"),
                            nlohmann::json({{"topics", topics}}).dump(),
                            {"Content-Type: application/json", "Authorization: Bearer " + token});
    }

    static harness::Stack* stack_;
    static ssetest::Writer* writer_;
};
harness::Stack* SseE2eTest::stack_ = nullptr;
ssetest::Writer* SseE2eTest::writer_ = nullptr;

TEST_F(SseE2eTest, ACommittedChangeArrivesWithIdEventAndData) {
    const auto event = writer_->make_event();
    SseClient client(via_nginx("/api/v1/events/" + std::to_string(event) + "/stream"));
    ASSERT_EQ(client.wait_status(), 200) << client.body();
    EXPECT_EQ(client.header("content-type"), "text/event-stream; charset=utf-8");
    // nginx's security headers and request id reach the stream too.
    EXPECT_EQ(client.header("x-content-type-options"), "nosniff");
    EXPECT_NE(client.header("strict-transport-security").find("max-age="), std::string::npos);
    EXPECT_EQ(client.header("x-request-id").size(), 32u);
    ASSERT_TRUE(client.wait_comments(1, 5s));  // the preamble is through: subscribed
    const nlohmann::json payload = {{"event_id", event}, {"game", {{"id", 11}, {"home_score", 2}}}};
    const auto id =
        writer_->insert("event:" + std::to_string(event), "score.updated", payload.dump());
    ASSERT_TRUE(client.wait_events(1, 10s));
    const auto e = client.events()[0];
    EXPECT_EQ(e.id, std::to_string(id));
    EXPECT_EQ(e.event, "score.updated");
    EXPECT_EQ(nlohmann::json::parse(e.data), payload);
}

TEST_F(SseE2eTest, AHeartbeatArrivesOverHttp1AndHttp2) {
    const auto event = writer_->make_event();
    for (bool http1 : {false, true}) {
        SseClient client(
            via_nginx("/api/v1/events/" + std::to_string(event) + "/stream", {}, http1));
        ASSERT_EQ(client.wait_status(), 200);
        EXPECT_TRUE(client.wait_comments(3, 5s)) << "http1=" << http1;
        // SCORELINE_SSE_RETRY_MS 3000: each stream's retry is in [3000, 6000).
        EXPECT_GE(std::stoi(client.retry()), 3000) << client.retry();
        EXPECT_LT(std::stoi(client.retry()), 6000) << client.retry();
    }
}

TEST_F(SseE2eTest, LastEventIdReplaysExactlyTheMissedMessages) {
    const auto event = writer_->make_event();
    const std::string topic = "event:" + std::to_string(event);
    const std::string path = "/api/v1/events/" + std::to_string(event) + "/stream";
    std::vector<std::int64_t> ids;
    auto first = std::make_unique<SseClient>(via_nginx(path));
    ASSERT_EQ(first->wait_status(), 200);
    ASSERT_TRUE(first->wait_comments(1, 5s));
    for (int i = 0; i < 3; ++i) {
        ids.push_back(writer_->insert(topic, "game.updated", R"({"event_id":1})"));
    }
    ASSERT_TRUE(first->wait_events(3, 10s));
    const std::string last = first->last_event_id();
    first.reset();
    for (int i = 0; i < 5; ++i) {
        ids.push_back(writer_->insert(topic, "game.updated", R"({"event_id":1})"));
    }
    // Several reconnects: least_conn spreads them over both processes.
    for (int round = 0; round < 4; ++round) {
        SseClient again(via_nginx(path, {"Last-Event-ID: " + last}, round % 2 == 1));
        ASSERT_EQ(again.wait_status(), 200);
        ASSERT_TRUE(again.wait_events(5, 10s));
        std::this_thread::sleep_for(200ms);
        EXPECT_EQ(ssetest::ids_of(again.events()),
                  std::vector<std::int64_t>(ids.begin() + 3, ids.end()))
            << "round " << round;
    }
}

TEST_F(SseE2eTest, PrivateTopicsNeedAValidTicket) {
    const auto draft = writer_->make_event("draft");
    const std::string topic = "event:" + std::to_string(draft);
    const std::string path = "/api/v1/events/" + std::to_string(draft) + "/stream";
    const auto keys = api_keys();

    // A draft without a ticket answers 404, as REST does: no sign that it exists.
    SseClient none(via_nginx(path));
    EXPECT_EQ(none.wait_status(), 404);
    EXPECT_TRUE(none.wait_finished(5s));
    EXPECT_NE(none.body().find("\"status\":404"), std::string::npos) << none.body();
    SseClient admin_none(via_nginx("/api/v1/admin/stream"));
    EXPECT_EQ(admin_none.wait_status(), 403);
    SseClient expired(via_nginx(path + "?ticket=" + ssetest::make_ticket(keys, 1, {topic}, -1s)));
    EXPECT_EQ(expired.wait_status(), 403);
    const std::string real = ssetest::make_ticket(keys, 1, {topic}, 60s);
    std::string forged = real;
    forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
    SseClient fake(via_nginx(path + "?ticket=" + forged));
    EXPECT_EQ(fake.wait_status(), 403);

    // A real ticket from the API: an admin may follow the admin topic and the draft.
    auto [admin_id, admin_token] = sign_in(true);
    auto [user_id, user_token] = sign_in(false);
    EXPECT_EQ(ticket_request(user_token, {"admin"}).status, 403);
    // A draft the user may not read is a 404 for the ticket too, as on REST.
    EXPECT_EQ(ticket_request(user_token, {topic}).status, 404);
    EXPECT_EQ(ticket_request(user_token, {"event:0"}).status, 422);
    EXPECT_EQ(ticket_request("", {"admin"}).status, 401);
    auto issued = ticket_request(admin_token, {"admin", topic});
    ASSERT_EQ(issued.status, 200) << issued.body;
    EXPECT_EQ(issued.header("cache-control"), "no-store");
    const auto body = nlohmann::json::parse(issued.body);
    const std::string ticket = body["ticket"];
    EXPECT_EQ(body["expires_in"], 60);

    SseClient admin(via_nginx("/api/v1/admin/stream?ticket=" + ticket));
    ASSERT_EQ(admin.wait_status(), 200) << admin.body();
    SseClient draft_stream(via_nginx(path + "?ticket=" + ticket));
    ASSERT_EQ(draft_stream.wait_status(), 200) << draft_stream.body();
    ASSERT_TRUE(admin.wait_comments(1, 5s));
    ASSERT_TRUE(draft_stream.wait_comments(1, 5s));
    const auto alert = writer_->insert("admin", "alert.created", R"({"alert":{"id":1}})");
    const auto change = writer_->insert(topic, "event.updated", R"({"event_id":1})");
    ASSERT_TRUE(admin.wait_events(1, 10s));
    ASSERT_TRUE(draft_stream.wait_events(1, 10s));
    EXPECT_EQ(admin.events()[0].id, std::to_string(alert));
    EXPECT_EQ(draft_stream.events()[0].id, std::to_string(change));

    // Neither the ticket nor the token appears in any log, nginx's included.
    std::this_thread::sleep_for(300ms);
    const std::string sig = ticket.substr(ticket.rfind('.') + 1);
    for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
             {"access log", stack_->nginx_access_log()},
             {"error log", stack_->nginx_error_log()},
             {"api log", stack_->api_log()},
             {"sse-0 log", stack_->sse_log(0)},
             {"sse-1 log", stack_->sse_log(1)}}) {
        EXPECT_EQ(text.find(sig), std::string::npos) << "a ticket in the " << name;
        EXPECT_EQ(text.find(real.substr(real.rfind('.') + 1)), std::string::npos) << name;
        EXPECT_EQ(text.find(admin_token.substr(admin_token.rfind('.') + 1)), std::string::npos)
            << name;
    }
}

TEST_F(SseE2eTest, StreamsAreSpreadOverTheProcessesAndEachHasItsMetrics) {
    const auto event = writer_->make_event();
    std::vector<std::unique_ptr<SseClient>> clients;
    for (int i = 0; i < 6; ++i) {
        clients.push_back(std::make_unique<SseClient>(
            via_nginx("/api/v1/events/" + std::to_string(event) + "/stream")));
        ASSERT_EQ(clients.back()->wait_status(), 200);
    }
    harness::HttpClient http;
    for (int i = 0; i < stack_->sse_count(); ++i) {
        auto r =
            http.get("http://127.0.0.1:" + std::to_string(stack_->sse_ops_port(i)) + "/metrics");
        ASSERT_EQ(r.status, 200);
        EXPECT_EQ(r.body.find("scoreline_sse_connections{state=\"streaming\"} 0\n"),
                  std::string::npos)
            << "process " << i << " got no stream:\n"
            << r.body;
    }
}

TEST_F(SseE2eTest, AScoreChangedThroughTheApiArrivesOnTheEventStream) {
    auto [user, token] = sign_in(false);
    harness::HttpClient http(stack_->cert_file());
    const std::vector<std::string> auth = {"Content-Type: application/json",
                                           "Authorization: Bearer " + token};
    auto post = [&](const std::string& path, const nlohmann::json& body) {
        auto r = http.request("POST", stack_->https_url(path), body.dump(), auth);
        EXPECT_EQ(r.status, 201) << path << ": " << r.body;
        return nlohmann::json::parse(r.body, nullptr, false);
    };
    const auto event = post("/api/v1/events", {{"name", "SSE Cup"},
                                               {"sport", "football"},
                                               {"format", "round_robin"},
                                               {"starts_on", "2026-12-01"}});
    ASSERT_TRUE(event.contains("id")) << event;
    const std::int64_t event_id = event["id"];
    const auto home =
        post("/api/v1/events/" + std::to_string(event_id) + "/teams", {{"name", "Alpha"}});
    const auto away =
        post("/api/v1/events/" + std::to_string(event_id) + "/teams", {{"name", "Beta"}});
    ASSERT_TRUE(home.contains("id") && away.contains("id"));
    auto game_resp = http.request(
        "POST", stack_->https_url("/api/v1/events/" + std::to_string(event_id) + "/games"),
        nlohmann::json({{"home_team_id", home["id"]},
                        {"away_team_id", away["id"]},
                        {"starts_at", "2026-12-01T15:00:00Z"}})
            .dump(),
        auth);
    ASSERT_EQ(game_resp.status, 201) << game_resp.body;
    const std::int64_t game_id = nlohmann::json::parse(game_resp.body)["id"];
    // A new event is a draft: its owner follows it with a ticket.
    const std::string topic = "event:" + std::to_string(event_id);
    auto issued = ticket_request(token, {topic});
    ASSERT_EQ(issued.status, 200) << issued.body;
    SseClient client(via_nginx("/api/v1/events/" + std::to_string(event_id) + "/stream?ticket=" +
                               nlohmann::json::parse(issued.body)["ticket"].get<std::string>()));
    ASSERT_EQ(client.wait_status(), 200) << client.body();
    ASSERT_TRUE(client.wait_comments(1, 5s));
    auto score = http.request(
        "PUT", stack_->https_url("/api/v1/games/" + std::to_string(game_id) + "/score"),
        nlohmann::json({{"home_score", 2}, {"away_score", 1}, {"status", "live"}}).dump(),
        {auth[0], auth[1], "If-Match: " + game_resp.header("etag")});
    ASSERT_EQ(score.status, 200) << score.body;
    const auto max_id = std::stoll(stack_->postgres().psql(
        "scoreline", "SELECT max(id) FROM outbox WHERE topic = '" + topic + "'"));
    ASSERT_TRUE(harness::wait_until(
        [&] {
            const auto events = client.events();
            return !events.empty() && std::stoll(events.back().id) >= max_id;
        },
        10s));
    bool found = false;
    for (const auto& e : client.events()) {
        if (e.event == "score.updated") {
            const auto data = nlohmann::json::parse(e.data);
            EXPECT_EQ(data["event_id"], event_id);
            EXPECT_NE(e.data.find(std::to_string(game_id)), std::string::npos) << e.data;
            found = true;
        }
    }
    EXPECT_TRUE(found) << "no score.updated message";
}

// Runs last: it stops both scoreline-sse processes for a moment.
TEST_F(SseE2eTest, ATicketStaysOutOfNginxLogsWhenScorelineSseIsDown) {
    const std::string ticket = ssetest::make_ticket(api_keys(), 1, {"admin"}, 60s, "admin");
    for (int i = 0; i < stack_->sse_count(); ++i) {
        stack_->sse(i).signal(SIGKILL);
        (void)stack_->sse(i).wait(5s);
    }
    SseClient down(via_nginx("/api/v1/admin/stream?ticket=" + ticket));
    EXPECT_EQ(down.wait_status(), 502);
    EXPECT_TRUE(down.wait_finished(5s));
    EXPECT_NE(down.body().find("\"status\":502"), std::string::npos) << down.body();
    for (int i = 0; i < stack_->sse_count(); ++i) {
        stack_->start_sse(i);
    }
    std::this_thread::sleep_for(300ms);
    const std::string sig = ticket.substr(ticket.rfind('.') + 1);
    EXPECT_EQ(stack_->nginx_error_log().find(sig), std::string::npos) << stack_->nginx_error_log();
    EXPECT_EQ(stack_->nginx_access_log().find(sig), std::string::npos);
    // nginx skips both processes for fail_timeout (2 s) after the failures.
    EXPECT_TRUE(harness::wait_until(
        [&] {
            SseClient up(via_nginx("/api/v1/admin/stream?ticket=" + ticket));
            return up.wait_status() == 200;
        },
        10s));
}

}  // namespace
