// sse::OutboxCursor: the delivery horizon moves only when a fence is passed,
// fences are passed in order, a long transaction holds back only what it may
// still commit, the first fence positions a fresh process without history,
// and fetched rows move the delivered id.
#include <gtest/gtest.h>

#include "outbox_cursor.hpp"

namespace {

using sse::Fence;
using sse::OutboxCursor;

TEST(SseOutboxCursor, PositionsAtTheFirstPassedFence) {
    OutboxCursor c;
    EXPECT_FALSE(c.positioned());
    EXPECT_EQ(c.fence_after(), -1);  // first probe always takes a fence
    // Probe 1: xmin 100, sequence at 40, fence xid 105.
    EXPECT_FALSE(c.on_probe(100, Fence{40, 105}));
    EXPECT_FALSE(c.positioned());
    EXPECT_TRUE(c.waiting());
    EXPECT_EQ(c.fence_after(), 40);
    // Probe 2: a transaction older than the fence still runs (xmin 103).
    EXPECT_FALSE(c.on_probe(103, std::nullopt));
    EXPECT_FALSE(c.positioned());
    // Probe 3: everything below the fence ended.
    EXPECT_TRUE(c.on_probe(105, std::nullopt));
    EXPECT_TRUE(c.positioned());
    EXPECT_EQ(c.final_id(), 40);
    EXPECT_EQ(c.delivered(), 40);  // history is for Last-Event-ID replays
    EXPECT_FALSE(c.behind());
    EXPECT_FALSE(c.waiting());
    EXPECT_EQ(c.fence_after(), 40);
}

TEST(SseOutboxCursor, RowsBecomeFetchableOnlyOnceTheirWritersEnded) {
    OutboxCursor c;
    (void)c.on_probe(10, Fence{0, 11});
    (void)c.on_probe(11, std::nullopt);
    ASSERT_TRUE(c.positioned());
    ASSERT_EQ(c.delivered(), 0);
    // T1 (xid 20) drew id 1 and still runs; T2 (xid 19) drew id 2 and committed.
    // The probe sees id 2 committed but takes a fence over both: xid 21, last id 2.
    EXPECT_FALSE(c.on_probe(20, Fence{2, 21}));
    EXPECT_FALSE(c.behind()) << "id 2 must not go out while id 1 may still commit";
    EXPECT_FALSE(c.on_probe(20, std::nullopt));
    EXPECT_FALSE(c.behind());
    // T1 commits: xmin passes the fence; ids 1..2 are final.
    EXPECT_TRUE(c.on_probe(22, std::nullopt));
    EXPECT_TRUE(c.behind());
    EXPECT_EQ(c.final_id(), 2);
    c.on_fetched(2, true);
    EXPECT_EQ(c.delivered(), 2);
    EXPECT_FALSE(c.behind());
}

TEST(SseOutboxCursor, FencesPassInOrderAndALongTransactionOnlyHoldsItsOwnRange) {
    OutboxCursor c;
    (void)c.on_probe(5, Fence{0, 6});
    (void)c.on_probe(6, std::nullopt);
    ASSERT_TRUE(c.positioned());
    EXPECT_FALSE(c.on_probe(7, Fence{10, 8}));  // a txn with xid 7 runs
    EXPECT_FALSE(c.on_probe(7, Fence{20, 9}));  // more rows, a second fence
    EXPECT_EQ(c.fence_after(), 20);
    EXPECT_TRUE(c.on_probe(8, Fence{30, 12}));  // xid 7 ended: fence 8 passes, fence 9 not yet
    EXPECT_EQ(c.final_id(), 10);
    EXPECT_TRUE(c.on_probe(12, std::nullopt));  // both remaining fences pass at once
    EXPECT_EQ(c.final_id(), 30);
    EXPECT_FALSE(c.waiting());
}

TEST(SseOutboxCursor, PartialFetchesMoveDeliveredToTheLastRow) {
    OutboxCursor c;
    (void)c.on_probe(1, Fence{0, 2});
    (void)c.on_probe(2, Fence{1000, 3});
    (void)c.on_probe(3, std::nullopt);
    ASSERT_EQ(c.final_id(), 1000);
    c.on_fetched(400, false);  // a full batch: more may follow
    EXPECT_EQ(c.delivered(), 400);
    EXPECT_TRUE(c.behind());
    c.on_fetched(5000, false);  // never beyond the final id
    EXPECT_EQ(c.delivered(), 1000);
    EXPECT_FALSE(c.behind());
}

TEST(SseOutboxCursor, ReconnectDropsFencesButKeepsPositions) {
    OutboxCursor c;
    (void)c.on_probe(1, Fence{0, 2});
    (void)c.on_probe(2, Fence{50, 3});
    c.forget_fences();
    EXPECT_FALSE(c.waiting());
    EXPECT_TRUE(c.positioned());
    EXPECT_EQ(c.fence_after(), 0);  // next probe takes a fresh fence over ids > 0
    EXPECT_FALSE(c.on_probe(100, std::nullopt));
    EXPECT_EQ(c.final_id(), 0);
}

TEST(SseOutboxCursor, OutstandingFencesAreBounded) {
    OutboxCursor c;
    (void)c.on_probe(1, Fence{0, 2});
    (void)c.on_probe(2, std::nullopt);
    for (std::size_t i = 0; i < OutboxCursor::kMaxFences; ++i) {
        (void)c.on_probe(2, Fence{static_cast<std::int64_t>(i + 1), 3 + i});
    }
    EXPECT_FALSE(c.fence_after().has_value());
    (void)c.on_probe(2, Fence{999, 999});  // ignored: the queue is full
    EXPECT_TRUE(c.on_probe(1000, std::nullopt));
    EXPECT_EQ(c.final_id(), static_cast<std::int64_t>(OutboxCursor::kMaxFences));
}

}  // namespace
