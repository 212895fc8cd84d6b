// sse::Replayer: the rows a reconnecting client missed. Given its topics, the
// id it last saw (Last-Event-ID) and the reader's delivered id when it
// subscribed, it reads (last seen, delivered] of those topics from the outbox
// in one query. A client whose gap starts with a row older than the replay
// window (SCORELINE_SSE_REPLAY_WINDOW_S; keep it below the outbox retention),
// or whose gap holds more rows than SCORELINE_SSE_REPLAY_MAX_ROWS, gets a
// reset instead: `event: reset` tells it to reload. Loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "async_connection.hpp"
#include "outbox_reader.hpp"

namespace sse {

struct ReplaySettings {
    std::chrono::seconds window{3600};
    int max_rows = 10000;
};

struct ReplayResult {
    enum class Status { kRows, kReset, kUnavailable } status = Status::kRows;
    std::vector<OutboxRow> rows;  // kRows: in id order
    std::string reset_reason;     // kReset: "window" or "too_many_rows"
};

class Replayer {
  public:
    Replayer(AsyncConnection& db, ReplaySettings settings) : db_(db), settings_(settings) {}

    // Reads rows with after_id < id <= up_to_id of `topics`; `done` runs once.
    void replay(const std::vector<std::string>& topics, std::int64_t after_id,
                std::int64_t up_to_id, std::function<void(ReplayResult)> done);

  private:
    AsyncConnection& db_;
    ReplaySettings settings_;
};

}  // namespace sse
