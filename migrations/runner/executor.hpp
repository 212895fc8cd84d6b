// migrate::Executor: runs migration scripts against the database for
// scoreline-migrate, one at a time, and keeps schema_migrations in step:
// a normal file and its row in one transaction; a no-transaction file
// (CREATE INDEX CONCURRENTLY) on its own, then its row; a dry run of a whole
// plan in one transaction that is rolled back. The caller holds the lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "migration_set.hpp"

namespace migrate {

// A migration did not complete. what() is ready for stderr: the file,
// line:column when the server gave a position, the server's message.
class MigrationFailed : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

enum class Direction { kUp, kDown };

struct Timeouts {
    std::chrono::milliseconds lock_timeout{5000};    // SET LOCAL lock_timeout
    std::chrono::milliseconds statement_timeout{0};  // SET LOCAL statement_timeout, 0 = none
};

class Executor {
  public:
    // `client` ("osuser@host") is recorded in applied_by; progress notes
    // (an INVALID index dropped, ...) go to `out`.
    Executor(db::Connection& conn, Timeouts timeouts, std::string client, std::ostream& out)
        : conn_(conn), timeouts_(timeouts), client_(std::move(client)), out_(out) {}

    // Runs m's up (kUp) or down (kDown) script and inserts (kUp) or deletes
    // (kDown) its schema_migrations row, atomically unless the script is a
    // no-transaction one. Returns the script's run time in ms. Throws
    // MigrationFailed; on a transactional script nothing has changed then.
    // kDown requires m.down.
    std::int64_t apply(const Migration& m, Direction direction);

    // Runs every transactional script of `plan` in order and the row changes
    // in ONE transaction, prints a line per file, then rolls everything back.
    // No-transaction scripts are reported as skipped (they cannot run inside
    // a transaction). Throws MigrationFailed on the first failing script.
    void dry_run(const std::vector<const Migration*>& plan, Direction direction);

  private:
    std::int64_t run_in_transaction(const Migration& m, const Script& s, Direction direction);
    std::int64_t run_outside_transaction(const Migration& m, const Script& s, Direction direction);
    // exec_script(s.text); db::Error becomes MigrationFailed. Returns ms.
    std::int64_t run_script(const Script& s);
    void set_timeouts(bool local);
    void update_history(const Migration& m, Direction direction, std::int64_t ms);
    void drop_invalid_index(const Script& s);
    void check_index_valid(const Script& s);

    db::Connection& conn_;
    Timeouts timeouts_;
    std::string client_;
    std::ostream& out_;
};

// "path:line:column: message (SQLSTATE xxxxx)" plus the server's further
// lines (LINE/DETAIL/HINT), indented. Without a position, "path: message".
[[nodiscard]] std::string format_sql_error(const Script& s, const std::exception& e);

}  // namespace migrate
