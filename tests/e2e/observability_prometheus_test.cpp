// A real Prometheus (Debian's package) scraping the test stack on loopback
// (issue 14): scoreline-api's /metrics through nginx over HTTPS as job
// scoreline-api, scoreline-sse's ops port as job scoreline-sse, every second.
// After requests to one route, Prometheus' HTTP API answers the request
// counter of that route pattern, a finite p95 from the duration histogram
// (the expression of the latency alert), a business counter that moved
// (registrations, logins), both jobs up, scoreline-sse's own series and the
// certificate expiry.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "http_client.hpp"
#include "prometheus.hpp"
#include "sign_up.hpp"
#include "stack.hpp"

namespace {

using namespace std::chrono_literals;

// Asks again every 250 ms until `ok(value)` holds or `timeout` passes;
// returns the last value (NaN when Prometheus had none).
template <class Ok>
double poll(harness::Prometheus& p, const std::string& promql, Ok ok,
            std::chrono::seconds timeout = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    double v = p.value(promql);
    while (!ok(v) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(250ms);
        v = p.value(promql);
    }
    return v;
}

class ObservabilityPrometheusTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        harness::StackOptions o = harness::StackOptions::with(2);
        o.sse_processes = 1;
        stack_ = new harness::Stack(o);
        prometheus_ = new harness::Prometheus(
            {{"scoreline-api", "127.0.0.1:" + std::to_string(stack_->https_port()), "https",
              "/metrics", true},
             {"scoreline-sse", "127.0.0.1:" + std::to_string(stack_->sse_ops_port(0))}});
    }
    static void TearDownTestSuite() {
        delete prometheus_;
        prometheus_ = nullptr;
        delete stack_;
        stack_ = nullptr;
    }
    static void send(int n, const std::string& path) {
        harness::HttpClient client;
        for (int i = 0; i < n; ++i) {
            ASSERT_EQ(client.get(stack_->https_url(path)).status, 200) << path;
        }
    }
    static harness::Stack* stack_;
    static harness::Prometheus* prometheus_;
};
harness::Stack* ObservabilityPrometheusTest::stack_ = nullptr;
harness::Prometheus* ObservabilityPrometheusTest::prometheus_ = nullptr;

TEST_F(ObservabilityPrometheusTest, BothJobsAreUp) {
    auto& p = *prometheus_;
    EXPECT_EQ(poll(p, R"(up{job="scoreline-api"})", [](double v) { return v == 1; }), 1)
        << p.last_error() << p.log() << p.config();
    EXPECT_EQ(poll(p, R"(up{job="scoreline-sse"})", [](double v) { return v == 1; }), 1)
        << p.last_error() << p.log();
}

TEST_F(ObservabilityPrometheusTest, RequestCounterAndP95OfTheRouteJustUsed) {
    auto& p = *prometheus_;
    const std::string count = R"(sum(scoreline_http_requests_total{job="scoreline-api",)"
                              R"(method="GET",route="/api/v1/events",status="200"}))";
    // A first batch creates the series; rate() needs it to grow between scrapes.
    send(5, "/api/v1/events");
    ASSERT_EQ(poll(p, count, [](double v) { return v >= 5; }), 5) << p.last_error();
    send(20, "/api/v1/events");
    EXPECT_EQ(poll(p, count, [](double v) { return v >= 25; }), 25) << p.last_error();
    const std::string p95 =
        R"(histogram_quantile(0.95, sum by (le) (rate()"
        R"(scoreline_http_request_duration_seconds_bucket{route="/api/v1/events"}[30s]))))";
    const double q = poll(p, p95, [](double v) { return std::isfinite(v); });
    EXPECT_TRUE(std::isfinite(q)) << q << " " << p.last_error();
    EXPECT_GT(q, 0);
    EXPECT_LE(q, 10);
}

TEST_F(ObservabilityPrometheusTest, RegistrationAndLoginCountersMove) {
    auto& p = *prometheus_;
    const std::string registrations = R"(scoreline_registrations_total{job="scoreline-api"})";
    const std::string logins = R"(scoreline_logins_total{job="scoreline-api",result="success"})";
    const double before = poll(p, registrations, [](double v) { return !std::isnan(v); });
    const double logins_before = poll(p, logins, [](double v) { return !std::isnan(v); });
    ASSERT_FALSE(std::isnan(before)) << p.last_error();
    ASSERT_FALSE(std::isnan(logins_before)) << p.last_error();
    harness::HttpClient client;
    const auto user = harness::sign_up(client, *stack_, "prom-watch@example.org", "Prom Watch");
    ASSERT_FALSE(user.access_token.empty());
    EXPECT_EQ(poll(p, registrations, [&](double v) { return v >= before + 1; }), before + 1);
    EXPECT_EQ(poll(p, logins, [&](double v) { return v >= logins_before + 1; }), logins_before + 1);
}

TEST_F(ObservabilityPrometheusTest, SseSeriesAndCertificateExpiryAreStored) {
    auto& p = *prometheus_;
    EXPECT_GT(poll(p, R"(scoreline_sse_max_connections{job="scoreline-sse"})",
                   [](double v) { return v > 0; }),
              0)
        << p.last_error();
    EXPECT_EQ(poll(p, R"(count(scoreline_sse_disconnects_total{job="scoreline-sse"}))",
                   [](double v) { return v == 6; }),
              6)
        << p.last_error();
    EXPECT_EQ(
        poll(p, R"(scoreline_build_info{job="scoreline-sse"})", [](double v) { return v == 1; }),
        1);
    EXPECT_GT(poll(p, R"(process_resident_memory_bytes{job="scoreline-sse"})",
                   [](double v) { return v > 0; }),
              0);
    // The certificate-expiry alert's input: the notAfter lies in the future.
    EXPECT_GT(poll(p, R"(scoreline_tls_certificate_expiry_seconds{job="scoreline-api"} - time())",
                   [](double v) { return v > 0; }),
              0)
        << p.last_error();
}

}  // namespace
