// scoreline-migrate: applies, rolls back, lists and verifies the schema
// migrations of migrations/ against SCORELINE_DATABASE_URL. Entry point:
// reads the command line and the environment, opens one dedicated
// connection, runs the command, and maps failures to the documented exit
// codes (see options.cpp and docs/migrations.md).
#include <pwd.h>
#include <unistd.h>

#include <array>
#include <iostream>

#include "advisory_lock.hpp"
#include "config.hpp"
#include "db/connection.hpp"
#include "executor.hpp"
#include "migration_set.hpp"
#include "options.hpp"
#include "runner.hpp"

#ifndef SCORELINE_MIGRATIONS_DEFAULT_DIR
#error "SCORELINE_MIGRATIONS_DEFAULT_DIR must be defined by the build"
#endif

extern char** environ;

namespace {

using migrate::ExitCode;

// "osuser@host", recorded in schema_migrations.applied_by.
[[nodiscard]] std::string client_identity() {
    std::string user = "uid" + std::to_string(::geteuid());
    if (const struct passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name) {
        user = pw->pw_name;
    }
    std::array<char, 256> host{};
    if (::gethostname(host.data(), host.size() - 1) != 0) {
        host[0] = '\0';
    }
    return user + "@" + (host[0] ? std::string(host.data()) : std::string("unknown-host"));
}

[[nodiscard]] int fail(ExitCode code, std::string_view what) {
    std::cerr << "scoreline-migrate: " << what << std::endl;
    return static_cast<int>(code);
}

// Everything after the command line: configuration, connection, command.
[[nodiscard]] int run(const migrate::Options& options) {
    migrate::RunnerOptions runner_options;
    std::string url;
    std::string dir;
    try {
        const config::Source cfg = config::Source::load(environ);
        url = cfg.require_string("SCORELINE_DATABASE_URL");
        dir = options.dir
                  ? *options.dir
                  : cfg.get_string("SCORELINE_MIGRATIONS_DIR", SCORELINE_MIGRATIONS_DEFAULT_DIR);
        using std::chrono::hours;
        using std::chrono::milliseconds;
        runner_options.timeouts.lock_timeout = cfg.get_ms(
            "SCORELINE_MIGRATE_LOCK_TIMEOUT_MS", milliseconds(5000), milliseconds(0), hours(24));
        runner_options.timeouts.statement_timeout =
            cfg.get_ms("SCORELINE_MIGRATE_STATEMENT_TIMEOUT_MS", milliseconds(0), milliseconds(0),
                       hours(7 * 24));
    } catch (const config::Error& e) {
        return fail(ExitCode::kUsage, e.what());
    }
    runner_options.lock_wait = options.lock_timeout;
    runner_options.client = client_identity();
    runner_options.dry_run = options.dry_run;

    try {
        const migrate::MigrationSet set = migrate::MigrationSet::load(dir);
        // A connection of its own, named so that pg_stat_activity and a
        // waiting runner's lock message say who holds the lock. Housekeeping
        // queries get a generous statement_timeout; each migration sets its
        // own from the settings above.
        db::ConnectionOptions connection_options;
        connection_options.url = url;
        connection_options.application_name = "scoreline-migrate";
        connection_options.statement_timeout = std::chrono::minutes(1);
        connection_options.connect_timeout = std::chrono::seconds(10);
        db::Connection conn = db::Connection::open(connection_options);

        migrate::Runner runner(conn, set, runner_options, std::cout);
        switch (options.command) {
            case migrate::Command::kUp:
                runner.up(options.to);
                break;
            case migrate::Command::kDown:
                runner.down(options.steps);
                break;
            case migrate::Command::kStatus:
                runner.status();
                break;
            case migrate::Command::kVerify:
                runner.verify();
                break;
        }
        return static_cast<int>(ExitCode::kOk);
    } catch (const migrate::HistoryMismatch& e) {
        return fail(ExitCode::kMismatch,
                    "applied migrations do not match the files:\n" + std::string(e.what()));
    } catch (const migrate::LockTimeout& e) {
        return fail(ExitCode::kLockTimeout, e.what());
    } catch (const migrate::MigrationFailed& e) {
        return fail(ExitCode::kFailed, "migration failed: " + std::string(e.what()));
    } catch (const migrate::LoadError& e) {
        return fail(ExitCode::kFailed, e.what());
    } catch (const db::Error& e) {
        return fail(ExitCode::kFailed, "database: " + std::string(e.what()));
    } catch (const std::exception& e) {
        return fail(ExitCode::kFailed, e.what());
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string_view> args;
    for (int i = 1; i < argc; ++i) {
        args.emplace_back(argv[i]);
    }
    migrate::Options options;
    try {
        options = migrate::parse_options(args);
    } catch (const migrate::UsageError& e) {
        std::cerr << "scoreline-migrate: " << e.what() << "\n\n" << migrate::usage_text();
        return static_cast<int>(ExitCode::kUsage);
    }
    if (options.help) {
        std::cout << migrate::usage_text();
        return static_cast<int>(ExitCode::kOk);
    }
    return run(options);
}
