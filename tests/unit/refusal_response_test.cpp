// The one mapping of domain refusals to problem+json (handlers/refusal_response):
// every kind answers the status, body and headers the API answered before the
// services stopped speaking HTTP (issue 13).
#include "handlers/refusal_response.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace {

using domain::Refusal;

std::optional<std::string> header(const http::Response& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
        if (n == name) {
            return v;
        }
    }
    return std::nullopt;
}

http::Response answer(const Refusal& refusal) {
    return api::to_problem(refusal).to_response("req-1");
}

TEST(RefusalResponse, EachKindHasItsStatus) {
    EXPECT_EQ(answer(Refusal::forbidden("no")).status, 403);
    EXPECT_EQ(answer(Refusal::not_found("none")).status, 404);
    EXPECT_EQ(answer(Refusal::conflict("busy")).status, 409);
    EXPECT_EQ(answer(Refusal::stale_version("old", 3)).status, 412);
    EXPECT_EQ(answer(Refusal::invalid_fields("bad", {{"name", "is empty"}})).status, 422);
    EXPECT_EQ(answer(Refusal::too_many("slow down", 9)).status, 429);
    EXPECT_EQ(answer(Refusal::unavailable("later", 2)).status, 503);
    EXPECT_EQ(answer(Refusal::unauthenticated(Refusal::Credentials::kNone, "sign in")).status, 401);
}

// The rendering itself (type, title, request_id) is http::Problem's (problem_test).
TEST(RefusalResponse, DetailAndFieldErrorsReachTheBody) {
    const auto body = nlohmann::json::parse(
        answer(Refusal::conflict("another event has this slug", {{"slug", "is taken"}})).body);
    EXPECT_EQ(body["detail"], "another event has this slug");
    EXPECT_EQ(body["errors"], nlohmann::json::parse(R"([{"field":"slug","message":"is taken"}])"));
    EXPECT_FALSE(nlohmann::json::parse(answer(Refusal::not_found("x")).body).contains("errors"));
}

TEST(RefusalResponse, StaleVersionCarriesTheCurrentEtagWhenKnown) {
    EXPECT_EQ(header(answer(Refusal::stale_version("changed", 7)), "ETag"), "\"7\"");
    EXPECT_EQ(header(answer(Refusal::stale_version("changed", std::nullopt)), "ETag"),
              std::nullopt);
}

TEST(RefusalResponse, RetryAfterOnTooManyAndUnavailable) {
    EXPECT_EQ(header(answer(Refusal::too_many("wait", 42)), "Retry-After"), "42");
    EXPECT_EQ(header(answer(Refusal::unavailable("later", 30)), "Retry-After"), "30");
    EXPECT_EQ(header(answer(Refusal::conflict("x")), "Retry-After"), std::nullopt);
}

TEST(RefusalResponse, UnauthenticatedChallengeFollowsTheCredentials) {
    EXPECT_EQ(header(answer(Refusal::unauthenticated(Refusal::Credentials::kNone, "sign in")),
                     "WWW-Authenticate"),
              "Bearer realm=\"scoreline\"");
    EXPECT_EQ(
        header(answer(Refusal::unauthenticated(Refusal::Credentials::kInvalidToken, "expired")),
               "WWW-Authenticate"),
        "Bearer realm=\"scoreline\", error=\"invalid_token\"");
    EXPECT_EQ(header(answer(Refusal::unauthenticated(Refusal::Credentials::kBadSecret, "wrong")),
                     "WWW-Authenticate"),
              std::nullopt);
}

}  // namespace
