// One reading of the pool; see pool_status.hpp.
#include "observability/pool_status.hpp"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "metrics/store.hpp"
#include "observability/metrics.hpp"

namespace api::obs {
namespace {

std::int64_t unix_ms() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

// The scoreboard and /proc of every process in it, consistent with the exited
// CPU total: read again while the master is releasing a slot, or when a live
// slot's process is gone already (reaped, its slot not yet released). Bounded
// to 50 attempts 1 ms apart; the last one stands.
void read_processes(const Scoreboard& board, PoolStatus& s) {
    for (int attempt = 0; attempt < 50; ++attempt) {
        const std::uint32_t before = board.reap_generation();
        s.pool = board.read();
        s.by_pid.clear();
        bool complete = before % 2 == 0;
        for (pid_t pid : {s.pool.master_pid}) {
            if (auto p = metrics::sample_process(pid)) {
                s.by_pid[pid] = *p;
            }
        }
        for (const WorkerView& w : s.pool.workers) {
            if (auto p = metrics::sample_process(w.pid)) {
                s.by_pid[w.pid] = *p;
            } else {
                complete = false;
            }
        }
        if (complete && board.reap_generation() == before) {
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

void sum_processes(PoolStatus& s) {
    metrics::ProcessSample total;
    for (const auto& [pid, p] : s.by_pid) {
        total.cpu_seconds += p.cpu_seconds;
        total.rss_bytes += p.rss_bytes;
        total.open_fds += p.open_fds;
        s.most_fds_in_one_process = std::max(s.most_fds_in_one_process, p.open_fds);
    }
    total.cpu_seconds += s.pool.exited_cpu_seconds;
    total.start_time_seconds = static_cast<double>(s.pool.started_unix_ms) / 1000.0;
    if (auto master = s.by_pid.find(s.pool.master_pid); master != s.by_pid.end()) {
        total.start_time_seconds = master->second.start_time_seconds;
    }
    s.processes = total;
}

}  // namespace

std::uint64_t counter_value(const metrics::Family& family) {
    std::uint64_t value = 0;
    metrics::store().for_each([&](const metrics::SeriesView& series) {
        if (series.family == &family && series.labels.empty()) {
            value = series.value(0);
        }
    });
    return value;
}

PoolStatus read_pool_status() {
    PoolStatus s;
    s.now_unix_ms = unix_ms();
    if (const Scoreboard* board = scoreboard()) {
        read_processes(*board, s);
        if (s.pool.listen_fd >= 0) {
            s.queue = read_listen_queue(s.pool.listen_fd);
        }
        if (s.queue) {
            scoreboard()->note_listen_queue(s.queue->queued);
        }
        s.listen_queue_max = std::max(s.pool.listen_queue_max, s.queue ? s.queue->queued : 0);
    } else {
        s.pool.master_pid = ::getpid();
        if (auto p = metrics::sample_process(::getpid())) {
            s.by_pid[::getpid()] = *p;
        }
    }
    sum_processes(s);
    s.accepted = counter_value(kPoolAccepted);
    s.max_children_reached = counter_value(kPoolMaxChildrenReached);
    s.slow_requests = counter_value(kPoolSlowRequests);
    return s;
}

void render_pool_metrics(metrics::TextWriter& w, const PoolStatus& s) {
    constexpr std::string_view kWorkers = "scoreline_pool_workers";
    w.family(kWorkers, metrics::Type::kGauge,
             "Worker processes by state (php-fpm's idle and active processes).");
    w.sample(kWorkers, metrics::label("state", "idle"),
             static_cast<std::int64_t>(s.pool.count(WorkerState::kIdle) +
                                       s.pool.count(WorkerState::kStarting)));
    w.sample(kWorkers, metrics::label("state", "busy"),
             static_cast<std::int64_t>(s.pool.count(WorkerState::kBusy)));
    w.scalar("scoreline_pool_workers_max", metrics::Type::kGauge,
             "Configured worker processes (SCORELINE_WORKERS).", s.pool.workers_max);
    if (s.queue) {
        w.scalar("scoreline_pool_listen_queue", metrics::Type::kGauge,
                 "Connections waiting in the FastCGI socket's accept queue.",
                 static_cast<double>(s.queue->queued));
        w.scalar("scoreline_pool_listen_queue_length", metrics::Type::kGauge,
                 "Size of the FastCGI socket's accept queue (its listen backlog).",
                 static_cast<double>(s.queue->backlog));
    }
    w.scalar("scoreline_pool_listen_queue_max", metrics::Type::kGauge,
             "The longest accept queue seen since the master started.",
             static_cast<double>(s.listen_queue_max));
    constexpr std::string_view kDb = "scoreline_db_connections";
    std::int64_t up = 0;
    std::int64_t down = 0;
    for (const WorkerView& worker : s.pool.workers) {
        up += worker.db == DbState::kUp ? 1 : 0;
        down += worker.db == DbState::kDown ? 1 : 0;
    }
    w.family(kDb, metrics::Type::kGauge,
             "Workers' database connections by state, as of each worker's last request.");
    w.sample(kDb, metrics::label("state", "up"), up);
    w.sample(kDb, metrics::label("state", "down"), down);
    metrics::render_process(w, s.processes, metrics::max_open_fds(),
                            "the master and every worker; CPU of exited workers included");
}

}  // namespace api::obs
