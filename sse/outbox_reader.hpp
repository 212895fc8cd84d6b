// sse::OutboxReader: turns "something new" into outbox rows, in id order,
// each exactly once. It probes the database on every NOTIFY on
// scoreline_outbox, on a poll timer (a notification can arrive before the
// writer's transaction leaves the snapshots' running set, or be lost with the
// connection) and in quick succession while a fence is waiting, never two
// probes closer than OutboxReaderOptions::probe_gap; it fetches the
// rows that OutboxCursor declares final and hands them to the fan-out. After
// a reconnect it catches up from the last delivered id. Loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "async_connection.hpp"
#include "loop.hpp"
#include "outbox_cursor.hpp"

namespace sse {

struct OutboxRow {
    std::int64_t id = 0;
    std::string topic;
    std::string kind;
    std::string payload;       // JSON text
    double created_epoch = 0;  // created_at, seconds since the epoch
    std::string trace_id;      // W3C trace id of the write behind the row; empty: none
};

struct OutboxReaderOptions {
    std::chrono::milliseconds poll_interval{1000};
    int batch_rows = 500;
    // Least time between the starts of two probes. A probe after a quiet
    // spell goes at once; under a stream of notifications the probes of this
    // process are spaced out, so the database serves at most one per gap
    // per process instead of one per commit. 0: probe at every notification.
    std::chrono::milliseconds probe_gap{5};
};

class OutboxReader {
  public:
    // Called with each fetched batch, rows in id order, all above every row
    // of earlier batches.
    using Deliver = std::function<void(const std::vector<OutboxRow>& rows)>;

    OutboxReader(Loop& loop, AsyncConnection& db, OutboxReaderOptions options, Deliver deliver,
                 std::function<void()> on_positioned);
    ~OutboxReader();
    OutboxReader(const OutboxReader&) = delete;
    OutboxReader& operator=(const OutboxReader&) = delete;

    // Starts the poll timer.
    void start();
    // Hooks of the shared AsyncConnection.
    void on_ready();
    void on_notify();
    void on_lost();

    [[nodiscard]] const OutboxCursor& cursor() const noexcept { return cursor_; }
    [[nodiscard]] std::uint64_t rows_read() const noexcept { return rows_read_; }
    [[nodiscard]] std::uint64_t probes() const noexcept { return probes_; }

  private:
    void kick();
    void probe();
    void fetch();
    void schedule_retry();
    void on_poll_timer();

    Loop& loop_;
    AsyncConnection& db_;
    OutboxReaderOptions options_;
    Deliver deliver_;
    std::function<void()> on_positioned_;
    OutboxCursor cursor_;
    bool in_flight_ = false;
    bool probe_wanted_ = true;
    Loop::TimerId poll_timer_ = 0;
    Loop::TimerId retry_timer_ = 0;
    Loop::TimerId gap_timer_ = 0;
    Loop::Clock::time_point last_probe_{};
    std::chrono::milliseconds retry_delay_{1};
    std::uint64_t rows_read_ = 0;
    std::uint64_t probes_ = 0;
};

}  // namespace sse
