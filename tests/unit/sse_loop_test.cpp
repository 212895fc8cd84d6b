// sse::Loop: timers in order and cancellable, deferred work after fd
// callbacks, a callback that unwatches (and closes) another fd ready in the
// same batch never sees that fd's stale event, and a callback may unwatch
// itself while it runs.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "loop.hpp"

namespace {

using namespace std::chrono_literals;

TEST(SseLoop, TimersRunInOrderAndCanBeCancelled) {
    sse::Loop loop;
    std::vector<int> order;
    (void)loop.add_timer(30ms, [&] { order.push_back(3); });
    (void)loop.add_timer(10ms, [&] { order.push_back(1); });
    const auto cancelled = loop.add_timer(20ms, [&] { order.push_back(99); });
    (void)loop.add_timer(20ms, [&] { order.push_back(2); });
    loop.cancel_timer(cancelled);
    (void)loop.add_timer(40ms, [&] { loop.stop(); });
    loop.run();
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(SseLoop, DeferredWorkRunsAfterDescriptorCallbacks) {
    sse::Loop loop;
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    std::vector<std::string> order;
    loop.watch(fds[0], EPOLLIN, [&](std::uint32_t) {
        char c;
        (void)::read(fds[0], &c, 1);
        order.push_back("fd");
        loop.defer([&] {
            order.push_back("deferred");
            loop.stop();
        });
    });
    ASSERT_EQ(::write(fds[1], "x", 1), 1);
    loop.run();
    EXPECT_EQ(order, (std::vector<std::string>{"fd", "deferred"}));
    loop.unwatch(fds[0]);
    ::close(fds[0]);
    ::close(fds[1]);
}

TEST(SseLoop, StaleEventsOfAnFdClosedInTheSameBatchAreDropped) {
    sse::Loop loop;
    int a[2], b[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, a), 0);
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, b), 0);
    int calls = 0;
    // Whichever of the two runs first closes the other; the other must not run.
    auto handler = [&](int self, int other) {
        return [&, self, other](std::uint32_t) {
            ++calls;
            char c;
            (void)::read(self, &c, 1);
            loop.unwatch(other);
            ::close(other);
            // Reuse the number at once: a new fd watched under the old number
            // must not receive the old registration's event.
            int fresh[2];
            ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fresh), 0);
            loop.watch(fresh[0], EPOLLIN, [&](std::uint32_t) { ADD_FAILURE() << "stale event"; });
            loop.defer([&] { loop.stop(); });
        };
    };
    loop.watch(a[0], EPOLLIN, handler(a[0], b[0]));
    loop.watch(b[0], EPOLLIN, handler(b[0], a[0]));
    ASSERT_EQ(::write(a[1], "x", 1), 1);
    ASSERT_EQ(::write(b[1], "x", 1), 1);
    loop.run();
    EXPECT_EQ(calls, 1);
}

TEST(SseLoop, ACallbackMayUnwatchItself) {
    sse::Loop loop;
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    int seen = 0;
    std::string captured = "still alive";
    loop.watch(fds[0], EPOLLIN, [&, captured](std::uint32_t) {
        loop.unwatch(fds[0]);
        seen += captured == "still alive" ? 1 : 100;  // the capture outlives unwatch
        loop.stop();
    });
    ASSERT_EQ(::write(fds[1], "x", 1), 1);
    loop.run();
    EXPECT_EQ(seen, 1);
    EXPECT_FALSE(loop.watching(fds[0]));
    ::close(fds[0]);
    ::close(fds[1]);
}

}  // namespace
