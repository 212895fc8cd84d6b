// Database metrics, the slow-request log and traces (issue 14), on the real
// stack through nginx: a request over SCORELINE_SLOW_REQUEST_MS logs one
// slow_request line with each statement and its duration and counts in
// scoreline_pool_slow_requests_total, a fast one logs none; statements,
// errors by SQLSTATE class and reconnects show in /metrics; a traceparent
// reaches the worker's log lines and PostgreSQL (pg_stat_activity and the
// server log name the session after the trace); nginx starts a trace for a
// request that brings none (or an invalid one); a score write carries its
// trace into the outbox, and scoreline-sse logs it with the row it fans out.
#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "http_client.hpp"
#include "sign_up.hpp"
#include "sse_client.hpp"
#include "stack.hpp"

namespace {

using namespace std::chrono_literals;

std::string random_hex(std::size_t digits) {
    std::string out;
    while (out.size() < digits) {
        const std::uint32_t r = randombytes_random();
        out += "0123456789abcdef"[r & 15];
    }
    return out;
}

// The JSON lines of `log` whose event is `event` and whose `key` is `value`.
std::vector<nlohmann::json> lines_of(const std::string& log, const std::string& event,
                                     const std::string& key, const std::string& value) {
    std::vector<nlohmann::json> out;
    std::istringstream in(log);
    std::string line;
    while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_object() && j.value("event", "") == event && j.contains(key) &&
            j[key].is_string() && j[key].get<std::string>() == value) {
            out.push_back(std::move(j));
        }
    }
    return out;
}

// The value of one series in a Prometheus text page; 0 when absent.
double metric(const std::string& page, const std::string& series) {
    std::istringstream in(page);
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
            line[series.size()] == ' ') {
            return std::stod(line.substr(series.size() + 1));
        }
    }
    return 0;
}

class ObservabilityTraceTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        ASSERT_GE(sodium_init(), 0);
        harness::StackOptions o;
        o.workers = 2;
        o.api_env = {{"SCORELINE_SLOW_REQUEST_MS", "100"},
                     {"SCORELINE_STATEMENT_TIMEOUT_MS", "1500"}};
        // Statements over 250 ms reach the server log, prefixed with %a.
        o.pg_settings = {"log_min_duration_statement=250"};
        o.sse_processes = 1;
        o.sse_env = {{"SCORELINE_SSE_POLL_INTERVAL_MS", "200"}};
        stack_ = new harness::Stack(o);
    }
    static void TearDownTestSuite() { delete stack_; }

    harness::HttpResponse get(const std::string& path, std::vector<std::string> headers = {}) {
        return client_.get(stack_->https_url(path), headers);
    }
    std::string metrics_page() {
        auto r = get("/metrics");
        EXPECT_EQ(r.status, 200) << r.body;
        return r.body;
    }
    // The worker's "request" line of the request with this id (waits for it).
    nlohmann::json request_line(const std::string& request_id) {
        std::vector<nlohmann::json> found;
        (void)harness::wait_until(
            [&] {
                found = lines_of(stack_->api_log(), "request", "request_id", request_id);
                return !found.empty();
            },
            5s);
        return found.empty() ? nlohmann::json::object() : found.front();
    }

    static harness::Stack* stack_;
    harness::HttpClient client_;
};
harness::Stack* ObservabilityTraceTest::stack_ = nullptr;

TEST_F(ObservabilityTraceTest, ASlowRequestLogsOneLineWithItsStatementsAndAFastOneNone) {
    const double slow_before = metric(metrics_page(), "scoreline_pool_slow_requests_total");

    auto fast = get("/api/v1/_test/slow_statements?ms=0");
    ASSERT_EQ(fast.status, 200) << fast.body;
    const std::string fast_id = fast.header("x-request-id");
    EXPECT_FALSE(request_line(fast_id).empty());
    EXPECT_EQ(metric(metrics_page(), "scoreline_pool_slow_requests_total"), slow_before);

    const std::string trace = random_hex(32);
    const std::string parent = random_hex(16);
    auto slow = get("/api/v1/_test/slow_statements?ms=300",
                    {"traceparent: 00-" + trace + "-" + parent + "-01"});
    ASSERT_EQ(slow.status, 200) << slow.body;
    const std::string slow_id = slow.header("x-request-id");
    EXPECT_FALSE(request_line(slow_id).empty());

    const std::string log = stack_->api_log();
    EXPECT_TRUE(lines_of(log, "slow_request", "request_id", fast_id).empty());
    const auto lines = lines_of(log, "slow_request", "request_id", slow_id);
    ASSERT_EQ(lines.size(), 1u) << log;
    const nlohmann::json& line = lines.front();
    EXPECT_EQ(line["level"], "warn");
    EXPECT_EQ(line["trace_id"], trace);
    EXPECT_EQ(line["method"], "GET");
    EXPECT_EQ(line["route"], "/api/v1/_test/slow_statements");
    EXPECT_EQ(line["status"], 200);
    EXPECT_GE(line["duration_ms"].get<double>(), 300.0);
    // In order, the route's three (the session's name rides with the first).
    std::vector<std::string> names;
    double sleep_ms = -1;
    for (const auto& s : line["statements"]) {
        names.push_back(s["name"]);
        if (s["name"] == "test_slow_sleep") {
            sleep_ms = s["ms"];
        }
    }
    EXPECT_EQ(names,
              (std::vector<std::string>{"test_slow_before", "test_slow_sleep", "test_slow_after"}))
        << line.dump();
    EXPECT_GE(sleep_ms, 300.0) << line.dump();
    EXPECT_LE(sleep_ms, line["duration_ms"].get<double>());

    EXPECT_EQ(metric(metrics_page(), "scoreline_pool_slow_requests_total"), slow_before + 1);
}

TEST_F(ObservabilityTraceTest, StatementsErrorsAndReconnectsShowInMetrics) {
    const std::string sleep_count =
        "scoreline_db_query_duration_seconds_count{statement=\"test_slow_sleep\"}";
    const std::string sleep_sum =
        "scoreline_db_query_duration_seconds_sum{statement=\"test_slow_sleep\"}";
    const std::string timeouts = "scoreline_db_errors_total{class=\"57\"}";
    const std::string reconnects = "scoreline_db_reconnects_total";
    const std::string before = metrics_page();

    ASSERT_EQ(get("/api/v1/_test/slow_statements?ms=200").status, 200);
    std::string after = metrics_page();
    EXPECT_EQ(metric(after, sleep_count), metric(before, sleep_count) + 1);
    EXPECT_GE(metric(after, sleep_sum) - metric(before, sleep_sum), 0.2);
    EXPECT_EQ(metric(after, timeouts), metric(before, timeouts));

    // Past SCORELINE_STATEMENT_TIMEOUT_MS (1500): 57014, class 57.
    auto timed_out = get("/api/v1/_test/slow_statements?ms=2000");
    EXPECT_EQ(timed_out.status, 503) << timed_out.body;
    after = metrics_page();
    EXPECT_EQ(metric(after, timeouts), metric(before, timeouts) + 1);
    EXPECT_EQ(metric(after, sleep_count), metric(before, sleep_count) + 2);

    // Every worker's session ends; the next request a worker serves re-opens it.
    (void)stack_->postgres().psql("scoreline",
                                  "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE application_name LIKE 'scoreline-api%'");
    // A request racing a backend that is still exiting may get its 503; the
    // reconnect is what this checks, so wait until the sessions are gone.
    EXPECT_TRUE(harness::wait_until(
        [&] {
            return std::stoi(stack_->postgres().psql(
                       "scoreline",
                       "SELECT count(*) FROM pg_stat_activity "
                       "WHERE application_name LIKE 'scoreline-api%'")) == 0;
        },
        10s));
    double moved = 0;
    for (int i = 0; i < 20 && moved < 1; ++i) {
        EXPECT_EQ(get("/api/v1/_test/slow_statements?ms=0").status, 200);
        moved = metric(metrics_page(), reconnects) - metric(before, reconnects);
    }
    EXPECT_GE(moved, 1);
    EXPECT_LE(moved, 2);  // two workers
}

TEST_F(ObservabilityTraceTest, TheTraceReachesTheWorkerLogAndPostgres) {
    const std::string trace = random_hex(32);
    const std::string parent = random_hex(16);
    const std::string session = "scoreline-api/" + trace + "/" + parent;
    std::atomic<bool> done{false};
    harness::HttpResponse slow;
    std::thread request([&] {
        harness::HttpClient c;
        slow = c.get(stack_->https_url("/api/v1/_test/slow_statements?ms=1200"),
                     {"traceparent: 00-" + trace + "-" + parent + "-01"});
        done = true;
    });
    // While the statement sleeps, pg_stat_activity shows the session under
    // the trace, running the route's statement.
    std::string seen;
    while (!done && seen.empty()) {
        seen =
            stack_->postgres().psql("scoreline",
                                    "SELECT query FROM pg_stat_activity WHERE state = 'active' AND "
                                    "application_name = '" +
                                        session + "'");
        if (seen.find("pg_sleep") == std::string::npos) {
            seen.clear();
            std::this_thread::sleep_for(20ms);
        }
    }
    request.join();
    ASSERT_EQ(slow.status, 200) << slow.body;
    EXPECT_NE(seen.find("pg_sleep"), std::string::npos) << "no active session named " << session;
    EXPECT_EQ(request_line(slow.header("x-request-id")).value("trace_id", ""), trace);
    // The server log (log_min_duration_statement=250) names the session too.
    EXPECT_TRUE(harness::wait_until(
        [&] {
            std::istringstream in(stack_->postgres().server_log());
            std::string line;
            while (std::getline(in, line)) {
                if (line.find(session) != std::string::npos &&
                    line.find("test_slow_sleep") != std::string::npos) {
                    return true;
                }
            }
            return false;
        },
        5s))
        << stack_->postgres().server_log();
}

TEST_F(ObservabilityTraceTest, NginxStartsATraceWhenTheClientSendsNoneOrAnInvalidOne) {
    for (const std::vector<std::string>& headers : std::vector<std::vector<std::string>>{
             {},
             {"traceparent: 00-00000000000000000000000000000000-00f067aa0ba902b7-01"},
             {"traceparent: 00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"},
             {"traceparent: ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}) {
        auto r = get("/api/v1/version", headers);
        ASSERT_EQ(r.status, 200);
        // The started trace id is nginx's $request_id, the X-Request-ID.
        const std::string id = r.header("x-request-id");
        ASSERT_EQ(id.size(), 32u);
        EXPECT_EQ(request_line(id).value("trace_id", ""), id)
            << (headers.empty() ? "no traceparent" : headers.front());
        const std::string started = "00-" + id + "-" + id.substr(0, 16) + "-01";
        EXPECT_TRUE(harness::wait_until(
            [&] {
                return stack_->nginx_access_log().find("\"traceparent\":\"" + started + "\"") !=
                       std::string::npos;
            },
            2s))
            << started;
    }
    // A valid one of a later version (extra fields) is kept as it is.
    const std::string trace = random_hex(32);
    auto r = get("/api/v1/version", {"traceparent: 01-" + trace + "-00f067aa0ba902b7-01-extra"});
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(request_line(r.header("x-request-id")).value("trace_id", ""), trace);
}

TEST_F(ObservabilityTraceTest, AScoreWriteCarriesItsTraceToScorelineSse) {
    harness::HttpClient http(stack_->cert_file());
    const harness::SignedUp account =
        harness::sign_up(http, *stack_, "trace-" + random_hex(8) + "@example.org", "Tracer");
    ASSERT_FALSE(account.access_token.empty());
    const std::vector<std::string> auth = {"Content-Type: application/json",
                                           "Authorization: Bearer " + account.access_token};
    auto post = [&](const std::string& path, const nlohmann::json& body) {
        auto r = http.request("POST", stack_->https_url(path), body.dump(), auth);
        EXPECT_EQ(r.status, 201) << path << ": " << r.body;
        return r;
    };
    const auto event = nlohmann::json::parse(post("/api/v1/events", {{"name", "Trace Cup"},
                                                                     {"sport", "football"},
                                                                     {"format", "round_robin"},
                                                                     {"starts_on", "2026-12-01"}})
                                                 .body,
                                             nullptr, false);
    ASSERT_TRUE(event.contains("id")) << event;
    const std::string event_path = "/api/v1/events/" + std::to_string(event["id"].get<int>());
    const auto home = nlohmann::json::parse(post(event_path + "/teams", {{"name", "Alpha"}}).body);
    const auto away = nlohmann::json::parse(post(event_path + "/teams", {{"name", "Beta"}}).body);
    const auto game = post(event_path + "/games", {{"home_team_id", home["id"]},
                                                   {"away_team_id", away["id"]},
                                                   {"starts_at", "2026-12-01T15:00:00Z"}});
    ASSERT_EQ(game.status, 201);
    const std::int64_t game_id = nlohmann::json::parse(game.body)["id"];

    // A follower of the (draft) event's stream, so the row is delivered.
    const std::string topic = "event:" + std::to_string(event["id"].get<int>());
    auto ticket = http.request("POST", stack_->https_url("/api/v1/stream-tickets"),
                               nlohmann::json({{"topics", {topic}}}).dump(), auth);
    ASSERT_EQ(ticket.status, 200) << ticket.body;
    harness::SseClientOptions o;
    o.url = stack_->https_url(event_path + "/stream?ticket=" +
                              nlohmann::json::parse(ticket.body)["ticket"].get<std::string>());
    o.ca_file = stack_->cert_file();
    harness::SseClient follower(o);
    ASSERT_EQ(follower.wait_status(), 200) << follower.body();

    const double rows_before = metric(metrics_page(), "scoreline_outbox_rows_written_total");
    const std::string trace = random_hex(32);
    auto score = http.request(
        "PUT", stack_->https_url("/api/v1/games/" + std::to_string(game_id) + "/score"),
        nlohmann::json({{"home_score", 1}, {"away_score", 0}, {"status", "live"}}).dump(),
        {auth[0], auth[1], "If-Match: " + game.header("etag"),
         "traceparent: 00-" + trace + "-00f067aa0ba902b7-01"});
    ASSERT_EQ(score.status, 200) << score.body;

    // The write's outbox rows carry its trace id, and each counted once.
    const std::string rows = stack_->postgres().psql(
        "scoreline",
        "SELECT id || ' ' || kind FROM outbox WHERE trace_id = '" + trace + "' ORDER BY id");
    std::istringstream in(rows);
    std::vector<std::pair<std::int64_t, std::string>> written;
    std::int64_t id = 0;
    std::string kind;
    while (in >> id >> kind) {
        written.emplace_back(id, kind);
    }
    ASSERT_FALSE(written.empty()) << "no outbox row with the trace id";
    EXPECT_EQ(metric(metrics_page(), "scoreline_outbox_rows_written_total"),
              rows_before + static_cast<double>(written.size()));

    // scoreline-sse logs one line per row, with the trace of the write.
    for (const auto& [row_id, row_kind] : written) {
        std::vector<nlohmann::json> found;
        EXPECT_TRUE(harness::wait_until(
            [&] {
                found = lines_of(stack_->sse_log(0), "outbox_row", "trace_id", trace);
                return std::any_of(found.begin(), found.end(), [&](const nlohmann::json& j) {
                    return j.value("outbox_id", std::int64_t{0}) == row_id;
                });
            },
            10s))
            << row_id << " " << row_kind << "\n"
            << stack_->sse_log(0);
        for (const auto& j : found) {
            if (j.value("outbox_id", std::int64_t{0}) == row_id) {
                EXPECT_EQ(j["kind"], row_kind);
                EXPECT_EQ(j["topic"], topic);
                EXPECT_EQ(j["clients"], 1);
                EXPECT_EQ(std::count_if(found.begin(), found.end(),
                                        [&](const nlohmann::json& k) {
                                            return k.value("outbox_id", std::int64_t{0}) == row_id;
                                        }),
                          1);
            }
        }
    }
}

}  // namespace
