// Running migration scripts and their bookkeeping (see executor.hpp).
#include "executor.hpp"

#include "history.hpp"
#include "sql_text.hpp"

namespace migrate {
namespace {

using Clock = std::chrono::steady_clock;

// set_config(..., is_local) is SET LOCAL (true) or SET (false), and unlike
// SET it takes its value as a parameter.
constexpr db::Statement kSetTimeouts{"migrate_set_timeouts",
                                     "SELECT set_config('lock_timeout', $1, $3::boolean),"
                                     "       set_config('statement_timeout', $2, $3::boolean)"};

// The statement that drops an INVALID index left by a failed CREATE INDEX
// CONCURRENTLY. The identifier comes from the server (regclass output is
// quoted and schema-qualified as needed), never from our own splicing. Index
// names are unique per schema, so the schema of the table decides.
constexpr db::Statement kInvalidIndexDrop{
    "migrate_invalid_index_drop",
    "SELECT format('DROP INDEX CONCURRENTLY IF EXISTS %s', c.oid::regclass)"
    "  FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid"
    " WHERE c.relname = $1 AND NOT i.indisvalid"
    "   AND c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = to_regclass($2))"};

// Whether the index the file builds is valid; no row when that table has no
// index of that name (IF NOT EXISTS skips when the name is taken, even by an
// index of another table, which must not pass for the one the file builds).
constexpr db::Statement kIndexValid{
    "migrate_index_valid",
    "SELECT i.indisvalid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid"
    " WHERE c.relname = $1 AND i.indrelid = to_regclass($2)"};

[[nodiscard]] std::int64_t ms_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

[[nodiscard]] const Script& script_of(const Migration& m, Direction direction) {
    if (direction == Direction::kUp) {
        return m.up;
    }
    if (!m.down) {
        throw MigrationFailed(m.label() + ": no down file " + m.label() + ".down.sql");
    }
    return *m.down;
}

}  // namespace

std::string format_sql_error(const Script& s, const std::exception& e) {
    std::string where = s.path;
    std::string sqlstate;
    if (const auto* dbe = dynamic_cast<const db::Error*>(&e)) {
        sqlstate = dbe->sqlstate();
    }
    if (const auto* qe = dynamic_cast<const db::QueryError*>(&e)) {
        const TextPosition p = line_column(s.text, qe->position());
        if (p.line > 0) {
            where += ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
        }
    }
    std::string_view msg = e.what();
    for (std::string_view prefix : {"ERROR:  ", "FATAL:  "}) {
        if (msg.starts_with(prefix)) {
            msg.remove_prefix(prefix.size());
        }
    }
    const auto nl = msg.find('\n');
    std::string out = where + ": " + std::string(msg.substr(0, nl));
    if (!sqlstate.empty()) {
        out += " (SQLSTATE " + sqlstate + ")";
    }
    // The server's LINE n / caret / DETAIL / HINT lines, indented under it.
    std::string_view rest = nl == std::string_view::npos ? "" : msg.substr(nl + 1);
    while (!rest.empty()) {
        const auto end = rest.find('\n');
        out += "\n    " + std::string(rest.substr(0, end));
        rest = end == std::string_view::npos ? "" : rest.substr(end + 1);
    }
    return out;
}

std::int64_t Executor::apply(const Migration& m, Direction direction) {
    const Script& s = script_of(m, direction);
    return s.no_transaction ? run_outside_transaction(m, s, direction)
                            : run_in_transaction(m, s, direction);
}

std::int64_t Executor::run_in_transaction(const Migration& m, const Script& s,
                                          Direction direction) {
    db::Tx tx(conn_);
    set_timeouts(/*local=*/true);
    const std::int64_t ms = run_script(s);
    if (PQtransactionStatus(conn_.native()) != PQTRANS_INTRANS) {
        throw MigrationFailed(
            s.path +
            ": the file ended the runner's transaction (COMMIT, ROLLBACK or END in a "
            "migration file); what ran before that point is committed and "
            "schema_migrations was not updated: repair by hand");
    }
    update_history(m, direction, ms);
    try {
        tx.commit();
    } catch (const db::Error& e) {
        // Deferred constraints and serialization checks fire at COMMIT.
        throw MigrationFailed(s.path + ": COMMIT failed: " + format_sql_error(s, e));
    }
    return ms;
}

std::int64_t Executor::run_outside_transaction(const Migration& m, const Script& s,
                                               Direction direction) {
    set_timeouts(/*local=*/false);
    std::int64_t ms = 0;
    try {
        if (s.index) {
            drop_invalid_index(s);
        }
        ms = run_script(s);
        if (s.index) {
            check_index_valid(s);
        }
    } catch (...) {
        try {
            (void)conn_.exec_script("RESET lock_timeout; RESET statement_timeout");
        } catch (...) {
        }
        throw;
    }
    (void)conn_.exec_script("RESET lock_timeout; RESET statement_timeout");
    // The work is committed; the row follows right away. Should the runner
    // die in between, the next run repeats the file, which is why such files
    // are written to be repeatable (CREATE INDEX CONCURRENTLY IF NOT EXISTS).
    update_history(m, direction, ms);
    return ms;
}

std::int64_t Executor::run_script(const Script& s) {
    const auto start = Clock::now();
    try {
        (void)conn_.exec_script(s.text);
    } catch (const db::Error& e) {
        std::string msg = format_sql_error(s, e);
        if (s.index) {
            msg += "\n    an INVALID index " + s.index->index_name +
                   " may be left behind; the next run drops it before trying again";
        } else if (!s.no_transaction) {
            msg +=
                "\n    the transaction was rolled back: nothing of " + s.file_name + " was applied";
        }
        throw MigrationFailed(msg);
    }
    return ms_since(start);
}

void Executor::set_timeouts(bool local) {
    (void)conn_.exec(kSetTimeouts, std::to_string(timeouts_.lock_timeout.count()),
                     std::to_string(timeouts_.statement_timeout.count()), local);
}

void Executor::update_history(const Migration& m, Direction direction, std::int64_t ms) {
    if (direction == Direction::kUp) {
        history::record(conn_, m.version, m.name, m.checksum, ms, client_);
    } else {
        history::forget(conn_, m.version);
    }
}

void Executor::drop_invalid_index(const Script& s) {
    db::Result r = conn_.exec(kInvalidIndexDrop, s.index->index_name, s.index->table);
    for (int row = 0; row < r.rows(); ++row) {
        const std::string drop = r.get<std::string>(row, 0);
        out_ << "  " << s.file_name << ": " << drop << " (INVALID, left by an earlier failed "
             << "attempt)" << std::endl;
        try {
            (void)conn_.exec_script(drop);
        } catch (const db::Error& e) {
            throw MigrationFailed(s.path + ": could not drop the INVALID index " +
                                  s.index->index_name + ": " + e.what());
        }
    }
}

void Executor::check_index_valid(const Script& s) {
    db::Result r = conn_.exec(kIndexValid, s.index->index_name, s.index->table);
    if (r.empty()) {
        throw MigrationFailed(s.path + ": index " + s.index->index_name + " on " + s.index->table +
                              " does not exist after the statement ran");
    }
    if (!r.get<bool>(0, 0)) {
        throw MigrationFailed(s.path + ": index " + s.index->index_name +
                              " is INVALID after the statement ran; the next run drops it and "
                              "builds it again");
    }
}

void Executor::dry_run(const std::vector<const Migration*>& plan, Direction direction) {
    db::Tx tx(conn_);
    set_timeouts(/*local=*/true);
    history::ensure_table(conn_);
    for (const Migration* m : plan) {
        const Script& s = script_of(*m, direction);
        if (s.no_transaction) {
            out_ << "  " << s.file_name
                 << ": skipped (no-transaction file; it cannot run inside the dry run's "
                    "transaction)"
                 << std::endl;
            continue;
        }
        const std::int64_t ms = run_script(s);
        if (PQtransactionStatus(conn_.native()) != PQTRANS_INTRANS) {
            throw MigrationFailed(s.path +
                                  ": the file ended the dry run's transaction (COMMIT, ROLLBACK "
                                  "or END in a migration file); check the database by hand");
        }
        update_history(*m, direction, ms);
        out_ << "  " << s.file_name << ": ok (" << ms << " ms)" << std::endl;
    }
    // ~Tx rolls everything back.
}

}  // namespace migrate
