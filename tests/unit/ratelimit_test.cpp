// Shared-memory token buckets: refill arithmetic, independence of keys,
// bounded memory, and one bucket shared by forked processes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ratelimit/shared_buckets.hpp"

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

TEST(SharedBuckets, BurstThenRefusedWithRetryAfter) {
    ratelimit::SharedBuckets buckets(64);
    const ratelimit::Limit limit{2, 5};
    for (int i = 0; i < 5; ++i) {
        EXPECT_TRUE(buckets.take("user:1", limit, 0).allowed) << i;
    }
    auto refused = buckets.take("user:1", limit, 0);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retry_after_seconds, 1);  // 0.5 s rounds up to 1
    // Half a second later one token (2/s) is back, and only one.
    EXPECT_TRUE(buckets.take("user:1", limit, kSecond / 2).allowed);
    EXPECT_FALSE(buckets.take("user:1", limit, kSecond / 2).allowed);
}

TEST(SharedBuckets, SlowRefillGivesLongerRetryAfter) {
    ratelimit::SharedBuckets buckets(64);
    const ratelimit::Limit limit{0.1, 1};  // one per 10 s
    EXPECT_TRUE(buckets.take("ip:1.2.3.4", limit, 0).allowed);
    auto refused = buckets.take("ip:1.2.3.4", limit, 0);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retry_after_seconds, 10);
}

TEST(SharedBuckets, KeysAreIndependent) {
    ratelimit::SharedBuckets buckets(64);
    const ratelimit::Limit limit{1, 1};
    EXPECT_TRUE(buckets.take("user:1", limit, 0).allowed);
    EXPECT_FALSE(buckets.take("user:1", limit, 0).allowed);
    EXPECT_TRUE(buckets.take("user:2", limit, 0).allowed);
}

TEST(SharedBuckets, MemoryStaysBoundedUnderManyKeys) {
    ratelimit::SharedBuckets buckets(16);
    const ratelimit::Limit limit{1, 1};
    for (int i = 0; i < 10000; ++i) {
        EXPECT_TRUE(buckets.take("k" + std::to_string(i), limit, i).allowed);
    }
    EXPECT_EQ(buckets.slots(), 16u);
    // The most recent key is still tracked.
    EXPECT_FALSE(buckets.take("k9999", limit, 9999).allowed);
}

TEST(SharedBuckets, ForkedProcessesShareOneBucket) {
    ratelimit::SharedBuckets buckets(64);
    const ratelimit::Limit limit{0.001, 100};
    // Four children take 25 tokens each: the bucket of 100 is then empty for
    // the parent. Separate memories would leave the parent's bucket full.
    std::vector<pid_t> kids;
    for (int k = 0; k < 4; ++k) {
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            int ok = 0;
            for (int i = 0; i < 25; ++i) {
                ok += buckets.take("shared", limit, 0).allowed ? 1 : 0;
            }
            ::_exit(ok == 25 ? 0 : 1);
        }
        kids.push_back(pid);
    }
    for (pid_t pid : kids) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    EXPECT_FALSE(buckets.take("shared", limit, 0).allowed);
}

}  // namespace
