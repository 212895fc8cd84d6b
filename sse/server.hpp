// sse::Server: the streaming side of scoreline-sse on one epoll loop. It
// accepts connections, reads and checks each request (limits, route, access),
// answers with an event stream, fans every outbox row out to the streams that
// follow its topic, replays what a reconnecting client missed, sends
// heartbeats, sheds clients that fall behind, and on SIGTERM drains every
// stream and closes it cleanly. Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "access.hpp"
#include "async_connection.hpp"
#include "loop.hpp"
#include "metrics.hpp"
#include "outbox_reader.hpp"
#include "registry.hpp"
#include "replay.hpp"
#include "response.hpp"
#include "settings.hpp"
#include "stream_request.hpp"

namespace sse {

// How many connections one process takes (main() derives it from RLIMIT_NOFILE).
struct Capacity {
    std::size_t max_streams = 0;  // open streams; past it a request gets 503
    std::size_t max_open = 0;     // sockets; past it a connection is closed unanswered
};

class Server {
  public:
    // Counts into metrics::store() (metrics.hpp).
    Server(Loop& loop, const Settings& settings, Capacity capacity, AsyncConnection& db);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Opens the listeners (throws std::runtime_error) and starts the timers.
    void start();
    // Stops accepting, drains every stream (at most SCORELINE_SSE_DRAIN_TIMEOUT_MS)
    // and calls `done` once no connection is left.
    void shutdown(std::function<void()> done);

    // Hooks of the shared database connection.
    void on_db_ready();
    void on_db_lost();
    void on_db_notify();

    [[nodiscard]] Gauges gauges() const;
    [[nodiscard]] bool positioned() const noexcept { return reader_.cursor().positioned(); }

  private:
    void watch_listener(int fd);
    void on_accept(int listen_fd);
    void on_client_event(std::uint64_t id, std::uint32_t events);
    void read_request(Client& c);
    void discard_input(Client& c);
    void handle_request(Client& c);
    void on_access(std::uint64_t id, const StreamRequest& request, const AccessDecision& decision);
    void answer(Client& c, int status, const std::string& detail, const std::string& reason,
                const HeaderList& headers = {});
    void start_stream(Client& c, const StreamRequest& request, const AccessDecision& decision);
    void confirm_access(std::uint64_t id);
    void sync(Client& c);
    void replay(Client& c, std::int64_t start);
    void publish(const std::vector<OutboxRow>& rows);
    void log_fanout(const OutboxRow& row, int clients);
    void deliver(Client& c, const FramePtr& frame);
    void mark_dirty(Client& c);
    void flush_dirty();
    void flush(Client& c);
    void feed_replay(Client& c);
    void count_written(const WriteProgress& p);
    void arm_write(Client& c, bool on);
    void begin_drain(Client& c, CloseReason reason);
    void close(Client& c, CloseReason reason);
    void schedule_reap();
    void heartbeat();
    void sweep();
    void check_shutdown_done();

    Loop& loop_;
    const Settings& settings_;
    std::size_t max_connections_;
    std::size_t max_open_;
    AsyncConnection& db_;
    Registry registry_;
    OutboxReader reader_;
    AccessGate access_;
    Replayer replayer_;
    FramePtr heartbeat_frame_;
    std::vector<int> listeners_;
    std::vector<std::uint64_t> dirty_;
    bool flush_scheduled_ = false;
    bool reap_scheduled_ = false;
    // Clients whose replay could not run (database away), with their start id.
    std::vector<std::pair<std::uint64_t, std::int64_t>> replay_waiting_;
    // Streams admitted unverified (database away), to confirm when it is back.
    std::vector<std::uint64_t> confirm_waiting_;
    Loop::TimerId heartbeat_timer_ = 0;
    Loop::TimerId sweep_timer_ = 0;
    Loop::TimerId accept_pause_timer_ = 0;
    bool shutting_down_ = false;
    std::function<void()> shutdown_done_;
};

}  // namespace sse
