// Rate-limit settings: "RATE/s burst N", "RATE/m burst N" and "off", parsed
// strictly; anything else is a config::Error that names the setting.
#include <gtest/gtest.h>

#include "config.hpp"
#include "ratelimit/limit_setting.hpp"

namespace {

TEST(LimitSetting, PerSecondAndPerMinute) {
    auto s = ratelimit::parse_limit("SCORELINE_RATE_LIMIT_READ", "50/s burst 100");
    ASSERT_TRUE(s);
    EXPECT_DOUBLE_EQ(s->per_second, 50.0);
    EXPECT_DOUBLE_EQ(s->burst, 100.0);
    auto m = ratelimit::parse_limit("SCORELINE_RATE_LIMIT_AUTH", "30/m burst 10");
    ASSERT_TRUE(m);
    EXPECT_DOUBLE_EQ(m->per_second, 0.5);
    EXPECT_DOUBLE_EQ(m->burst, 10.0);
    auto edge = ratelimit::parse_limit("X", "1000000/s burst 1");
    ASSERT_TRUE(edge);
    EXPECT_DOUBLE_EQ(edge->per_second, 1e6);
}

TEST(LimitSetting, OffMeansNoLimit) {
    EXPECT_FALSE(ratelimit::parse_limit("SCORELINE_RATE_LIMIT_WRITE", "off"));
}

TEST(LimitSetting, EverythingElseIsRefusedNamingTheSetting) {
    for (const char* bad : {"",
                            "50",
                            "50/s",
                            "50/s burst",
                            "50/s burst 0",
                            "0/s burst 5",
                            "-5/s burst 5",
                            "+5/s burst 5",
                            "5/h burst 5",
                            "5/S burst 5",
                            "5 /s burst 5",
                            "5/s  burst 5",
                            "5/s burst 5 ",
                            " 5/s burst 5",
                            "5/s burst 5x",
                            "5.5/s burst 5",
                            "5/s burst 1000001",
                            "1000001/s burst 5",
                            "5/s bursts 5",
                            "50:100",
                            "OFF",
                            "off ",
                            "5/sburst 5"}) {
        try {
            (void)ratelimit::parse_limit("SCORELINE_RATE_LIMIT_READ", bad);
            ADD_FAILURE() << "accepted '" << bad << "'";
        } catch (const config::Error& e) {
            const std::string what = e.what();
            EXPECT_EQ(what.rfind("SCORELINE_RATE_LIMIT_READ: must be 'off' or", 0), 0u) << what;
            EXPECT_NE(what.find("got '" + std::string(bad) + "'"), std::string::npos) << what;
        }
    }
}

TEST(LimitSetting, PrintsBackTheSameLimit) {
    EXPECT_EQ(ratelimit::to_string(std::nullopt), "off");
    EXPECT_EQ(ratelimit::to_string(ratelimit::parse_limit("X", "50/s burst 100")),
              "50/s burst 100");
    EXPECT_EQ(ratelimit::to_string(ratelimit::parse_limit("X", "30/m burst 10")), "30/m burst 10");
}

}  // namespace
