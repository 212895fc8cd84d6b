// Growing, bounded login delays; see login_throttle.hpp.
#include "auth/login_throttle.hpp"

#include <algorithm>
#include <cmath>

namespace auth {

std::optional<std::int64_t> throttle_retry_after(const ThrottlePolicy& policy,
                                                 const FailureStats& stats, double now) {
    if (stats.count < policy.max_failures) {
        return std::nullopt;
    }
    const auto doublings = std::min<std::int64_t>(stats.count - policy.max_failures, 30);
    const double delay = std::min(static_cast<double>(policy.base_delay.count()) *
                                      static_cast<double>(std::int64_t{1} << doublings),
                                  static_cast<double>(policy.max_delay.count()));
    const double remaining = stats.latest + delay - now;
    if (remaining <= 0) {
        return std::nullopt;
    }
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(remaining)));
}

}  // namespace auth
