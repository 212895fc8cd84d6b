// The scoreline-sse test fixture; see sse_fixture.hpp.
#include "sse_fixture.hpp"

#include <curl/curl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "auth/keys.hpp"
#include "http_client.hpp"
#include "stack.hpp"
#include "stream/ticket.hpp"

namespace ssetest {

Writer::Writer(const std::string& url) : conn_(db::Connection::open({url, "sse-test-writer"})) {}

std::int64_t Writer::make_event(const std::string& status) {
    static constexpr db::Statement kUser{
        "sse_test_user",
        "INSERT INTO users (email, password_hash, display_name) "
        "VALUES ('sse-' || gen_random_uuid() || '@example.org', 'x', 'SSE test') RETURNING id"};
    static constexpr db::Statement kEvent{
        "sse_test_event",
        "INSERT INTO events (name, slug, sport, format, status, starts_on, owner_id) "
        "VALUES ($1, $2, 'football', 'round_robin', $3, current_date, $4) RETURNING id"};
    if (!user_id_) {
        user_id_ = conn_.exec(kUser).get<std::int64_t>(0, 0);
    }
    ++events_;
    const std::string slug = "sse-" + std::to_string(*user_id_) + "-" + std::to_string(events_);
    return conn_.exec(kEvent, "SSE test " + slug, slug, status, *user_id_).get<std::int64_t>(0, 0);
}

std::int64_t Writer::insert(const std::string& topic, const std::string& kind,
                            const std::string& payload_json) {
    static constexpr db::Statement kInsert{
        "sse_test_outbox",
        "INSERT INTO outbox (topic, kind, payload) VALUES ($1, $2, $3::jsonb) RETURNING id"};
    return conn_.exec(kInsert, topic, kind, payload_json).get<std::int64_t>(0, 0);
}

TicketKeys make_ticket_keys(const std::string& dir) {
    harness::RunResult r =
        harness::run_process({harness::source_dir() + "/scripts/make-jwt-key.sh", dir});
    if (r.exit_code != 0) {
        throw std::runtime_error("make-jwt-key.sh failed: " + r.out + r.err);
    }
    TicketKeys k;
    k.dir = dir;
    k.kid = harness::read_file(dir + "/signing.kid");
    while (!k.kid.empty() && (k.kid.back() == '\n' || k.kid.back() == ' ')) {
        k.kid.pop_back();
    }
    k.private_pem = dir + "/" + k.kid + ".pem";
    k.public_pem = dir + "/" + k.kid + ".pub.pem";
    return k;
}

std::string make_ticket(const TicketKeys& keys, std::int64_t user_id,
                        const std::vector<std::string>& topics, std::chrono::seconds ttl,
                        const std::string& role) {
    const auth::SigningKey key =
        auth::load_signing_key("SCORELINE_JWT_SIGNING_KEY", keys.kid + ":" + keys.private_pem);
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    // An expired ticket: issued long enough ago that exp + leeway has passed.
    const std::int64_t issued = ttl.count() > 0 ? now : now - 3600;
    const auto lifetime = ttl.count() > 0 ? ttl : std::chrono::seconds(60);
    return stream::issue_ticket(key, "scoreline", user_id, role,
                                "0b7c3f7e-2f0e-4a59-9a4e-0d6b2f1c9e11", topics, lifetime, issued);
}

SseProcess::SseProcess(std::string dir, std::string name, harness::Env env)
    : dir_(std::move(dir)),
      name_(std::move(name)),
      socket_(dir_ + "/" + name_ + ".sock"),
      log_(dir_ + "/" + name_ + ".log"),
      env_(std::move(env)) {}

SseProcess::~SseProcess() {
    if (process_ && process_->running()) {
        (void)terminate(std::chrono::seconds(10));
    }
}

void SseProcess::start() {
    if (ops_port_ == 0) {
        ops_port_ = harness::free_port();
    }
    harness::Env env = env_;
    env["SCORELINE_SSE_LISTEN"] = "unix:" + socket_;
    env["SCORELINE_SSE_SOCKET_MODE"] = "0666";
    env["SCORELINE_SSE_METRICS_LISTEN"] = "127.0.0.1:" + std::to_string(ops_port_);
    process_ = std::make_unique<harness::Process>(
        std::vector<std::string>{harness::binary_dir() + "/sse/scoreline-sse"},
        harness::SpawnOptions{env, std::nullopt, log_, log_});
    const bool up = harness::wait_until(
        [&] {
            if (!process_->running()) {
                return true;
            }
            // Up means connected too: a stream opened before the process has
            // its database connection is admitted unverified and waits.
            const auto [status, body] = ops_get("/healthz");
            return std::filesystem::exists(socket_) && status == 200 &&
                   body.find("\"database\":\"up\"") != std::string::npos;
        },
        std::chrono::seconds(15));
    if (!up || !process_->running()) {
        throw std::runtime_error("scoreline-sse " + name_ + " did not start: " + log());
    }
}

void SseProcess::kill(int sig) {
    if (process_) {
        process_->signal(sig);
        if (sig == SIGKILL) {
            (void)process_->wait(std::chrono::seconds(10));
        }
    }
}

std::optional<int> SseProcess::terminate(std::chrono::milliseconds timeout) {
    if (!process_) {
        return std::nullopt;
    }
    process_->signal(SIGTERM);
    auto st = process_->wait(timeout);
    if (!st) {
        process_->signal(SIGKILL);
        (void)process_->wait(std::chrono::seconds(5));
    }
    return st;
}

bool SseProcess::running() {
    return process_ && process_->running();
}

harness::SseClientOptions SseProcess::client(const std::string& path,
                                             std::vector<std::string> headers) const {
    harness::SseClientOptions o;
    o.url = "http://localhost" + path;
    o.unix_socket = socket_;
    o.headers = std::move(headers);
    return o;
}

std::pair<long, std::string> SseProcess::ops_get(const std::string& path) const {
    harness::HttpClient client;
    auto r = client.request("GET", "http://127.0.0.1:" + std::to_string(ops_port_) + path, {}, {},
                            std::chrono::seconds(2));
    return {r.status, r.body};
}

SseWorld::SseWorld()
    : dir_(std::make_unique<harness::TempDir>("sse")),
      pg_(std::make_unique<harness::TempPostgres>(
          std::vector<std::string>{"max_connections=200"})) {
    db_url_ = pg_->create_database("scoreline");
    harness::RunResult m =
        harness::run_process({harness::binary_dir() + "/migrations/scoreline-migrate", "--dir",
                              harness::source_dir() + "/migrations", "up"},
                             {{"SCORELINE_DATABASE_URL", db_url_}});
    if (m.exit_code != 0) {
        throw std::runtime_error("migrate up failed: " + m.out + m.err);
    }
    keys_ = make_ticket_keys(dir_->path() + "/jwt");
}

harness::Env SseWorld::base_env() const {
    return {{"SCORELINE_DATABASE_URL", db_url_},
            {"SCORELINE_LOG_LEVEL", "debug"},
            {"SCORELINE_SSE_HEARTBEAT_MS", "300"},
            {"SCORELINE_SSE_POLL_INTERVAL_MS", "200"},
            {"SCORELINE_SSE_RETRY_MS", "500"},
            {"SCORELINE_SSE_MAX_CONNECTIONS_PER_IP", "1000"},
            {"SCORELINE_SSE_DB_RECONNECT_MAX_MS", "500"},
            {"SCORELINE_SSE_ACCESS_CACHE_MS", "200"},
            {"SCORELINE_JWT_VERIFY_KEYS", keys_.verify_setting()}};
}

std::unique_ptr<SseProcess> SseWorld::start_sse(const std::string& name,
                                                const harness::Env& extra) {
    harness::Env env = base_env();
    for (const auto& [k, v] : extra) {
        env[k] = v;
    }
    auto p = std::make_unique<SseProcess>(dir_->path(), name, env);
    p->start();
    return p;
}

std::string raw_exchange(const std::string& socket, const std::string& bytes,
                         std::chrono::milliseconds timeout) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket.c_str(), sizeof addr.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        throw std::runtime_error("connect " + socket + ": " + std::strerror(errno));
    }
    (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) {
            continue;
        }
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            break;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

std::vector<std::int64_t> ids_of(const std::vector<harness::SseEvent>& events) {
    std::vector<std::int64_t> ids;
    for (const auto& e : events) {
        ids.push_back(e.id.empty() ? -1 : std::stoll(e.id));
    }
    return ids;
}

}  // namespace ssetest
