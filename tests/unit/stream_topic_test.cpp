// The topic grammar of shared/stream/topic.hpp, the one both processes use:
// "admin" and "event:{id}" with a positive id without sign or leading zero;
// event_topic() writes what parse_topic() reads.
#include <gtest/gtest.h>

#include <cstdint>

#include "stream/topic.hpp"

namespace {

TEST(StreamTopic, Ids) {
    EXPECT_EQ(stream::parse_id("0"), 0);
    EXPECT_EQ(stream::parse_id("42"), 42);
    EXPECT_EQ(stream::parse_id("9223372036854775807"), INT64_MAX);
    EXPECT_FALSE(stream::parse_id("9223372036854775808"));
    EXPECT_FALSE(stream::parse_id("99999999999999999999"));
    EXPECT_FALSE(stream::parse_id("01"));
    EXPECT_FALSE(stream::parse_id("+1"));
    EXPECT_FALSE(stream::parse_id("-1"));
    EXPECT_FALSE(stream::parse_id(" 1"));
    EXPECT_FALSE(stream::parse_id(""));
}

TEST(StreamTopic, EventTopics) {
    EXPECT_EQ(stream::event_topic_id("event:12"), 12);
    EXPECT_EQ(stream::event_topic_id("event:9223372036854775807"), INT64_MAX);
    EXPECT_FALSE(stream::event_topic_id("event:0"));
    EXPECT_FALSE(stream::event_topic_id("event:012"));
    EXPECT_FALSE(stream::event_topic_id("event:"));
    EXPECT_FALSE(stream::event_topic_id("event:1,event:2"));
    EXPECT_FALSE(stream::event_topic_id("events:1"));
    EXPECT_FALSE(stream::event_topic_id("Event:1"));
    EXPECT_FALSE(stream::event_topic_id("admin"));
    EXPECT_EQ(stream::event_topic(42), "event:42");
    for (std::int64_t id : {std::int64_t{1}, std::int64_t{1000}, INT64_MAX}) {
        EXPECT_EQ(stream::event_topic_id(stream::event_topic(id)), id);
        EXPECT_LE(stream::event_topic(id).size(), stream::kMaxTopicBytes);
    }
}

TEST(StreamTopic, ParseTopic) {
    const auto admin = stream::parse_topic("admin");
    ASSERT_TRUE(admin);
    EXPECT_EQ(admin->kind, stream::Topic::Kind::kAdmin);
    const auto event = stream::parse_topic("event:7");
    ASSERT_TRUE(event);
    EXPECT_EQ(event->kind, stream::Topic::Kind::kEvent);
    EXPECT_EQ(event->event_id, 7);
    EXPECT_FALSE(stream::parse_topic(""));
    EXPECT_FALSE(stream::parse_topic("Admin"));
    EXPECT_FALSE(stream::parse_topic("admin "));
    EXPECT_FALSE(stream::parse_topic("event:x"));
}

}  // namespace
