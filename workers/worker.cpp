// The worker process loop; see worker.hpp.
#include "worker.hpp"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <random>

#include "fcgi_exchange.hpp"
#include "handlers/authenticate.hpp"
#include "handlers/refusal_response.hpp"
#include "http/problem.hpp"
#include "http/traceparent.hpp"
#include "log.hpp"
#include "metrics/store.hpp"
#include "observability/db_observer.hpp"
#include "observability/metrics.hpp"
#include "observability/request_trace.hpp"
#include "observability/scoreboard.hpp"
#include "observability/slow_request.hpp"

namespace api {
namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_stop_signal(int) {
    g_stop = 1;
}

// A stuck peer must not hold a worker forever.
void set_io_timeouts(int fd) {
    timeval tv{30, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

std::string_view method_label(std::string_view method);  // below

// Runs a streamed body (http::BodyStream) after its head was written. The
// head leaves with the first chunk (write_chunk flushes); from then on a
// failure cannot become a problem response: it is logged and the connection
// is cut without ending the FastCGI request (FcgiExchange::abort), so nginx
// aborts the client's response instead of ending it: the client sees a
// failed transfer, never a whole-looking file that is cut short
// (docs/integrity.md, "The API"). A failure before the first chunk leaves
// nginx without a head: it answers 502. A lost database connection is marked
// so that the next request reconnects.
void stream_body(FcgiExchange& exchange, const http::BodyStream& stream, Database& database) {
    // The request's log line and duration metric were written when the head
    // was ready; this line tells how the body went.
    const auto started = std::chrono::steady_clock::now();
    std::size_t bytes = 0;
    bool peer_gone = false;
    const auto elapsed_ms = [&] {
        return static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::steady_clock::now() - started)
                                       .count()) /
               1000.0;
    };
    try {
        stream([&](std::string_view chunk) {
            peer_gone = peer_gone || !exchange.write_chunk(chunk);
            bytes += peer_gone ? 0 : chunk.size();
            return !peer_gone;
        });
    } catch (const db::Error& e) {
        if (dynamic_cast<const db::ConnectionLost*>(&e)) {
            database.mark_broken();
        }
        exchange.abort();
        slog::error("stream_failed", {{"error", e.what()},
                                      {"sqlstate", e.sqlstate()},
                                      {"bytes", bytes},
                                      {"duration_ms", elapsed_ms()}});
        return;
    } catch (const std::exception& e) {
        exchange.abort();
        slog::error("stream_failed",
                    {{"error", e.what()}, {"bytes", bytes}, {"duration_ms", elapsed_ms()}});
        return;
    }
    if (peer_gone) {
        slog::warn("stream_peer_gone", {{"bytes", bytes}, {"duration_ms", elapsed_ms()}});
        return;
    }
    slog::info("stream_done", {{"bytes", bytes}, {"duration_ms", elapsed_ms()}});
}

// Serves one accepted connection. Returns true when a request was served.
bool serve_connection(int fd, const ApiConfig& config, const Router& router, Database& database,
                      ratelimit::SharedBuckets* buckets) {
    metrics::inc(obs::kPoolAccepted);
    set_io_timeouts(fd);
    FcgiExchange exchange;
    if (!exchange.begin(fd)) {
        slog::warn("fastcgi_bad_request");
        return false;
    }
    http::Request req = exchange.read_head();
    obs::request_began(method_label(req.method), req.request_id);
    // A valid W3C traceparent ties every log line to the caller's trace; an
    // invalid one is dropped, as Trace Context requires.
    std::string trace_id;
    if (auto trace = http::parse_traceparent(req.traceparent)) {
        trace_id = trace->trace_id;
        obs::set_request_trace(trace->trace_id, trace->parent_id);
    } else {
        req.traceparent.clear();
    }
    slog::set_request_context(req.request_id, trace_id);
    const BodyReader read_body = [&exchange](http::Request& r, std::size_t max_bytes) {
        return exchange.read_body(r, max_bytes);
    };
    const http::Response response =
        handle_request(req, read_body, router, database, config, buckets);
    exchange.write_response(response);
    if (response.stream) {
        stream_body(exchange, response.stream, database);
    }
    exchange.finish();
    obs::database_state(database.up() ? obs::DbState::kUp : obs::DbState::kDown);
    obs::request_ended();
    slog::clear_request_context();
    obs::clear_request_trace();
    return true;
}

// Takes a token from the caller's bucket for `route_class`; throws the 429
// when the bucket is empty. The caller is the user of a valid access token,
// else the client address. Reads neither the body nor the database.
void enforce_rate_limit(const http::Request& req, RouteClass route_class, const RouteLimits& limits,
                        ratelimit::SharedBuckets* buckets) {
    const auto& limit = limits.rate(route_class);
    if (!limit || buckets == nullptr) {
        return;
    }
    const std::optional<std::int64_t> user = token_user_id(req);
    const ratelimit::Decision d =
        buckets->take(rate_key(route_class, user, req.remote_addr), *limit);
    if (d.allowed) {
        return;
    }
    const std::string retry_after = std::to_string(d.retry_after_seconds);
    slog::info("rate_limited", {{"route_class", to_string(route_class)},
                                {"caller", user ? "user" : "address"},
                                {"retry_after_s", d.retry_after_seconds}});
    throw http::Problem(429, "too many " + std::string(to_string(route_class)) +
                                 " requests; retry after " + retry_after + " s")
        .with_header("Retry-After", retry_after);
}

// The answer to a database error that escaped the handler. Operational
// failures, where the same request may well succeed later, are 503 with
// Retry-After; the rest (a statement wrong for this data) stays a 500. The
// transaction is rolled back by then (db::Tx), so nothing was written. The
// log holds the server's message; the client never sees it.
http::Response database_failure(const db::Error& e, Database& database,
                                const std::string& request_id) {
    const auto unavailable = [&](std::string_view condition, std::string detail, int retry_after) {
        slog::error("db_unavailable",
                    {{"condition", condition}, {"sqlstate", e.sqlstate()}, {"error", e.what()}});
        return to_problem(domain::Refusal::unavailable(std::move(detail), retry_after))
            .to_response(request_id);
    };
    if (dynamic_cast<const db::ConnectionLost*>(&e)) {
        database.mark_broken();
        return unavailable("connection_lost", "the database is unavailable; retry shortly", 1);
    }
    if (dynamic_cast<const db::Timeout*>(&e)) {
        return unavailable("timeout", "the database did not answer in time; retry shortly", 2);
    }
    if (dynamic_cast<const db::DiskFull*>(&e)) {
        database.record_disk_full();
        return unavailable("disk_full", "the database is out of disk space; retry later",
                           static_cast<int>(DatabaseHealth::kDiskFullWindow.count()));
    }
    if (dynamic_cast<const db::InsufficientResources*>(&e)) {
        return unavailable("insufficient_resources",
                           "the database is short of resources; retry later", 10);
    }
    if (dynamic_cast<const db::RetryableError*>(&e)) {
        // with_retry ran out of attempts against concurrent writers.
        return unavailable("conflict", "the database is busy with conflicting writes; retry", 1);
    }
    slog::error("unhandled_exception", {{"error", e.what()}, {"sqlstate", e.sqlstate()}});
    return http::internal_error(request_id);
}

// The `method` label: one of the methods of HTTP's registry that routes use,
// `other` for the rest, so a client cannot add series.
std::string_view method_label(std::string_view method) {
    for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
        if (method == known) {
            return known;
        }
    }
    return "other";
}

}  // namespace

http::Response handle_request(http::Request& req, const BodyReader& read_body, const Router& router,
                              Database& database, const ApiConfig& config,
                              ratelimit::SharedBuckets* buckets) {
    const auto started = std::chrono::steady_clock::now();
    obs::db_observer().begin_request(config.slow_request.count() > 0);
    http::Response response;
    bool body_read = false;
    std::string_view route_class = "none";
    std::string_view route_pattern = "unmatched";
    try {
        const Router::Route& route = router.find(req);
        route_class = to_string(route.route_class);
        route_pattern = route.pattern;
        obs::request_routed(route_pattern);
        enforce_rate_limit(req, route.route_class, config.limits, buckets);
        body_read = true;
        const std::size_t max_body = config.limits.max_body(route.route_class);
        if (!read_body(req, max_body)) {
            throw http::Problem(413, "the body is larger than " + std::to_string(max_body) +
                                         " bytes for this route");
        }
        Context ctx{req, database, config};
        response = route.handler(ctx);
    } catch (const http::Problem& p) {
        response = p.to_response(req.request_id);
    } catch (const domain::Refusal& r) {
        response = to_problem(r).to_response(req.request_id);
    } catch (const db::Error& e) {
        response = database_failure(e, database, req.request_id);
    } catch (const std::exception& e) {
        slog::error("unhandled_exception", {{"error", e.what()}});
        response = http::internal_error(req.request_id);
    }
    if (!body_read) {
        // Refused before the body was read: drain it, so nginx is never cut
        // off mid-write.
        (void)read_body(req, 0);
    }
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
    const std::string_view method = method_label(req.method);
    const std::string status = std::to_string(response.status);
    metrics::inc(obs::kHttpRequests, {method, route_pattern, status});
    metrics::observe(obs::kHttpDuration, {method, route_pattern},
                     static_cast<double>(micros) / 1e6);
    slog::info("request", {{"method", req.method},
                           {"path", req.path},
                           {"status", response.status},
                           {"route_class", route_class},
                           {"duration_ms", static_cast<double>(micros) / 1000.0},
                           {"remote_addr", req.remote_addr}});
    if (config.slow_request.count() > 0 && micros > config.slow_request.count() * 1000) {
        obs::report_slow_request({req.request_id, obs::request_trace().trace_id, req.method,
                                  route_pattern, response.status, micros},
                                 obs::db_observer());
    }
    return response;
}

int run_worker(int listen_fd, const ApiConfig& config, const Router& router,
               ratelimit::SharedBuckets* buckets, DatabaseHealth& health) {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGHUP, SIG_IGN);
    std::signal(SIGPIPE, SIG_IGN);
    // SIGTERM stays blocked except inside epoll_pwait, so it cannot slip in
    // between the check of g_stop and the wait.
    sigset_t blocked, during_wait;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGINT);
    ::sigprocmask(SIG_BLOCK, &blocked, &during_wait);
    sigdelset(&during_wait, SIGTERM);
    sigdelset(&during_wait, SIGINT);

    FCGX_Init();
    db::install_observer(&obs::db_observer());
    Database database(config.database, &health, config.db_session_trace);
    try {
        (void)database.get();
    } catch (const db::ConnectionLost& e) {
        // Serve anyway: /healthz works and /readyz reports the database.
        slog::warn("db_connect_failed", {{"error", e.what()}});
    }
    obs::database_state(database.up() ? obs::DbState::kUp : obs::DbState::kDown);
    obs::worker_ready();

    long budget = config.max_requests;
    if (budget > 0) {
        // Jitter so that workers started together are not recycled together.
        std::mt19937 rng(static_cast<unsigned>(::getpid()));
        budget += static_cast<long>(rng() % static_cast<unsigned>(budget / 10 + 1));
    }
    const int ep = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    ev.data.fd = listen_fd;
    if (ep < 0 || ::epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &ev) != 0) {
        slog::error("worker_epoll_failed", {{"error", std::strerror(errno)}});
        return 1;
    }
    slog::info("worker_started", {{"max_requests", budget}});
    long served = 0;
    while (!g_stop && (budget == 0 || served < budget)) {
        epoll_event ready{};
        const int n = ::epoll_pwait(ep, &ready, 1, 1000, &during_wait);
        if (n <= 0) {
            continue;
        }
        const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            continue;  // another worker took it, or the peer gave up
        }
        served += serve_connection(fd, config, router, database, buckets) ? 1 : 0;
    }
    // Drain: serve connections already queued on the socket, then exit.
    int drained = 0;
    for (;;) {
        const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            break;
        }
        drained += serve_connection(fd, config, router, database, buckets) ? 1 : 0;
    }
    ::close(ep);
    slog::info("worker_exiting",
               {{"served", served + drained}, {"reason", g_stop ? "signal" : "max_requests"}});
    return 0;
}

}  // namespace api
