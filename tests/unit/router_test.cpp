// Router: path parameters, 404, 405 with Allow.
#include "router.hpp"

#include <gtest/gtest.h>

#include "http/problem.hpp"

namespace {

http::Response ok(api::Context&) {
    return http::Response::json(200, "{}");
}

api::Router make_router() {
    api::Router r;
    r.add("GET", "/api/v1/events/{id}", ok);
    r.add("PATCH", "/api/v1/events/{id}", ok);
    r.add("DELETE", "/api/v1/events/{id}/teams/{team_id}", ok);
    r.add("GET", "/api/v1/events", ok);
    return r;
}

http::Request req(std::string method, std::string path) {
    http::Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    return r;
}

TEST(Router, BindsPathParameters) {
    auto router = make_router();
    auto r = req("DELETE", "/api/v1/events/42/teams/7");
    (void)router.match(r);
    EXPECT_EQ(r.param("id"), "42");
    EXPECT_EQ(r.param("team_id"), "7");
}

TEST(Router, TrailingSlashMatches) {
    auto router = make_router();
    auto r = req("GET", "/api/v1/events/");
    EXPECT_NO_THROW((void)router.match(r));
}

TEST(Router, UnknownPathIs404) {
    auto router = make_router();
    auto r = req("GET", "/api/v1/nothing");
    try {
        (void)router.match(r);
        FAIL();
    } catch (const http::Problem& p) {
        EXPECT_EQ(p.status(), 404);
    }
    auto empty_segment = req("GET", "/api/v1//events");
    EXPECT_THROW((void)router.match(empty_segment), http::Problem);
}

TEST(Router, WrongMethodIs405WithAllow) {
    auto router = make_router();
    auto r = req("POST", "/api/v1/events/9");
    try {
        (void)router.match(r);
        FAIL();
    } catch (const http::Problem& p) {
        EXPECT_EQ(p.status(), 405);
        auto resp = p.to_response("rid");
        std::string allow;
        for (auto& [k, v] : resp.headers) {
            if (k == "Allow") {
                allow = v;
            }
        }
        EXPECT_EQ(allow, "GET, PATCH");
    }
}

TEST(Router, SplitPath) {
    EXPECT_EQ(api::split_path("/").size(), 0u);
    EXPECT_EQ(api::split_path("/a/b").size(), 2u);
    EXPECT_EQ(api::split_path("/a//b").size(), 3u);
}

}  // namespace
