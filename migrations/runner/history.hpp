// migrate::History: the schema_migrations table, which scoreline-migrate owns
// and creates itself. One row per applied migration: version, name, SHA-256
// checksum, applied_at, duration_ms, applied_by. All values are parameters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/connection.hpp"

namespace migrate {

struct AppliedMigration {
    int version = 0;
    std::string name;
    std::string checksum;
    std::string applied_at;  // UTC, "YYYY-MM-DD HH:MM:SSZ"
    std::int64_t duration_ms = 0;
    std::string applied_by;
};

namespace history {

// Reads every row, ascending by version. A database where the table does not
// exist yet (never migrated) reads as empty: version 0. Safe without the
// migration lock (used by the read-only fast path), but only a read under the
// lock may be acted on.
[[nodiscard]] std::vector<AppliedMigration> read(db::Connection& conn);

// CREATE TABLE IF NOT EXISTS schema_migrations. Call under the migration lock
// (two concurrent CREATE TABLE IF NOT EXISTS can still collide in the
// catalog); inside a transaction when the caller wants it rolled back.
void ensure_table(db::Connection& conn);

// Inserts the row for `version`; `client` (os user@host) goes into applied_by
// after the database role. Call in the migration's own transaction.
void record(db::Connection& conn, int version, const std::string& name, const std::string& checksum,
            std::int64_t duration_ms, const std::string& client);

// Deletes the row for `version`; throws std::runtime_error if there was none
// (someone else changed the table under us).
void forget(db::Connection& conn, int version);

// The newest applied version, 0 when none.
[[nodiscard]] int current_version(const std::vector<AppliedMigration>& applied) noexcept;

}  // namespace history
}  // namespace migrate
