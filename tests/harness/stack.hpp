// harness::Stack: the whole local stack for end-to-end tests, on loopback:
// a TempPostgres with the schema migrated, scoreline-api on a unix socket and
// nginx rendered from nginx/scoreline.conf.template with a fresh self-signed
// certificate (also scoreline-api's SCORELINE_TLS_CERTIFICATE), all in one
// temp folder and torn down with the object.
// scoreline-api gets a fresh Ed25519 token key (scripts/make-jwt-key.sh) and
// a cheap Argon2id cost and per-user limits far above any suite's load;
// StackOptions::api_env overrides any of it.
// With sse_processes > 0, that many scoreline-sse processes (each its own unix
// socket and ops port, the token keys' public halves for stream tickets) run
// behind nginx's stream routes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "postgres.hpp"
#include "process.hpp"

namespace harness {

struct StackOptions {
    int workers = 2;
    Env api_env;  // extra SCORELINE_* settings for scoreline-api
    bool start_nginx = true;
    std::vector<std::string> pg_settings;
    int sse_processes = 0;  // scoreline-sse processes behind nginx (issue 6)
    Env sse_env;            // extra SCORELINE_* settings for every scoreline-sse
    // Extra nginx/render.sh variables (e.g. SSE_CONN_PER_IP). The stack renders
    // nginx with request limits far above anything a suite sends from one
    // address (high_nginx_limits()); a test of the limits lowers them here.
    Env nginx_env;

    [[nodiscard]] static StackOptions with(int worker_count, Env env = {}) {
        StackOptions o;
        o.workers = worker_count;
        o.api_env = std::move(env);
        return o;
    }
};

// The render.sh limits every Stack starts with, before StackOptions::nginx_env.
[[nodiscard]] const Env& high_nginx_limits();

class Stack {
  public:
    explicit Stack(StackOptions options = {});
    ~Stack();

    [[nodiscard]] std::string https_url(const std::string& path) const;
    [[nodiscard]] std::string http_url(const std::string& path) const;
    [[nodiscard]] int https_port() const noexcept { return https_port_; }
    [[nodiscard]] int http_port() const noexcept { return http_port_; }
    [[nodiscard]] TempPostgres& postgres() noexcept { return *pg_; }
    [[nodiscard]] const std::string& database_url() const noexcept { return db_url_; }
    [[nodiscard]] Process& api() noexcept { return *api_; }
    // scoreline-api's FastCGI socket (for harness::fcgi_get).
    [[nodiscard]] const std::string& api_socket() const noexcept { return socket_; }
    [[nodiscard]] const std::string& dir() const noexcept { return dir_->path(); }
    [[nodiscard]] std::string api_log() const { return read_file(dir_->path() + "/api.log"); }
    [[nodiscard]] std::string nginx_access_log() const {
        return read_file(dir_->path() + "/nginx/logs/access.log");
    }
    [[nodiscard]] std::string nginx_error_log() const {
        return read_file(dir_->path() + "/nginx/logs/error.log");
    }
    [[nodiscard]] std::string cert_file() const { return dir_->path() + "/tls/cert.pem"; }
    // The access-token signing key scoreline-api uses: its kid and PEM file.
    [[nodiscard]] const std::string& jwt_kid() const noexcept { return jwt_kid_; }
    [[nodiscard]] std::string jwt_key_file() const {
        return dir_->path() + "/jwt/" + jwt_kid_ + ".pem";
    }
    // Environment for other scoreline-api invocations (e.g. `admin create`).
    [[nodiscard]] Env api_env() const;

    // scoreline-sse process i (0-based): its socket, ops port (/healthz, /metrics), log.
    [[nodiscard]] int sse_count() const noexcept { return static_cast<int>(sse_.size()); }
    [[nodiscard]] std::string sse_socket(int i) const;
    [[nodiscard]] int sse_ops_port(int i) const {
        return sse_ops_ports_.at(static_cast<std::size_t>(i));
    }
    [[nodiscard]] std::string sse_log(int i) const;
    [[nodiscard]] Process& sse(int i) { return *sse_.at(static_cast<std::size_t>(i)); }
    // Starts scoreline-sse process i (again, after a test stopped or killed it).
    void start_sse(int i);

    // Starts scoreline-api again after a test stopped (or killed) it.
    void start_api();
    // SIGHUP to nginx: new workers with the same configuration, the old ones
    // finish their requests and streams (worker_shutdown_timeout).
    void reload_nginx();
    // Runs scoreline-migrate with args; returns its result.
    RunResult migrate(const std::vector<std::string>& args) const;

  private:
    void start_nginx();
    void make_jwt_key();

    StackOptions options_;
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<TempPostgres> pg_;
    std::string db_url_;
    std::string socket_;
    int https_port_ = 0;
    int http_port_ = 0;
    std::string jwt_kid_;
    Env jwt_env_;
    std::unique_ptr<Process> api_;
    std::unique_ptr<Process> nginx_;
    std::vector<std::unique_ptr<Process>> sse_;
    std::vector<int> sse_ops_ports_;
};

[[nodiscard]] std::string source_dir();
[[nodiscard]] std::string binary_dir();

}  // namespace harness
