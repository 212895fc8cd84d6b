// Polling advisory lock for scoreline-migrate (see advisory_lock.hpp).
#include "advisory_lock.hpp"

#include <unistd.h>

#include <algorithm>
#include <random>
#include <thread>

namespace migrate {
namespace {

constexpr db::Statement kTryLock{"migrate_try_lock", "SELECT pg_try_advisory_lock($1::bigint)"};
constexpr db::Statement kUnlock{"migrate_unlock", "SELECT pg_advisory_unlock($1::bigint)"};

// A bigint advisory key shows in pg_locks as classid = high 32 bits, objid =
// low 32 bits, objsubid = 1. Only granted locks: the holder, not the waiters.
constexpr db::Statement kHolder{
    "migrate_lock_holder",
    "SELECT l.pid,"
    "       coalesce(a.application_name, ''),"
    "       coalesce(host(a.client_addr), CASE WHEN a.pid IS NULL THEN '' ELSE 'local socket' END),"
    "       coalesce(a.usename::text, ''),"
    "       coalesce(to_char(a.backend_start AT TIME ZONE 'UTC',"
    "                        'YYYY-MM-DD HH24:MI:SS\"Z\"'), '?'),"
    "       coalesce(a.state, '?'),"
    "       coalesce(to_char(a.state_change AT TIME ZONE 'UTC',"
    "                        'YYYY-MM-DD HH24:MI:SS\"Z\"'), '?'),"
    "       coalesce(left(regexp_replace(a.query, '\\s+', ' ', 'g'), 120), '')"
    "  FROM pg_locks l"
    "  LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
    " WHERE l.locktype = 'advisory' AND l.granted"
    "   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    "   AND l.classid = (($1::bigint >> 32) & 4294967295)::oid"
    "   AND l.objid = ($1::bigint & 4294967295)::oid"
    "   AND l.objsubid = 1"};

[[nodiscard]] bool try_lock(db::Connection& conn, std::int64_t key) {
    return conn.exec(kTryLock, key).get<bool>(0, 0);
}

}  // namespace

std::string describe_lock_holder(db::Connection& conn, std::int64_t key) {
    db::Result r = conn.exec(kHolder, key);
    if (r.empty()) {
        return "nobody holds it any more (it was released just now; run again)";
    }
    std::string out = "pid " + r.get<std::string>(0, 0);
    const std::string app = r.get<std::string>(0, 1);
    out += ", application_name '" + app + "'";
    const std::string client = r.get<std::string>(0, 2);
    out += ", client " + (client.empty() ? std::string("unknown") : client);
    if (const std::string user = r.get<std::string>(0, 3); !user.empty()) {
        out += ", user " + user;
    }
    out += ", connected since " + r.get<std::string>(0, 4);
    out += ", " + r.get<std::string>(0, 5) + " since " + r.get<std::string>(0, 6);
    if (const std::string query = r.get<std::string>(0, 7); !query.empty()) {
        out += ", last query: " + query;
    }
    return out;
}

AdvisoryLock AdvisoryLock::acquire(db::Connection& conn, std::int64_t key,
                                   std::chrono::milliseconds timeout,
                                   const std::function<void(const std::string&)>& on_first_wait) {
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    const auto deadline = started + timeout;
    std::mt19937_64 rng(std::random_device{}() ^ static_cast<std::uint64_t>(::getpid()));
    auto backoff = std::chrono::milliseconds(25);
    constexpr auto kMaxBackoff = std::chrono::milliseconds(1000);
    bool reported = false;
    for (;;) {
        if (try_lock(conn, key)) {
            return AdvisoryLock(conn, key);
        }
        const auto now = Clock::now();
        if (now >= deadline) {
            const auto waited =
                std::chrono::duration_cast<std::chrono::milliseconds>(now - started);
            throw LockTimeout("gave up waiting for the migration lock after " +
                              std::to_string(waited.count()) + " ms (--lock-timeout); held by " +
                              describe_lock_holder(conn, key));
        }
        if (!reported && on_first_wait) {
            reported = true;
            on_first_wait(describe_lock_holder(conn, key));
        }
        // Full jitter keeps a crowd of waiting runners from polling in step.
        std::uniform_int_distribution<std::int64_t> pick(backoff.count() / 2, backoff.count());
        auto sleep = std::chrono::milliseconds(pick(rng));
        sleep =
            std::min(sleep, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) +
                                std::chrono::milliseconds(1));
        std::this_thread::sleep_for(sleep);
        backoff = std::min(backoff * 2, kMaxBackoff);
    }
}

AdvisoryLock::AdvisoryLock(AdvisoryLock&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)), key_(other.key_) {}

AdvisoryLock::~AdvisoryLock() {
    if (conn_ == nullptr || !conn_->ok()) {
        return;
    }
    try {
        (void)conn_->exec(kUnlock, key_);
    } catch (...) {
        // Closing the session releases it anyway.
    }
}

}  // namespace migrate
