// Entity tags of tournament resources: a version's tag "N", the content tag of
// the live standings ("live-<hash>"), and If-None-Match against each.
#include "common/preconditions.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

namespace {

using tournament::content_etag;
using tournament::etag_of;
using tournament::if_none_match_hits;
using tournament::if_none_match_lists;

TEST(Preconditions, ContentTagIsAStrongTagOfTheContent) {
    ASSERT_GE(sodium_init(), 0);
    const std::string a = content_etag("live", R"({"rows":[]})");
    EXPECT_EQ(a.size(), 1 + 5 + 32 + 1) << a;
    EXPECT_TRUE(a.starts_with("\"live-")) << a;
    EXPECT_TRUE(a.ends_with("\"")) << a;
    EXPECT_EQ(a, content_etag("live", R"({"rows":[]})"));
    EXPECT_NE(a, content_etag("live", R"({"rows":[1]})"));
    EXPECT_NE(a, content_etag("other", R"({"rows":[]})"));
}

TEST(Preconditions, IfNoneMatchListsAContentTag) {
    ASSERT_GE(sodium_init(), 0);
    const std::string tag = content_etag("live", "table");
    EXPECT_TRUE(if_none_match_lists(tag, tag));
    EXPECT_TRUE(if_none_match_lists("W/" + tag, tag));
    EXPECT_TRUE(if_none_match_lists("\"1\", " + tag + " ,\"2\"", tag));
    EXPECT_TRUE(if_none_match_lists("*", tag));
    EXPECT_FALSE(if_none_match_lists(std::nullopt, tag));
    EXPECT_FALSE(if_none_match_lists("", tag));
    EXPECT_FALSE(if_none_match_lists(content_etag("live", "other table"), tag));
    // A version's tag and a content tag never stand for each other.
    EXPECT_FALSE(if_none_match_lists(etag_of(3), tag));
    EXPECT_FALSE(if_none_match_hits(tag, 3));
    EXPECT_TRUE(if_none_match_hits("W/\"3\"", 3));
}

}  // namespace
