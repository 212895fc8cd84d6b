// Database metrics and the slow-request log (issue 14), on the real stack
// through nginx: a request over SCORELINE_SLOW_REQUEST_MS logs one
// slow_request line with each statement and its duration and counts in
// scoreline_pool_slow_requests_total, a fast one logs none; statements,
// errors by SQLSTATE class and reconnects show in /metrics.
#include <gtest/gtest.h>
#include <sodium.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "http_client.hpp"
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
    // In order: the route's three.
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
    double moved = 0;
    for (int i = 0; i < 20 && moved < 1; ++i) {
        EXPECT_EQ(get("/api/v1/_test/slow_statements?ms=0").status, 200);
        moved = metric(metrics_page(), reconnects) - metric(before, reconnects);
    }
    EXPECT_GE(moved, 1);
    EXPECT_LE(moved, 2);  // two workers
}

}  // namespace
