// problem+json rendering (RFC 9457).
#include "http/problem.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace {

TEST(Problem, RendersRfc9457Body) {
    http::Problem p(422, "the body has invalid fields", {{"email", "is required"}});
    p.with_header("X-Test", "1");
    auto r = p.to_response("req-123");
    EXPECT_EQ(r.status, 422);
    auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["type"], "about:blank");
    EXPECT_EQ(body["title"], "Unprocessable Content");
    EXPECT_EQ(body["status"], 422);
    EXPECT_EQ(body["detail"], "the body has invalid fields");
    EXPECT_EQ(body["request_id"], "req-123");
    ASSERT_EQ(body["errors"].size(), 1u);
    EXPECT_EQ(body["errors"][0]["field"], "email");
    bool has_ct = false, has_extra = false;
    for (auto& [k, v] : r.headers) {
        has_ct = has_ct || (k == "Content-Type" && v == "application/problem+json");
        has_extra = has_extra || (k == "X-Test" && v == "1");
    }
    EXPECT_TRUE(has_ct);
    EXPECT_TRUE(has_extra);
}

TEST(Problem, InternalErrorRevealsNothing) {
    auto r = http::internal_error("rid");
    auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["status"], 500);
    EXPECT_EQ(body["request_id"], "rid");
    EXPECT_FALSE(body.contains("errors"));
}

}  // namespace
