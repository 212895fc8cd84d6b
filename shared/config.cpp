// config::Source: SCORELINE_* settings from the environment and a file, with
// validating getters. The table of known settings lives here.
#include "config.hpp"

#include <charconv>
#include <fstream>
#include <string>

namespace config {
namespace {

constexpr std::string_view kPrefix = "SCORELINE_";

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) {
        return {};
    }
    const auto e = s.find_last_not_of(" \t\r");
    return std::string(s.substr(b, e - b + 1));
}

void read_file(const std::string& path, std::map<std::string, std::string, std::less<>>& out) {
    std::ifstream in(path);
    if (!in) {
        throw Error("SCORELINE_CONFIG_FILE: cannot read '" + path + "'");
    }
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        std::string t = trim(line);
        if (t.empty() || t.front() == '#') {
            continue;
        }
        const auto eq = t.find('=');
        if (eq == std::string::npos || !t.starts_with(kPrefix)) {
            throw Error("SCORELINE_CONFIG_FILE: " + path + ":" + std::to_string(number) +
                        ": expected SCORELINE_NAME=value");
        }
        std::string value = trim(std::string_view(t).substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        out.emplace(trim(std::string_view(t).substr(0, eq)), std::move(value));
    }
}

}  // namespace

const std::vector<Setting>& known_settings() {
    static const std::vector<Setting> settings = {
        {"SCORELINE_CONFIG_FILE", "", "optional file of NAME=value lines; the environment wins"},
        {"SCORELINE_DATABASE_URL", "", "libpq connection string or URI (required)"},
        {"SCORELINE_LOG_LEVEL", "info", "debug | info | warn | error"},
        {"SCORELINE_LISTEN", "unix:/tmp/scoreline-api.sock",
         "FastCGI socket of scoreline-api: unix:/abs/path or 127.0.0.1:PORT"},
        {"SCORELINE_SOCKET_MODE", "0660", "permissions of the unix socket, octal"},
        {"SCORELINE_WORKERS", "2 per core", "number of worker processes, 1..256"},
        {"SCORELINE_MAX_REQUESTS", "10000",
         "a worker is recycled after this many requests, 0 = never"},
        {"SCORELINE_DRAIN_TIMEOUT_MS", "10000",
         "on SIGTERM, how long workers may finish in-flight requests before SIGKILL"},
        {"SCORELINE_RESPAWN_BACKOFF_MAX_MS", "30000",
         "longest wait before respawning a worker that keeps crashing"},
        {"SCORELINE_STATUS_DATA_DIR", "",
         "folder whose free disk /status reports (data dir); omitted when unset"},
        {"SCORELINE_STATUS_LOG_DIR", "",
         "folder whose free disk /status reports (log dir); omitted when unset"},
        {"SCORELINE_STATEMENT_TIMEOUT_MS", "5000", "statement_timeout of every API query"},
        {"SCORELINE_DB_RETRY_ATTEMPTS", "3",
         "attempts of a transaction on serialization failure or deadlock"},
        {"SCORELINE_DB_SESSION_TRACE", "on",
         "name each worker's PostgreSQL session after the request's trace (application_name)"},
        {"SCORELINE_SLOW_REQUEST_MS", "1000",
         "a request slower than this logs its statements (slow_request); 0 = off"},
        {"SCORELINE_MAX_BODY_BYTES", "1048576",
         "largest request body of write routes (and test routes); larger ones get 413"},
        {"SCORELINE_MAX_AUTH_BODY_BYTES", "16384",
         "largest request body of /api/v1/auth/* routes, 1024..1048576"},
        {"SCORELINE_MAX_READ_BODY_BYTES", "4096",
         "largest request body of read, export and ops routes, 0..1048576"},
        // per-user limits of scoreline-api (docs/configuration.md, docs/edge.md)
        {"SCORELINE_RATE_LIMIT_AUTH", "5/s burst 20",
         "token bucket per caller for /api/v1/auth/*: RATE/s burst N, RATE/m burst N or off"},
        {"SCORELINE_RATE_LIMIT_READ", "50/s burst 100",
         "token bucket per caller for GET routes: RATE/s burst N, RATE/m burst N or off"},
        {"SCORELINE_RATE_LIMIT_WRITE", "10/s burst 30",
         "token bucket per caller for POST/PUT/PATCH/DELETE routes, or off"},
        {"SCORELINE_RATE_LIMIT_EXPORT", "1/s burst 5",
         "token bucket per caller for GET .../export, or off"},
        {"SCORELINE_RATE_LIMIT_SLOTS", "65536",
         "buckets in the shared rate-limit table, 64..4194304 (32 bytes each)"},
        // observability (docs/observability.md)
        {"SCORELINE_TLS_CERTIFICATE", "",
         "PEM certificate nginx serves; /metrics exports its notAfter (unset: not exported)"},
        {"SCORELINE_MIGRATIONS_DIR", "the source tree's migrations/",
         "where scoreline-migrate finds NNNN_name.up.sql files"},
        {"SCORELINE_MIGRATE_LOCK_TIMEOUT_MS", "5000",
         "lock_timeout set for each migration transaction"},
        {"SCORELINE_MIGRATE_STATEMENT_TIMEOUT_MS", "0",
         "statement_timeout set for each migration, 0 = none"},
        // accounts and tokens (docs/auth.md)
        {"SCORELINE_JWT_SIGNING_KEY", "",
         "KID:/path/key.pem, the Ed25519 private key that signs access tokens (required by the "
         "server)"},
        {"SCORELINE_JWT_VERIFY_KEYS", "",
         "KID:/path.pem[,KID:/path.pem…], more Ed25519 keys (public or private PEM) accepted on "
         "verification"},
        {"SCORELINE_JWT_ISSUER", "scoreline", "iss of access tokens, checked on verification"},
        {"SCORELINE_JWT_AUDIENCE", "scoreline-api",
         "aud of access tokens, checked on verification"},
        {"SCORELINE_ACCESS_TOKEN_TTL_S", "900",
         "lifetime of an access token in seconds, 60..86400"},
        {"SCORELINE_JWT_LEEWAY_S", "30", "clock skew allowed on exp, nbf and iat, 0..300 s"},
        {"SCORELINE_REFRESH_TOKEN_TTL_S", "2592000", "lifetime of a refresh token (30 days)"},
        {"SCORELINE_PASSWORD_RESET_TTL_S", "1800", "lifetime of a password-reset token (30 min)"},
        {"SCORELINE_MAIL_SINK_FILE", "",
         "local stacks only: absolute path of a file every queued mail (reset links included) "
         "is appended to; unset: off"},
        {"SCORELINE_PASSWORD_RESET_MAX_PER_WINDOW", "3",
         "reset mails per account inside the window, 1..1000; more requests send nothing"},
        {"SCORELINE_PASSWORD_RESET_WINDOW_S", "3600",
         "window of the per-account reset limit in seconds, 60..604800"},
        {"SCORELINE_ARGON2_OPSLIMIT", "2", "Argon2id passes for password hashes, 1..100"},
        {"SCORELINE_ARGON2_MEMLIMIT_KIB", "65536", "Argon2id memory for password hashes in KiB"},
        {"SCORELINE_CRACKLIB_DICT", "/var/cache/cracklib/cracklib_dict",
         "cracklib dictionary prefix used by the password policy"},
        {"SCORELINE_LOGIN_MAX_FAILURES", "5",
         "failed logins per account and per IP inside the window before 429"},
        {"SCORELINE_LOGIN_FAILURE_WINDOW_S", "900", "window in which failed logins are counted"},
        {"SCORELINE_LOGIN_DELAY_BASE_S", "2",
         "first wait after the limit; doubles with each further failure"},
        {"SCORELINE_LOGIN_DELAY_MAX_S", "900", "longest wait a throttled login is told to make"},
        // scoreline-sse, live updates (docs/sse.md)
        {"SCORELINE_SSE_LISTEN", "unix:/tmp/scoreline-sse.sock",
         "unix socket scoreline-sse serves streams on (nginx proxies to it): unix:/abs/path"},
        {"SCORELINE_SSE_TCP_LISTEN", "off", "also serve streams on IPV4:PORT, e.g. 127.0.0.1:8601"},
        {"SCORELINE_SSE_SOCKET_MODE", "0660", "permissions of scoreline-sse's unix socket, octal"},
        {"SCORELINE_SSE_METRICS_LISTEN", "127.0.0.1:9465",
         "IPV4:PORT of scoreline-sse's /healthz and /metrics, or off"},
        {"SCORELINE_SSE_MAX_CONNECTIONS", "0",
         "open streams per process before 503; 0 = derived from RLIMIT_NOFILE"},
        {"SCORELINE_SSE_MAX_CONNECTIONS_PER_IP", "100",
         "open streams per client address before 429"},
        {"SCORELINE_SSE_MAX_BACKLOG_BYTES", "1048576",
         "unwritten bytes a client may fall behind before it is dropped"},
        {"SCORELINE_SSE_WRITE_TIMEOUT_MS", "30000",
         "a client whose pending output makes no progress this long is dropped"},
        {"SCORELINE_SSE_HANDSHAKE_TIMEOUT_MS", "10000", "time to send a complete request head"},
        {"SCORELINE_SSE_HEARTBEAT_MS", "15000",
         "interval of the heartbeat comment on every stream"},
        {"SCORELINE_SSE_RETRY_MS", "3000", "the retry: reconnection delay sent to clients"},
        {"SCORELINE_SSE_DRAIN_TIMEOUT_MS", "5000",
         "on SIGTERM, how long streams may flush before they are closed"},
        {"SCORELINE_SSE_POLL_INTERVAL_MS", "1000",
         "the outbox is probed this often even without a notification"},
        {"SCORELINE_SSE_BATCH_ROWS", "500", "outbox rows read per query"},
        {"SCORELINE_SSE_DB_RECONNECT_MAX_MS", "5000", "longest wait between database reconnects"},
        {"SCORELINE_SSE_MAX_TOPICS", "32", "topics per stream, 1..32"},
        {"SCORELINE_SSE_MAX_REQUEST_BYTES", "8192",
         "largest request head (lines are at most 4096)"},
        {"SCORELINE_SSE_MAX_HEADERS", "64", "most header fields in a request"},
        {"SCORELINE_SSE_REPLAY_WINDOW_S", "3600",
         "Last-Event-ID older than this gets event: reset; keep below the outbox retention"},
        {"SCORELINE_SSE_REPLAY_MAX_ROWS", "10000", "a larger replay gets event: reset instead"},
        {"SCORELINE_SSE_ACCESS_CACHE_MS", "5000",
         "how long an event's public/draft status is cached"},
        {"SCORELINE_STREAM_TICKET_TTL_S", "60",
         "lifetime of a stream ticket (scoreline-api), 10..600 s"},
        {"SCORELINE_INTEGRITY", "",
         "integrity detector thresholds: a JSON object overriding the defaults "
         "(docs/integrity.md); empty = the defaults"},
    };
    return settings;
}

Source Source::load(char** environ) {
    Source src;
    std::map<std::string, std::string, std::less<>> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view kv(*e);
        if (!kv.starts_with(kPrefix)) {
            continue;
        }
        const auto eq = kv.find('=');
        if (eq == std::string_view::npos) {
            continue;
        }
        env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
    if (auto it = env.find("SCORELINE_CONFIG_FILE"); it != env.end() && !it->second.empty()) {
        read_file(it->second, src.values_);
    }
    for (auto& [k, v] : env) {
        src.values_[k] = v;  // the environment wins over the file
    }
    return src;
}

Source Source::from_map(std::map<std::string, std::string> values) {
    Source src;
    for (auto& [k, v] : values) {
        src.values_.emplace(k, v);
    }
    return src;
}

std::optional<std::string> Source::find(std::string_view name) const {
    auto it = values_.find(name);
    if (it == values_.end() || it->second.empty()) {
        return std::nullopt;
    }
    return it->second;
}

std::string Source::get_string(std::string_view name, std::string_view fallback) const {
    auto v = find(name);
    return v ? *v : std::string(fallback);
}

std::string Source::require_string(std::string_view name) const {
    auto v = find(name);
    if (!v) {
        throw Error(std::string(name) + ": required, not set");
    }
    return *v;
}

std::int64_t Source::get_int(std::string_view name, std::int64_t fallback, std::int64_t min,
                             std::int64_t max) const {
    auto v = find(name);
    if (!v) {
        return fallback;
    }
    std::int64_t out = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc{} || p != v->data() + v->size() || out < min || out > max) {
        throw Error(std::string(name) + ": must be an integer from " + std::to_string(min) +
                    " to " + std::to_string(max) + ", got '" + *v + "'");
    }
    return out;
}

std::chrono::milliseconds Source::get_ms(std::string_view name, std::chrono::milliseconds fallback,
                                         std::chrono::milliseconds min,
                                         std::chrono::milliseconds max) const {
    return std::chrono::milliseconds(get_int(name, fallback.count(), min.count(), max.count()));
}

bool Source::get_bool(std::string_view name, bool fallback) const {
    auto v = find(name);
    if (!v) {
        return fallback;
    }
    if (*v == "1" || *v == "true" || *v == "yes" || *v == "on") {
        return true;
    }
    if (*v == "0" || *v == "false" || *v == "no" || *v == "off") {
        return false;
    }
    throw Error(std::string(name) + ": must be true or false, got '" + *v + "'");
}

std::string Source::get_enum(std::string_view name, std::string_view fallback,
                             const std::vector<std::string_view>& allowed) const {
    std::string v = get_string(name, fallback);
    for (auto a : allowed) {
        if (v == a) {
            return v;
        }
    }
    std::string list;
    for (auto a : allowed) {
        list += (list.empty() ? "" : ", ") + std::string(a);
    }
    throw Error(std::string(name) + ": must be one of " + list + ", got '" + v + "'");
}

std::vector<std::string> Source::unknown_names() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : values_) {
        bool known = false;
        for (const auto& s : known_settings()) {
            known = known || s.name == k;
        }
        if (!known) {
            out.push_back(k);
        }
    }
    return out;
}

ListenAddress parse_listen(std::string_view setting, std::string_view text) {
    ListenAddress a;
    const std::string allowed = ": must be unix:/absolute/path or HOST:PORT (port 1-65535), got '" +
                                std::string(text) + "'";
    if (text.starts_with("unix:")) {
        a.kind = ListenAddress::Kind::kUnix;
        a.path = std::string(text.substr(5));
        // sockaddr_un.sun_path holds 108 bytes including the terminator.
        if (a.path.empty() || a.path.front() != '/' || a.path.size() > 107) {
            throw Error(std::string(setting) + allowed);
        }
        return a;
    }
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        throw Error(std::string(setting) + allowed);
    }
    a.kind = ListenAddress::Kind::kTcp;
    a.host = std::string(text.substr(0, colon));
    std::string_view port = text.substr(colon + 1);
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || p != port.data() + port.size() || value == 0 || value > 65535) {
        throw Error(std::string(setting) + allowed);
    }
    a.port = static_cast<std::uint16_t>(value);
    return a;
}

}  // namespace config
