// The TLS edge: protocol versions checked with openssl s_client (TLS 1.0 and
// 1.1 refused by the server, 1.2 and 1.3 accepted), the HTTP->HTTPS redirect,
// and the security headers plus X-Request-ID on a response of every class:
// static page, asset and UI page (SPA fallback to index.html), API 200, API 4xx, API 500, nginx's
// own 404, 413 (API and auth body limits) and 429, and a stream through scoreline-sse. Also: no
// CORS header while CORS_ORIGINS is unset. A drained host (DRAIN_FILE) answers
// API, stream and /readyz requests 503 with Retry-After while pages, /healthz
// and the loopback status server (STATUS_PORT: stub_status, /readyz) still
// answer. The limits themselves are tested in edge_ratelimit_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "http_client.hpp"
#include "sse_client.hpp"
#include "sse_fixture.hpp"
#include "stack.hpp"

namespace {

// The 429 row comes from this address, so no other row spends its budget.
constexpr const char* kThrottledAddress = "127.0.0.66";

class EdgeTest : public ::testing::Test {
  protected:
    // One scoreline-sse for the stream row, and a sign-in limit low enough for
    // nginx to answer 429 after two requests from one address (the other
    // limits stay at the harness's high defaults).
    static void SetUpTestSuite() {
        harness::StackOptions o = harness::StackOptions::with(1);
        o.sse_processes = 1;
        status_port_ = harness::free_port();
        o.nginx_env = {{"AUTH_RATE", "1r/m"},
                       {"AUTH_BURST", "1"},
                       {"STATUS_PORT", std::to_string(status_port_)}};
        stack_ = new harness::Stack(o);
    }
    static void TearDownTestSuite() {
        delete stack_;
        stack_ = nullptr;
    }
    // Runs s_client with one protocol version. SECLEVEL=0 lets the client
    // offer the old versions, so a refusal can only come from the server.
    static harness::RunResult s_client(const std::string& version_flag) {
        return harness::run_process(
            {"/bin/sh", "-c",
             "echo | openssl s_client -connect 127.0.0.1:" + std::to_string(stack_->https_port()) +
                 " " + version_flag + " -cipher 'DEFAULT@SECLEVEL=0' -servername localhost 2>&1"},
            {}, std::chrono::seconds(20));
    }
    static std::string status_url(const std::string& path) {
        return "http://127.0.0.1:" + std::to_string(status_port_) + path;
    }
    static harness::Stack* stack_;
    static int status_port_;
    harness::HttpClient client_;
};
harness::Stack* EdgeTest::stack_ = nullptr;
int EdgeTest::status_port_ = 0;

TEST_F(EdgeTest, OldTlsVersionsAreRefusedByTheServer) {
    for (const char* flag : {"-tls1", "-tls1_1"}) {
        auto r = s_client(flag);
        EXPECT_NE(r.out.find("alert protocol version"), std::string::npos) << flag << "\n" << r.out;
        EXPECT_NE(r.out.find("Cipher is (NONE)"), std::string::npos) << flag;
    }
}

TEST_F(EdgeTest, Tls12And13AreAccepted) {
    auto v12 = s_client("-tls1_2");
    EXPECT_NE(v12.out.find("New, TLSv1.2, Cipher is ECDHE-"), std::string::npos) << v12.out;
    auto v13 = s_client("-tls1_3");
    EXPECT_NE(v13.out.find("New, TLSv1.3, Cipher is TLS_"), std::string::npos) << v13.out;
}

// To the configured name (the harness's SERVER_NAME is localhost), not to
// the Host the client sent (here 127.0.0.1:port); edge_protocol_test.cpp
// sends a forged one.
TEST_F(EdgeTest, PlainHttpAnswers301ToHttps) {
    auto r = client_.get(stack_->http_url("/some/page?x=1"));
    EXPECT_EQ(r.status, 301);
    EXPECT_EQ(r.header("location"),
              "https://localhost:" + std::to_string(stack_->https_port()) + "/some/page?x=1");
}

// Every security header and a fresh X-Request-ID; returns the id.
std::string expect_edge_headers(const std::function<std::string(const std::string&)>& header) {
    EXPECT_EQ(header("strict-transport-security"), "max-age=63072000; includeSubDomains");
    const std::string csp = header("content-security-policy");
    EXPECT_NE(csp.find("default-src 'self'"), std::string::npos);
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(header("x-content-type-options"), "nosniff");
    EXPECT_EQ(header("x-frame-options"), "DENY");
    EXPECT_EQ(header("referrer-policy"), "strict-origin-when-cross-origin");
    EXPECT_NE(header("permissions-policy").find("camera=()"), std::string::npos);
    EXPECT_EQ(header("x-xss-protection"), "0");
    const std::string id = header("x-request-id");
    EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{32}"))) << id;
    return id;
}

struct Case {
    const char* name;
    std::string method;
    std::string path;
    std::string body;
    long status;
    std::string source = "127.0.0.1";
    int attempts = 1;  // send until the status is reached, at most this often
};

TEST_F(EdgeTest, SecurityHeadersOnEveryClassOfResponse) {
    const std::vector<Case> cases = {
        {"static page", "GET", "/", "", 200},
        {"static asset", "GET", "/css/style.css", "", 200},
        {"UI page (index.html)", "GET", "/events/some-event", "", 200},
        {"API 200", "GET", "/api/v1/version", "", 200},
        {"API 4xx", "GET", "/api/v1/nothing-here", "", 404},
        {"API 500", "GET", "/api/v1/_test/fail", "", 500},
        {"nginx 404", "GET", "/no-such-file.html", "", 404},
        {"nginx 404 asset", "GET", "/js/no-such-module.js", "", 404},
        {"nginx 413", "POST", "/api/v1/_test/echo", std::string(2 << 20, 'x'), 413},
        {"nginx 413 auth", "POST", "/api/v1/auth/login", std::string(20 << 10, 'x'), 413,
         "127.0.0.67"},
        {"nginx 429", "POST", "/api/v1/auth/login", "{}", 429, kThrottledAddress, 5},
    };
    std::set<std::string> ids;
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        client_.set_source_address(c.source);
        harness::HttpResponse r;
        for (int i = 0; i < c.attempts && r.status != c.status; ++i) {
            r = client_.request(c.method, stack_->https_url(c.path), c.body,
                                {"Content-Type: application/json"});
        }
        EXPECT_EQ(r.status, c.status) << r.body;
        const std::string id =
            expect_edge_headers([&](const std::string& h) { return r.header(h); });
        EXPECT_EQ(r.headers.count("x-request-id"), 1u);
        ids.insert(id);
        if (c.path.rfind("/api/", 0) == 0 && c.status >= 400) {
            EXPECT_EQ(r.header("content-type"), "application/problem+json");
            auto body = nlohmann::json::parse(r.body, nullptr, false);
            ASSERT_TRUE(body.is_object()) << r.body;
            EXPECT_EQ(body["status"], c.status);
            EXPECT_EQ(body["request_id"], id);
        }
        if (std::string_view(c.name).starts_with("nginx")) {
            // nginx answered itself: scoreline-api never saw the request.
            EXPECT_EQ(stack_->api_log().find(id), std::string::npos);
        } else if (c.path.starts_with("/api/")) {
            EXPECT_TRUE(
                harness::wait_until([&] { return stack_->api_log().find(id) != std::string::npos; },
                                    std::chrono::seconds(5)))
                << "scoreline-api did not log " << id;
        }
        if (c.status == 413) {
            // The detail names the limit of the route's class.
            const bool auth = c.path.starts_with("/api/v1/auth/");
            EXPECT_NE(r.body.find(auth ? "16384 bytes" : "1048576 bytes"), std::string::npos)
                << r.body;
        }
        if (c.status == 429) {
            EXPECT_EQ(r.header("retry-after"), "60");  // 1r/m: one request a minute
        } else {
            EXPECT_FALSE(r.has_header("retry-after"));
        }
    }
    client_.set_source_address({});

    // A stream of a public event: only the response head is read.
    ssetest::Writer writer(stack_->database_url());
    const std::int64_t event = writer.make_event("scheduled");
    harness::SseClientOptions o;
    o.url = stack_->https_url("/api/v1/events/" + std::to_string(event) + "/stream");
    o.ca_file = stack_->cert_file();
    harness::SseClient stream(o);
    {
        SCOPED_TRACE("stream");
        EXPECT_EQ(stream.wait_status(), 200) << stream.body() << stream.error();
        EXPECT_NE(stream.header("content-type").find("text/event-stream"), std::string::npos);
        ids.insert(expect_edge_headers([&](const std::string& h) { return stream.header(h); }));
    }
    stream.stop();
    EXPECT_EQ(ids.size(), cases.size() + 1);
}

TEST_F(EdgeTest, NoCorsHeadersWhileCorsOriginsIsUnset) {
    const std::vector<std::string> origin = {"Origin: https://app.example.org"};
    auto get = client_.get(stack_->https_url("/api/v1/version"), origin);
    EXPECT_EQ(get.status, 200);
    auto preflight = client_.request("OPTIONS", stack_->https_url("/api/v1/events"), {},
                                     {origin[0], "Access-Control-Request-Method: POST",
                                      "Access-Control-Request-Headers: authorization"});
    EXPECT_NE(preflight.status, 204);
    for (const auto* r : {&get, &preflight}) {
        for (const auto& [name, value] : r->headers) {
            EXPECT_FALSE(name.starts_with("access-control-")) << name << ": " << value;
            EXPECT_NE(name + value, "varyOrigin");
        }
    }
}

TEST_F(EdgeTest, ADrainedHostAnswers503WithRetryAfterUntilTheDrainFileIsGone) {
    ssetest::Writer writer(stack_->database_url());
    const std::string stream =
        "/api/v1/events/" + std::to_string(writer.make_event("scheduled")) + "/stream";
    // nginx's RUN_DIR is the stack's nginx/ folder; render.sh's default DRAIN_FILE is in it.
    const std::string drain = stack_->dir() + "/nginx/drain";
    ASSERT_EQ(client_.get(stack_->https_url("/api/v1/version")).status, 200);

    harness::write_file(drain, "");
    const std::vector<Case> drained = {
        {"API read", "GET", "/api/v1/version", "", 503},
        {"API write", "POST", "/api/v1/_test/echo", "{}", 503},
        {"sign-in", "POST", "/api/v1/auth/login", "{}", 503, "127.0.0.68"},
        {"readiness", "GET", "/readyz", "", 503},
        {"event stream", "GET", stream, "", 503},
        {"all-events stream", "GET", "/api/v1/stream", "", 503},
        {"page", "GET", "/events/some-event", "", 200},
        {"liveness", "GET", "/healthz", "", 200},
    };
    for (const auto& c : drained) {
        SCOPED_TRACE(c.name);
        client_.set_source_address(c.source);
        auto r = client_.request(c.method, stack_->https_url(c.path), c.body,
                                 {"Content-Type: application/json"});
        EXPECT_EQ(r.status, c.status) << r.body;
        const std::string id =
            expect_edge_headers([&](const std::string& h) { return r.header(h); });
        if (c.status == 503) {
            EXPECT_EQ(r.header("retry-after"), "5");
            EXPECT_EQ(r.header("content-type"), "application/problem+json");
            auto body = nlohmann::json::parse(r.body, nullptr, false);
            ASSERT_TRUE(body.is_object()) << r.body;
            EXPECT_EQ(body["status"], 503);
            EXPECT_EQ(body["request_id"], id);
            EXPECT_EQ(stack_->api_log().find(id), std::string::npos);
        } else {
            EXPECT_FALSE(r.has_header("retry-after"));
        }
    }
    client_.set_source_address({});

    // The loopback status server is not drained: deploy.yml's health gate.
    auto ready = client_.get(status_url("/readyz"));
    EXPECT_EQ(ready.status, 200) << ready.body;
    auto counters = client_.get(status_url("/nginx_status"));
    EXPECT_EQ(counters.status, 200);
    EXPECT_NE(counters.body.find("Active connections:"), std::string::npos) << counters.body;
    EXPECT_EQ(client_.get(status_url("/api/v1/version")).status, 404);

    std::filesystem::remove(drain);
    EXPECT_EQ(client_.get(stack_->https_url("/api/v1/version")).status, 200);
    EXPECT_EQ(client_.get(stack_->https_url("/readyz")).status, 200);
}

}  // namespace
