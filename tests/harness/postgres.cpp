// TempPostgres: see postgres.hpp.
#include "postgres.hpp"

#include <libpq-fe.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace harness {

std::string postgres_bindir() {
    if (const char* env = std::getenv("SCORELINE_TEST_PG_BINDIR"); env && *env) {
        return env;
    }
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
        if (std::filesystem::exists(e.path() / "bin" / "initdb")) {
            found.push_back(e.path().filename().string());
        }
    }
    if (found.empty()) {
        throw std::runtime_error("no PostgreSQL server found under /usr/lib/postgresql");
    }
    std::sort(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
        return std::stoi(a) < std::stoi(b);
    });
    return "/usr/lib/postgresql/" + found.back() + "/bin";
}

TempPostgres::TempPostgres(std::vector<std::string> settings)
    : settings_(std::move(settings)),
      dir_(std::make_unique<TempDir>("pg")),
      bindir_(postgres_bindir()),
      datadir_(dir_->path() + "/data"),
      run_as_(unprivileged_user()) {
    if (run_as_) {
        chown_to(dir_->path(), *run_as_);
    }
    RunResult init = [&] {
        TempDir scratch("initdb");
        SpawnOptions o{{{"LC_ALL", "C.UTF-8"}}, run_as_, "", ""};
        o.stdout_path = dir_->path() + "/initdb.log";
        o.stderr_path = o.stdout_path;
        Process p({bindir_ + "/initdb", "-D", datadir_, "-U", "scoreline", "--auth=trust",
                   "--encoding=UTF8", "--no-sync", "--locale=C.UTF-8"},
                  o);
        RunResult r;
        auto st = p.wait(std::chrono::minutes(2));
        r.exit_code = (st && WIFEXITED(*st)) ? WEXITSTATUS(*st) : -1;
        r.err = read_file(o.stdout_path);
        return r;
    }();
    if (init.exit_code != 0) {
        throw std::runtime_error("initdb failed: " + init.err);
    }
    port_ = free_port();
    start();
}

TempPostgres::~TempPostgres() {
    try {
        stop();
    } catch (...) {
    }
}

void TempPostgres::start() {
    std::vector<std::string> argv = {bindir_ + "/postgres", "-D", datadir_, "-p",
                                     std::to_string(port_), "-k", dir_->path(), "-c",
                                     "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c",
                                     "synchronous_commit=off", "-c", "full_page_writes=off",
                                     // %a: the session's application_name, where
                                     // scoreline-api puts the request's trace.
                                     "-c", "log_line_prefix=%m [%p] %a "};
    for (const auto& s : settings_) {
        argv.push_back("-c");
        argv.push_back(s);
    }
    SpawnOptions o{{{"LC_ALL", "C.UTF-8"}},
                   run_as_,
                   dir_->path() + "/server.log",
                   dir_->path() + "/server.log"};
    server_ = std::make_unique<Process>(argv, o);
    const std::string conninfo = url("postgres");
    bool up =
        wait_until([&] { return PQping(conninfo.c_str()) == PQPING_OK; }, std::chrono::seconds(30));
    if (!up) {
        throw std::runtime_error("PostgreSQL did not start: " +
                                 read_file(dir_->path() + "/server.log"));
    }
}

void TempPostgres::stop() {
    if (!server_) {
        return;
    }
    server_->signal(SIGINT);  // fast shutdown
    if (!server_->wait(std::chrono::seconds(30))) {
        server_->signal(SIGQUIT);
        (void)server_->wait(std::chrono::seconds(10));
    }
    server_.reset();
}

std::string TempPostgres::url(const std::string& database) const {
    return "postgresql://scoreline@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string TempPostgres::create_database(const std::string& name) {
    psql("postgres", "CREATE DATABASE \"" + name + "\"");
    return url(name);
}

std::string TempPostgres::psql(const std::string& database, const std::string& sql) const {
    RunResult r = run_process({bindir_ + "/psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d",
                               url(database), "-c", sql});
    if (r.exit_code != 0) {
        throw std::runtime_error("psql failed (" + sql + "): " + r.err);
    }
    return r.out;
}

}  // namespace harness
