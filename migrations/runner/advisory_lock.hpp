// migrate::AdvisoryLock: the session-level PostgreSQL advisory lock that lets
// only one scoreline-migrate change the schema at a time. Taken by polling
// pg_try_advisory_lock outside any transaction: a backend blocked in
// pg_advisory_lock would be a transaction that CREATE INDEX CONCURRENTLY (run
// by the holder) waits for, while it waits for the holder: a deadlock.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "db/connection.hpp"

namespace migrate {

// The one key every scoreline-migrate uses ("scoreline" in ASCII, truncated).
// Advisory locks are per database, so this is one lock per database.
inline constexpr std::int64_t kMigrationLockKey = 0x73636f72656c696e;

// The wait ran out. what() names the holder as the server sees it.
class LockTimeout : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class AdvisoryLock {
  public:
    // Polls pg_try_advisory_lock(key) on `conn` (which must not be inside a
    // transaction) with exponential backoff from 25 ms to 1 s and full
    // jitter, until it succeeds or `timeout` has passed (0: one try only).
    // `on_first_wait` is called once with the holder's description when the
    // first try fails. Throws LockTimeout naming the holder, or db::Error.
    [[nodiscard]] static AdvisoryLock acquire(
        db::Connection& conn, std::int64_t key, std::chrono::milliseconds timeout,
        const std::function<void(const std::string&)>& on_first_wait);

    AdvisoryLock(AdvisoryLock&& other) noexcept;
    AdvisoryLock& operator=(AdvisoryLock&&) = delete;
    AdvisoryLock(const AdvisoryLock&) = delete;
    AdvisoryLock& operator=(const AdvisoryLock&) = delete;
    // Unlocks; errors are ignored (the server drops the lock with the session).
    ~AdvisoryLock();

  private:
    AdvisoryLock(db::Connection& conn, std::int64_t key) noexcept : conn_(&conn), key_(key) {}

    db::Connection* conn_ = nullptr;
    std::int64_t key_ = 0;
};

// Who holds advisory lock `key` in this database: "pid 123, application
// scoreline-migrate, client 10.0.0.5, user app, connected since ..., active
// since ..., running: ...". Says so when nobody holds it any more.
[[nodiscard]] std::string describe_lock_holder(db::Connection& conn, std::int64_t key);

}  // namespace migrate
