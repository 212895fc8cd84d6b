// db::Connection: one libpq connection, move-only, parameterized queries only.
// Named statements are prepared once per connection, on first use, and
// re-prepared after a reconnect. Errors are thrown as the classes of error.hpp.
// Every round trip and re-open is reported to the process's db::Observer, if
// one is installed (observer.hpp).
// A Connection belongs to one thread (one worker process here).
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

#include "db/error.hpp"
#include "db/observer.hpp"
#include "db/result.hpp"

namespace db {

// A named SQL statement: `constexpr db::Statement kFindGame{"find_game", "SELECT …"};`
struct Statement {
    std::string_view name;
    std::string_view sql;
};

// One query parameter in text form; std::nullopt / nullptr become SQL NULL.
class Param {
  public:
    Param(std::nullptr_t) {}                          // NOLINT(google-explicit-constructor)
    Param(std::nullopt_t) {}                          // NOLINT(google-explicit-constructor)
    Param(std::string_view s) : value_(s) {}          // NOLINT(google-explicit-constructor)
    Param(const std::string& s) : value_(s) {}        // NOLINT(google-explicit-constructor)
    Param(const char* s) : value_(std::string(s)) {}  // NOLINT(google-explicit-constructor)
    Param(bool b) : value_(b ? "true" : "false") {}   // NOLINT(google-explicit-constructor)
    template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>) Param(T v)
        : value_(std::to_string(v)) {}              // NOLINT(google-explicit-constructor)
    Param(double v) : value_(std::to_string(v)) {}  // NOLINT(google-explicit-constructor)
    template <class T>
    Param(const std::optional<T>& v) {  // NOLINT(google-explicit-constructor)
        if (v) {
            value_ = Param(*v).value_;
        }
    }

    [[nodiscard]] const char* c_str() const noexcept { return value_ ? value_->c_str() : nullptr; }

  private:
    std::optional<std::string> value_;
};

struct ConnectionOptions {
    std::string url;  // libpq conninfo or URI
    std::string application_name = "scoreline";
    std::chrono::milliseconds statement_timeout{5000};
    std::chrono::seconds connect_timeout{5};
    // True when the session holds nothing beyond what connect() sets up (no
    // advisory lock, LISTEN, SET or temporary table), so that a fresh session
    // can stand in for a lost one: Tx then redoes a BEGIN that found the
    // connection lost. False (the default) reports the loss instead: the
    // migration runner's advisory lock must not be silently dropped.
    bool stateless = false;
};

class Connection {
  public:
    // Connects or throws ConnectionLost with libpq's message (never the password).
    [[nodiscard]] static Connection open(ConnectionOptions options);

    Connection(Connection&& other) noexcept;
    Connection& operator=(Connection&& other) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    // Runs a named statement, preparing it first if this connection has not.
    template <class... Args>
    [[nodiscard]] Result exec(const Statement& stmt, const Args&... args) {
        const Param params[] = {Param(args)..., Param(nullptr)};
        return exec_params(stmt, params, sizeof...(Args));
    }
    [[nodiscard]] Result exec_params(const Statement& stmt, const Param* params, int count);

    // Runs SQL text without parameters: for fixed commands (BEGIN, SET, LISTEN)
    // and migration files only; never with text that came from a request.
    Result exec_script(std::string_view sql);

    // True when the socket is still up as far as libpq knows.
    [[nodiscard]] bool ok() const noexcept;
    // Like ok(), but between transactions it also reads what the server sent
    // while we were idle (zero-timeout poll, then PQconsumeInput), so the EOF
    // and FATAL of a server restart are seen now, before a statement is sent,
    // not by the statement. Sends nothing. Inside a transaction it is ok():
    // the transaction's own next statement reports a lost server.
    [[nodiscard]] bool alive() noexcept;
    // Drops and re-opens the connection; forgets prepared statements. Throws
    // ConnectionLost while a Tx is open on it: a transaction never goes on, half
    // done, in a new session.
    void reconnect();
    // Sets the session's application_name (pg_stat_activity, the server log's
    // %a) without a round trip of its own: the name travels in one libpq
    // pipeline with the next statement sent outside a transaction (a BEGIN
    // or a statement on its own), committed by its own Sync before that
    // statement runs. Nothing is sent when the session already has `name`;
    // a name the server refuses is dropped (best effort: it never fails the
    // statement). A reconnect starts over from ConnectionOptions.
    void set_application_name(std::string_view name);
    // The server's view: pid of the backend, for logs.
    [[nodiscard]] int backend_pid() const noexcept;
    [[nodiscard]] PGconn* native() noexcept { return conn_; }

  private:
    Connection(ConnectionOptions options, PGconn* conn) noexcept;
    static PGconn* connect(const ConnectionOptions& options);
    void prepare(const Statement& stmt);
    Result check(PGresult* res);
    // Runs one command: alone with `exec` (PQexec…), or, when a name is
    // pending, queued with `queue` (PQsend…, 1 when queued) behind the name
    // in one pipeline. Returns the command's result. See set_application_name.
    template <class Queue, class Exec>
    PGresult* with_pending_name(Queue&& queue, Exec&& exec);
    [[noreturn]] void throw_error(PGresult* res);

    friend class Tx;

    ConnectionOptions options_;
    PGconn* conn_ = nullptr;
    std::unordered_set<std::string> prepared_;
    bool in_tx_ = false;            // a Tx is open on this connection
    std::string application_name_;  // as the session has it
    std::string pending_name_;      // to send with the next statement outside a Tx
};

enum class Isolation { kReadCommitted, kRepeatableRead, kSerializable };

// RAII transaction: BEGIN in the constructor, ROLLBACK in the destructor
// unless commit() ran. Not reentrant: one Tx at a time per Connection.
// When BEGIN finds the connection lost and the connection is
// ConnectionOptions::stateless, the constructor reconnects and sends BEGIN
// once more: nothing of the transaction reached the server yet, so the second
// try cannot repeat any effect.
class Tx {
  public:
    explicit Tx(Connection& conn, Isolation isolation = Isolation::kReadCommitted);
    Tx(const Tx&) = delete;
    Tx& operator=(const Tx&) = delete;
    ~Tx();

    template <class... Args>
    [[nodiscard]] Result exec(const Statement& stmt, const Args&... args) {
        return conn_.exec(stmt, args...);
    }
    void commit();
    [[nodiscard]] Connection& connection() noexcept { return conn_; }

  private:
    Connection& conn_;
    bool done_ = false;
};

// Runs fn(Tx&) in a transaction, committing when it returns normally. On
// RetryableError it rolls back and runs fn again, up to max_attempts times in
// all, telling the db::Observer of each retry. ConnectionLost is not retried
// here: whether a COMMIT that lost its connection took effect is unknown, so
// the caller reports it. Returns fn's value.
template <class F>
auto with_retry(Connection& conn, int max_attempts, F&& fn,
                Isolation isolation = Isolation::kReadCommitted) {
    for (int attempt = 1;; ++attempt) {
        try {
            Tx tx(conn, isolation);
            if constexpr (std::is_void_v<decltype(fn(tx))>) {
                fn(tx);
                tx.commit();
                return;
            } else {
                auto value = fn(tx);
                tx.commit();
                return value;
            }
        } catch (const RetryableError&) {
            if (attempt >= max_attempts) {
                throw;
            }
            if (Observer* o = observer()) {
                o->on_retry();
            }
        }
    }
}

}  // namespace db
