// The end-to-end stack; see stack.hpp.
#include "stack.hpp"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "http_client.hpp"

namespace harness {

std::string source_dir() {
    return SCORELINE_SOURCE_DIR;
}
std::string binary_dir() {
    return SCORELINE_BINARY_DIR;
}

const Env& high_nginx_limits() {
    // Suites send hundreds of requests from 127.0.0.1 within seconds; the
    // production defaults (docs/edge.md) would throttle them.
    static const Env limits = {
        {"API_RATE", "10000r/s"},    {"API_BURST", "100000"},    {"AUTH_RATE", "10000r/s"},
        {"AUTH_BURST", "100000"},    {"WRITE_RATE", "10000r/s"}, {"WRITE_BURST", "100000"},
        {"STREAM_RATE", "10000r/s"}, {"STREAM_BURST", "100000"}, {"API_CONN_PER_IP", "60000"}};
    return limits;
}

Stack::Stack(StackOptions options)
    : options_(std::move(options)),
      dir_(std::make_unique<TempDir>("stack")),
      pg_(std::make_unique<TempPostgres>(options_.pg_settings)) {
    db_url_ = pg_->create_database("scoreline");
    RunResult m = migrate({"up"});
    if (m.exit_code != 0) {
        throw std::runtime_error("migrate up failed: " + m.out + m.err);
    }
    socket_ = dir_->path() + "/api.sock";
    // Before scoreline-api: SCORELINE_TLS_CERTIFICATE names it.
    RunResult cert = run_process({source_dir() + "/scripts/make-cert.sh", dir_->path() + "/tls"});
    if (cert.exit_code != 0) {
        throw std::runtime_error("make-cert.sh failed: " + cert.err);
    }
    make_jwt_key();
    start_api();
    for (int i = 0; i < options_.sse_processes; ++i) {
        sse_.emplace_back();
        sse_ops_ports_.push_back(free_port());
        start_sse(i);
    }
    if (options_.start_nginx) {
        start_nginx();
    }
}

Stack::~Stack() {
    if (nginx_) {
        nginx_->signal(SIGQUIT);
        (void)nginx_->wait(std::chrono::seconds(5));
    }
    for (auto& sse : sse_) {
        if (sse) {
            sse->signal(SIGTERM);
            (void)sse->wait(std::chrono::seconds(10));
        }
    }
    if (api_) {
        api_->signal(SIGTERM);
        (void)api_->wait(std::chrono::seconds(10));
    }
}

RunResult Stack::migrate(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {binary_dir() + "/migrations/scoreline-migrate", "--dir",
                                     source_dir() + "/migrations"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, {{"SCORELINE_DATABASE_URL", db_url_}});
}

void Stack::make_jwt_key() {
    const std::string dir = dir_->path() + "/jwt";
    RunResult key = run_process({source_dir() + "/scripts/make-jwt-key.sh", dir});
    if (key.exit_code != 0) {
        throw std::runtime_error("make-jwt-key.sh failed: " + key.out + key.err);
    }
    std::istringstream lines(read_file(dir + "/jwt.env"));
    std::string line;
    while (std::getline(lines, line)) {
        const auto eq = line.find('=');
        if (eq != std::string::npos) {
            jwt_env_[line.substr(0, eq)] = line.substr(eq + 1);
        }
    }
    const std::string signing = jwt_env_["SCORELINE_JWT_SIGNING_KEY"];
    jwt_kid_ = signing.substr(0, signing.find(':'));
}

Env Stack::api_env() const {
    Env env = jwt_env_;
    env["SCORELINE_DATABASE_URL"] = db_url_;
    env["SCORELINE_LISTEN"] = "unix:" + socket_;
    env["SCORELINE_SOCKET_MODE"] = "0666";
    env["SCORELINE_WORKERS"] = std::to_string(options_.workers);
    env["SCORELINE_DRAIN_TIMEOUT_MS"] = "10000";
    // Tests hash many passwords; the production cost would only slow them down.
    env["SCORELINE_ARGON2_OPSLIMIT"] = "1";
    env["SCORELINE_ARGON2_MEMLIMIT_KIB"] = "1024";
    // The certificate nginx serves: /metrics exports its expiry.
    env["SCORELINE_TLS_CERTIFICATE"] = cert_file();
    // Like high_nginx_limits(): suites are far busier than one real user; a
    // test of the per-user limits sets its own (docs/configuration.md).
    for (const char* route_class : {"AUTH", "READ", "WRITE", "EXPORT"}) {
        env[std::string("SCORELINE_RATE_LIMIT_") + route_class] = "1000000/s burst 1000000";
    }
    for (const auto& [k, v] : options_.api_env) {
        env[k] = v;
    }
    return env;
}

void Stack::start_api() {
    const Env env = api_env();
    // A master killed with -9 leaves its socket file behind; the new one binds
    // afresh, and the wait below must see the new file, not the stale one.
    std::filesystem::remove(socket_);
    api_ = std::make_unique<Process>(
        std::vector<std::string>{binary_dir() + "/workers/scoreline-api"},
        SpawnOptions{env, std::nullopt, dir_->path() + "/api.log", dir_->path() + "/api.log"});
    if (!wait_until([&] { return std::filesystem::exists(socket_); }, std::chrono::seconds(10))) {
        throw std::runtime_error("scoreline-api did not create its socket: " + api_log());
    }
}

void Stack::reload_nginx() {
    if (nginx_) {
        nginx_->signal(SIGHUP);
    }
}

void Stack::start_nginx() {
    const std::string run = dir_->path() + "/nginx";
    std::filesystem::create_directories(run + "/logs");
    std::filesystem::create_directories(run + "/tmp");
    https_port_ = free_port();
    http_port_ = free_port();
    Env env = {{"MODE", "local"},
               {"RUN_DIR", run},
               {"LISTEN_HOST", "127.0.0.1"},
               {"HTTPS_PORT", std::to_string(https_port_)},
               {"HTTP_PORT", std::to_string(http_port_)},
               {"SERVER_NAME", "localhost"},
               {"TLS_CERT", cert_file()},
               {"TLS_KEY", dir_->path() + "/tls/key.pem"},
               {"API_UPSTREAM", "unix:" + socket_},
               {"WWW_ROOT", source_dir() + "/nginx/www"},
               {"WORKER_PROCESSES", "1"},
               {"WORKER_CONNECTIONS", "1024"},
               // Suites read right after they write, anonymously too; the
               // micro-cache would show them the answer of a moment before.
               // tests/e2e/edge_cache_test.cpp turns it on.
               {"MICROCACHE_TTL", "off"}};
    // As root, nginx's workers would otherwise switch to nobody and could not
    // write the temp folders of this root-owned test directory.
    if (::geteuid() == 0) {
        env["NGINX_USER"] = "root";
    }
    for (const auto& [k, v] : high_nginx_limits()) {
        env[k] = v;
    }
    if (!sse_.empty()) {
        std::string upstreams;
        for (int i = 0; i < sse_count(); ++i) {
            upstreams += (i ? "," : "") + std::string("unix:") + sse_socket(i);
        }
        env["SSE_UPSTREAMS"] = upstreams;
    }
    for (const auto& [k, v] : options_.nginx_env) {
        env[k] = v;
    }
    RunResult conf = run_process({source_dir() + "/nginx/render.sh"}, env);
    if (conf.exit_code != 0) {
        throw std::runtime_error("nginx/render.sh failed: " + conf.err);
    }
    write_file(run + "/nginx.conf", conf.out);
    nginx_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/sbin/nginx", "-p", run + "/", "-c", run + "/nginx.conf",
                                 "-e", run + "/logs/error.log", "-g", "daemon off;"},
        SpawnOptions{{}, std::nullopt, run + "/logs/stdout.log", run + "/logs/stdout.log"});
    HttpClient client;
    if (!wait_until([&] { return client.get(https_url("/healthz")).status == 200; },
                    std::chrono::seconds(15))) {
        throw std::runtime_error("nginx did not answer /healthz: " +
                                 read_file(run + "/logs/error.log") + "\n" + api_log());
    }
}

std::string Stack::https_url(const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(https_port_) + path;
}

std::string Stack::http_url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(http_port_) + path;
}

// --- scoreline-sse (issue 6) ---

std::string Stack::sse_socket(int i) const {
    return dir_->path() + "/sse-" + std::to_string(i) + ".sock";
}

std::string Stack::sse_log(int i) const {
    return read_file(dir_->path() + "/sse-" + std::to_string(i) + ".log");
}

void Stack::start_sse(int i) {
    const std::string sock = sse_socket(i);
    Env env = {{"SCORELINE_DATABASE_URL", db_url_},
               {"SCORELINE_SSE_LISTEN", "unix:" + sock},
               {"SCORELINE_SSE_SOCKET_MODE", "0666"},
               {"SCORELINE_SSE_METRICS_LISTEN", "127.0.0.1:" + std::to_string(sse_ops_port(i))}};
    // Stream tickets are verified with the public halves of the API's keys.
    if (auto it = jwt_env_.find("SCORELINE_JWT_VERIFY_KEYS"); it != jwt_env_.end()) {
        env["SCORELINE_JWT_VERIFY_KEYS"] = it->second;
    }
    for (const auto& [k, v] : options_.sse_env) {
        env[k] = v;
    }
    const std::string log = dir_->path() + "/sse-" + std::to_string(i) + ".log";
    auto& slot = sse_.at(static_cast<std::size_t>(i));
    if (slot && slot->running()) {
        throw std::runtime_error("scoreline-sse " + std::to_string(i) + " is already running");
    }
    slot = std::make_unique<Process>(std::vector<std::string>{binary_dir() + "/sse/scoreline-sse"},
                                     SpawnOptions{env, std::nullopt, log, log});
    HttpClient client;
    const std::string health = "http://127.0.0.1:" + std::to_string(sse_ops_port(i)) + "/healthz";
    if (!wait_until([&] { return !slot->running() || client.get(health).status == 200; },
                    std::chrono::seconds(15)) ||
        !slot->running()) {
        throw std::runtime_error("scoreline-sse " + std::to_string(i) +
                                 " did not start: " + sse_log(i));
    }
}

}  // namespace harness
