// sse::AsyncConnection: scoreline-sse's one libpq connection, non-blocking,
// driven by the epoll loop (PQconnectStartParams/PQconnectPoll, PQsocket,
// PQsendPrepare/PQsendQueryPrepared, PQflush, PQconsumeInput, PQnotifies). On
// connect it sets statement_timeout and LISTENs on its channels; when the
// server goes away it fails what was queued, closes, and reconnects with
// exponential backoff. Queries are named statements (db::Statement, as in the
// workers), each prepared on this connection when first run and again after a
// reconnect; they run one at a time in FIFO order. Loop thread only.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "db/connection.hpp"
#include "db/result.hpp"
#include "loop.hpp"

namespace sse {

struct AsyncConnectionOptions {
    std::string url;  // libpq conninfo or URI (SCORELINE_DATABASE_URL)
    std::string application_name = "scoreline-sse";
    std::vector<std::string> listen_channels;  // plain identifiers: [a-z_][a-z0-9_]*
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds statement_timeout{5000};
    std::chrono::milliseconds reconnect_min{100};
    std::chrono::milliseconds reconnect_max{5000};
};

// How a query ended. kLost: the connection broke first; the query's effect,
// if it had one, is unknown, and nothing more will be reported for it.
enum class QueryOutcome { kOk, kFailed, kLost };

class AsyncConnection {
  public:
    using Params = std::vector<std::optional<std::string>>;
    using Callback =
        std::function<void(QueryOutcome outcome, db::Result result, const std::string& error)>;
    struct Hooks {
        std::function<void()> on_ready;   // connected, statement_timeout set, LISTENing
        std::function<void()> on_lost;    // after the queue was failed with kLost
        std::function<void()> on_notify;  // one call per batch of notifications
    };

    AsyncConnection(Loop& loop, AsyncConnectionOptions options, Hooks hooks);
    ~AsyncConnection();
    AsyncConnection(const AsyncConnection&) = delete;
    AsyncConnection& operator=(const AsyncConnection&) = delete;

    // Starts connecting (and keeps reconnecting until close()).
    void start();
    // Closes the connection for good; queued queries are dropped unreported.
    void close();
    [[nodiscard]] bool ready() const noexcept { return state_ == State::kReady; }
    [[nodiscard]] std::uint64_t reconnects() const noexcept { return reconnects_; }

    // Queues the named statement with text parameters (nullopt = NULL).
    // `statement` must outlive the query: a constexpr db::Statement. While the
    // connection is down the callback runs at once with kLost (from deferred
    // work). A statement that fails to prepare ends as kFailed.
    void query(const db::Statement& statement, Params params, Callback callback);

  private:
    enum class State { kIdle, kConnecting, kSetup, kReady, kClosed };
    struct Pending {
        db::Statement statement;  // empty for the setup batch
        Params params;
        Callback callback;
    };

    void connect();
    void on_connect_event();
    void continue_connect(PostgresPollingStatusType status);
    void on_socket_event(std::uint32_t events);
    void send_next();
    // Sends current_: its Prepare if this session has not prepared it yet,
    // else its execution.
    void send_current();
    void flush();
    void read_results();
    void finish_current(QueryOutcome outcome, const std::string& error);
    void lost(const std::string& why);
    void watch_socket(std::uint32_t events);
    void schedule_reconnect();
    [[nodiscard]] std::string setup_sql() const;

    Loop& loop_;
    AsyncConnectionOptions options_;
    Hooks hooks_;
    State state_ = State::kIdle;
    PGconn* conn_ = nullptr;
    int fd_ = -1;
    std::uint32_t watched_events_ = 0;
    std::deque<Pending> queue_;
    std::optional<Pending> current_;  // sent, result not complete yet
    db::Result current_result_;
    std::string current_error_;
    bool current_failed_ = false;
    bool current_preparing_ = false;                 // current_'s Prepare is in flight
    std::unordered_set<std::string_view> prepared_;  // statement names, this session
    Loop::TimerId reconnect_timer_ = 0;
    Loop::TimerId watchdog_timer_ = 0;
    std::chrono::milliseconds backoff_{0};
    std::uint64_t reconnects_ = 0;
    bool ever_ready_ = false;
};

}  // namespace sse
