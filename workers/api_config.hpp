// api::ApiConfig: the settings scoreline-api reads, validated at start.
#pragma once

#include <chrono>
#include <string>

#include "config.hpp"
#include "db/connection.hpp"
#include "domain/integrity.hpp"
#include "http/json_body.hpp"
#include "log.hpp"
#include "route_limits.hpp"

namespace api {

struct ApiConfig {
    config::ListenAddress listen;
    unsigned socket_mode = 0660;
    int workers = 2;
    long max_requests = 10000;
    std::chrono::milliseconds drain_timeout{10000};
    std::chrono::milliseconds respawn_backoff_max{30000};
    int db_retry_attempts = 3;
    db::ConnectionOptions database;
    // JSON limits of handlers; max_bytes is the write class's body limit.
    http::BodyLimits body_limits;
    // Route classes: rate limits and body sizes (route_limits.hpp).
    RouteLimits limits;
    std::chrono::seconds stream_ticket_ttl{60};
    // Name the worker's PostgreSQL session after each request's trace
    // (Database, docs/observability.md "Traces").
    bool db_session_trace = true;
    // A request slower than this gets a slow_request log line; 0 = off.
    std::chrono::milliseconds slow_request{1000};
    // Thresholds of the integrity detectors (SCORELINE_INTEGRITY_*, docs/integrity.md).
    domain::integrity::Thresholds integrity;
    slog::Level log_level = slog::Level::kInfo;
    // The certificate nginx serves (PEM), for scoreline_tls_certificate_expiry_seconds;
    // empty: no such metric.
    std::string tls_certificate;
    // Folders whose free disk /status reports; empty: not reported.
    std::string status_data_dir;
    std::string status_log_dir;
};

// Reads and validates every setting; throws config::Error on the first bad one.
[[nodiscard]] ApiConfig load_api_config(const config::Source& src);

}  // namespace api
