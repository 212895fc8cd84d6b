// migrate::Runner: the commands of scoreline-migrate (up, down, status,
// verify) over one connection and one migrations directory. Decides what to
// run from schema_migrations read under the advisory lock, never from a read
// without it; reads without the lock only to skip the lock when nothing is
// pending. Human-readable progress goes to `out`; failures are thrown.
#pragma once

#include <chrono>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "advisory_lock.hpp"
#include "db/connection.hpp"
#include "executor.hpp"
#include "history.hpp"
#include "migration_set.hpp"

namespace migrate {

// Process exit codes, documented in docs/migrations.md.
enum class ExitCode : int {
    kOk = 0,
    kFailed = 1,       // a migration failed, or the database/directory could not be used
    kUsage = 2,        // bad command line or configuration
    kLockTimeout = 3,  // --lock-timeout ran out; the holder is named
    kMismatch = 4,     // an applied file changed, is missing, or history is out of order
};

// The applied history does not match the files. what() lists every problem,
// one per line, each naming the file.
class HistoryMismatch : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct RunnerOptions {
    std::chrono::milliseconds lock_wait{60000};  // --lock-timeout
    Timeouts timeouts;
    std::string client;  // "osuser@host", for applied_by
    bool dry_run = false;
};

class Runner {
  public:
    Runner(db::Connection& conn, const MigrationSet& set, RunnerOptions options, std::ostream& out);

    // Applies pending migrations up to `target` (all when empty), each in
    // its own transaction. Throws HistoryMismatch, LockTimeout,
    // MigrationFailed (saying at which version the database stays), db::Error.
    void up(std::optional<int> target);
    // Rolls back the newest `steps` applied migrations, newest first. Every
    // one needs a down file, checked before anything runs (MigrationFailed).
    void down(int steps);
    // Prints every migration: applied (when, how long, by whom) or pending,
    // and whether the file still matches its checksum. Takes no lock.
    void status();
    // Throws HistoryMismatch unless every applied migration's file exists and
    // matches its checksum. Pending migrations are not a failure, nor are
    // versions newer than every file (applied by a newer runner). No lock.
    void verify();

  private:
    // Every way `applied` disagrees with the files, one line each.
    [[nodiscard]] std::vector<std::string> problems(
        const std::vector<AppliedMigration>& applied) const;
    void check_history(const std::vector<AppliedMigration>& applied) const;
    [[nodiscard]] std::vector<const Migration*> pending(
        const std::vector<AppliedMigration>& applied, std::optional<int> target) const;
    // The highest version among the files, 0 when there are none.
    [[nodiscard]] int newest_file() const noexcept;
    [[nodiscard]] AdvisoryLock take_lock();

    db::Connection& conn_;
    const MigrationSet& set_;
    RunnerOptions options_;
    std::ostream& out_;
    Executor executor_;
};

}  // namespace migrate
