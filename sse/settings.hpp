// sse::Settings: every SCORELINE_SSE_* setting of scoreline-sse (and the
// shared ones it reads: database URL, log level, the token keys that verify
// stream tickets), read and validated once at start. A bad value throws
// config::Error naming the setting (docs/configuration.md lists them all).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "access.hpp"
#include "config.hpp"
#include "http_parser.hpp"
#include "log.hpp"
#include "replay.hpp"

namespace sse {

struct Settings {
    std::string database_url;
    slog::Level log_level = slog::Level::kInfo;
    config::ListenAddress listen;                     // unix socket nginx proxies to
    std::optional<config::ListenAddress> tcp_listen;  // optional host:port
    mode_t socket_mode = 0660;
    std::optional<config::ListenAddress> ops_listen;  // /healthz and /metrics; loopback
    std::size_t max_connections = 0;                  // 0: from RLIMIT_NOFILE
    std::size_t max_connections_per_ip = 100;
    std::size_t max_backlog_bytes = 1 << 20;
    std::size_t max_topics = 32;
    std::chrono::milliseconds heartbeat{15000};
    std::chrono::milliseconds retry{3000};
    std::chrono::milliseconds write_timeout{30000};
    std::chrono::milliseconds handshake_timeout{10000};
    std::chrono::milliseconds drain_timeout{5000};
    std::chrono::milliseconds poll_interval{1000};
    std::chrono::milliseconds probe_gap{5};
    std::chrono::milliseconds statement_timeout{5000};
    std::chrono::milliseconds reconnect_max{5000};
    int batch_rows = 500;
    HttpLimits http;
    ReplaySettings replay;
    AccessSettings access;
    bool tickets_enabled = false;  // some verification key is configured
};

[[nodiscard]] Settings load_settings(const config::Source& src);

}  // namespace sse
