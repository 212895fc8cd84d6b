// The whole stack through nginx over TLS: /readyz, /api/v1/version with its
// X-Request-ID and security headers, the HTTP->HTTPS redirect, the static page,
// and every problem+json answer of the FastCGI path (404, 405, 413, 415, 400,
// 422, 500) with the request id in the body and in the worker's log.
#include "stack.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "http_client.hpp"

namespace {

class StackTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        stack_ = new harness::Stack(
            harness::StackOptions::with(2, {{"SCORELINE_MAX_BODY_BYTES", "4096"}}));
    }
    static void TearDownTestSuite() {
        delete stack_;
        stack_ = nullptr;
    }
    static harness::Stack* stack_;
    harness::HttpClient client_;
};
harness::Stack* StackTest::stack_ = nullptr;

void expect_security_headers(const harness::HttpResponse& r) {
    EXPECT_NE(r.header("strict-transport-security").find("max-age="), std::string::npos);
    EXPECT_NE(r.header("content-security-policy").find("default-src 'self'"), std::string::npos);
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(r.header("x-frame-options"), "DENY");
    EXPECT_EQ(r.header("referrer-policy"), "strict-origin-when-cross-origin");
    EXPECT_TRUE(r.has_header("permissions-policy"));
    EXPECT_EQ(r.header("x-xss-protection"), "0");
    EXPECT_TRUE(std::regex_match(r.header("x-request-id"), std::regex("[0-9a-f]{32}")))
        << r.header("x-request-id");
}

nlohmann::json expect_problem(const harness::HttpResponse& r, long status) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.body;
    auto body = nlohmann::json::parse(r.body, nullptr, false);
    EXPECT_TRUE(body.is_object()) << r.body;
    if (!body.is_object()) {
        return body;
    }
    EXPECT_EQ(body["status"], status);
    EXPECT_TRUE(body.contains("type"));
    EXPECT_TRUE(body.contains("title"));
    EXPECT_TRUE(body.contains("detail"));
    EXPECT_EQ(body["request_id"], r.header("x-request-id"));
    expect_security_headers(r);
    return body;
}

TEST_F(StackTest, ReadyzAnswers200) {
    auto r = client_.get(stack_->https_url("/readyz"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(nlohmann::json::parse(r.body)["status"], "ready");
}

TEST_F(StackTest, VersionIsJsonWithRequestIdAndSecurityHeaders) {
    auto r = client_.get(stack_->https_url("/api/v1/version"));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.http_version, "2");
    EXPECT_EQ(r.header("content-type"), "application/json");
    auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["name"], "scoreline");
    EXPECT_TRUE(body["version"].is_string());
    EXPECT_TRUE(body["schema_version"].is_number_integer());
    expect_security_headers(r);
    // Every log line of that request carries its id.
    const std::string id = r.header("x-request-id");
    ASSERT_TRUE(harness::wait_until(
        [&] {
            return stack_->api_log().find("\"request_id\":\"" + id + "\"") != std::string::npos;
        },
        std::chrono::seconds(2)));
}

TEST_F(StackTest, TraceparentIsLoggedWithTheRequest) {
    const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    auto r = client_.get(stack_->https_url("/api/v1/version"),
                         {"traceparent: 00-" + trace + "-00f067aa0ba902b7-01"});
    ASSERT_EQ(r.status, 200);
    const std::string id = r.header("x-request-id");
    ASSERT_TRUE(harness::wait_until(
        [&] {
            std::istringstream in(stack_->api_log());
            std::string line;
            while (std::getline(in, line)) {
                auto j = nlohmann::json::parse(line, nullptr, false);
                if (j.is_object() && j.value("request_id", "") == id &&
                    j.value("event", "") == "request") {
                    return j.value("trace_id", "") == trace;
                }
            }
            return false;
        },
        std::chrono::seconds(2)));
    // nginx logs it too, in its JSON access log (written after the answer went out).
    EXPECT_TRUE(harness::wait_until(
        [&] { return stack_->nginx_access_log().find(trace) != std::string::npos; },
        std::chrono::seconds(2)));
}

TEST_F(StackTest, EachRequestGetsItsOwnId) {
    auto a = client_.get(stack_->https_url("/healthz"));
    auto b = client_.get(stack_->https_url("/healthz"));
    EXPECT_NE(a.header("x-request-id"), b.header("x-request-id"));
}

TEST_F(StackTest, PlainHttpRedirectsToHttps) {
    auto r = client_.get(stack_->http_url("/api/v1/version"));
    EXPECT_EQ(r.status, 301);
    // The configured name (SERVER_NAME=localhost), never the client's Host.
    EXPECT_EQ(r.header("location"),
              "https://localhost:" + std::to_string(stack_->https_port()) + "/api/v1/version");
}

TEST_F(StackTest, StaticPageIsServed) {
    auto r = client_.get(stack_->https_url("/"));
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.header("content-type").find("text/html"), std::string::npos);
    expect_security_headers(r);
}

TEST_F(StackTest, UnknownRouteIs404Problem) {
    auto body = expect_problem(client_.get(stack_->https_url("/api/v1/no-such-thing")), 404);
}

TEST_F(StackTest, WrongMethodIs405WithAllow) {
    auto r = client_.request("DELETE", stack_->https_url("/api/v1/version"));
    expect_problem(r, 405);
    EXPECT_EQ(r.header("allow"), "GET");
}

TEST_F(StackTest, BodyProblems) {
    const auto url = stack_->https_url("/api/v1/_test/echo");
    const std::vector<std::string> json = {"Content-Type: application/json"};
    auto ok = client_.request("POST", url, R"({"name":"x","count":3})", json);
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(nlohmann::json::parse(ok.body)["count"], 3);

    expect_problem(client_.request("POST", url, R"({"name":"x"})", {"Content-Type: text/plain"}),
                   415);
    expect_problem(client_.request("POST", url, R"({"name":)", json), 400);
    auto invalid = expect_problem(
        client_.request("POST", url, R"({"name":"","count":"3","color":"red"})", json), 422);
    std::set<std::string> fields;
    for (const auto& e : invalid["errors"]) {
        fields.insert(e["field"].get<std::string>());
    }
    EXPECT_EQ(fields, (std::set<std::string>{"name", "count", "color"}));
    // Larger than SCORELINE_MAX_BODY_BYTES (4096) but within nginx's limit.
    std::string big = R"({"name":")" + std::string(5000, 'a') + R"("})";
    expect_problem(client_.request("POST", url, big, json), 413);
}

TEST_F(StackTest, UnexpectedFailureIs500WithoutDetail) {
    auto r = client_.get(stack_->https_url("/api/v1/_test/fail"));
    auto body = expect_problem(r, 500);
    EXPECT_EQ(body["detail"].get<std::string>().find("forced failure"), std::string::npos);
    // The log has the detail, tied to the request id.
    const std::string id = r.header("x-request-id");
    ASSERT_TRUE(harness::wait_until(
        [&] {
            const std::string log = stack_->api_log();
            const auto at = log.find("\"request_id\":\"" + id + "\"");
            return at != std::string::npos && log.find("forced failure") != std::string::npos;
        },
        std::chrono::seconds(2)));
}

TEST_F(StackTest, ApiLogLinesAreJson) {
    (void)client_.get(stack_->https_url("/healthz"));
    std::istringstream in(stack_->api_log());
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        ASSERT_TRUE(j.is_object()) << line;
        EXPECT_TRUE(j.contains("ts") && j.contains("level") && j.contains("event")) << line;
        ++lines;
    }
    EXPECT_GT(lines, 3);
}

}  // namespace
