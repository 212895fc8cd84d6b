// nginx's own limits and request handling at the edge (issue 5), on one stack
// rendered with low limits, a trusted proxy and one CORS origin:
// - past the sign-in limit nginx answers 429 problem+json with Retry-After and
//   the request id, other client addresses are not limited by it, and the
//   rest of the API stays open to the limited address;
// - the write zone counts only writes, the API zone every API request, and
//   streams are counted by neither;
// - X-Request-ID is kept only from TRUSTED_PROXIES and only when well formed,
//   and then reaches scoreline-api, scoreline-sse and nginx's access log;
// - CORS: the allowed origin gets Access-Control-Allow-Origin and a 204
//   preflight, another origin gets no CORS header (edge_test.cpp checks the
//   default stack, which has none at all).
// Every test sends from its own 127.0.0.x addresses (HttpClient's source
// address), so each one starts with full buckets.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "http_client.hpp"
#include "sse_client.hpp"
#include "sse_fixture.hpp"
#include "stack.hpp"

namespace {

constexpr int kApiBurst = 30;
constexpr int kAuthBurst = 2;
constexpr int kWriteBurst = 4;
constexpr const char* kAllowedOrigin = "https://app.example.org";
constexpr const char* kProxyRequestId = "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";

class EdgeRateLimitTest : public ::testing::Test {
  protected:
    // One request a minute refills each zone, so within a test the bursts
    // alone decide: API_BURST+1 requests per address pass, then 429.
    static void SetUpTestSuite() {
        harness::StackOptions o = harness::StackOptions::with(1);
        o.sse_processes = 1;
        o.nginx_env = {{"API_RATE", "1r/m"},
                       {"API_BURST", std::to_string(kApiBurst)},
                       {"AUTH_RATE", "1r/m"},
                       {"AUTH_BURST", std::to_string(kAuthBurst)},
                       {"WRITE_RATE", "1r/m"},
                       {"WRITE_BURST", std::to_string(kWriteBurst)},
                       {"TRUSTED_PROXIES", "127.0.0.2/32"},
                       {"CORS_ORIGINS", std::string(kAllowedOrigin) + ",http://localhost:3000"}};
        stack_ = new harness::Stack(o);
    }
    static void TearDownTestSuite() {
        delete stack_;
        stack_ = nullptr;
    }

    static harness::HttpResponse send(const std::string& from, const std::string& method,
                                      const std::string& path, const std::string& body = {},
                                      std::vector<std::string> headers = {}) {
        harness::HttpClient client(stack_->cert_file());
        client.set_source_address(from);
        headers.emplace_back("Content-Type: application/json");
        return client.request(method, stack_->https_url(path), body, headers);
    }
    static harness::HttpResponse login(const std::string& from,
                                       std::vector<std::string> headers = {}) {
        return send(from, "POST", "/api/v1/auth/login",
                    R"({"email":"nobody@example.org","password":"not-the-password-9"})",
                    std::move(headers));
    }
    // Expects nginx's own 429: problem+json, Retry-After, the request id.
    static void expect_nginx_429(const harness::HttpResponse& r, const std::string& retry_after) {
        EXPECT_EQ(r.status, 429) << r.body;
        EXPECT_EQ(r.header("content-type"), "application/problem+json");
        const std::string retry = r.header("retry-after");
        EXPECT_TRUE(std::regex_match(retry, std::regex("[1-9][0-9]*"))) << retry;
        EXPECT_EQ(retry, retry_after);
        EXPECT_EQ(r.headers.count("retry-after"), 1u);
        const std::string id = r.header("x-request-id");
        EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{32}"))) << id;
        // The location that adds Retry-After keeps the security headers.
        EXPECT_EQ(r.header("strict-transport-security"), "max-age=63072000; includeSubDomains");
        EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
        auto body = nlohmann::json::parse(r.body, nullptr, false);
        ASSERT_TRUE(body.is_object()) << r.body;
        EXPECT_EQ(body["status"], 429);
        EXPECT_EQ(body["title"], "Too Many Requests");
        EXPECT_EQ(body["request_id"], id);
        // nginx answered: scoreline-api never saw the request.
        EXPECT_EQ(stack_->api_log().find(id), std::string::npos);
    }
    static bool has_cors_header(const harness::HttpResponse& r) {
        for (const auto& [name, value] : r.headers) {
            if (name.starts_with("access-control-")) {
                return true;
            }
        }
        return false;
    }
    static bool varies_on_origin(const harness::HttpResponse& r) {
        auto [b, e] = r.headers.equal_range("vary");
        for (auto it = b; it != e; ++it) {
            if (it->second.find("Origin") != std::string::npos) {
                return true;
            }
        }
        return false;
    }
    static std::string wait_for_log(const std::function<std::string()>& log,
                                    const std::string& needle) {
        std::string text;
        (void)harness::wait_until(
            [&] {
                text = log();
                return text.find(needle) != std::string::npos;
            },
            std::chrono::seconds(5));
        return text;
    }

    static harness::Stack* stack_;
};
harness::Stack* EdgeRateLimitTest::stack_ = nullptr;

TEST_F(EdgeRateLimitTest, PastTheLoginLimitNginxAnswers429WithRetryAfter) {
    const std::string from = "127.0.0.10";
    for (int i = 0; i <= kAuthBurst; ++i) {
        auto r = login(from);
        EXPECT_EQ(r.status, 401) << "attempt " << i << ": " << r.body;
    }
    auto limited = login(from);
    // 1r/m: the next request is admitted a minute later.
    expect_nginx_429(limited, "60");
    const std::string id = limited.header("x-request-id");
    EXPECT_NE(wait_for_log([] { return stack_->nginx_access_log(); }, id).find(id),
              std::string::npos);

    // The sign-in limit is not the API's: the same address reads on.
    EXPECT_EQ(send(from, "GET", "/api/v1/version").status, 200);
    // Another address has its own budget.
    EXPECT_EQ(login("127.0.0.11").status, 401);
    // And the limited one stays limited.
    EXPECT_EQ(login(from).status, 429);
}

TEST_F(EdgeRateLimitTest, WriteLimitCountsOnlyWrites) {
    const std::string from = "127.0.0.12";
    for (int i = 0; i < 10; ++i) {
        ASSERT_EQ(send(from, "GET", "/api/v1/version").status, 200) << "read " << i;
    }
    for (int i = 0; i <= kWriteBurst; ++i) {
        auto r = send(from, "POST", "/api/v1/_test/echo", R"({"name":"x"})");
        EXPECT_EQ(r.status, 200) << "write " << i << ": " << r.body;
    }
    expect_nginx_429(send(from, "POST", "/api/v1/_test/echo", R"({"name":"x"})"), "60");
    // Reads are not writes.
    EXPECT_EQ(send(from, "GET", "/api/v1/version").status, 200);
    EXPECT_EQ(send("127.0.0.13", "POST", "/api/v1/_test/echo", R"({"name":"x"})").status, 200);
}

TEST_F(EdgeRateLimitTest, ApiLimitCountsEveryApiRequestButNotStreams) {
    const std::string from = "127.0.0.14";
    int passed = 0;
    harness::HttpResponse r;
    for (int i = 0; i < kApiBurst + 10; ++i) {
        r = send(from, "GET", "/api/v1/version");
        if (r.status != 200) {
            break;
        }
        ++passed;
    }
    EXPECT_EQ(passed, kApiBurst + 1);
    expect_nginx_429(r, "60");

    // A stream from the throttled address still opens: EventSource gives up
    // for good on a 429, so the API's budget must not decide its reconnects.
    ssetest::Writer writer(stack_->database_url());
    const std::int64_t event = writer.make_event("scheduled");
    harness::SseClientOptions o;
    o.url = stack_->https_url("/api/v1/events/" + std::to_string(event) + "/stream");
    o.ca_file = stack_->cert_file();
    o.source_address = from;
    for (int i = 0; i < 3; ++i) {
        harness::SseClient stream(o);
        EXPECT_EQ(stream.wait_status(), 200) << "stream " << i << ": " << stream.body();
    }
    EXPECT_EQ(send(from, "GET", "/api/v1/version").status, 429);
}

TEST_F(EdgeRateLimitTest, RequestIdFromATrustedProxyIsKept) {
    const std::vector<std::string> id_header = {std::string("X-Request-ID: ") + kProxyRequestId};
    auto r = send("127.0.0.2", "GET", "/api/v1/version", {}, id_header);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("x-request-id"), kProxyRequestId);
    EXPECT_EQ(r.headers.count("x-request-id"), 1u);
    EXPECT_NE(wait_for_log([] { return stack_->api_log(); }, kProxyRequestId).find(kProxyRequestId),
              std::string::npos)
        << "scoreline-api did not log the proxy's request id";
    EXPECT_NE(wait_for_log([] { return stack_->nginx_access_log(); }, kProxyRequestId)
                  .find(std::string("\"request_id\":\"") + kProxyRequestId + "\""),
              std::string::npos);

    // In the worker's problem body and in nginx's own (413).
    auto missing = send("127.0.0.2", "GET", "/api/v1/nothing-here", {}, id_header);
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(nlohmann::json::parse(missing.body, nullptr, false).value("request_id", ""),
              kProxyRequestId);
    auto too_large =
        send("127.0.0.2", "POST", "/api/v1/_test/echo", std::string(2 << 20, 'x'), id_header);
    EXPECT_EQ(too_large.status, 413);
    EXPECT_EQ(nlohmann::json::parse(too_large.body, nullptr, false).value("request_id", ""),
              kProxyRequestId);

    // To scoreline-sse with the stream request (its 404 for a missing event).
    auto stream = send("127.0.0.2", "GET", "/api/v1/events/999999/stream", {}, id_header);
    EXPECT_EQ(stream.status, 404) << stream.body;
    EXPECT_EQ(stream.header("x-request-id"), kProxyRequestId);
    EXPECT_EQ(nlohmann::json::parse(stream.body, nullptr, false).value("request_id", ""),
              kProxyRequestId);
}

TEST_F(EdgeRateLimitTest, RequestIdFromOthersOrMalformedIsReplaced) {
    struct Case {
        const char* name;
        std::string from;
        std::string id;
    };
    const std::vector<Case> cases = {
        {"untrusted address", "127.0.0.3", "1a2b3c4d-0000-4000-8000-00000000beef"},
        {"not hex", "127.0.0.2", "request-id-zzzz-0001"},
        {"too short", "127.0.0.2", "abc-123"},
        {"too long", "127.0.0.2", std::string(65, 'a')},
        {"two ids", "127.0.0.2", "0123456789abcdef 0123456789abcdef"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        auto r = send(c.from, "GET", "/api/v1/version", {}, {"X-Request-ID: " + c.id});
        EXPECT_EQ(r.status, 200);
        const std::string id = r.header("x-request-id");
        EXPECT_NE(id, c.id);
        EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{32}"))) << id;
        EXPECT_NE(wait_for_log([] { return stack_->api_log(); }, id).find(id), std::string::npos);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const std::string api_log = stack_->api_log();
    const std::string access_log = stack_->nginx_access_log();
    for (const auto& c : cases) {
        EXPECT_EQ(api_log.find(c.id), std::string::npos) << c.name;
        EXPECT_EQ(access_log.find(c.id), std::string::npos) << c.name;
    }
}

TEST_F(EdgeRateLimitTest, CorsForTheAllowedOriginOnly) {
    const std::string from = "127.0.0.20";
    const std::string origin = std::string("Origin: ") + kAllowedOrigin;
    auto get = send(from, "GET", "/api/v1/version", {}, {origin});
    EXPECT_EQ(get.status, 200);
    EXPECT_EQ(get.header("access-control-allow-origin"), kAllowedOrigin);
    EXPECT_EQ(get.headers.count("access-control-allow-origin"), 1u);
    EXPECT_TRUE(varies_on_origin(get));
    const std::string expose = get.header("access-control-expose-headers");
    for (const char* h : {"X-Request-ID", "ETag", "Retry-After", "Location"}) {
        EXPECT_NE(expose.find(h), std::string::npos) << h << " in " << expose;
    }
    EXPECT_FALSE(get.has_header("access-control-allow-credentials"));
    EXPECT_FALSE(get.has_header("access-control-allow-methods"));  // preflights only

    // The second allowed origin is echoed as it is.
    auto local = send(from, "GET", "/api/v1/version", {}, {"Origin: http://localhost:3000"});
    EXPECT_EQ(local.header("access-control-allow-origin"), "http://localhost:3000");

    const std::vector<std::string> preflight_headers = {
        origin, "Access-Control-Request-Method: PUT",
        "Access-Control-Request-Headers: authorization,content-type,if-match"};
    for (const char* path : {"/api/v1/events/1/games/2/score", "/api/v1/auth/login"}) {
        SCOPED_TRACE(path);
        auto pre = send(from, "OPTIONS", path, {}, preflight_headers);
        EXPECT_EQ(pre.status, 204) << pre.body;
        EXPECT_EQ(pre.header("access-control-allow-origin"), kAllowedOrigin);
        EXPECT_NE(pre.header("access-control-allow-methods").find("PUT"), std::string::npos);
        const std::string allow = pre.header("access-control-allow-headers");
        for (const char* h : {"Authorization", "Content-Type", "If-Match", "traceparent"}) {
            EXPECT_NE(allow.find(h), std::string::npos) << h << " in " << allow;
        }
        EXPECT_TRUE(
            std::regex_match(pre.header("access-control-max-age"), std::regex("[1-9][0-9]*")));
        EXPECT_EQ(pre.header("x-frame-options"), "DENY");
        EXPECT_TRUE(std::regex_match(pre.header("x-request-id"), std::regex("[0-9a-f]{32}")));
    }

    // Browser code may read nginx's 429 (and its Retry-After) too.
    for (int i = 0; i <= kAuthBurst; ++i) {
        (void)login(from, {origin});
    }
    auto limited = login(from, {origin});
    EXPECT_EQ(limited.status, 429);
    EXPECT_EQ(limited.header("access-control-allow-origin"), kAllowedOrigin);
    EXPECT_FALSE(limited.header("retry-after").empty());

    // Another origin: no CORS header at all, and its preflight is not answered.
    for (const char* other : {"https://evil.example.org", "https://app.example.org.evil.org",
                              "http://app.example.org", "null"}) {
        SCOPED_TRACE(other);
        const std::string other_origin = std::string("Origin: ") + other;
        auto r = send("127.0.0.21", "GET", "/api/v1/version", {}, {other_origin});
        EXPECT_EQ(r.status, 200);
        EXPECT_FALSE(has_cors_header(r));
        auto pre = send("127.0.0.21", "OPTIONS", "/api/v1/events", {},
                        {other_origin, "Access-Control-Request-Method: POST"});
        EXPECT_NE(pre.status, 204);
        EXPECT_FALSE(has_cors_header(pre));
    }
    // No Origin: no CORS header either, but caches learn that Origin matters.
    auto plain = send("127.0.0.21", "GET", "/api/v1/version");
    EXPECT_FALSE(has_cors_header(plain));
    EXPECT_TRUE(varies_on_origin(plain));
}

}  // namespace
