// W3C traceparent parsing: the valid form, and the malformed ones to ignore.
#include "http/traceparent.hpp"

#include <gtest/gtest.h>

namespace {

TEST(TraceParent, ParsesValidHeader) {
    auto t = http::parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(t->parent_id, "00f067aa0ba902b7");
    EXPECT_TRUE(t->sampled);
    auto future =
        http::parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra");
    ASSERT_TRUE(future);
    EXPECT_FALSE(future->sampled);
}

TEST(TraceParent, RefusesMalformedHeaders) {
    for (const char* bad : {
             "",
             "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",       // no flags
             "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",    // upper case
             "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // zero trace id
             "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // zero parent id
             "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // forbidden version
             "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // v00 with extra
             "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",    // not hex
             "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",    // separators
         }) {
        EXPECT_FALSE(http::parse_traceparent(bad)) << bad;
    }
}

}  // namespace
