// Loading ApiConfig from SCORELINE_* settings.
#include "api_config.hpp"

#include <unistd.h>

#include "integrity_config.hpp"

namespace api {

ApiConfig load_api_config(const config::Source& src) {
    using std::chrono::milliseconds;
    ApiConfig c;
    c.listen = config::parse_listen(
        "SCORELINE_LISTEN", src.get_string("SCORELINE_LISTEN", "unix:/tmp/scoreline-api.sock"));
    const std::string mode_text = src.get_string("SCORELINE_SOCKET_MODE", "0660");
    std::size_t used = 0;
    unsigned long parsed = 0;
    try {
        parsed = std::stoul(mode_text, &used, 8);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != mode_text.size() || parsed > 0777) {
        throw config::Error("SCORELINE_SOCKET_MODE: must be an octal mode from 0 to 0777, got '" +
                            mode_text + "'");
    }
    c.socket_mode = static_cast<unsigned>(parsed);
    const long cores = std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
    c.workers = static_cast<int>(src.get_int("SCORELINE_WORKERS", 2 * cores, 1, 256));
    c.max_requests = src.get_int("SCORELINE_MAX_REQUESTS", 10000, 0, 1'000'000'000);
    c.drain_timeout = src.get_ms("SCORELINE_DRAIN_TIMEOUT_MS", milliseconds(10000),
                                 milliseconds(100), milliseconds(600000));
    c.respawn_backoff_max = src.get_ms("SCORELINE_RESPAWN_BACKOFF_MAX_MS", milliseconds(30000),
                                       milliseconds(100), milliseconds(600000));
    c.db_retry_attempts = static_cast<int>(src.get_int("SCORELINE_DB_RETRY_ATTEMPTS", 3, 1, 20));
    c.database.url = src.require_string("SCORELINE_DATABASE_URL");
    c.database.application_name = "scoreline-api";
    c.database.statement_timeout = src.get_ms("SCORELINE_STATEMENT_TIMEOUT_MS", milliseconds(5000),
                                              milliseconds(1), milliseconds(3600000));
    c.limits = load_route_limits(src);
    c.body_limits.max_bytes = c.limits.write_body_bytes;
    c.stream_ticket_ttl =
        std::chrono::seconds(src.get_int("SCORELINE_STREAM_TICKET_TTL_S", 60, 10, 600));
    c.db_session_trace = src.get_bool("SCORELINE_DB_SESSION_TRACE", true);
    c.slow_request = src.get_ms("SCORELINE_SLOW_REQUEST_MS", milliseconds(1000), milliseconds(0),
                                milliseconds(3600000));
    const std::string level =
        src.get_enum("SCORELINE_LOG_LEVEL", "info", {"debug", "info", "warn", "error"});
    (void)slog::parse_level(level, c.log_level);
    c.tls_certificate = src.get_string("SCORELINE_TLS_CERTIFICATE", "");
    c.status_data_dir = src.get_string("SCORELINE_STATUS_DATA_DIR", "");
    c.status_log_dir = src.get_string("SCORELINE_STATUS_LOG_DIR", "");
    c.integrity = parse_integrity_thresholds(src.get_string("SCORELINE_INTEGRITY", ""));
    return c;
}

}  // namespace api
