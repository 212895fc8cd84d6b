// harness::Stack: the whole local stack for end-to-end tests, on loopback:
// a TempPostgres with the schema migrated, scoreline-api on a unix socket and
// nginx rendered from nginx/scoreline.conf.template with a fresh self-signed
// certificate, all in one temp folder and torn down with the object.
#pragma once

#include <memory>
#include <string>

#include "postgres.hpp"
#include "process.hpp"

namespace harness {

struct StackOptions {
    int workers = 2;
    Env api_env;  // extra SCORELINE_* settings for scoreline-api
    bool start_nginx = true;
    std::vector<std::string> pg_settings;

    [[nodiscard]] static StackOptions with(int worker_count, Env env = {}) {
        StackOptions o;
        o.workers = worker_count;
        o.api_env = std::move(env);
        return o;
    }
};

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
    [[nodiscard]] const std::string& dir() const noexcept { return dir_->path(); }
    [[nodiscard]] std::string api_log() const { return read_file(dir_->path() + "/api.log"); }
    [[nodiscard]] std::string nginx_access_log() const {
        return read_file(dir_->path() + "/nginx/logs/access.log");
    }
    [[nodiscard]] std::string cert_file() const { return dir_->path() + "/tls/cert.pem"; }

    // Starts scoreline-api again after a test stopped it.
    void start_api();
    // Runs scoreline-migrate with args; returns its result.
    RunResult migrate(const std::vector<std::string>& args) const;

  private:
    void start_nginx();

    StackOptions options_;
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<TempPostgres> pg_;
    std::string db_url_;
    std::string socket_;
    int https_port_ = 0;
    int http_port_ = 0;
    std::unique_ptr<Process> api_;
    std::unique_ptr<Process> nginx_;
};

[[nodiscard]] std::string source_dir();
[[nodiscard]] std::string binary_dir();

}  // namespace harness
