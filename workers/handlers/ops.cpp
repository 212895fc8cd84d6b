// Operational handlers; see ops.hpp.
#include "handlers/ops.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "handlers/status.hpp"
#include "http/json_body.hpp"
#include "http/problem.hpp"
#include "metrics/text.hpp"
#include "observability/certificate_expiry.hpp"
#include "observability/metrics.hpp"
#include "observability/pool_status.hpp"
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

constexpr db::Statement kEventsByStatus{
    "ops_events_by_status", "SELECT status::text, count(*) FROM events GROUP BY status"};

// scoreline_events{status}: one COUNT per scrape; every status shows, 0 included.
void render_events_by_status(metrics::TextWriter& w, Context& ctx) {
    constexpr std::string_view kName = "scoreline_events";
    std::vector<std::pair<std::string, std::int64_t>> counts = {
        {"draft", 0}, {"scheduled", 0}, {"live", 0}, {"completed", 0}, {"archived", 0}};
    try {
        const db::Result rows = ctx.db().exec(kEventsByStatus);
        for (int i = 0; i < rows.rows(); ++i) {
            const std::string status = rows.get<std::string>(i, 0);
            auto it = std::find_if(counts.begin(), counts.end(),
                                   [&](const auto& c) { return c.first == status; });
            if (it == counts.end()) {
                it = counts.insert(counts.end(), {status, 0});
            }
            it->second = rows.get<std::int64_t>(i, 1);
        }
    } catch (const db::Error&) {
        return;  // no database: the family is absent, and scoreline_readyz_ok says why
    }
    w.family(kName, metrics::Type::kGauge, "Events by status.");
    for (const auto& [status, n] : counts) {
        w.sample(kName, metrics::label("status", status), n);
    }
}

// GET /metrics: the Prometheus text of the whole pool (nginx lets only the
// monitoring networks reach it, docs/observability.md).
http::Response metrics_page(Context& ctx) {
    std::string out;
    metrics::TextWriter w(out);
    metrics::render(w, metrics::store(), obs::kCatalog);
    w.family("scoreline_build_info", metrics::Type::kGauge,
             "Build of scoreline-api: version and commit.");
    w.sample("scoreline_build_info",
             metrics::label("version", kVersion) + "," + metrics::label("commit", kCommit), 1.0);
    w.scalar("scoreline_readyz_ok", metrics::Type::kGauge,
             "1 when /readyz would answer 200 (database reachable, schema current, disk not "
             "full).",
             readyz(ctx).status == 200 ? 1 : 0);
    render_events_by_status(w, ctx);
    if (!ctx.config.tls_certificate.empty()) {
        static obs::CertificateExpiry certificate;  // one per worker: read once a minute
        if (const auto not_after = certificate.get(ctx.config.tls_certificate)) {
            w.scalar("scoreline_tls_certificate_expiry_seconds", metrics::Type::kGauge,
                     "notAfter of the TLS certificate nginx serves (SCORELINE_TLS_CERTIFICATE), "
                     "unix time.",
                     static_cast<double>(*not_after));
        }
    }
    w.scalar("scoreline_metrics_dropped_series_total", metrics::Type::kCounter,
             "Increments lost because the metrics table was full.",
             static_cast<double>(metrics::store().dropped()));
    obs::render_pool_metrics(w, obs::read_pool_status());
    w.finish();
    http::Response r;
    r.status = 200;
    r.body = std::move(out);
    r.set_header("Content-Type", std::string(metrics::content_type(metrics::Format::kPrometheus)));
    r.set_header("Cache-Control", "no-store");
    return r;
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

constexpr db::Statement kTestSlowBefore{"test_slow_before",
                                        "SELECT count(*) FROM schema_migrations"};
constexpr db::Statement kTestSlowSleep{"test_slow_sleep", "SELECT pg_sleep($1::int / 1000.0)"};
constexpr db::Statement kTestSlowAfter{"test_slow_after", "SELECT now()"};

// Three named statements, the second sleeping ms (0–2000) in the server: a
// request for the slow-request log and for the traces in PostgreSQL.
http::Response test_slow_statements(Context& ctx) {
    const std::string text = ctx.req.query_param("ms").value_or("");
    int ms = -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || ms < 0 ||
        ms > 2000) {
        throw http::Problem(422, "ms must be an integer from 0 to 2000");
    }
    db::Connection& conn = ctx.db();
    (void)conn.exec(kTestSlowBefore);
    (void)conn.exec(kTestSlowSleep, ms);
    (void)conn.exec(kTestSlowAfter);
    return http::Response::json(200, nlohmann::json{{"ms", ms}, {"pid", ::getpid()}}.dump());
}

// Burns CPU for ms milliseconds (at most 2000): tests of the pool's CPU counter.
http::Response test_spin(Context& ctx) {
    const auto ms = std::clamp(std::stoi(ctx.req.query_param("ms").value_or("50")), 0, 2000);
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    volatile std::uint64_t sink = 0;
    while (std::chrono::steady_clock::now() < until) {
        for (int i = 0; i < 10000; ++i) {
            sink = sink + static_cast<std::uint64_t>(i);
        }
    }
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
    router.add("GET", "/metrics", metrics_page);
    router.add("GET", "/status", status_page);
    router.add("GET", "/api/v1/version", version);
#ifdef SCORELINE_TEST_ROUTES
    router.add("GET", "/api/v1/_test/sleep", test_sleep);
    router.add("GET", "/api/v1/_test/spin", test_spin);
    router.add("GET", "/api/v1/_test/fail", test_fail);
    router.add("GET", "/api/v1/_test/slow_statements", test_slow_statements);
    router.add("POST", "/api/v1/_test/echo", test_echo);
#endif
}

}  // namespace api
