// Reading scoreline-sse's settings; see settings.hpp.
#include "settings.hpp"

#include <arpa/inet.h>

#include <stdexcept>

#include "auth/keys.hpp"

namespace sse {
namespace {

using std::chrono::milliseconds;

mode_t octal_mode(const config::Source& src, std::string_view name, std::string_view fallback) {
    const std::string text = src.get_string(name, fallback);
    std::size_t used = 0;
    unsigned long parsed = 0;
    try {
        parsed = std::stoul(text, &used, 8);
    } catch (const std::exception&) {
        used = 0;
    }
    if (text.empty() || used != text.size() || parsed > 0777) {
        throw config::Error(std::string(name) + ": must be an octal mode from 0 to 0777, got '" +
                            text + "'");
    }
    return static_cast<mode_t>(parsed);
}

// host:port with an IPv4 address for a host, or "off".
std::optional<config::ListenAddress> tcp_address(const config::Source& src, std::string_view name,
                                                 std::string_view fallback) {
    const std::string text = src.get_string(name, fallback);
    if (text.empty() || text == "off") {
        return std::nullopt;
    }
    config::ListenAddress a = config::parse_listen(name, text);
    struct in_addr addr {};
    if (a.kind != config::ListenAddress::Kind::kTcp ||
        ::inet_pton(AF_INET, a.host.c_str(), &addr) != 1) {
        throw config::Error(std::string(name) +
                            ": must be IPV4ADDRESS:PORT (e.g. 127.0.0.1:9465) or off, got '" +
                            text + "'");
    }
    return a;
}

void load_keys(const config::Source& src, Settings& s) {
    // Public halves only are needed; a private key file works too (its public half is used).
    for (const char* name : {"SCORELINE_JWT_SIGNING_KEY", "SCORELINE_JWT_VERIFY_KEYS"}) {
        const auto spec = src.find(name);
        if (!spec) {
            continue;
        }
        try {
            for (const auto& [kid, key] : auth::load_verify_keys(name, *spec)) {
                if (!s.access.keys.find(kid)) {
                    s.access.keys.add_verify_key(kid, key);
                }
            }
        } catch (const std::invalid_argument& e) {
            throw config::Error(std::string(name) + ": " + e.what());
        }
    }
    s.tickets_enabled = !s.access.keys.kids().empty();
}

}  // namespace

Settings load_settings(const config::Source& src) {
    Settings s;
    s.database_url = src.require_string("SCORELINE_DATABASE_URL");
    const std::string level =
        src.get_enum("SCORELINE_LOG_LEVEL", "info", {"debug", "info", "warn", "error"});
    (void)slog::parse_level(level, s.log_level);

    s.listen = config::parse_listen(
        "SCORELINE_SSE_LISTEN",
        src.get_string("SCORELINE_SSE_LISTEN", "unix:/tmp/scoreline-sse.sock"));
    if (s.listen.kind != config::ListenAddress::Kind::kUnix) {
        throw config::Error(
            "SCORELINE_SSE_LISTEN: must be unix:/absolute/path (TCP goes in "
            "SCORELINE_SSE_TCP_LISTEN)");
    }
    s.tcp_listen = tcp_address(src, "SCORELINE_SSE_TCP_LISTEN", "off");
    s.socket_mode = octal_mode(src, "SCORELINE_SSE_SOCKET_MODE", "0660");
    s.ops_listen = tcp_address(src, "SCORELINE_SSE_METRICS_LISTEN", "127.0.0.1:9465");

    s.max_connections =
        static_cast<std::size_t>(src.get_int("SCORELINE_SSE_MAX_CONNECTIONS", 0, 0, 10'000'000));
    s.max_connections_per_ip = static_cast<std::size_t>(
        src.get_int("SCORELINE_SSE_MAX_CONNECTIONS_PER_IP", 100, 1, 10'000'000));
    s.max_backlog_bytes = static_cast<std::size_t>(
        src.get_int("SCORELINE_SSE_MAX_BACKLOG_BYTES", 1 << 20, 4096, 1LL << 30));
    s.max_topics = static_cast<std::size_t>(src.get_int("SCORELINE_SSE_MAX_TOPICS", 32, 1, 32));
    s.heartbeat = src.get_ms("SCORELINE_SSE_HEARTBEAT_MS", milliseconds(15000), milliseconds(50),
                             milliseconds(300000));
    s.retry = src.get_ms("SCORELINE_SSE_RETRY_MS", milliseconds(3000), milliseconds(0),
                         milliseconds(600000));
    s.write_timeout = src.get_ms("SCORELINE_SSE_WRITE_TIMEOUT_MS", milliseconds(30000),
                                 milliseconds(100), milliseconds(3600000));
    s.handshake_timeout = src.get_ms("SCORELINE_SSE_HANDSHAKE_TIMEOUT_MS", milliseconds(10000),
                                     milliseconds(100), milliseconds(600000));
    s.drain_timeout = src.get_ms("SCORELINE_SSE_DRAIN_TIMEOUT_MS", milliseconds(5000),
                                 milliseconds(0), milliseconds(600000));
    s.poll_interval = src.get_ms("SCORELINE_SSE_POLL_INTERVAL_MS", milliseconds(1000),
                                 milliseconds(10), milliseconds(60000));
    s.probe_gap = src.get_ms("SCORELINE_SSE_PROBE_GAP_MS", milliseconds(5), milliseconds(0),
                             milliseconds(1000));
    s.statement_timeout = src.get_ms("SCORELINE_STATEMENT_TIMEOUT_MS", milliseconds(5000),
                                     milliseconds(100), milliseconds(600000));
    s.reconnect_max = src.get_ms("SCORELINE_SSE_DB_RECONNECT_MAX_MS", milliseconds(5000),
                                 milliseconds(100), milliseconds(600000));
    s.batch_rows = static_cast<int>(src.get_int("SCORELINE_SSE_BATCH_ROWS", 500, 1, 100000));
    s.http.max_head_bytes =
        static_cast<std::size_t>(src.get_int("SCORELINE_SSE_MAX_REQUEST_BYTES", 8192, 512, 65536));
    s.http.max_line_bytes = std::min<std::size_t>(s.http.max_head_bytes, 4096);
    s.http.max_headers =
        static_cast<std::size_t>(src.get_int("SCORELINE_SSE_MAX_HEADERS", 64, 4, 256));
    s.replay.window =
        std::chrono::seconds(src.get_int("SCORELINE_SSE_REPLAY_WINDOW_S", 3600, 1, 30 * 86400));
    s.replay.max_rows =
        static_cast<int>(src.get_int("SCORELINE_SSE_REPLAY_MAX_ROWS", 10000, 1, 1'000'000));
    s.access.cache_ttl = src.get_ms("SCORELINE_SSE_ACCESS_CACHE_MS", milliseconds(5000),
                                    milliseconds(0), milliseconds(600000));
    s.access.issuer = src.get_string("SCORELINE_JWT_ISSUER", "scoreline");
    s.access.leeway = std::chrono::seconds(src.get_int("SCORELINE_JWT_LEEWAY_S", 30, 0, 300));
    load_keys(src, s);
    return s;
}

}  // namespace sse
