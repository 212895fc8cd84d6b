// The non-blocking libpq connection of scoreline-sse; see async_connection.hpp.
#include "async_connection.hpp"

#include <algorithm>

#include "log.hpp"

namespace sse {
namespace {

constexpr std::chrono::seconds kWatchdogSlack{5};

std::string trimmed(const char* message) {
    std::string s = message ? message : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
        s.pop_back();
    }
    return s;
}

bool plain_identifier(const std::string& s) {
    if (s.empty() || s.size() > 63 || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_')) {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

}  // namespace

AsyncConnection::AsyncConnection(Loop& loop, AsyncConnectionOptions options, Hooks hooks)
    : loop_(loop), options_(std::move(options)), hooks_(std::move(hooks)) {
    for (const auto& channel : options_.listen_channels) {
        if (!plain_identifier(channel)) {
            throw std::invalid_argument("AsyncConnection: bad channel name '" + channel + "'");
        }
    }
}

AsyncConnection::~AsyncConnection() {
    close();
}

void AsyncConnection::start() {
    if (state_ == State::kIdle && reconnect_timer_ == 0) {
        connect();
    }
}

void AsyncConnection::close() {
    if (state_ == State::kClosed) {
        return;
    }
    state_ = State::kClosed;
    loop_.cancel_timer(reconnect_timer_);
    loop_.cancel_timer(watchdog_timer_);
    reconnect_timer_ = watchdog_timer_ = 0;
    if (fd_ >= 0) {
        loop_.unwatch(fd_);
        fd_ = -1;
    }
    if (conn_) {
        PQfinish(conn_);
        conn_ = nullptr;
    }
    queue_.clear();
    current_.reset();
}

std::string AsyncConnection::setup_sql() const {
    // synchronous_commit off: this connection writes nothing durable; the only
    // transactions with an id are the outbox fences, which must not wait for fsync.
    std::string sql =
        "SET statement_timeout = " + std::to_string(options_.statement_timeout.count()) +
        "; SET synchronous_commit = off";
    for (const auto& channel : options_.listen_channels) {
        sql += "; LISTEN \"" + channel + "\"";
    }
    return sql;
}

void AsyncConnection::connect() {
    reconnect_timer_ = 0;
    if (state_ == State::kClosed) {
        return;
    }
    // Entries before dbname may be overridden by the URL, which stays in charge.
    const char* keywords[] = {"application_name",
                              "keepalives",
                              "keepalives_idle",
                              "keepalives_interval",
                              "keepalives_count",
                              "dbname",
                              nullptr};
    const char* values[] = {
        options_.application_name.c_str(), "1", "10", "5", "3", options_.url.c_str(), nullptr};
    conn_ = PQconnectStartParams(keywords, values, 1);
    if (!conn_ || PQstatus(conn_) == CONNECTION_BAD) {
        lost(conn_ ? trimmed(PQerrorMessage(conn_)) : "out of memory");
        return;
    }
    state_ = State::kConnecting;
    watchdog_timer_ = loop_.add_timer(options_.connect_timeout, [this] {
        watchdog_timer_ = 0;
        lost("connect timeout");
    });
    continue_connect(PGRES_POLLING_WRITING);
}

void AsyncConnection::watch_socket(std::uint32_t events) {
    const int fd = PQsocket(conn_);
    if (fd < 0) {
        lost("no socket");
        return;
    }
    if (fd != fd_) {
        if (fd_ >= 0) {
            loop_.unwatch(fd_);
        }
        fd_ = fd;
        watched_events_ = events;
        loop_.watch(fd_, events, [this](std::uint32_t ev) {
            if (state_ == State::kConnecting) {
                on_connect_event();
            } else {
                on_socket_event(ev);
            }
        });
    } else if (events != watched_events_) {
        watched_events_ = events;
        loop_.modify(fd_, events);
    }
}

void AsyncConnection::on_connect_event() {
    continue_connect(PQconnectPoll(conn_));
}

void AsyncConnection::continue_connect(PostgresPollingStatusType status) {
    switch (status) {
        case PGRES_POLLING_READING:
            watch_socket(EPOLLIN);
            return;
        case PGRES_POLLING_WRITING:
            watch_socket(EPOLLOUT);
            return;
        case PGRES_POLLING_OK:
            break;
        default:
            lost(trimmed(PQerrorMessage(conn_)));
            return;
    }
    loop_.cancel_timer(watchdog_timer_);
    watchdog_timer_ = 0;
    if (PQsetnonblocking(conn_, 1) != 0) {
        lost(trimmed(PQerrorMessage(conn_)));
        return;
    }
    state_ = State::kSetup;
    // The setup batch goes first, as a simple query: several statements, no parameters.
    if (!PQsendQuery(conn_, setup_sql().c_str())) {
        lost(trimmed(PQerrorMessage(conn_)));
        return;
    }
    current_ = Pending{{}, {}, [this](QueryOutcome outcome, db::Result, const std::string& error) {
                           if (outcome != QueryOutcome::kOk) {
                               lost("setup failed: " + error);
                               return;
                           }
                           state_ = State::kReady;
                           backoff_ = std::chrono::milliseconds(0);
                           reconnects_ += ever_ready_ ? 1 : 0;
                           ever_ready_ = true;
                           slog::info("db_connected", {{"backend_pid", PQbackendPID(conn_)}});
                           if (hooks_.on_ready) {
                               hooks_.on_ready();
                           }
                       }};
    current_failed_ = false;
    current_preparing_ = false;
    current_error_.clear();
    flush();
}

void AsyncConnection::query(const db::Statement& statement, Params params, Callback callback) {
    if (state_ != State::kReady) {
        loop_.defer(
            [cb = std::move(callback)] { cb(QueryOutcome::kLost, db::Result(), "not connected"); });
        return;
    }
    queue_.push_back(Pending{statement, std::move(params), std::move(callback)});
    send_next();
}

void AsyncConnection::send_next() {
    if (state_ != State::kReady || current_ || queue_.empty()) {
        return;
    }
    current_ = std::move(queue_.front());
    queue_.pop_front();
    send_current();
}

void AsyncConnection::send_current() {
    current_failed_ = false;
    current_error_.clear();
    const db::Statement& statement = current_->statement;
    const std::string name(statement.name);
    current_preparing_ = !prepared_.contains(statement.name);
    int sent = 0;
    if (current_preparing_) {
        // Parameter types come from the casts in the SQL, as in db::Connection.
        sent = PQsendPrepare(conn_, name.c_str(), std::string(statement.sql).c_str(), 0, nullptr);
    } else {
        std::vector<const char*> values;
        values.reserve(current_->params.size());
        for (const auto& p : current_->params) {
            values.push_back(p ? p->c_str() : nullptr);
        }
        sent = PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()),
                                   values.data(), nullptr, nullptr, 0);
    }
    if (!sent) {
        lost(trimmed(PQerrorMessage(conn_)));
        return;
    }
    watchdog_timer_ = loop_.add_timer(options_.statement_timeout + kWatchdogSlack, [this] {
        watchdog_timer_ = 0;
        lost("no answer from the server within statement_timeout");
    });
    flush();
}

void AsyncConnection::flush() {
    const int r = PQflush(conn_);
    if (r < 0) {
        lost(trimmed(PQerrorMessage(conn_)));
        return;
    }
    watch_socket(r == 1 ? (EPOLLIN | EPOLLOUT) : EPOLLIN);
}

void AsyncConnection::on_socket_event(std::uint32_t events) {
    if (!conn_) {
        return;
    }
    if (events & EPOLLOUT) {
        flush();
        if (!conn_) {
            return;
        }
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        if (!PQconsumeInput(conn_)) {
            lost(trimmed(PQerrorMessage(conn_)));
            return;
        }
        bool notified = false;
        while (PGnotify* n = PQnotifies(conn_)) {
            PQfreemem(n);
            notified = true;
        }
        read_results();
        if (notified && state_ == State::kReady && hooks_.on_notify) {
            hooks_.on_notify();
        }
    }
}

void AsyncConnection::read_results() {
    while (conn_ && current_ && !PQisBusy(conn_)) {
        PGresult* r = PQgetResult(conn_);
        if (!r) {
            if (current_preparing_ && !current_failed_) {
                // Prepared: now run it (read_results resumes on its answer).
                loop_.cancel_timer(watchdog_timer_);
                watchdog_timer_ = 0;
                prepared_.insert(current_->statement.name);
                current_result_ = db::Result();
                send_current();
                continue;
            }
            finish_current(current_failed_ ? QueryOutcome::kFailed : QueryOutcome::kOk,
                           current_error_);
            continue;
        }
        const ExecStatusType status = PQresultStatus(r);
        if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
            current_result_ = db::Result(r);
        } else {
            current_failed_ = true;
            current_error_ = trimmed(PQresultErrorMessage(r));
            PQclear(r);
            if (PQstatus(conn_) == CONNECTION_BAD) {
                lost(current_error_);
                return;
            }
        }
    }
    if (conn_ && PQstatus(conn_) == CONNECTION_BAD) {
        lost(trimmed(PQerrorMessage(conn_)));
    }
}

void AsyncConnection::finish_current(QueryOutcome outcome, const std::string& error) {
    loop_.cancel_timer(watchdog_timer_);
    watchdog_timer_ = 0;
    Pending done = std::move(*current_);
    current_.reset();
    db::Result result = std::move(current_result_);
    current_result_ = db::Result();
    done.callback(outcome, std::move(result), error);
    send_next();
}

void AsyncConnection::lost(const std::string& why) {
    if (state_ == State::kClosed) {
        return;
    }
    const bool was_ready = state_ == State::kReady;
    slog::warn("db_connection_lost", {{"error", why}, {"was_ready", was_ready}});
    loop_.cancel_timer(watchdog_timer_);
    watchdog_timer_ = 0;
    if (fd_ >= 0) {
        loop_.unwatch(fd_);
        fd_ = -1;
    }
    if (conn_) {
        PQfinish(conn_);
        conn_ = nullptr;
    }
    state_ = State::kIdle;
    prepared_.clear();  // a new session has none
    current_preparing_ = false;
    std::deque<Pending> failed;
    failed.swap(queue_);
    if (current_) {
        failed.push_front(std::move(*current_));
        current_.reset();
    }
    current_result_ = db::Result();
    for (auto& p : failed) {
        p.callback(QueryOutcome::kLost, db::Result(), why);
    }
    if (was_ready && hooks_.on_lost) {
        hooks_.on_lost();
    }
    schedule_reconnect();
}

void AsyncConnection::schedule_reconnect() {
    if (state_ == State::kClosed || reconnect_timer_ != 0) {
        return;
    }
    backoff_ = backoff_.count() == 0 ? options_.reconnect_min
                                     : std::min(backoff_ * 2, options_.reconnect_max);
    reconnect_timer_ = loop_.add_timer(backoff_, [this] { connect(); });
}

}  // namespace sse
