// The login throttle's arithmetic, kept pure so it is unit-tested apart from
// the database that counts the failures. Failures are counted per account
// (the normalized email, known or not) and per client IP within a window.
// Past `max_failures` the next attempt must wait base_delay × 2^(failures −
// max_failures) after the latest failure, capped at max_delay. Attempts made
// while throttled are not checked and not counted, and failures leave the
// window, so the lock is always temporary: nobody can make it permanent.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace auth {

struct ThrottlePolicy {
    int max_failures = 5;
    std::chrono::seconds window{900};
    std::chrono::seconds base_delay{2};
    std::chrono::seconds max_delay{900};
};

struct FailureStats {
    std::int64_t count = 0;  // failures inside the window
    double latest = 0;       // the newest of them, seconds since the epoch
};

// Whole seconds to wait (at least 1) before another attempt is checked, or
// nullopt when an attempt may be checked now.
[[nodiscard]] std::optional<std::int64_t> throttle_retry_after(const ThrottlePolicy& policy,
                                                               const FailureStats& stats,
                                                               double now);

}  // namespace auth
