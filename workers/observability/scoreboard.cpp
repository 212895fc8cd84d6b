// The pool's shared scoreboard; see scoreboard.hpp.
#include "observability/scoreboard.hpp"

#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <new>
#include <system_error>

#include "metrics/store.hpp"
#include "observability/metrics.hpp"

namespace api::obs {
namespace {

static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "shared across processes");
static_assert(std::atomic<std::int64_t>::is_always_lock_free, "shared across processes");
static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "shared across processes");

std::int64_t unix_ms() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

// CLOCK_MONOTONIC is the same clock in every process of the machine.
std::int64_t mono_us() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

// Text of at most 8 * Words - 1 bytes in relaxed atomic words: copying it is
// never a data race; the slot's seqlock makes a copy consistent.
template <std::size_t Words>
struct AtomicText {
    std::array<std::atomic<std::uint64_t>, Words> words{};

    void store(std::string_view text) noexcept {
        std::array<char, Words * 8> buf{};
        const std::size_t n = std::min(text.size(), buf.size() - 1);
        std::memcpy(buf.data(), text.data(), n);
        for (std::size_t i = 0; i < Words; ++i) {
            std::uint64_t w = 0;
            std::memcpy(&w, buf.data() + i * 8, 8);
            words[i].store(w, std::memory_order_relaxed);
        }
    }
    [[nodiscard]] std::string load() const {
        std::array<char, Words * 8> buf{};
        for (std::size_t i = 0; i < Words; ++i) {
            const std::uint64_t w = words[i].load(std::memory_order_relaxed);
            std::memcpy(buf.data() + i * 8, &w, 8);
        }
        buf.back() = '\0';
        return std::string(buf.data());
    }
};

}  // namespace

struct Scoreboard::Header {
    std::atomic<std::int32_t> master_pid{0};
    std::atomic<std::int32_t> workers_max{0};
    std::atomic<std::int32_t> listen_fd{-1};
    std::atomic<std::int64_t> started_unix_ms{0};
    std::atomic<std::uint64_t> listen_queue_max{0};
    std::atomic<std::uint64_t> max_active{0};
    std::atomic<std::uint64_t> exited_cpu_us{0};
    std::atomic<std::uint32_t> reap_seq{0};
};

struct Scoreboard::Slot {
    std::atomic<std::uint32_t> state{0};  // WorkerState
    std::atomic<std::uint32_t> db{0};     // DbState
    std::atomic<std::int32_t> pid{0};
    std::atomic<std::int64_t> started_unix_ms{0};
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::int64_t> request_started_unix_ms{0};
    std::atomic<std::int64_t> request_started_mono_us{0};
    std::atomic<std::uint64_t> last_duration_us{0};
    // Odd while the owner rewrites the text fields below.
    std::atomic<std::uint32_t> seq{0};
    AtomicText<1> method;      // 7 bytes: the method label (GET … OPTIONS, other)
    AtomicText<12> route;      // 95 bytes of route pattern
    AtomicText<8> request_id;  // 63 bytes: nginx's $request_id is 32
};

std::string_view to_string(WorkerState s) noexcept {
    switch (s) {
        case WorkerState::kFree:
            return "free";
        case WorkerState::kStarting:
            return "starting";
        case WorkerState::kIdle:
            return "idle";
        case WorkerState::kBusy:
            return "busy";
    }
    return "free";
}

std::string_view to_string(DbState s) noexcept {
    switch (s) {
        case DbState::kUnknown:
            return "unknown";
        case DbState::kUp:
            return "up";
        case DbState::kDown:
            return "down";
    }
    return "unknown";
}

int PoolView::count(WorkerState s) const noexcept {
    return static_cast<int>(std::count_if(workers.begin(), workers.end(),
                                          [s](const WorkerView& w) { return w.state == s; }));
}

Scoreboard::Scoreboard(std::size_t slots, int workers_max)
    : slots_(slots), bytes_(sizeof(Header) + slots * sizeof(Slot)) {
    void* p = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        throw std::system_error(errno, std::generic_category(), "mmap of the pool scoreboard");
    }
    header_ = new (p) Header();
    table_ = reinterpret_cast<Slot*>(static_cast<char*>(p) + sizeof(Header));
    for (std::size_t i = 0; i < slots_; ++i) {
        new (&table_[i]) Slot();
    }
    header_->master_pid.store(static_cast<std::int32_t>(::getpid()), std::memory_order_relaxed);
    header_->workers_max.store(workers_max, std::memory_order_relaxed);
    header_->started_unix_ms.store(unix_ms(), std::memory_order_relaxed);
}

Scoreboard::~Scoreboard() {
    ::munmap(header_, bytes_);
}

Scoreboard::Slot& Scoreboard::at(int slot) const noexcept {
    return table_[static_cast<std::size_t>(slot)];
}

int Scoreboard::claim() noexcept {
    for (std::size_t i = 0; i < slots_; ++i) {
        Slot& s = table_[i];
        if (s.state.load(std::memory_order_relaxed) !=
            static_cast<std::uint32_t>(WorkerState::kFree)) {
            continue;
        }
        s.pid.store(0, std::memory_order_relaxed);
        s.db.store(static_cast<std::uint32_t>(DbState::kUnknown), std::memory_order_relaxed);
        s.requests.store(0, std::memory_order_relaxed);
        s.request_started_unix_ms.store(0, std::memory_order_relaxed);
        s.request_started_mono_us.store(0, std::memory_order_relaxed);
        s.last_duration_us.store(0, std::memory_order_relaxed);
        // Readers skip a free slot, and its last owner is gone (perhaps
        // killed between the two steps of its seqlock): start it even again.
        s.seq.store(0, std::memory_order_relaxed);
        s.method.store("");
        s.route.store("");
        s.request_id.store("");
        s.started_unix_ms.store(unix_ms(), std::memory_order_relaxed);
        s.state.store(static_cast<std::uint32_t>(WorkerState::kStarting),
                      std::memory_order_release);
        return static_cast<int>(i);
    }
    return -1;
}

void Scoreboard::set_pid(int slot, pid_t pid) noexcept {
    at(slot).pid.store(static_cast<std::int32_t>(pid), std::memory_order_release);
}

void Scoreboard::release(int slot, double cpu_seconds) noexcept {
    Slot& s = at(slot);
    // The CPU moves from the live slot to the exited total between two steps
    // of reap_seq, so a reader summing both sees it once (pool_status.cpp).
    header_->reap_seq.fetch_add(1, std::memory_order_seq_cst);
    header_->exited_cpu_us.fetch_add(static_cast<std::uint64_t>(cpu_seconds * 1e6),
                                     std::memory_order_seq_cst);
    s.pid.store(0, std::memory_order_seq_cst);
    s.state.store(static_cast<std::uint32_t>(WorkerState::kFree), std::memory_order_seq_cst);
    header_->reap_seq.fetch_add(1, std::memory_order_seq_cst);
}

std::uint32_t Scoreboard::reap_generation() const noexcept {
    return header_->reap_seq.load(std::memory_order_seq_cst);
}

void Scoreboard::set_listen_fd(int fd) noexcept {
    header_->listen_fd.store(fd, std::memory_order_relaxed);
}

void Scoreboard::note_listen_queue(std::uint64_t queued) noexcept {
    std::uint64_t seen = header_->listen_queue_max.load(std::memory_order_relaxed);
    while (queued > seen && !header_->listen_queue_max.compare_exchange_weak(
                                seen, queued, std::memory_order_relaxed)) {
    }
}

void Scoreboard::worker_ready(int slot) noexcept {
    at(slot).state.store(static_cast<std::uint32_t>(WorkerState::kIdle), std::memory_order_release);
}

bool Scoreboard::begin_request(int slot, std::string_view method,
                               std::string_view request_id) noexcept {
    Slot& s = at(slot);
    s.seq.fetch_add(1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    s.method.store(method);
    s.route.store("");
    s.request_id.store(request_id);
    s.seq.fetch_add(1, std::memory_order_release);
    s.request_started_unix_ms.store(unix_ms(), std::memory_order_relaxed);
    s.request_started_mono_us.store(mono_us(), std::memory_order_relaxed);
    s.state.store(static_cast<std::uint32_t>(WorkerState::kBusy), std::memory_order_seq_cst);
    std::uint64_t live = 0;
    std::uint64_t busy = 0;
    for (std::size_t i = 0; i < slots_; ++i) {
        const auto st = static_cast<WorkerState>(table_[i].state.load(std::memory_order_seq_cst));
        live += st == WorkerState::kFree ? 0 : 1;
        busy += st == WorkerState::kBusy ? 1 : 0;
    }
    std::uint64_t max = header_->max_active.load(std::memory_order_relaxed);
    while (busy > max &&
           !header_->max_active.compare_exchange_weak(max, busy, std::memory_order_relaxed)) {
    }
    return busy >= live;
}

void Scoreboard::set_route(int slot, std::string_view route) noexcept {
    Slot& s = at(slot);
    s.seq.fetch_add(1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    s.route.store(route);
    s.seq.fetch_add(1, std::memory_order_release);
}

void Scoreboard::end_request(int slot) noexcept {
    Slot& s = at(slot);
    const std::int64_t took = mono_us() - s.request_started_mono_us.load(std::memory_order_relaxed);
    s.last_duration_us.store(static_cast<std::uint64_t>(std::max<std::int64_t>(took, 0)),
                             std::memory_order_relaxed);
    s.requests.fetch_add(1, std::memory_order_relaxed);
    s.state.store(static_cast<std::uint32_t>(WorkerState::kIdle), std::memory_order_release);
}

void Scoreboard::set_db(int slot, DbState db) noexcept {
    at(slot).db.store(static_cast<std::uint32_t>(db), std::memory_order_relaxed);
}

PoolView Scoreboard::read() const {
    PoolView v;
    v.master_pid = header_->master_pid.load(std::memory_order_relaxed);
    v.workers_max = header_->workers_max.load(std::memory_order_relaxed);
    v.listen_fd = header_->listen_fd.load(std::memory_order_relaxed);
    v.started_unix_ms = header_->started_unix_ms.load(std::memory_order_relaxed);
    v.listen_queue_max = header_->listen_queue_max.load(std::memory_order_relaxed);
    v.max_active = header_->max_active.load(std::memory_order_relaxed);
    v.exited_cpu_seconds =
        static_cast<double>(header_->exited_cpu_us.load(std::memory_order_seq_cst)) / 1e6;
    const std::int64_t now_us = mono_us();
    for (std::size_t i = 0; i < slots_; ++i) {
        const Slot& s = table_[i];
        const auto state = static_cast<WorkerState>(s.state.load(std::memory_order_acquire));
        const pid_t pid = s.pid.load(std::memory_order_acquire);
        if (state == WorkerState::kFree || pid == 0) {
            continue;
        }
        WorkerView w;
        w.slot = i;
        w.pid = pid;
        w.state = state;
        w.db = static_cast<DbState>(s.db.load(std::memory_order_relaxed));
        w.started_unix_ms = s.started_unix_ms.load(std::memory_order_relaxed);
        w.requests = s.requests.load(std::memory_order_relaxed);
        // Seqlock read, bounded: a writer holds it for a few stores only.
        for (int attempt = 0; attempt < 1000; ++attempt) {
            const std::uint32_t before = s.seq.load(std::memory_order_acquire);
            if (before % 2 == 1) {
                continue;
            }
            w.method = s.method.load();
            w.route = s.route.load();
            w.request_id = s.request_id.load();
            std::atomic_thread_fence(std::memory_order_acquire);
            if (s.seq.load(std::memory_order_relaxed) == before) {
                break;
            }
            w.method.clear();
            w.route.clear();
            w.request_id.clear();
        }
        w.request_started_unix_ms = s.request_started_unix_ms.load(std::memory_order_relaxed);
        if (state == WorkerState::kBusy) {
            const std::int64_t since = s.request_started_mono_us.load(std::memory_order_relaxed);
            w.request_duration_us =
                static_cast<std::uint64_t>(std::max<std::int64_t>(now_us - since, 0));
        } else {
            w.request_duration_us = s.last_duration_us.load(std::memory_order_relaxed);
        }
        v.workers.push_back(std::move(w));
    }
    return v;
}

namespace {
Scoreboard* g_board = nullptr;
int g_slot = -1;
}  // namespace

void install(Scoreboard* board) noexcept {
    g_board = board;
}
void set_current_slot(int slot) noexcept {
    g_slot = slot;
}
Scoreboard* scoreboard() noexcept {
    return g_board;
}
int current_slot() noexcept {
    return g_slot;
}

void worker_ready() noexcept {
    if (g_board != nullptr && g_slot >= 0) {
        g_board->worker_ready(g_slot);
    }
}

void request_began(std::string_view method, std::string_view request_id) noexcept {
    if (g_board != nullptr && g_slot >= 0 && g_board->begin_request(g_slot, method, request_id)) {
        metrics::inc(kPoolMaxChildrenReached);
    }
}

void request_routed(std::string_view route) noexcept {
    if (g_board != nullptr && g_slot >= 0) {
        g_board->set_route(g_slot, route);
    }
}

void request_ended() noexcept {
    if (g_board != nullptr && g_slot >= 0) {
        g_board->end_request(g_slot);
    }
}

void database_state(DbState db) noexcept {
    if (g_board != nullptr && g_slot >= 0) {
        g_board->set_db(g_slot, db);
    }
}

}  // namespace api::obs
