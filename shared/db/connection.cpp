// libpq wrapper: connect with keepalives and a statement timeout, prepare named
// statements once per connection, turn server errors into error.hpp types and
// report round trips to the db::Observer.
#include "db/connection.hpp"

#include <poll.h>

#include <chrono>
#include <cstdlib>
#include <utility>

namespace db {
namespace {

std::string trimmed_message(const char* msg) {
    std::string s = msg ? msg : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
        s.pop_back();
    }
    return s;
}

// Runs one round trip and reports it, failed or not, to the observer if one
// is installed; without one it only costs the check.
template <class F>
Result observed(std::string_view name, F&& round_trip) {
    Observer* const o = observer();
    if (o == nullptr) {
        return round_trip();
    }
    const auto start = std::chrono::steady_clock::now();
    try {
        Result r = round_trip();
        o->on_statement(name, std::chrono::steady_clock::now() - start, nullptr);
        return r;
    } catch (const Error& e) {
        o->on_statement(name, std::chrono::steady_clock::now() - start, &e);
        throw;
    }
}

}  // namespace

PGconn* Connection::connect(const ConnectionOptions& options) {
    const std::string timeout_ms = std::to_string(options.statement_timeout.count());
    const std::string connect_timeout = std::to_string(options.connect_timeout.count());
    // Keywords given after dbname override what the URL says, so the URL can
    // carry host, user and database while we fix the session settings.
    const char* keys[] = {
        "dbname",          "application_name",    "connect_timeout",  "keepalives",
        "keepalives_idle", "keepalives_interval", "keepalives_count", nullptr};
    const char* values[] = {options.url.c_str(),
                            options.application_name.c_str(),
                            connect_timeout.c_str(),
                            "1",
                            "30",
                            "10",
                            "3",
                            nullptr};
    PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    if (conn == nullptr) {
        throw ConnectionLost("out of memory creating a connection", "");
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string msg = trimmed_message(PQerrorMessage(conn));
        PQfinish(conn);
        throw ConnectionLost("could not connect to the database: " + msg, "08001");
    }
    // Server NOTICEs (e.g. "already exists, skipping") are not ours to print:
    // they would break the one-JSON-object-per-line logs.
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    // statement_timeout is set by a statement, not by the startup packet's
    // `options`: PgBouncer drops that parameter (its ignore_startup_parameters),
    // and the session would run without a timeout (docs/deployment.md).
    const char* params[] = {timeout_ms.c_str()};
    PGresult* set = PQexecParams(conn, "SELECT set_config('statement_timeout', $1, false)", 1,
                                 nullptr, params, nullptr, nullptr, 0);
    const bool set_ok = PQresultStatus(set) == PGRES_TUPLES_OK;
    PQclear(set);
    if (!set_ok) {
        std::string msg = trimmed_message(PQerrorMessage(conn));
        PQfinish(conn);
        throw ConnectionLost("could not set statement_timeout: " + msg, "08001");
    }
    return conn;
}

Connection Connection::open(ConnectionOptions options) {
    PGconn* conn = connect(options);
    return Connection(std::move(options), conn);
}

Connection::Connection(ConnectionOptions options, PGconn* conn) noexcept
    : options_(std::move(options)), conn_(conn), application_name_(options_.application_name) {}

Connection::Connection(Connection&& other) noexcept
    : options_(std::move(other.options_)),
      conn_(std::exchange(other.conn_, nullptr)),
      prepared_(std::move(other.prepared_)),
      in_tx_(std::exchange(other.in_tx_, false)),
      application_name_(std::move(other.application_name_)),
      pending_name_(std::move(other.pending_name_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
    if (this != &other) {
        if (conn_) {
            PQfinish(conn_);
        }
        options_ = std::move(other.options_);
        conn_ = std::exchange(other.conn_, nullptr);
        prepared_ = std::move(other.prepared_);
        in_tx_ = std::exchange(other.in_tx_, false);
        application_name_ = std::move(other.application_name_);
        pending_name_ = std::move(other.pending_name_);
    }
    return *this;
}

Connection::~Connection() {
    if (conn_) {
        PQfinish(conn_);
    }
}

bool Connection::ok() const noexcept {
    return conn_ && PQstatus(conn_) == CONNECTION_OK;
}

bool Connection::alive() noexcept {
    if (!ok()) {
        return false;
    }
    if (in_tx_ || PQtransactionStatus(conn_) != PQTRANS_IDLE) {
        return true;
    }
    // A server that went away while we were idle left a FATAL message and an
    // EOF on the socket. One PQconsumeInput reads the message but reports the
    // EOF only on the next call, so read while the socket stays readable
    // (bounded: an idle session gets at most a few notices).
    for (int round = 0; round < 4; ++round) {
        pollfd pfd{PQsocket(conn_), POLLIN, 0};
        if (pfd.fd < 0) {
            return false;
        }
        if (::poll(&pfd, 1, 0) <= 0) {
            return true;  // nothing waiting (or EINTR): the statement will tell
        }
        if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) {
            return false;
        }
    }
    return PQstatus(conn_) == CONNECTION_OK;
}

int Connection::backend_pid() const noexcept {
    return conn_ ? PQbackendPID(conn_) : 0;
}

void Connection::reconnect() {
    if (in_tx_) {
        throw ConnectionLost("the connection was lost inside a transaction", "08006");
    }
    PGconn* fresh = connect(options_);
    if (conn_) {
        PQfinish(conn_);
    }
    conn_ = fresh;
    prepared_.clear();
    application_name_ = options_.application_name;  // what the new session was opened with
    if (Observer* o = observer()) {
        o->on_reconnect();
    }
}

void Connection::throw_error(PGresult* res) {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string sqlstate = state ? state : "";
    std::string message = trimmed_message(res ? PQresultErrorMessage(res) : PQerrorMessage(conn_));
    if (message.empty()) {
        message = trimmed_message(PQerrorMessage(conn_));
    }
    QueryError::Details details;
    if (res) {
        if (const char* c = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME)) {
            details.constraint = c;
        }
        if (const char* d = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL)) {
            details.detail = d;
        }
        if (const char* p = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION)) {
            details.position = std::atoi(p);
        }
        PQclear(res);
    }
    // A result without SQLSTATE while the socket is down is a lost connection.
    if (sqlstate.empty() && PQstatus(conn_) != CONNECTION_OK) {
        throw ConnectionLost(message, sqlstate);
    }
    switch (classify_sqlstate(sqlstate)) {
        case ErrorClass::kConnection:
            throw ConnectionLost(message, sqlstate);
        case ErrorClass::kRetryable:
            throw RetryableError(message, sqlstate);
        case ErrorClass::kUnique:
            throw UniqueViolation(message, sqlstate, std::move(details));
        case ErrorClass::kForeignKey:
            throw ForeignKeyViolation(message, sqlstate, std::move(details));
        case ErrorClass::kTimeout:
            throw Timeout(message, sqlstate, std::move(details));
        case ErrorClass::kDiskFull:
            throw DiskFull(message, sqlstate);
        case ErrorClass::kResources:
            throw InsufficientResources(message, sqlstate);
        case ErrorClass::kOther:
            break;
    }
    throw QueryError(message, sqlstate, std::move(details));
}

Result Connection::check(PGresult* res) {
    if (res == nullptr) {
        throw_error(nullptr);
    }
    switch (PQresultStatus(res)) {
        case PGRES_COMMAND_OK:
        case PGRES_TUPLES_OK:
        case PGRES_EMPTY_QUERY:
            return Result(res);
        default:
            throw_error(res);
    }
}

void Connection::prepare(const Statement& stmt) {
    std::string name(stmt.name);
    if (prepared_.contains(name)) {
        return;
    }
    std::string sql(stmt.sql);
    Result r = check(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
    prepared_.insert(std::move(name));
}

void Connection::set_application_name(std::string_view name) {
    pending_name_ = name == application_name_ ? std::string() : std::string(name);
}

namespace {

// The results of one pipeline segment, up to its PGRES_PIPELINE_SYNC: the
// first is returned (the caller owns it), the others are cleared. Null when
// the connection broke before any result came.
PGresult* read_segment(PGconn* conn) {
    PGresult* first = nullptr;
    for (int nulls = 0; nulls < 4;) {
        PGresult* r = PQgetResult(conn);
        if (r == nullptr) {
            if (PQstatus(conn) != CONNECTION_OK) {
                break;
            }
            ++nulls;  // the end of one command's results
            continue;
        }
        if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        if (first == nullptr) {
            first = r;
        } else {
            PQclear(r);
        }
    }
    return first;
}

constexpr Statement kSetApplicationName{"scoreline_set_application_name",
                                        "SELECT set_config('application_name', $1, false)"};

}  // namespace

template <class Queue, class Exec>
PGresult* Connection::with_pending_name(Queue&& queue, Exec&& exec) {
    // Inside a transaction the statement may follow a failed one (then only
    // ROLLBACK may run): the name waits for the next BEGIN.
    if (pending_name_.empty() || in_tx_) {
        return exec();
    }
    prepare(kSetApplicationName);  // once per session: later names bind and execute only
    if (PQenterPipelineMode(conn_) != 1) {
        return exec();
    }
    const char* values[] = {pending_name_.c_str()};
    // Two segments, each ended by a Sync: the name commits on its own, so the
    // statement neither depends on it nor takes it into its transaction.
    const bool sent = PQsendQueryPrepared(conn_, kSetApplicationName.name.data(), 1, values,
                                          nullptr, nullptr, 0) == 1 &&
                      PQpipelineSync(conn_) == 1 && queue() == 1 && PQpipelineSync(conn_) == 1;
    PGresult* named = sent ? read_segment(conn_) : nullptr;
    PGresult* result = sent ? read_segment(conn_) : nullptr;
    (void)PQexitPipelineMode(conn_);
    if (named != nullptr && PQresultStatus(named) == PGRES_TUPLES_OK) {
        application_name_ = std::move(pending_name_);
    }
    pending_name_.clear();
    PQclear(named);
    return result;
}

Result Connection::exec_params(const Statement& stmt, const Param* params, int count) {
    if (conn_ == nullptr) {
        throw ConnectionLost("no database connection", "");
    }
    return observed(stmt.name, [&] {
        prepare(stmt);
        std::vector<const char*> values;
        values.reserve(static_cast<std::size_t>(count));
        for (int i = 0; i < count; ++i) {
            values.push_back(params[i].c_str());
        }
        const std::string name(stmt.name);
        return check(with_pending_name(
            [&] {
                return PQsendQueryPrepared(conn_, name.c_str(), count, values.data(), nullptr,
                                           nullptr, 0);
            },
            [&] {
                return PQexecPrepared(conn_, name.c_str(), count, values.data(), nullptr, nullptr,
                                      0);
            }));
    });
}

Result Connection::exec_script(std::string_view sql) {
    if (conn_ == nullptr) {
        throw ConnectionLost("no database connection", "");
    }
    return observed("script", [&] {
        const std::string text(sql);
        // One command (BEGIN, COMMIT…) may share a pipeline with the pending
        // name; a script of several (a migration) may not: the extended
        // protocol runs one command per message.
        if (text.find(';') != std::string::npos) {
            return check(PQexec(conn_, text.c_str()));
        }
        return check(with_pending_name(
            [&] {
                return PQsendQueryParams(conn_, text.c_str(), 0, nullptr, nullptr, nullptr, nullptr,
                                         0);
            },
            [&] { return PQexec(conn_, text.c_str()); }));
    });
}

long Result::affected() const {
    const char* n = res_ ? PQcmdTuples(res_) : nullptr;
    return (n && *n) ? std::atol(n) : 0;
}

bool Result::is_null(int row, int col) const {
    if (row < 0 || row >= rows() || col < 0 || col >= columns()) {
        throw std::out_of_range("db::Result: no cell at " + std::to_string(row) + "," +
                                std::to_string(col));
    }
    return PQgetisnull(res_, row, col) != 0;
}

std::string_view Result::text(int row, int col) const {
    if (is_null(row, col)) {
        return {};
    }
    return {PQgetvalue(res_, row, col), static_cast<std::size_t>(PQgetlength(res_, row, col))};
}

namespace {

std::string_view begin_command(Isolation isolation) {
    switch (isolation) {
        case Isolation::kRepeatableRead:
            return "BEGIN ISOLATION LEVEL REPEATABLE READ";
        case Isolation::kSerializable:
            return "BEGIN ISOLATION LEVEL SERIALIZABLE";
        case Isolation::kReadCommitted:
            break;
    }
    return "BEGIN";
}

}  // namespace

Tx::Tx(Connection& conn, Isolation isolation) : conn_(conn) {
    const std::string_view begin = begin_command(isolation);
    try {
        (void)conn_.exec_script(begin);
    } catch (const ConnectionLost&) {
        if (!conn_.options_.stateless) {
            throw;
        }
        // Only BEGIN was sent, and it died with its session: safe to redo.
        conn_.reconnect();
        (void)conn_.exec_script(begin);
    }
    conn_.in_tx_ = true;
}

Tx::~Tx() {
    if (done_) {
        return;
    }
    conn_.in_tx_ = false;
    if (conn_.ok()) {
        try {
            (void)conn_.exec_script("ROLLBACK");
        } catch (...) {
            // The connection is broken; the server rolls back on its own.
        }
    }
}

void Tx::commit() {
    done_ = true;
    conn_.in_tx_ = false;
    (void)conn_.exec_script("COMMIT");
}

}  // namespace db
