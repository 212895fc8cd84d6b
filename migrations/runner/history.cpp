// schema_migrations access for scoreline-migrate (see history.hpp).
#include "history.hpp"

#include <stdexcept>

namespace migrate::history {
namespace {

// to_regclass() resolves through search_path like the unqualified name in the
// statements below, and answers NULL instead of failing when it is missing.
constexpr db::Statement kTableExists{"migrate_table_exists",
                                     "SELECT to_regclass('schema_migrations') IS NOT NULL"};

constexpr db::Statement kReadAll{
    "migrate_read_all",
    "SELECT version, name, checksum,"
    "       to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS\"Z\"'),"
    "       duration_ms, applied_by"
    "  FROM schema_migrations ORDER BY version"};

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (\n"
    "    version     integer     PRIMARY KEY CHECK (version > 0),\n"
    "    name        text        NOT NULL,\n"
    "    checksum    text        NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),\n"
    "    applied_at  timestamptz NOT NULL DEFAULT now(),\n"
    "    duration_ms bigint      NOT NULL CHECK (duration_ms >= 0),\n"
    "    applied_by  text        NOT NULL\n"
    ")";

constexpr db::Statement kInsert{
    "migrate_insert",
    "INSERT INTO schema_migrations (version, name, checksum, applied_at, duration_ms, applied_by)"
    " VALUES ($1, $2, $3, clock_timestamp(), $4, current_user || ' (' || $5 || ')')"};

constexpr db::Statement kDelete{"migrate_delete",
                                "DELETE FROM schema_migrations WHERE version = $1"};

}  // namespace

std::vector<AppliedMigration> read(db::Connection& conn) {
    std::vector<AppliedMigration> out;
    if (!conn.exec(kTableExists).get<bool>(0, 0)) {
        return out;
    }
    db::Result r = conn.exec(kReadAll);
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int row = 0; row < r.rows(); ++row) {
        AppliedMigration a;
        a.version = r.get<int>(row, 0);
        a.name = r.get<std::string>(row, 1);
        a.checksum = r.get<std::string>(row, 2);
        a.applied_at = r.get<std::string>(row, 3);
        a.duration_ms = r.get<std::int64_t>(row, 4);
        a.applied_by = r.get<std::string>(row, 5);
        out.push_back(std::move(a));
    }
    return out;
}

void ensure_table(db::Connection& conn) {
    // Checked first so that every run does not print "already exists, skipping".
    if (!conn.exec(kTableExists).get<bool>(0, 0)) {
        (void)conn.exec_script(kCreateTable);
    }
}

void record(db::Connection& conn, int version, const std::string& name, const std::string& checksum,
            std::int64_t duration_ms, const std::string& client) {
    (void)conn.exec(kInsert, version, name, checksum, duration_ms, client);
}

void forget(db::Connection& conn, int version) {
    if (conn.exec(kDelete, version).affected() != 1) {
        throw std::runtime_error("schema_migrations has no row for version " +
                                 std::to_string(version));
    }
}

int current_version(const std::vector<AppliedMigration>& applied) noexcept {
    return applied.empty() ? 0 : applied.back().version;
}

}  // namespace migrate::history
