// harness::TempPostgres: a throwaway PostgreSQL cluster for one test binary:
// initdb in a temp folder, a free loopback port, a unix socket in the same
// folder, fsync off. Never runs as root: under root it runs as `nobody`
// (or SCORELINE_TEST_PG_USER).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "process.hpp"

namespace harness {

class TempPostgres {
  public:
    // Extra `-c name=value` server settings, e.g. {"max_connections=300"}.
    explicit TempPostgres(std::vector<std::string> settings = {});
    ~TempPostgres();
    TempPostgres(const TempPostgres&) = delete;
    TempPostgres& operator=(const TempPostgres&) = delete;

    // Creates a database (if missing) and returns its libpq URI.
    std::string create_database(const std::string& name);
    [[nodiscard]] std::string url(const std::string& database) const;
    [[nodiscard]] int port() const noexcept { return port_; }
    [[nodiscard]] const std::string& socket_dir() const noexcept { return dir_->path(); }
    [[nodiscard]] std::string bin(const std::string& tool) const { return bindir_ + "/" + tool; }

    void stop();   // fast shutdown, waits for exit
    void start();  // same data, same port
    void restart() {
        stop();
        start();
    }
    // The server's log (stderr); log_line_prefix "%m [%p] %a " names each
    // line's application_name.
    [[nodiscard]] std::string server_log() const { return read_file(dir_->path() + "/server.log"); }
    // Runs psql -At -c sql against `database`; returns stdout, throws on failure.
    std::string psql(const std::string& database, const std::string& sql) const;

  private:
    std::vector<std::string> settings_;
    std::unique_ptr<TempDir> dir_;
    std::string bindir_;
    std::string datadir_;
    std::optional<std::string> run_as_;
    int port_ = 0;
    std::unique_ptr<Process> server_;
};

// The directory with initdb/postgres/pg_dump of the newest installed version.
[[nodiscard]] std::string postgres_bindir();

}  // namespace harness
