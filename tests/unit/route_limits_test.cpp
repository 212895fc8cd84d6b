// Route classes and their limits: which class every route of scoreline-api
// has, the settings of each class, the bucket key of a caller, and the
// request pipeline's gate (429 before the body is read or the handler runs,
// 413 past the class's body limit).
#include "route_limits.hpp"

#include <gtest/gtest.h>

#include <map>

#include "http/problem.hpp"
#include "routes.hpp"
#include "worker.hpp"

namespace {

using api::RouteClass;

TEST(RouteClass, EveryRouteOfTheApiHasTheExpectedClass) {
    std::map<std::pair<std::string, std::string>, RouteClass> expected = {
        {{"GET", "/healthz"}, RouteClass::kOps},
        {{"GET", "/readyz"}, RouteClass::kOps},
        {{"GET", "/api/v1/version"}, RouteClass::kOps},
        {{"POST", "/api/v1/auth/register"}, RouteClass::kAuth},
        {{"POST", "/api/v1/auth/login"}, RouteClass::kAuth},
        {{"POST", "/api/v1/auth/refresh"}, RouteClass::kAuth},
        {{"POST", "/api/v1/auth/logout"}, RouteClass::kAuth},
        {{"POST", "/api/v1/auth/password-reset"}, RouteClass::kAuth},
        {{"POST", "/api/v1/auth/password-reset/confirm"}, RouteClass::kAuth},
        {{"GET", "/api/v1/me"}, RouteClass::kRead},
        {{"GET", "/api/v1/events"}, RouteClass::kRead},
        {{"GET", "/api/v1/events/{id}"}, RouteClass::kRead},
        {{"POST", "/api/v1/events"}, RouteClass::kWrite},
        {{"PATCH", "/api/v1/events/{id}"}, RouteClass::kWrite},
        {{"DELETE", "/api/v1/events/{id}"}, RouteClass::kWrite},
        {{"PUT", "/api/v1/games/{id}/score"}, RouteClass::kWrite},
        {{"GET", "/api/v1/events/{id}/export"}, RouteClass::kExport},
        {{"GET", "/api/v1/admin/alerts/export"}, RouteClass::kExport},
        {{"GET", "/api/v1/admin/alerts/{id}"}, RouteClass::kRead},
        {{"PATCH", "/api/v1/admin/alerts/{id}"}, RouteClass::kWrite},
        // A question changes nothing: a read, though its text travels in a POST body.
        {{"POST", "/api/v1/analytics/ask"}, RouteClass::kRead},
    };
    const auto routes = api::build_router().routes();
    for (const auto& [method, pattern] : routes) {
        const RouteClass c = api::classify_route(method, pattern);
        if (auto it = expected.find({method, pattern}); it != expected.end()) {
            EXPECT_EQ(c, it->second) << method << " " << pattern;
            expected.erase(it);
        }
        // Invariants for every route, present and future.
        if (pattern.starts_with("/api/v1/auth/")) {
            EXPECT_EQ(c, RouteClass::kAuth) << pattern;
        } else if (pattern.starts_with("/api/v1/_test/")) {
            EXPECT_EQ(c, RouteClass::kTest) << pattern;
        } else if (pattern == "/api/v1/analytics/ask") {
            EXPECT_EQ(c, RouteClass::kRead) << pattern;
        } else if (c != RouteClass::kOps && c != RouteClass::kExport) {
            EXPECT_EQ(c, method == "GET" ? RouteClass::kRead : RouteClass::kWrite)
                << method << " " << pattern;
        }
    }
    for (const auto& [route, c] : expected) {
        ADD_FAILURE() << route.first << " " << route.second << " is not a route any more";
    }
}

TEST(RouteClass, RouterStampsEachRouteWithItsClass) {
    api::Router router;
    const auto ok = [](api::Context&) { return http::Response::json(200, "{}"); };
    router.add("GET", "/api/v1/things/{id}", ok);
    router.add("DELETE", "/api/v1/things/{id}", ok);
    router.add("POST", "/api/v1/auth/login", ok);
    http::Request get;
    get.method = "GET";
    get.path = "/api/v1/things/3";
    EXPECT_EQ(router.find(get).route_class, RouteClass::kRead);
    http::Request del = get;
    del.method = "DELETE";
    EXPECT_EQ(router.find(del).route_class, RouteClass::kWrite);
    http::Request login;
    login.method = "POST";
    login.path = "/api/v1/auth/login";
    EXPECT_EQ(router.find(login).route_class, RouteClass::kAuth);
}

TEST(RouteLimits, DefaultsAndPerClassLookups) {
    const auto l = api::load_route_limits(config::Source::from_map({}));
    ASSERT_TRUE(l.auth && l.read && l.write && l.export_);
    EXPECT_DOUBLE_EQ(l.read->per_second, 50);
    EXPECT_DOUBLE_EQ(l.read->burst, 100);
    EXPECT_DOUBLE_EQ(l.auth->per_second, 5);
    EXPECT_DOUBLE_EQ(l.write->per_second, 10);
    EXPECT_DOUBLE_EQ(l.export_->per_second, 1);
    EXPECT_EQ(l.slots, 65536u);
    EXPECT_FALSE(l.rate(RouteClass::kOps));
    EXPECT_FALSE(l.rate(RouteClass::kTest));
    EXPECT_EQ(&*l.rate(RouteClass::kRead), &*l.read);
    EXPECT_EQ(&*l.rate(RouteClass::kExport), &*l.export_);
    EXPECT_EQ(l.max_body(RouteClass::kAuth), 16384u);
    EXPECT_EQ(l.max_body(RouteClass::kRead), 4096u);
    EXPECT_EQ(l.max_body(RouteClass::kExport), 4096u);
    EXPECT_EQ(l.max_body(RouteClass::kOps), 4096u);
    EXPECT_EQ(l.max_body(RouteClass::kWrite), 1048576u);
    EXPECT_EQ(l.max_body(RouteClass::kTest), 1048576u);
    EXPECT_TRUE(l.any_rate_limit());
}

TEST(RouteLimits, SettingsOverrideAndOffDisables) {
    const auto l = api::load_route_limits(config::Source::from_map({
        {"SCORELINE_RATE_LIMIT_AUTH", "off"},
        {"SCORELINE_RATE_LIMIT_READ", "5/s burst 5"},
        {"SCORELINE_RATE_LIMIT_WRITE", "off"},
        {"SCORELINE_RATE_LIMIT_EXPORT", "off"},
        {"SCORELINE_RATE_LIMIT_SLOTS", "1024"},
        {"SCORELINE_MAX_BODY_BYTES", "4096"},
        {"SCORELINE_MAX_AUTH_BODY_BYTES", "2048"},
        {"SCORELINE_MAX_READ_BODY_BYTES", "0"},
    }));
    EXPECT_FALSE(l.auth);
    ASSERT_TRUE(l.read);
    EXPECT_DOUBLE_EQ(l.read->burst, 5);
    EXPECT_EQ(l.slots, 1024u);
    EXPECT_EQ(l.max_body(RouteClass::kWrite), 4096u);
    EXPECT_EQ(l.max_body(RouteClass::kAuth), 2048u);
    EXPECT_EQ(l.max_body(RouteClass::kRead), 0u);
    EXPECT_TRUE(l.any_rate_limit());
    const auto none = api::load_route_limits(config::Source::from_map({
        {"SCORELINE_RATE_LIMIT_AUTH", "off"},
        {"SCORELINE_RATE_LIMIT_READ", "off"},
        {"SCORELINE_RATE_LIMIT_WRITE", "off"},
        {"SCORELINE_RATE_LIMIT_EXPORT", "off"},
    }));
    EXPECT_FALSE(none.any_rate_limit());
}

TEST(RouteLimits, BadSettingsStopTheStartNamingTheSetting) {
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"SCORELINE_RATE_LIMIT_AUTH", "5 per second"},
        {"SCORELINE_RATE_LIMIT_READ", "50:100"},
        {"SCORELINE_RATE_LIMIT_WRITE", "10/s burst -1"},
        {"SCORELINE_RATE_LIMIT_EXPORT", "1/d burst 1"},
        {"SCORELINE_RATE_LIMIT_SLOTS", "8"},
        {"SCORELINE_MAX_AUTH_BODY_BYTES", "100"},
        {"SCORELINE_MAX_READ_BODY_BYTES", "2000000"},
    };
    for (const auto& [name, value] : bad) {
        try {
            (void)api::load_route_limits(config::Source::from_map({{name, value}}));
            ADD_FAILURE() << name << "=" << value << " accepted";
        } catch (const config::Error& e) {
            EXPECT_EQ(std::string(e.what()).rfind(name + ": ", 0), 0u) << e.what();
        }
    }
}

TEST(RateKey, UserWhenSignedInElseAddressAndAlwaysTheClass) {
    EXPECT_EQ(api::rate_key(RouteClass::kRead, 42, "127.0.0.1"), "read|u:42");
    EXPECT_EQ(api::rate_key(RouteClass::kRead, std::nullopt, "127.0.0.1"), "read|a:127.0.0.1");
    EXPECT_EQ(api::rate_key(RouteClass::kAuth, std::nullopt, "::1"), "auth|a:::1");
    // Two users behind one address have two buckets; one user has one bucket
    // per class whatever address it comes from.
    EXPECT_NE(api::rate_key(RouteClass::kRead, 1, "10.0.0.1"),
              api::rate_key(RouteClass::kRead, 2, "10.0.0.1"));
    EXPECT_EQ(api::rate_key(RouteClass::kWrite, 1, "10.0.0.1"),
              api::rate_key(RouteClass::kWrite, 1, "10.0.0.2"));
    EXPECT_NE(api::rate_key(RouteClass::kRead, 1, "10.0.0.1"),
              api::rate_key(RouteClass::kWrite, 1, "10.0.0.1"));
    // A user id never collides with an address.
    EXPECT_NE(api::rate_key(RouteClass::kRead, 7, ""),
              api::rate_key(RouteClass::kRead, std::nullopt, "7"));
}

// The pipeline without FastCGI: a body reader that records its calls.
struct Pipeline {
    api::ApiConfig config;
    api::Router router;
    api::Database database{db::ConnectionOptions{}};
    ratelimit::SharedBuckets buckets{1024};
    int handled = 0;
    std::vector<std::size_t> body_reads;  // max_bytes of every read_body call
    std::string body = "{}";

    Pipeline() {
        config.limits = api::load_route_limits(config::Source::from_map({
            {"SCORELINE_RATE_LIMIT_READ", "1/m burst 2"},
            {"SCORELINE_RATE_LIMIT_WRITE", "1/m burst 1"},
        }));
        const auto ok = [this](api::Context&) {
            ++handled;
            return http::Response::json(200, "{}");
        };
        router.add("GET", "/api/v1/things", ok);
        router.add("POST", "/api/v1/things", ok);
        router.add("POST", "/api/v1/auth/login", ok);
        router.add("GET", "/healthz", ok);
    }

    http::Response send(const std::string& method, const std::string& path,
                        const std::string& addr = "192.0.2.1") {
        http::Request req;
        req.method = method;
        req.path = path;
        req.remote_addr = addr;
        req.request_id = "rid-1";
        const api::BodyReader reader = [this](http::Request& r, std::size_t max) {
            body_reads.push_back(max);
            if (body.size() > max) {
                return false;
            }
            r.body = body;
            return true;
        };
        return api::handle_request(req, reader, router, database, config, &buckets);
    }
};

std::string header(const http::Response& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
        if (n == name) {
            return v;
        }
    }
    return {};
}

TEST(RequestGate, OverTheLimitIs429BeforeTheBodyOrTheHandler) {
    Pipeline p;
    EXPECT_EQ(p.send("GET", "/api/v1/things").status, 200);
    EXPECT_EQ(p.send("GET", "/api/v1/things").status, 200);
    p.body_reads.clear();
    const auto r = p.send("GET", "/api/v1/things");
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(p.handled, 2);
    EXPECT_EQ(header(r, "Content-Type"), "application/problem+json");
    EXPECT_EQ(header(r, "Retry-After"), "60");  // 1 token a minute
    const auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["status"], 429);
    EXPECT_EQ(body["request_id"], "rid-1");
    // The body was only drained (nothing kept), after the decision.
    EXPECT_EQ(p.body_reads, std::vector<std::size_t>{0});
    // Another address has its own bucket; another class too; ops never limited.
    EXPECT_EQ(p.send("GET", "/api/v1/things", "192.0.2.2").status, 200);
    EXPECT_EQ(p.send("POST", "/api/v1/things").status, 200);
    EXPECT_EQ(p.send("POST", "/api/v1/things").status, 429);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(p.send("GET", "/healthz").status, 200);
    }
}

TEST(RequestGate, BodyLimitFollowsTheRouteClass) {
    Pipeline p;
    p.body = std::string(5000, 'x');  // above read (4096), below auth (16384)
    EXPECT_EQ(p.send("POST", "/api/v1/auth/login").status, 200);
    EXPECT_EQ(p.send("GET", "/healthz").status, 413);
    p.body = std::string(20000, 'x');
    const auto r = p.send("POST", "/api/v1/auth/login");
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(header(r, "Content-Type"), "application/problem+json");
    EXPECT_EQ(p.send("POST", "/api/v1/things").status, 200);  // write: 1 MiB
    EXPECT_EQ(p.body_reads, (std::vector<std::size_t>{16384, 4096, 16384, 1048576}));
    EXPECT_EQ(p.handled, 2);
}

TEST(RequestGate, UnknownRouteDrainsTheBodyAndAnswers404) {
    Pipeline p;
    EXPECT_EQ(p.send("GET", "/api/v1/nothing").status, 404);
    EXPECT_EQ(p.send("PUT", "/api/v1/things").status, 405);
    EXPECT_EQ(p.body_reads, (std::vector<std::size_t>{0, 0}));
}

}  // namespace
