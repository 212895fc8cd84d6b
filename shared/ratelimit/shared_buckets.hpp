// ratelimit::SharedBuckets: token buckets in one shared-memory region, created
// by scoreline-api's master before it forks, so every worker draws from the
// same buckets. A fixed table (no allocation after creation): a key hashes to
// a short probe run of slots; when the run is full, the least recently used
// slot is reused, so memory stays bounded whatever clients do.
// Safe to call from any process that inherited the region.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ratelimit {

struct Limit {
    double per_second = 10;  // refill rate
    double burst = 20;       // bucket size
};

struct Decision {
    bool allowed = true;
    // When refused: whole seconds until one token is back (for Retry-After).
    long retry_after_seconds = 0;
};

class SharedBuckets {
  public:
    // Maps an anonymous shared region with `slots` buckets. Throws on failure.
    explicit SharedBuckets(std::size_t slots);
    ~SharedBuckets();
    SharedBuckets(const SharedBuckets&) = delete;
    SharedBuckets& operator=(const SharedBuckets&) = delete;

    // Takes one token from the bucket of `key` under `limit`.
    [[nodiscard]] Decision take(std::string_view key, const Limit& limit);
    // The same with an explicit clock, for tests.
    [[nodiscard]] Decision take(std::string_view key, const Limit& limit, std::int64_t now_ns);

    [[nodiscard]] std::size_t slots() const noexcept { return slots_; }

  private:
    struct Slot;
    Slot* table_ = nullptr;
    std::size_t slots_ = 0;
    std::size_t bytes_ = 0;
};

}  // namespace ratelimit
