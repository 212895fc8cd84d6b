// Who may read /metrics and /status through nginx (issue 14): loopback by
// default, plus what MONITORING_ALLOW lists; any other address gets nginx's
// 403 as problem+json and never reaches scoreline-api. The clients send from
// other loopback addresses (127.0.0.2, 127.0.0.3), which nginx sees as
// $remote_addr. Also: /metrics exports the expiry of the certificate nginx
// serves (SCORELINE_TLS_CERTIFICATE, set by the harness).
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "http_client.hpp"
#include "stack.hpp"

namespace {

constexpr const char* kOther = "127.0.0.2";
constexpr const char* kThird = "127.0.0.3";

harness::HttpResponse get_from(harness::Stack& stack, const std::string& source,
                               const std::string& path) {
    harness::HttpClient client;
    client.set_source_address(source);
    return client.get(stack.https_url(path));
}

// nginx's own 403: problem+json with the request id, nothing from the API.
void expect_nginx_403(const harness::HttpResponse& r) {
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    const auto body = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << r.body;
    EXPECT_EQ(body["status"], 403);
    EXPECT_EQ(body["title"], "Forbidden");
    EXPECT_EQ(body["request_id"], r.header("x-request-id"));
    EXPECT_EQ(r.body.find("scoreline_"), std::string::npos) << r.body;
}

class MonitoringDefaultTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { stack_ = new harness::Stack(harness::StackOptions::with(1)); }
    static void TearDownTestSuite() {
        delete stack_;
        stack_ = nullptr;
    }
    static harness::Stack* stack_;
};
harness::Stack* MonitoringDefaultTest::stack_ = nullptr;

TEST_F(MonitoringDefaultTest, LoopbackReadsMetrics) {
    const auto r = get_from(*stack_, "127.0.0.1", "/metrics");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(r.body.find("# TYPE scoreline_http_requests_total counter"), std::string::npos);
}

// scoreline-api logs every request it answers, with its path.
bool api_logged(harness::Stack& stack, const std::string& path) {
    return harness::wait_until(
        [&] { return stack.api_log().find("\"path\":\"" + path + "\"") != std::string::npos; },
        std::chrono::seconds(5));
}

TEST_F(MonitoringDefaultTest, StatusFromLoopbackReachesTheApi) {
    const auto r = get_from(*stack_, "127.0.0.1", "/status");
    EXPECT_EQ(r.status, 200) << r.body << r.error;
    EXPECT_TRUE(api_logged(*stack_, "/status")) << stack_->api_log();
}

TEST_F(MonitoringDefaultTest, AnotherAddressGets403ProblemOnMetricsAndStatus) {
    const std::string log_before = stack_->api_log();
    for (const char* path : {"/metrics", "/status", "/metrics?x=1"}) {
        SCOPED_TRACE(path);
        expect_nginx_403(get_from(*stack_, kOther, path));
    }
    // nginx refused them: scoreline-api (which logs every request) saw none.
    const std::string added = stack_->api_log().substr(log_before.size());
    EXPECT_EQ(added.find("/metrics"), std::string::npos) << added;
    EXPECT_EQ(added.find("/status"), std::string::npos) << added;
}

// notAfter of the harness's certificate, as openssl itself reads it.
long long certificate_not_after(const std::string& cert) {
    const auto r = harness::run_process(
        {"/bin/sh", "-c",
         "date -u -d \"$(openssl x509 -enddate -noout -in '" + cert + "' | cut -d= -f2)\" +%s"});
    return r.exit_code == 0 ? std::stoll(r.out) : -1;
}

TEST_F(MonitoringDefaultTest, MetricsExportTheCertificateExpiry) {
    const long long expected = certificate_not_after(stack_->cert_file());
    ASSERT_GT(expected, 0);
    const auto r = get_from(*stack_, "127.0.0.1", "/metrics");
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("# TYPE scoreline_tls_certificate_expiry_seconds gauge\n"),
              std::string::npos)
        << r.body;
    EXPECT_NE(r.body.find("\nscoreline_tls_certificate_expiry_seconds " + std::to_string(expected) +
                          "\n"),
              std::string::npos)
        << r.body;
}

class MonitoringAllowListTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        harness::StackOptions o = harness::StackOptions::with(1);
        o.nginx_env = {{"MONITORING_ALLOW", "127.0.0.1, ::1 127.0.0.2/32"}};
        stack_ = new harness::Stack(o);
    }
    static void TearDownTestSuite() {
        delete stack_;
        stack_ = nullptr;
    }
    static harness::Stack* stack_;
};
harness::Stack* MonitoringAllowListTest::stack_ = nullptr;

TEST_F(MonitoringAllowListTest, AListedNetworkReadsMetricsAndStatus) {
    const auto metrics = get_from(*stack_, kOther, "/metrics");
    EXPECT_EQ(metrics.status, 200) << metrics.body;
    EXPECT_NE(metrics.body.find("scoreline_build_info{"), std::string::npos);
    const auto status = get_from(*stack_, kOther, "/status");
    EXPECT_EQ(status.status, 200) << status.body << status.error;
    EXPECT_TRUE(api_logged(*stack_, "/status")) << stack_->api_log();
    EXPECT_EQ(get_from(*stack_, "127.0.0.1", "/metrics").status, 200);
}

TEST_F(MonitoringAllowListTest, AnAddressOffTheListIsStillRefused) {
    expect_nginx_403(get_from(*stack_, kThird, "/metrics"));
    expect_nginx_403(get_from(*stack_, kThird, "/status"));
}

TEST(MonitoringAllowRender, MalformedEntriesAreRefusedBeforeNginxSeesThem) {
    for (const char* bad : {"all", "10.0.0.0/33", "300.1.1.1", "10.0.0.1;", "example.org"}) {
        SCOPED_TRACE(bad);
        const auto r =
            harness::run_process({harness::source_dir() + "/nginx/render.sh"},
                                 {{"MODE", "local"},
                                  {"RUN_DIR", "/tmp/x"},
                                  {"HTTPS_PORT", "8443"},
                                  {"HTTP_PORT", "8080"},
                                  {"TLS_CERT", "/tmp/x/cert.pem"},
                                  {"TLS_KEY", "/tmp/x/key.pem"},
                                  {"API_UPSTREAM", "unix:/tmp/x/api.sock"},
                                  {"WWW_ROOT", "/tmp/x/www"},
                                  {"MONITORING_ALLOW", std::string("127.0.0.1 ") + bad}});
        EXPECT_NE(r.exit_code, 0) << r.out;
        EXPECT_NE(r.err.find("MONITORING_ALLOW"), std::string::npos) << r.err;
    }
}

}  // namespace
