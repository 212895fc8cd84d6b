// api::Context: what a handler gets for one request — the request, the
// worker's database connection (opened on demand), the configuration and,
// once api::authenticate() ran (handlers/authenticate.hpp), the authenticated actor.
#pragma once

#include <chrono>
#include <optional>

#include "api_config.hpp"
#include "authz.hpp"
#include "db/connection.hpp"
#include "http/message.hpp"

namespace api {

// What every worker must know about the database whichever worker met it:
// when a write last failed for want of disk space (db::DiskFull). One
// MAP_SHARED page, mapped by the master before the first fork so that every
// worker, respawned ones included, reads and writes the same clock value.
class DatabaseHealth {
  public:
    DatabaseHealth();  // maps the page; throws std::system_error
    ~DatabaseHealth();
    DatabaseHealth(const DatabaseHealth&) = delete;
    DatabaseHealth& operator=(const DatabaseHealth&) = delete;

    // How long /readyz reports a write that failed for want of disk space,
    // and the Retry-After of that failure. Each such failure, on any worker,
    // starts the window again; once writes stop failing (space freed) the
    // instance is ready again after this long.
    static constexpr std::chrono::seconds kDiskFullWindow{30};

    void record_disk_full() noexcept;
    // True when a statement failed with DiskFull less than `window` ago.
    [[nodiscard]] bool disk_full_within(std::chrono::seconds window) const noexcept;

  private:
    struct Page;
    Page* page_ = nullptr;
};

// The worker's one database connection. get() (re)connects when there is no
// usable connection (one that died while idle included: db::Connection::alive)
// and throws db::ConnectionLost when the server is away. It also names the
// session after the request's trace (obs::RequestTrace): application_name
// "scoreline-api/<trace_id>/<parent_id>", sent in one pipeline with the first
// statement of a request that uses the database, and only when the session
// does not carry that name already (docs/observability.md,
// "Traces").
class Database {
  public:
    // `health`: the master's shared page; null in tests without a master.
    // A worker's session holds nothing but its prepared statements, so it is
    // opened db::ConnectionOptions::stateless.
    // `trace_sessions`: name the session after each request's trace.
    explicit Database(db::ConnectionOptions options, DatabaseHealth* health = nullptr,
                      bool trace_sessions = true)
        : options_(std::move(options)), health_(health), trace_sessions_(trace_sessions) {
        options_.stateless = true;
    }
    [[nodiscard]] db::Connection& get();
    // True when the worker holds a connection not known to be broken (as of
    // its last statement; the pool's scoreboard reports it).
    [[nodiscard]] bool up() const noexcept { return conn_.has_value() && !broken_; }
    // Called after ConnectionLost so the next get() reconnects.
    void mark_broken() noexcept { broken_ = true; }
    // Called after db::DiskFull; /readyz reports it for a while.
    void record_disk_full() noexcept {
        if (health_) {
            health_->record_disk_full();
        }
    }
    [[nodiscard]] bool disk_full_within(std::chrono::seconds window) const noexcept {
        return health_ && health_->disk_full_within(window);
    }

  private:
    void name_session();

    db::ConnectionOptions options_;
    DatabaseHealth* health_;
    std::optional<db::Connection> conn_;
    bool broken_ = false;
    bool trace_sessions_;
    bool opened_ = false;  // a connection was opened before: the next open is a re-open
};

struct Context {
    http::Request& req;
    Database& database;
    const ApiConfig& config;
    // Set by api::authenticate() from the Bearer token; empty = anonymous.
    std::optional<authz::Actor> actor{};

    [[nodiscard]] db::Connection& db() { return database.get(); }
};

}  // namespace api
