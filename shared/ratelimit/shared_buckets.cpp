// Shared-memory token buckets; see shared_buckets.hpp.
#include "ratelimit/shared_buckets.hpp"

#include <sys/mman.h>

#include <cmath>
#include <cstring>
#include <new>
#include <stdexcept>
#include <thread>

namespace ratelimit {
namespace {

constexpr std::size_t kProbe = 8;

// FNV-1a: stable across the processes of one binary and cheap.
std::uint64_t hash_key(std::string_view key) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : key) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h == 0 ? 1 : h;  // 0 marks an empty slot
}

std::int64_t steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

// One bucket. The lock is a spin lock held for a few instructions only; a
// holder killed inside that window would leave it set, so a waiter that spins
// far longer than any critical section takes the lock over.
struct SharedBuckets::Slot {
    std::atomic<std::uint32_t> lock{0};
    std::uint64_t key = 0;
    double tokens = 0;
    std::int64_t updated_ns = 0;
};
static_assert(std::atomic<std::uint32_t>::is_always_lock_free,
              "shared-memory locks need address-free atomics");

namespace {

class SlotLock {
  public:
    explicit SlotLock(std::atomic<std::uint32_t>& lock) : lock_(lock) {
        for (int spins = 0;; ++spins) {
            std::uint32_t expected = 0;
            if (lock_.compare_exchange_weak(expected, 1, std::memory_order_acquire)) {
                return;
            }
            if (spins > 100000) {
                return;  // the holder died inside the critical section
            }
            if (spins % 64 == 63) {
                std::this_thread::yield();
            }
        }
    }
    ~SlotLock() { lock_.store(0, std::memory_order_release); }
    SlotLock(const SlotLock&) = delete;
    SlotLock& operator=(const SlotLock&) = delete;

  private:
    std::atomic<std::uint32_t>& lock_;
};

}  // namespace

SharedBuckets::SharedBuckets(std::size_t slots) : slots_(slots < kProbe ? kProbe : slots) {
    bytes_ = slots_ * sizeof(Slot);
    void* mem = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        throw std::runtime_error(std::string("rate limit table: mmap failed: ") +
                                 std::strerror(errno));
    }
    table_ = static_cast<Slot*>(mem);
    for (std::size_t i = 0; i < slots_; ++i) {
        new (&table_[i]) Slot();
    }
}

SharedBuckets::~SharedBuckets() {
    if (table_) {
        ::munmap(table_, bytes_);
    }
}

Decision SharedBuckets::take(std::string_view key, const Limit& limit) {
    return take(key, limit, steady_ns());
}

Decision SharedBuckets::take(std::string_view key, const Limit& limit, std::int64_t now_ns) {
    const std::uint64_t h = hash_key(key);
    const std::size_t start = static_cast<std::size_t>(h % slots_);
    // Find the key's slot in its probe run, or the least recently used one.
    std::size_t chosen = start;
    std::int64_t oldest = INT64_MAX;
    bool found = false;
    for (std::size_t i = 0; i < kProbe; ++i) {
        const std::size_t at = (start + i) % slots_;
        Slot& s = table_[at];
        SlotLock guard(s.lock);
        if (s.key == h) {
            chosen = at;
            found = true;
            break;
        }
        if (s.key == 0 || s.updated_ns < oldest) {
            oldest = s.key == 0 ? INT64_MIN : s.updated_ns;
            chosen = at;
        }
    }
    Slot& s = table_[chosen];
    SlotLock guard(s.lock);
    if (!found || s.key != h) {
        // New key (or the slot was taken over meanwhile): a full bucket.
        s.key = h;
        s.tokens = limit.burst;
        s.updated_ns = now_ns;
    }
    const double elapsed = static_cast<double>(now_ns - s.updated_ns) / 1e9;
    if (elapsed > 0) {
        s.tokens = std::min(limit.burst, s.tokens + elapsed * limit.per_second);
        s.updated_ns = now_ns;
    }
    if (s.tokens >= 1.0) {
        s.tokens -= 1.0;
        return {true, 0};
    }
    const double wait = (1.0 - s.tokens) / limit.per_second;
    return {false, std::max(1L, static_cast<long>(std::ceil(wait)))};
}

}  // namespace ratelimit
