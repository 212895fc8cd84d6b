// SSE frame serialization: id/event/data lines, multi-line data, names that
// must stay on one line, comments and the retry preamble; and the client's
// output queue writing shared frames over a socket pair, resuming partial writes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.hpp"
#include "frame.hpp"

namespace {

TEST(SseFrame, MessageHasIdEventDataAndABlankLine) {
    EXPECT_EQ(sse::serialize_message(42, "score.updated", R"({"event_id":1})"),
              "id: 42\nevent: score.updated\ndata: {\"event_id\":1}\n\n");
}

TEST(SseFrame, EveryLineBreakInDataStartsANewDataLine) {
    EXPECT_EQ(sse::serialize_message(1, "e", "a\nb\r\nc\rd"),
              "id: 1\nevent: e\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
    EXPECT_EQ(sse::serialize_message(1, "e", ""), "id: 1\nevent: e\ndata: \n\n");
    EXPECT_EQ(sse::serialize_message(1, "e", "x\n"), "id: 1\nevent: e\ndata: x\ndata: \n\n");
}

TEST(SseFrame, EventNameStaysOnOneLine) {
    EXPECT_EQ(sse::serialize_message(7, "bad\nevent: x", "{}"),
              "id: 7\nevent: bad event: x\ndata: {}\n\n");
    EXPECT_EQ(sse::serialize_message(7, "", "{}"), "id: 7\ndata: {}\n\n");
}

TEST(SseFrame, CommentsAndPreamble) {
    EXPECT_EQ(sse::make_comment("heartbeat")->bytes, ": heartbeat\n\n");
    EXPECT_EQ(sse::make_comment("a\nb")->bytes, ": a b\n\n");
    EXPECT_FALSE(sse::make_comment("x")->is_message());
    const auto p = sse::make_preamble(std::chrono::milliseconds(3000));
    EXPECT_TRUE(p->bytes.starts_with("retry: 3000\n"));
    EXPECT_TRUE(p->bytes.ends_with("\n\n"));
    const auto m = sse::make_message(5, "e", "{}", 12.5);
    EXPECT_TRUE(m->is_message());
    EXPECT_EQ(m->id, 5);
    EXPECT_EQ(m->created_epoch, 12.5);
}

class ClientQueue : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds_), 0);
        const int small = 4096;
        ::setsockopt(fds_[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
        ::setsockopt(fds_[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    }
    void TearDown() override {
        ::close(fds_[0]);
        ::close(fds_[1]);
    }
    std::string drain() {
        std::string out;
        char buf[65536];
        for (;;) {
            const ssize_t n = ::read(fds_[1], buf, sizeof buf);
            if (n <= 0) {
                return out;
            }
            out.append(buf, static_cast<std::size_t>(n));
        }
    }
    int fds_[2] = {-1, -1};
};

TEST_F(ClientQueue, SharedFramesGoOutInOrderAcrossPartialWrites) {
    sse::Client c(1, fds_[0], "unix", {}, sse::Loop::Clock::now());
    const auto now = sse::Loop::Clock::now();
    std::string expected;
    std::vector<sse::FramePtr> frames;
    for (int i = 1; i <= 200; ++i) {
        frames.push_back(sse::make_message(i, "e", std::string(1000, 'x'), 0));
        expected += frames.back()->bytes;
        (void)c.enqueue(frames.back(), now);
    }
    // Already queued ids are skipped (no duplicates from a replay and live rows).
    const std::size_t queued = c.queued_bytes;
    EXPECT_EQ(c.enqueue(frames[10], now), queued);
    EXPECT_EQ(frames[0].use_count(), 2);  // the test's and the queue's: never copied
    std::string got;
    std::size_t messages = 0;
    bool blocked_once = false;
    for (int round = 0; round < 10000 && (!c.queue.empty() || c.queued_bytes); ++round) {
        auto p = c.write_queued(now);
        ASSERT_NE(p.status, sse::WriteProgress::Status::kError);
        messages += p.messages;
        blocked_once = blocked_once || p.status == sse::WriteProgress::Status::kBlocked;
        got += drain();
    }
    got += drain();
    EXPECT_TRUE(blocked_once) << "the socket buffer should have filled at least once";
    EXPECT_EQ(messages, 200u);
    EXPECT_EQ(c.queued_bytes, 0u);
    EXPECT_EQ(got, expected);
}

TEST_F(ClientQueue, AClosedPeerIsAnError) {
    sse::Client c(1, fds_[0], "unix", {}, sse::Loop::Clock::now());
    ::close(fds_[1]);
    fds_[1] = ::open("/dev/null", O_RDONLY);
    (void)c.enqueue(sse::make_comment("x"), sse::Loop::Clock::now());
    EXPECT_EQ(c.write_queued(sse::Loop::Clock::now()).status, sse::WriteProgress::Status::kError);
}

TEST(SseClientState, TransitionsFollowTheLifecycle) {
    using S = sse::ClientState;
    EXPECT_TRUE(sse::transition_allowed(S::kHandshaking, S::kStreaming));
    EXPECT_TRUE(sse::transition_allowed(S::kHandshaking, S::kDraining));
    EXPECT_TRUE(sse::transition_allowed(S::kStreaming, S::kDraining));
    EXPECT_TRUE(sse::transition_allowed(S::kDraining, S::kClosed));
    EXPECT_TRUE(sse::transition_allowed(S::kStreaming, S::kClosed));
    EXPECT_FALSE(sse::transition_allowed(S::kStreaming, S::kHandshaking));
    EXPECT_FALSE(sse::transition_allowed(S::kDraining, S::kStreaming));
    EXPECT_FALSE(sse::transition_allowed(S::kClosed, S::kStreaming));
    EXPECT_FALSE(sse::transition_allowed(S::kClosed, S::kClosed));
}

}  // namespace
