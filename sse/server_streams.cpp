// The stream side of sse::Server: opening a stream, its start position in
// the outbox, Last-Event-ID replays, fan-out of outbox rows to the streams
// of their topic, heartbeats. Connection handling is in server.cpp.
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "log.hpp"
#include "response.hpp"
#include "server.hpp"

namespace sse {
namespace {

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
    ++metrics_.streams_opened;
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
                ++metrics_.resets;
                const nlohmann::json data = {{"reason", r.reset_reason}, {"last_event_id", after}};
                cl->replay_rest.push_back(make_message(start, "reset", data.dump(), 0));
                break;
            }
            case ReplayResult::Status::kRows:
                ++metrics_.replays;
                metrics_.replayed_messages += r.rows.size();
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
            ++metrics_.rejected[decision.log_reason];
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
        ++metrics_.outbox_rows;
        if (!registry_.has_subscribers(row.topic)) {
            continue;
        }
        const FramePtr frame = make_message(row.id, row.kind, row.payload, row.created_epoch);
        registry_.for_each_subscriber(row.topic, [&](Client& c) { deliver(c, frame); });
    }
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
    ++metrics_.heartbeats;
    registry_.for_each_open([this](Client& c) {
        if (c.state == ClientState::kStreaming && c.queue.empty()) {
            (void)c.enqueue(heartbeat_frame_, loop_.now());
            mark_dirty(c);
        }
    });
}

}  // namespace sse
