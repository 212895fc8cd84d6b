// The login throttle's arithmetic: nothing below the limit, then a wait that
// doubles with each failure, is capped, and ends.
#include <gtest/gtest.h>

#include "auth/login_throttle.hpp"

namespace {

using auth::FailureStats;
using auth::throttle_retry_after;

auth::ThrottlePolicy policy() {
    auth::ThrottlePolicy p;
    p.max_failures = 5;
    p.window = std::chrono::seconds(900);
    p.base_delay = std::chrono::seconds(2);
    p.max_delay = std::chrono::seconds(60);
    return p;
}

TEST(LoginThrottle, BelowTheLimitNothingWaits) {
    EXPECT_FALSE(throttle_retry_after(policy(), FailureStats{0, 0}, 1000).has_value());
    EXPECT_FALSE(throttle_retry_after(policy(), FailureStats{4, 1000}, 1000).has_value());
}

TEST(LoginThrottle, TheWaitDoublesWithEachFailure) {
    EXPECT_EQ(throttle_retry_after(policy(), FailureStats{5, 1000}, 1000), 2);
    EXPECT_EQ(throttle_retry_after(policy(), FailureStats{6, 1000}, 1000), 4);
    EXPECT_EQ(throttle_retry_after(policy(), FailureStats{7, 1000}, 1000), 8);
    EXPECT_EQ(throttle_retry_after(policy(), FailureStats{8, 1000}, 1000.5), 16);  // ceil(15.5)
}

TEST(LoginThrottle, TheWaitIsCappedAndEnds) {
    EXPECT_EQ(throttle_retry_after(policy(), FailureStats{40, 1000}, 1000), 60);
    EXPECT_EQ(throttle_retry_after(policy(), FailureStats{1000000, 1000}, 1000), 60);
    EXPECT_FALSE(throttle_retry_after(policy(), FailureStats{40, 1000}, 1060).has_value());
    EXPECT_FALSE(throttle_retry_after(policy(), FailureStats{5, 1000}, 1002).has_value());
    // Never less than one second while it lasts.
    EXPECT_EQ(throttle_retry_after(policy(), FailureStats{5, 1000}, 1001.9), 1);
}

}  // namespace
