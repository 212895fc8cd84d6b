// api::Master: the supervisor process of scoreline-api, in the manner of
// php-fpm. Opens the FastCGI socket, forks the workers and keeps their number:
// respawns a worker that dies (with exponential backoff while workers crash in
// a loop), replaces workers recycled after max_requests, drains on SIGTERM or
// SIGINT, and replaces every worker on SIGHUP without refusing a request.
// Before the first fork it maps the per-user rate-limit table
// (ratelimit::SharedBuckets, MAP_SHARED), so every worker, respawned ones
// included, draws from the same buckets, and the database health page
// (DatabaseHealth) that /readyz of any worker reads, the metrics store
// (metrics::Store) every worker counts into, and the pool's scoreboard
// (obs::Scoreboard: one slot per worker, read by /status and /metrics).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <vector>

#include "api_config.hpp"
#include "context.hpp"
#include "metrics/store.hpp"
#include "observability/scoreboard.hpp"
#include "ratelimit/shared_buckets.hpp"
#include "router.hpp"

namespace api {

class Master {
  public:
    Master(const ApiConfig& config, const Router& router);
    // Runs until drained after SIGTERM/SIGINT; returns the exit code.
    [[nodiscard]] int run();

  private:
    // Series slots of the metrics table (about 330 bytes each).
    static constexpr std::size_t kMetricSeries = 8192;
    using Clock = std::chrono::steady_clock;
    struct Slot {
        pid_t pid = 0;
        Clock::time_point started;
        bool retiring = false;  // replaced by SIGHUP: do not respawn
        int board_slot = -1;    // its slot of the scoreboard; -1: the table was full
    };

    void open_socket();
    void spawn_worker();
    void reap_children();
    void rolling_restart();
    void begin_shutdown();
    void maybe_respawn();
    [[nodiscard]] int live_workers() const;

    const ApiConfig& config_;
    const Router& router_;
    int listen_fd_ = -1;
    std::unique_ptr<ratelimit::SharedBuckets> buckets_;  // null: no class is limited
    std::unique_ptr<DatabaseHealth> db_health_;
    std::unique_ptr<metrics::Store> metrics_;      // the series of every worker
    std::unique_ptr<obs::Scoreboard> scoreboard_;  // one slot per live worker
    std::vector<Slot> slots_;
    int missing_ = 0;       // workers to start when the backoff allows
    int crash_streak_ = 0;  // consecutive early crashes
    Clock::time_point next_spawn_at_{};
    bool shutting_down_ = false;
    Clock::time_point drain_deadline_{};
};

}  // namespace api
