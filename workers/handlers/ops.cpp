// Operational handlers; see ops.hpp.
#include "handlers/ops.hpp"

#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/json_body.hpp"
#include "http/problem.hpp"
#include "version.hpp"

namespace api {
namespace {

constexpr db::Statement kSchemaVersion{"ops_schema_version",
                                       "SELECT coalesce(max(version), 0) FROM schema_migrations"};

http::Response healthz(Context&) {
    return http::Response::json(200, R"({"status":"ok"})");
}

// Ready when the database answers, holds every migration this binary knows
// and no write failed with disk full in the last DatabaseHealth::kDiskFullWindow. A newer
// schema is accepted: migrations run before binaries roll out.
http::Response readyz(Context& ctx) {
    nlohmann::json body = {{"expected_schema_version", kExpectedSchema}};
    std::int64_t version = 0;
    try {
        db::Connection& conn = ctx.db();
        try {
            version = conn.exec(kSchemaVersion).get<std::int64_t>(0, 0);
        } catch (const db::ConnectionLost&) {
            // The server restarted since our last query: one fresh attempt.
            ctx.database.mark_broken();
            version = ctx.db().exec(kSchemaVersion).get<std::int64_t>(0, 0);
        }
    } catch (const db::ConnectionLost&) {
        ctx.database.mark_broken();
        body["status"] = "unavailable";
        body["database"] = "unreachable";
        auto r = http::Response::json(503, body.dump());
        r.set_header("Retry-After", "1");
        return r;
    } catch (const db::QueryError&) {
        version = 0;  // no schema_migrations table yet
    }
    body["schema_version"] = version;
    body["database"] = "ok";
    constexpr auto kDiskFullWindow = DatabaseHealth::kDiskFullWindow;
    if (ctx.database.disk_full_within(kDiskFullWindow)) {
        body["status"] = "unavailable";
        body["database"] = "disk_full";
        auto r = http::Response::json(503, body.dump());
        r.set_header("Retry-After", std::to_string(kDiskFullWindow.count()));
        return r;
    }
    if (version < kExpectedSchema) {
        body["status"] = "schema_behind";
        return http::Response::json(503, body.dump());
    }
    body["status"] = "ready";
    return http::Response::json(200, body.dump());
}

http::Response version(Context&) {
    nlohmann::json body = {{"name", "scoreline"},
                           {"version", kVersion},
                           {"schema_version", kExpectedSchema},
                           {"api", "v1"}};
    return http::Response::json(200, body.dump());
}

#ifdef SCORELINE_TEST_ROUTES
http::Response test_sleep(Context& ctx) {
    const auto ms = std::stoi(ctx.req.query_param("ms").value_or("100"));
    std::this_thread::sleep_for(std::chrono::milliseconds(std::clamp(ms, 0, 10000)));
    return http::Response::json(200, nlohmann::json{{"pid", ::getpid()}}.dump());
}

http::Response test_fail(Context&) {
    throw std::runtime_error("forced failure (test route)");
}

http::Response test_echo(Context& ctx) {
    auto body = http::parse_json_body(ctx.req, ctx.config.body_limits);
    http::FieldReader fields(body);
    auto name = fields.string("name", true, 1, 80);
    auto count = fields.integer("count", false, 0, 1000);
    fields.finish();
    return http::Response::json(
        200, nlohmann::json{{"name", *name}, {"count", count.value_or(0)}}.dump());
}
#endif

}  // namespace

void add_ops_routes(Router& router) {
    router.add("GET", "/healthz", healthz);
    router.add("GET", "/readyz", readyz);
    router.add("GET", "/api/v1/version", version);
#ifdef SCORELINE_TEST_ROUTES
    router.add("GET", "/api/v1/_test/sleep", test_sleep);
    router.add("GET", "/api/v1/_test/fail", test_fail);
    router.add("POST", "/api/v1/_test/echo", test_echo);
#endif
}

}  // namespace api
