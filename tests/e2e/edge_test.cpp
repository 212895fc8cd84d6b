// The TLS edge: protocol versions checked with openssl s_client (TLS 1.0 and
// 1.1 refused by the server, 1.2 and 1.3 accepted), the HTTP->HTTPS redirect,
// and the security headers plus X-Request-ID on a response of every class:
// static page, API 200, API 4xx, API 500, nginx's own 404 and 413.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "http_client.hpp"
#include "stack.hpp"

namespace {

class EdgeTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { stack_ = new harness::Stack(harness::StackOptions::with(1)); }
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
    static harness::Stack* stack_;
    harness::HttpClient client_;
};
harness::Stack* EdgeTest::stack_ = nullptr;

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

TEST_F(EdgeTest, PlainHttpAnswers301ToHttps) {
    auto r = client_.get(stack_->http_url("/some/page?x=1"));
    EXPECT_EQ(r.status, 301);
    EXPECT_EQ(r.header("location"),
              "https://127.0.0.1:" + std::to_string(stack_->https_port()) + "/some/page?x=1");
}

struct Case {
    const char* name;
    std::string method;
    std::string path;
    std::string body;
    long status;
};

TEST_F(EdgeTest, SecurityHeadersOnEveryClassOfResponse) {
    const std::vector<Case> cases = {
        {"static page", "GET", "/", "", 200},
        {"API 200", "GET", "/api/v1/version", "", 200},
        {"API 4xx", "GET", "/api/v1/nothing-here", "", 404},
        {"API 500", "GET", "/api/v1/_test/fail", "", 500},
        {"nginx 404", "GET", "/no-such-file.html", "", 404},
        {"nginx 413", "POST", "/api/v1/_test/echo", std::string(2 << 20, 'x'), 413},
    };
    std::set<std::string> ids;
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        auto r = client_.request(c.method, stack_->https_url(c.path), c.body,
                                 {"Content-Type: application/json"});
        EXPECT_EQ(r.status, c.status);
        EXPECT_EQ(r.header("strict-transport-security"), "max-age=63072000; includeSubDomains");
        const std::string csp = r.header("content-security-policy");
        EXPECT_NE(csp.find("default-src 'self'"), std::string::npos);
        EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
        EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
        EXPECT_EQ(r.header("x-frame-options"), "DENY");
        EXPECT_EQ(r.header("referrer-policy"), "strict-origin-when-cross-origin");
        EXPECT_NE(r.header("permissions-policy").find("camera=()"), std::string::npos);
        EXPECT_EQ(r.header("x-xss-protection"), "0");
        const std::string id = r.header("x-request-id");
        EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{32}"))) << id;
        EXPECT_EQ(r.headers.count("x-request-id"), 1u);
        ids.insert(id);
        if (c.path.rfind("/api/", 0) == 0 && c.status >= 400) {
            EXPECT_EQ(r.header("content-type"), "application/problem+json");
            auto body = nlohmann::json::parse(r.body, nullptr, false);
            ASSERT_TRUE(body.is_object()) << r.body;
            EXPECT_EQ(body["status"], c.status);
            EXPECT_EQ(body["request_id"], id);
        }
    }
    EXPECT_EQ(ids.size(), cases.size());
}

}  // namespace
