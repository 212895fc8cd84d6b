// api::obs::PoolStatus: one reading of the whole pool — the scoreboard, the
// FastCGI socket's accept queue, the pool counters of the metrics store and
// /proc of the master and every live worker — taken by the worker that
// answers /metrics or /status. render_pool_metrics() writes the pool gauges
// and the process_* families of the whole pool.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>

#include "metrics/process.hpp"
#include "metrics/text.hpp"
#include "observability/listen_queue.hpp"
#include "observability/scoreboard.hpp"

namespace api::obs {

struct PoolStatus {
    PoolView pool;
    std::optional<ListenQueue> queue;  // nullopt: the kernel did not say
    std::uint64_t listen_queue_max = 0;
    std::uint64_t accepted = 0;
    std::uint64_t max_children_reached = 0;
    std::uint64_t slow_requests = 0;
    // Master + live workers; cpu_seconds also holds the CPU of exited
    // workers; start_time_seconds is the master's.
    metrics::ProcessSample processes;
    std::uint64_t most_fds_in_one_process = 0;
    std::map<pid_t, metrics::ProcessSample> by_pid;  // master and live workers
    std::int64_t now_unix_ms = 0;
};

// Reads everything; without an installed scoreboard (a handler test without
// a master) the pool is this process alone.
[[nodiscard]] PoolStatus read_pool_status();

// The value of an unlabelled counter of the metrics store (0 before its first event).
[[nodiscard]] std::uint64_t counter_value(const metrics::Family& family);

// scoreline_pool_workers{state}, scoreline_pool_workers_max,
// scoreline_pool_listen_queue{,_max,_length}, scoreline_db_connections{state}
// and process_* of the whole pool.
void render_pool_metrics(metrics::TextWriter& w, const PoolStatus& s);

}  // namespace api::obs
