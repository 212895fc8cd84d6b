// The end-to-end stack; see stack.hpp.
#include "stack.hpp"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "http_client.hpp"

namespace harness {

std::string source_dir() {
    return SCORELINE_SOURCE_DIR;
}
std::string binary_dir() {
    return SCORELINE_BINARY_DIR;
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
    start_api();
    if (options_.start_nginx) {
        start_nginx();
    }
}

Stack::~Stack() {
    if (nginx_) {
        nginx_->signal(SIGQUIT);
        (void)nginx_->wait(std::chrono::seconds(5));
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

void Stack::start_api() {
    Env env = {{"SCORELINE_DATABASE_URL", db_url_},
               {"SCORELINE_LISTEN", "unix:" + socket_},
               {"SCORELINE_SOCKET_MODE", "0666"},
               {"SCORELINE_WORKERS", std::to_string(options_.workers)},
               {"SCORELINE_DRAIN_TIMEOUT_MS", "10000"}};
    for (const auto& [k, v] : options_.api_env) {
        env[k] = v;
    }
    api_ = std::make_unique<Process>(
        std::vector<std::string>{binary_dir() + "/workers/scoreline-api"},
        SpawnOptions{env, std::nullopt, dir_->path() + "/api.log", dir_->path() + "/api.log"});
    if (!wait_until([&] { return std::filesystem::exists(socket_); }, std::chrono::seconds(10))) {
        throw std::runtime_error("scoreline-api did not create its socket: " + api_log());
    }
}

void Stack::start_nginx() {
    const std::string run = dir_->path() + "/nginx";
    std::filesystem::create_directories(run + "/logs");
    std::filesystem::create_directories(run + "/tmp");
    RunResult cert = run_process({source_dir() + "/scripts/make-cert.sh", dir_->path() + "/tls"});
    if (cert.exit_code != 0) {
        throw std::runtime_error("make-cert.sh failed: " + cert.err);
    }
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
               {"WORKER_CONNECTIONS", "1024"}};
    // As root, nginx's workers would otherwise switch to nobody and could not
    // write the temp folders of this root-owned test directory.
    if (::geteuid() == 0) {
        env["NGINX_USER"] = "root";
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

}  // namespace harness
