// api::obs::Scoreboard: the pool's per-worker table in shared memory, in the
// manner of php-fpm's scoreboard. The master maps it before the first fork
// and hands each worker a slot at fork (Master::spawn_worker); the worker
// writes its own slot without a lock (atomics; the text fields under a
// per-slot seqlock, so a reader never sees torn text); any worker reads the
// whole table to answer /status and /metrics. The master frees a slot when it
// reaps the worker and adds the worker's CPU time to the header, so the
// pool's CPU counter never goes backwards.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace api::obs {

enum class WorkerState : std::uint32_t { kFree = 0, kStarting = 1, kIdle = 2, kBusy = 3 };
enum class DbState : std::uint32_t { kUnknown = 0, kUp = 1, kDown = 2 };

[[nodiscard]] std::string_view to_string(WorkerState s) noexcept;
[[nodiscard]] std::string_view to_string(DbState s) noexcept;

// A copy of one slot, as a reader sees it.
struct WorkerView {
    std::size_t slot = 0;
    pid_t pid = 0;
    WorkerState state = WorkerState::kFree;
    DbState db = DbState::kUnknown;
    std::int64_t started_unix_ms = 0;  // the worker's start
    std::uint64_t requests = 0;        // requests served
    // The current request when busy, else the last one (empty before the first).
    std::string method;
    std::string route;
    std::string request_id;
    std::int64_t request_started_unix_ms = 0;
    // Busy: time since the request started; idle: the last request's duration.
    std::uint64_t request_duration_us = 0;
};

// The pool-wide figures of the header.
struct PoolView {
    pid_t master_pid = 0;
    std::int64_t started_unix_ms = 0;  // the master's start
    int workers_max = 0;               // SCORELINE_WORKERS
    int listen_fd = -1;                // the FastCGI socket, inherited by every worker
    std::uint64_t listen_queue_max = 0;
    std::uint64_t max_active = 0;     // most workers busy at once since start
    double exited_cpu_seconds = 0;    // CPU of every reaped worker
    std::vector<WorkerView> workers;  // slots in use, in slot order
    [[nodiscard]] int count(WorkerState s) const noexcept;
};

class Scoreboard {
  public:
    // Maps `slots` slots MAP_SHARED (inherited by fork). Master only, before
    // the first fork. Throws std::system_error.
    Scoreboard(std::size_t slots, int workers_max);
    ~Scoreboard();
    Scoreboard(const Scoreboard&) = delete;
    Scoreboard& operator=(const Scoreboard&) = delete;

    // --- master ---
    // A free slot marked starting, or -1 when the table is full.
    [[nodiscard]] int claim() noexcept;
    void set_pid(int slot, pid_t pid) noexcept;
    // The reaped worker's slot is free again; its CPU joins the exited total.
    void release(int slot, double cpu_seconds) noexcept;
    void set_listen_fd(int fd) noexcept;
    // Raises the listen queue maximum to `queued` if larger (any process).
    void note_listen_queue(std::uint64_t queued) noexcept;

    // --- the worker that owns `slot` (after fork) ---
    void worker_ready(int slot) noexcept;  // started: idle
    // Busy with a request; returns true when every live worker is busy now.
    bool begin_request(int slot, std::string_view method, std::string_view request_id) noexcept;
    void set_route(int slot, std::string_view route) noexcept;
    void end_request(int slot) noexcept;
    void set_db(int slot, DbState db) noexcept;

    // --- readers (any process) ---
    [[nodiscard]] PoolView read() const;
    // Odd while the master releases a slot; a reader that sums the live
    // workers and the exited CPU reads it before and after, and reads again
    // when it changed (pool_status.cpp).
    [[nodiscard]] std::uint32_t reap_generation() const noexcept;
    [[nodiscard]] std::size_t capacity() const noexcept { return slots_; }

  private:
    struct Header;
    struct Slot;
    Slot& at(int slot) const noexcept;

    Header* header_ = nullptr;
    Slot* table_ = nullptr;
    std::size_t slots_ = 0;
    std::size_t bytes_ = 0;
};

// This process's scoreboard and slot: set by the master before forking
// (board) and in the child at fork (slot). The worker's hooks below are no-ops
// while either is unset (tests that call handle_request without a master).
void install(Scoreboard* board) noexcept;
void set_current_slot(int slot) noexcept;
[[nodiscard]] Scoreboard* scoreboard() noexcept;
[[nodiscard]] int current_slot() noexcept;

// The worker's hooks.
void worker_ready() noexcept;
void request_began(std::string_view method, std::string_view request_id) noexcept;
void request_routed(std::string_view route) noexcept;
void request_ended() noexcept;
void database_state(DbState db) noexcept;

}  // namespace api::obs
