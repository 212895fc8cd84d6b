// sse::Client: one connection to scoreline-sse, from accept to close. Its
// state is an explicit enum changed only through Registry::set_state():
//   Handshaking → Streaming → Draining → Closed
//   Handshaking → Draining (an error answer is flushed, then the socket closes)
//   any → Closed (peer gone, I/O error, dropped for backlog or stalled writes)
// Output is a queue of shared Frames plus the offset into the first one, so
// a message serialized once is written to every client from the same bytes;
// write_queued() resumes partial writes when EPOLLOUT says so. Loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frame.hpp"
#include "http_parser.hpp"
#include "loop.hpp"

namespace sse {

enum class ClientState { kHandshaking, kStreaming, kDraining, kClosed };
inline constexpr std::size_t kClientStateCount = 4;
[[nodiscard]] std::string_view to_string(ClientState state) noexcept;
[[nodiscard]] bool transition_allowed(ClientState from, ClientState to) noexcept;

// Why a connection ended; the first four are drops scoreline-sse decided.
enum class CloseReason {
    kNone,
    kBacklog,           // unwritten output passed the configured size
    kWriteTimeout,      // output waited without progress for too long
    kHandshakeTimeout,  // no complete request head in time
    kIoError,
    kPeerClosed,  // the client (nginx) went away
    kAnswered,    // an error answer was written
    kShutdown,    // SIGTERM
    kRefused,     // admitted unverified, then refused once the database was back
};
[[nodiscard]] std::string_view to_string(CloseReason reason) noexcept;
[[nodiscard]] bool is_drop(CloseReason reason) noexcept;

// What one write_queued() call did.
struct WriteProgress {
    enum class Status { kDrained, kBlocked, kError } status = Status::kDrained;
    std::size_t bytes = 0;
    std::size_t messages = 0;            // message frames whose last byte went out
    std::vector<double> created_epochs;  // of those messages, for the latency histogram
};

struct Client {
    Client(std::uint64_t id_, int fd_, std::string peer_, HttpLimits limits,
           Loop::Clock::time_point now)
        : id(id_),
          fd(fd_),
          peer(std::move(peer_)),
          parser(limits),
          connected_at(now),
          last_progress(now) {}

    const std::uint64_t id;
    int fd;
    ClientState state = ClientState::kHandshaking;  // Registry::set_state() only
    std::string peer;  // peer address of the socket ("unix" for a unix socket)
    std::string ip;    // the client's address as nginx reports it (X-Real-IP), else peer
    bool ip_counted = false;
    std::string request_id;  // X-Request-ID from nginx, for log lines
    HttpRequestParser parser;
    bool awaiting_access = false;  // an access lookup is in flight
    Loop::Clock::time_point connected_at;
    Loop::Clock::time_point last_progress;  // last write that moved bytes, or queue start
    Loop::Clock::time_point drain_deadline{};
    CloseReason reason = CloseReason::kNone;

    // Streaming.
    std::vector<std::string> topics;
    std::optional<std::int64_t> last_event_id;  // what the client asked to resume from
    bool synced = false;                        // has a start position in the outbox
    // Admitted while the database was away, for events whose status was
    // never seen: no message goes out (live rows wait in `held`) until the
    // server confirms them; refused, the stream closes.
    std::vector<std::int64_t> unverified;
    std::int64_t last_id = 0;    // highest message id queued; lower or equal ones are skipped
    bool replaying = false;      // replay in flight or being paged out: live frames wait in `held`
    bool replay_loaded = false;  // the replay's rows arrived; they are paged from replay_rest
    std::vector<FramePtr> held;
    std::size_t held_bytes = 0;
    // Replayed messages not queued yet. They enter the queue a page at a
    // time as the socket drains, so a replay of any size never counts as
    // backlog: that limit is for live output a client does not take.
    std::deque<FramePtr> replay_rest;

    // Output.
    std::deque<FramePtr> queue;
    std::size_t offset = 0;        // bytes of queue.front() already written
    std::size_t queued_bytes = 0;  // unwritten bytes in the queue
    bool write_armed = false;      // EPOLLOUT is being watched
    bool dirty = false;            // listed for the server's next flush
    bool write_shut = false;       // Draining: our side is shut down, waiting for the peer's EOF

    // Adds a frame to the output queue (message frames at or below last_id
    // are skipped); returns the new queued size. The stall clock starts when
    // the queue goes from empty to non-empty.
    std::size_t enqueue(FramePtr frame, Loop::Clock::time_point now);
    // Moves replayed messages from replay_rest to the queue until the queue
    // holds at least `page_bytes` or replay_rest is empty.
    void refill_replay(std::size_t page_bytes, Loop::Clock::time_point now);
    // Writes as much of the queue as the socket takes (sendmsg, MSG_NOSIGNAL,
    // up to 64 frames per call).
    [[nodiscard]] WriteProgress write_queued(Loop::Clock::time_point now);
};

}  // namespace sse
