// Connections, streams and fan-out of scoreline-sse; see server.hpp.
// In order: connections and requests, streams and fan-out, output and
// closing, timers, shutdown.
#include "server.hpp"

#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>

#include "listener.hpp"
#include "log.hpp"
#include "metrics/store.hpp"
#include "response.hpp"

namespace sse {
namespace {

constexpr int kListenBacklog = 4096;
constexpr std::chrono::milliseconds kLingerAfterAnswer{1000};
constexpr std::chrono::milliseconds kAcceptPause{100};
constexpr std::uint32_t kReadEvents = EPOLLIN | EPOLLRDHUP;
// How much of a replay waits in a client's queue at a time, and how many
// such pages one flush writes before yielding to the other clients.
constexpr std::size_t kReplayPageBytes = 64 * 1024;
constexpr int kReplayPagesPerFlush = 16;

double epoch_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string new_request_id() {
    unsigned char bytes[16];
    randombytes_buf(bytes, sizeof bytes);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

bool only(std::string_view s, std::string_view allowed, std::size_t max) {
    return !s.empty() && s.size() <= max && s.find_first_not_of(allowed) == std::string_view::npos;
}

FramePtr raw_frame(std::string bytes) {
    return std::make_shared<const Frame>(Frame{0, std::move(bytes), 0});
}

// The reconnection delay of one stream: uniform in [retry, 2 × retry), so
// streams cut at the same instant (an nginx reload, a process restart) come
// back spread over a whole retry period instead of all at once.
std::chrono::milliseconds jittered(std::chrono::milliseconds retry) {
    if (retry.count() <= 0) {
        return retry;
    }
    const auto spread = static_cast<std::uint32_t>(std::min<std::int64_t>(retry.count(), 1 << 30));
    return retry + std::chrono::milliseconds(randombytes_uniform(spread));
}

}  // namespace

Server::Server(Loop& loop, const Settings& settings, Capacity capacity, AsyncConnection& db)
    : loop_(loop),
      settings_(settings),
      max_connections_(capacity.max_streams),
      max_open_(std::max(capacity.max_open, capacity.max_streams)),
      db_(db),
      reader_(
          loop, db,
          OutboxReaderOptions{settings.poll_interval, settings.batch_rows, settings.probe_gap},
          [this](const std::vector<OutboxRow>& rows) { publish(rows); },
          [this] {
              registry_.for_each_open([this](Client& c) {
                  if (c.state == ClientState::kStreaming && !c.synced) {
                      sync(c);
                  }
              });
          }),
      access_(db, settings.access),
      replayer_(db, settings.replay),
      heartbeat_frame_(make_comment("heartbeat")) {
    touch_metrics();
}

Server::~Server() {
    for (auto id : {heartbeat_timer_, sweep_timer_, accept_pause_timer_}) {
        loop_.cancel_timer(id);
    }
    registry_.for_each_open([](Client& c) {
        if (c.fd >= 0) {
            ::close(c.fd);
        }
    });
    for (int fd : listeners_) {
        ::close(fd);
    }
}

void Server::start() {
    listeners_.push_back(listen_unix(settings_.listen.path, settings_.socket_mode, kListenBacklog));
    if (settings_.tcp_listen) {
        listeners_.push_back(listen_tcp(*settings_.tcp_listen, kListenBacklog));
    }
    for (int fd : listeners_) {
        watch_listener(fd);
    }
    reader_.start();
    heartbeat_timer_ = loop_.add_timer(settings_.heartbeat, [this] { heartbeat(); });
    sweep_timer_ = loop_.add_timer(std::chrono::milliseconds(100), [this] { sweep(); });
}

void Server::watch_listener(int fd) {
    loop_.watch(fd, EPOLLIN, [this, fd](std::uint32_t) { on_accept(fd); });
}

void Server::on_db_ready() {
    // Confirmations first: queries run in order, so an unverified stream is
    // settled before its replay (and the reader's rows) come back.
    auto unverified = std::move(confirm_waiting_);
    confirm_waiting_.clear();
    for (auto id : unverified) {
        confirm_access(id);
    }
    reader_.on_ready();
    auto waiting = std::move(replay_waiting_);
    replay_waiting_.clear();
    for (auto [id, start] : waiting) {
        Client* c = registry_.find(id);
        if (c && c->state == ClientState::kStreaming && c->replaying) {
            replay(*c, start);
        }
    }
}

void Server::on_db_lost() {
    reader_.on_lost();
}

void Server::on_db_notify() {
    reader_.on_notify();
}

void Server::on_accept(int listen_fd) {
    for (int i = 0; i < 256; ++i) {
        int error = 0;
        auto accepted = accept_one(listen_fd, error);
        if (!accepted) {
            if (error != 0) {
                // EMFILE/ENFILE: the socket stays readable; pause instead of spinning.
                slog::warn("accept_failed", {{"errno", error}});
                for (int fd : listeners_) {
                    loop_.unwatch(fd);
                }
                accept_pause_timer_ = loop_.add_timer(kAcceptPause, [this] {
                    accept_pause_timer_ = 0;
                    if (!shutting_down_) {
                        for (int fd : listeners_) {
                            watch_listener(fd);
                        }
                    }
                });
            }
            return;
        }
        metrics::inc(obs::kAccepted);
        if (registry_.open() >= max_open_) {
            // Past even the margin for answering 503 properly: best effort, a
            // fresh socket takes a small answer without blocking.
            const std::string r = problem_response(503, "this stream server is full; retry shortly",
                                                   new_request_id(), {{"Retry-After", "5"}});
            (void)::send(accepted->fd, r.data(), r.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            ::shutdown(accepted->fd, SHUT_WR);
            ::close(accepted->fd);
            metrics::inc(obs::kRejected, {"max_connections"});
            continue;
        }
        Client& c = registry_.add(accepted->fd, accepted->peer, settings_.http, loop_.now());
        const std::uint64_t id = c.id;
        loop_.watch(c.fd, kReadEvents, [this, id](std::uint32_t ev) { on_client_event(id, ev); });
    }
}

void Server::on_client_event(std::uint64_t id, std::uint32_t events) {
    Client* c = registry_.find(id);
    if (!c || c->state == ClientState::kClosed) {
        return;
    }
    if (events & EPOLLOUT) {
        flush(*c);
        if (c->state == ClientState::kClosed) {
            return;
        }
    }
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        if (c->state == ClientState::kHandshaking && !c->awaiting_access) {
            read_request(*c);
        } else {
            discard_input(*c);
        }
    }
}

void Server::read_request(Client& c) {
    char buf[4096];
    for (;;) {
        const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n == 0) {
            close(c, CloseReason::kPeerClosed);
            return;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                close(c, CloseReason::kIoError);
            }
            return;
        }
        std::size_t used = 0;
        switch (c.parser.feed(std::string_view(buf, static_cast<std::size_t>(n)), used)) {
            case HttpRequestParser::Status::kIncomplete:
                continue;
            case HttpRequestParser::Status::kError:
                c.request_id = new_request_id();
                answer(c, c.parser.error_status(), "malformed request: " + c.parser.error(),
                       "bad_request");
                return;
            case HttpRequestParser::Status::kComplete:
                handle_request(c);
                return;
        }
    }
}

void Server::discard_input(Client& c) {
    char buf[4096];
    for (;;) {
        const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n > 0) {
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n == 0) {
            close(c, c.state == ClientState::kDraining && c.reason != CloseReason::kNone
                         ? c.reason
                         : CloseReason::kPeerClosed);
        } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
            close(c, CloseReason::kIoError);
        }
        return;
    }
}

void Server::handle_request(Client& c) {
    const HttpRequest& req = c.parser.request();
    const auto rid = req.header("x-request-id");
    c.request_id =
        rid && only(*rid, "0123456789abcdefABCDEF-", 64) ? std::string(*rid) : new_request_id();
    const auto real_ip = req.header("x-real-ip");
    c.ip =
        real_ip && only(*real_ip, "0123456789abcdefABCDEF.:", 45) ? std::string(*real_ip) : c.peer;
    if (shutting_down_) {
        answer(c, 503, "the stream server is shutting down; retry", "shutting_down",
               {{"Retry-After", "1"}});
        return;
    }
    auto parsed = parse_stream_request(req, settings_.max_topics);
    if (auto* refusal = std::get_if<Refusal>(&parsed)) {
        answer(c, refusal->status, refusal->detail,
               refusal->status == 404 ? "not_found" : "bad_request", refusal->headers);
        return;
    }
    if (registry_.count(ClientState::kStreaming) >= max_connections_) {
        answer(c, 503, "this stream server is full; retry shortly", "max_connections",
               {{"Retry-After", "5"}});
        return;
    }
    if (!registry_.claim_ip(c, settings_.max_connections_per_ip)) {
        answer(c, 429, "too many streams from your address", "max_connections_per_ip",
               {{"Retry-After", "10"}});
        return;
    }
    c.awaiting_access = true;
    const std::uint64_t id = c.id;
    auto request = std::make_shared<StreamRequest>(std::move(std::get<StreamRequest>(parsed)));
    access_.check(*request, [this, id, request](AccessDecision decision) {
        on_access(id, *request, decision);
    });
}

void Server::on_access(std::uint64_t id, const StreamRequest& request,
                       const AccessDecision& decision) {
    Client* c = registry_.find(id);
    if (!c || c->state != ClientState::kHandshaking) {
        return;
    }
    c->awaiting_access = false;
    using V = AccessDecision::Verdict;
    switch (decision.verdict) {
        case V::kAllow:
            start_stream(*c, request, decision);
            return;
        case V::kForbidden:
            answer(*c, 403, decision.detail, decision.log_reason);
            return;
        case V::kNotFound:
            answer(*c, 404, decision.detail, decision.log_reason);
            return;
        case V::kUnavailable:
            answer(*c, 503, decision.detail, decision.log_reason, {{"Retry-After", "5"}});
            return;
    }
}

void Server::answer(Client& c, int status, const std::string& detail, const std::string& reason,
                    const HeaderList& headers) {
    metrics::inc(obs::kRejected, {reason});
    // The path only: the query string may hold a ticket.
    slog::info("stream_refused", {{"status", status},
                                  {"reason", reason},
                                  {"path", c.parser.request().path},
                                  {"ip", c.ip.empty() ? c.peer : c.ip},
                                  {"request_id", c.request_id}});
    (void)c.enqueue(raw_frame(problem_response(status, detail, c.request_id, headers)),
                    loop_.now());
    begin_drain(c, CloseReason::kAnswered);
}

// --- streams: opening one, its start position in the outbox, Last-Event-ID
// replays, fan-out of outbox rows to the streams of their topic, heartbeats.

void Server::start_stream(Client& c, const StreamRequest& request, const AccessDecision& decision) {
    const std::optional<std::int64_t> user_id = decision.user_id;
    c.topics = request.topics;
    c.last_event_id = request.last_event_id;
    c.unverified = decision.unverified;
    if (!c.unverified.empty()) {
        // Admitted without the database: nothing goes out until confirmed.
        // A client without Last-Event-ID resumes from where this process
        // was, as if the confirmation had come at once.
        if (!c.last_event_id && reader_.cursor().positioned()) {
            c.last_event_id = reader_.cursor().delivered();
        }
        confirm_waiting_.push_back(c.id);
    }
    registry_.set_state(c, ClientState::kStreaming);
    registry_.subscribe(c);
    metrics::inc(obs::kStreamsOpened);
    (void)c.enqueue(raw_frame(stream_head()), loop_.now());
    (void)c.enqueue(make_preamble(jittered(settings_.retry)), loop_.now());
    nlohmann::json fields = {{"topics", c.topics},
                             {"request_id", c.request_id},
                             {"ip", c.ip},
                             {"last_event_id", nullptr}};
    if (c.last_event_id) {
        fields["last_event_id"] = *c.last_event_id;
    }
    if (user_id) {
        fields["user_id"] = *user_id;
    }
    if (!c.unverified.empty()) {
        fields["unverified"] = c.unverified;
    }
    slog::info("stream_opened", fields);
    if (reader_.cursor().positioned()) {
        sync(c);
    }
    mark_dirty(c);
}

void Server::sync(Client& c) {
    const std::int64_t start = reader_.cursor().delivered();
    c.synced = true;
    if (c.last_event_id && *c.last_event_id < start) {
        c.last_id = *c.last_event_id;
        c.replaying = true;
        replay(c, start);
    } else {
        c.last_id = std::max(start, c.last_event_id.value_or(0));
    }
}

void Server::replay(Client& c, std::int64_t start) {
    const std::uint64_t id = c.id;
    const std::int64_t after = c.last_id;
    replayer_.replay(c.topics, after, start, [this, id, start, after](ReplayResult r) {
        Client* cl = registry_.find(id);
        if (!cl || cl->state != ClientState::kStreaming) {
            return;
        }
        switch (r.status) {
            case ReplayResult::Status::kUnavailable:
                replay_waiting_.emplace_back(id, start);
                return;
            case ReplayResult::Status::kReset: {
                metrics::inc(obs::kResets);
                const nlohmann::json data = {{"reason", r.reset_reason}, {"last_event_id", after}};
                cl->replay_rest.push_back(make_message(start, "reset", data.dump(), 0));
                break;
            }
            case ReplayResult::Status::kRows:
                metrics::inc(obs::kReplays);
                metrics::inc(obs::kReplayedMessages, {}, r.rows.size());
                for (const auto& row : r.rows) {
                    // created_epoch 0: replayed rows stay out of the latency histogram.
                    cl->replay_rest.push_back(make_message(row.id, row.kind, row.payload, 0));
                }
                break;
        }
        // flush() pages the replay out as the socket drains, then queues the
        // live rows held meanwhile (feed_replay).
        cl->replay_loaded = true;
        mark_dirty(*cl);
    });
}

void Server::confirm_access(std::uint64_t id) {
    Client* c = registry_.find(id);
    if (!c || c->state != ClientState::kStreaming || c->unverified.empty()) {
        return;
    }
    access_.confirm(c->unverified, [this, id](AccessDecision decision) {
        Client* cl = registry_.find(id);
        if (!cl || cl->state != ClientState::kStreaming) {
            return;
        }
        using V = AccessDecision::Verdict;
        if (decision.verdict == V::kUnavailable) {
            confirm_waiting_.push_back(id);  // the database went away again
            return;
        }
        if (decision.verdict != V::kAllow) {
            // Not an event this client may follow: end the stream before any
            // message; the reconnect gets the answer (404) every client gets.
            metrics::inc(obs::kRejected, {decision.log_reason});
            slog::info("stream_refused", {{"status", 404},
                                          {"reason", decision.log_reason},
                                          {"after", "unverified"},
                                          {"ip", cl->ip},
                                          {"request_id", cl->request_id}});
            cl->held.clear();
            cl->held_bytes = 0;
            cl->replay_rest.clear();
            cl->replay_loaded = false;
            begin_drain(*cl, CloseReason::kRefused);
            return;
        }
        cl->unverified.clear();
        if (!cl->replaying) {
            for (auto& f : cl->held) {
                (void)cl->enqueue(std::move(f), loop_.now());
            }
            cl->held.clear();
            cl->held_bytes = 0;
        }
        mark_dirty(*cl);
    });
}

void Server::publish(const std::vector<OutboxRow>& rows) {
    for (const auto& row : rows) {
        metrics::inc(obs::kOutboxRows);
        int clients = 0;
        if (registry_.has_subscribers(row.topic)) {
            const FramePtr frame = make_message(row.id, row.kind, row.payload, row.created_epoch);
            registry_.for_each_subscriber(row.topic, [&](Client& c) {
                deliver(c, frame);
                ++clients;
            });
        }
        log_fanout(row, clients);
    }
}

// One line per outbox row (not per client), with the trace of the write
// behind it (docs/observability.md, "Traces").
void Server::log_fanout(const OutboxRow& row, int clients) {
    slog::info("outbox_row", {{"outbox_id", row.id},
                              {"topic", row.topic},
                              {"kind", row.kind},
                              {"trace_id", row.trace_id.empty() ? nlohmann::json(nullptr)
                                                                : nlohmann::json(row.trace_id)},
                              {"clients", clients}});
}

void Server::deliver(Client& c, const FramePtr& frame) {
    if (!c.synced) {
        return;  // before its start position; a replay covers what it asked for
    }
    if (c.replaying || !c.unverified.empty()) {
        c.held.push_back(frame);
        c.held_bytes += frame->bytes.size();
        if (c.held_bytes > settings_.max_backlog_bytes) {
            close(c, CloseReason::kBacklog);
        }
        return;
    }
    // The backlog is judged after the next write attempt (flush), so a burst
    // that a reading client takes at once does not count against it.
    (void)c.enqueue(frame, loop_.now());
    mark_dirty(c);
}

void Server::heartbeat() {
    heartbeat_timer_ = loop_.add_timer(settings_.heartbeat, [this] { heartbeat(); });
    metrics::inc(obs::kHeartbeats);
    registry_.for_each_open([this](Client& c) {
        if (c.state == ClientState::kStreaming && c.queue.empty()) {
            (void)c.enqueue(heartbeat_frame_, loop_.now());
            mark_dirty(c);
        }
    });
}

// --- output: writing queued frames, closing.

void Server::mark_dirty(Client& c) {
    if (!c.dirty) {
        c.dirty = true;
        dirty_.push_back(c.id);
    }
    if (!flush_scheduled_) {
        flush_scheduled_ = true;
        loop_.defer([this] { flush_dirty(); });
    }
}

void Server::flush_dirty() {
    flush_scheduled_ = false;
    auto ids = std::move(dirty_);
    dirty_.clear();
    for (auto id : ids) {
        Client* c = registry_.find(id);
        if (c && c->state != ClientState::kClosed) {
            c->dirty = false;
            flush(*c);
        }
    }
}

void Server::arm_write(Client& c, bool on) {
    if (c.write_armed == on || c.fd < 0) {
        return;
    }
    c.write_armed = on;
    loop_.modify(c.fd, on ? (kReadEvents | EPOLLOUT) : kReadEvents);
}

void Server::count_written(const WriteProgress& p) {
    metrics::inc(obs::kBytesSent, {}, p.bytes);
    metrics::inc(obs::kMessagesSent, {}, p.messages);
    if (!p.created_epochs.empty()) {
        const double now = epoch_now();
        for (double created : p.created_epochs) {
            if (created > 0) {
                metrics::observe(obs::kDeliveryLatency, {}, std::max(0.0, now - created));
            }
        }
    }
}

void Server::flush(Client& c) {
    if (c.fd < 0 || c.write_shut) {
        return;
    }
    WriteProgress p;
    // A replay goes out a page per round while the socket takes it; a socket
    // that takes everything gets the rest on a later loop iteration, so one
    // client never holds the loop.
    for (int round = 0;; ++round) {
        if (round == kReplayPagesPerFlush) {
            arm_write(c, false);
            mark_dirty(c);
            return;
        }
        feed_replay(c);
        p = c.write_queued(loop_.now());
        count_written(p);
        // Another round only while a confirmed replay still has pages.
        if (p.status != WriteProgress::Status::kDrained || !c.replay_loaded ||
            !c.unverified.empty()) {
            break;
        }
    }
    switch (p.status) {
        case WriteProgress::Status::kError:
            close(c, CloseReason::kIoError);
            return;
        case WriteProgress::Status::kBlocked:
            if (c.queued_bytes > settings_.max_backlog_bytes) {
                close(c, CloseReason::kBacklog);
                return;
            }
            arm_write(c, true);
            return;
        case WriteProgress::Status::kDrained:
            arm_write(c, false);
            if (c.state == ClientState::kDraining && c.replay_rest.empty()) {
                // Lingering close: our side ends here; the peer's EOF (or the
                // linger deadline) closes the socket, so no unread input can
                // turn the close into a reset that eats the answer.
                ::shutdown(c.fd, SHUT_WR);
                c.write_shut = true;
                c.drain_deadline = loop_.now() + kLingerAfterAnswer;
            }
            return;
    }
}

void Server::feed_replay(Client& c) {
    if (!c.replay_loaded || !c.unverified.empty()) {
        return;
    }
    c.refill_replay(std::min(kReplayPageBytes, settings_.max_backlog_bytes / 2), loop_.now());
    if (!c.replay_rest.empty()) {
        return;
    }
    // The whole replay is queued: the live rows that waited follow it.
    c.replay_loaded = false;
    c.replaying = false;
    for (auto& f : c.held) {
        (void)c.enqueue(std::move(f), loop_.now());
    }
    c.held.clear();
    c.held_bytes = 0;
}

void Server::begin_drain(Client& c, CloseReason reason) {
    if (c.state == ClientState::kClosed || c.state == ClientState::kDraining) {
        return;
    }
    c.reason = reason;
    c.drain_deadline = loop_.now() + (reason == CloseReason::kShutdown ? settings_.drain_timeout
                                                                       : settings_.write_timeout);
    registry_.set_state(c, ClientState::kDraining);
    flush(c);
}

void Server::close(Client& c, CloseReason reason) {
    if (c.state == ClientState::kClosed) {
        return;
    }
    count_close(reason);
    if (is_drop(reason)) {
        slog::warn("stream_dropped", {{"reason", to_string(reason)},
                                      {"request_id", c.request_id},
                                      {"ip", c.ip.empty() ? c.peer : c.ip},
                                      {"queued_bytes", c.queued_bytes},
                                      {"state", to_string(c.state)}});
    } else {
        slog::debug("stream_closed", {{"reason", to_string(reason)},
                                      {"request_id", c.request_id},
                                      {"state", to_string(c.state)}});
    }
    if (c.fd >= 0) {
        loop_.unwatch(c.fd);
        ::close(c.fd);
        c.fd = -1;
    }
    c.queue.clear();
    c.replay_rest.clear();
    c.held.clear();
    c.queued_bytes = 0;
    registry_.set_state(c, ClientState::kClosed);
    schedule_reap();
}

void Server::schedule_reap() {
    if (reap_scheduled_) {
        return;
    }
    reap_scheduled_ = true;
    loop_.defer([this] {
        reap_scheduled_ = false;
        registry_.reap();
        check_shutdown_done();
    });
}

void Server::sweep() {
    sweep_timer_ = loop_.add_timer(std::chrono::milliseconds(100), [this] { sweep(); });
    if (!confirm_waiting_.empty() && db_.ready()) {
        // Streams admitted unverified whose confirmation failed on a live
        // connection (or came in after on_db_ready) are confirmed from here.
        auto unverified = std::move(confirm_waiting_);
        confirm_waiting_.clear();
        for (auto id : unverified) {
            confirm_access(id);
        }
    }
    const auto now = loop_.now();
    std::vector<std::pair<Client*, CloseReason>> expired;
    registry_.for_each_open([&](Client& c) {
        if (c.state == ClientState::kHandshaking && !c.awaiting_access &&
            now - c.connected_at > settings_.handshake_timeout) {
            expired.emplace_back(&c, CloseReason::kHandshakeTimeout);
        } else if (c.state == ClientState::kDraining && now > c.drain_deadline) {
            expired.emplace_back(&c, c.write_shut ? c.reason : CloseReason::kWriteTimeout);
        } else if (c.queued_bytes > 0 && now - c.last_progress > settings_.write_timeout) {
            expired.emplace_back(&c, CloseReason::kWriteTimeout);
        }
    });
    for (auto [c, reason] : expired) {
        close(*c, reason);
    }
}

void Server::shutdown(std::function<void()> done) {
    if (shutting_down_) {
        return;
    }
    shutting_down_ = true;
    shutdown_done_ = std::move(done);
    loop_.cancel_timer(accept_pause_timer_);
    for (int fd : listeners_) {
        loop_.unwatch(fd);
        ::close(fd);
    }
    listeners_.clear();
    ::unlink(settings_.listen.path.c_str());
    slog::info("draining", {{"streams", registry_.count(ClientState::kStreaming)},
                            {"timeout_ms", settings_.drain_timeout.count()}});
    std::vector<Client*> open;
    registry_.for_each_open([&](Client& c) { open.push_back(&c); });
    for (Client* c : open) {
        if (c->state == ClientState::kStreaming) {
            begin_drain(*c, CloseReason::kShutdown);
        } else if (c->state == ClientState::kHandshaking) {
            close(*c, CloseReason::kShutdown);
        }
    }
    // Anything still open at the deadline is closed by sweep(); this is the backstop.
    (void)loop_.add_timer(settings_.drain_timeout + kLingerAfterAnswer, [this] {
        std::vector<Client*> left;
        registry_.for_each_open([&](Client& c) { left.push_back(&c); });
        for (Client* c : left) {
            close(*c, CloseReason::kShutdown);
        }
    });
    schedule_reap();
}

void Server::check_shutdown_done() {
    if (shutting_down_ && registry_.size() == 0 && shutdown_done_) {
        auto done = std::move(shutdown_done_);
        shutdown_done_ = nullptr;
        done();
    }
}

Gauges Server::gauges() const {
    Gauges g;
    g.handshaking = registry_.count(ClientState::kHandshaking);
    g.streaming = registry_.count(ClientState::kStreaming);
    g.draining = registry_.count(ClientState::kDraining);
    g.max_connections = max_connections_;
    g.topics = registry_.topic_count();
    g.delivered_id = reader_.cursor().delivered();
    g.final_id = reader_.cursor().final_id();
    g.db_connected = db_.ready();
    g.db_reconnects = db_.reconnects();
    g.outbox_probes = reader_.probes();
    return g;
}

}  // namespace sse
