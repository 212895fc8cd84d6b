// db::Observer: what a process wants to know about its database work — each
// statement round trip, each re-opened connection, each retried transaction —
// for its metrics and logs, without shared/ knowing about either. One per
// process, installed once before the first statement (scoreline-api's
// workers install theirs, workers/observability/db_observer.hpp); none by
// default, and then each hook costs a load of a pointer and a branch.
// Hooks run synchronously on the thread that owns the Connection; they must
// not throw and must not use the Connection.
#pragma once

#include <chrono>
#include <string_view>

namespace db {

class Error;

class Observer {
  public:
    virtual ~Observer() = default;
    // After every round trip of db::Connection: `name` is the db::Statement's
    // name (its first use includes the PREPARE), or "script" for exec_script
    // (BEGIN, COMMIT, ROLLBACK, SET, migration files). `error` is what the
    // statement throws next, null when it succeeded.
    virtual void on_statement(std::string_view name, std::chrono::nanoseconds elapsed,
                              const Error* error) noexcept = 0;
    // A connection was re-opened after it was lost (Connection::reconnect, or
    // a fresh open standing in for a lost one).
    virtual void on_reconnect() noexcept = 0;
    // with_retry rolls back and runs its transaction again.
    virtual void on_retry() noexcept = 0;
};

namespace detail {
inline Observer* installed_observer = nullptr;
}  // namespace detail

// Installs `observer` (null removes it) for every Connection of this process.
// Call before the first statement, from the thread that uses the database.
inline void install_observer(Observer* observer) noexcept {
    detail::installed_observer = observer;
}
[[nodiscard]] inline Observer* observer() noexcept {
    return detail::installed_observer;
}

}  // namespace db
