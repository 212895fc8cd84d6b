// SCORELINE_INTEGRITY (workers/integrity_config.cpp): members override the
// detectors' defaults one by one; anything malformed stops the start with the
// member named.
#include "integrity_config.hpp"

#include <gtest/gtest.h>

#include "config.hpp"

namespace {

using api::parse_integrity_thresholds;

TEST(IntegrityConfig, EmptyMeansTheDefaults) {
    const domain::integrity::Thresholds defaults;
    const auto t = parse_integrity_thresholds("");
    EXPECT_EQ(t.margin_z, defaults.margin_z);
    EXPECT_EQ(t.corrections_max, defaults.corrections_max);
    ASSERT_EQ(t.limits.size(), defaults.limits.size());
    EXPECT_TRUE(t.timing_checks);
    EXPECT_TRUE(t.burst_check);
}

TEST(IntegrityConfig, EachMemberOverridesItsDefaultOnly) {
    const domain::integrity::Thresholds defaults;
    const auto t = parse_integrity_thresholds(
        R"({"margin_z": 4.25, "corrections_max": 5, "burst_window_s": 900,
            "limits": [{"sport": "basketball", "max_side": 200, "max_total": 350}],
            "timing_checks": false})");
    EXPECT_EQ(t.margin_z, 4.25);
    EXPECT_EQ(t.corrections_max, 5);
    EXPECT_EQ(t.burst_window_s, 900);
    ASSERT_EQ(t.limits.size(), 1u);
    EXPECT_EQ(t.limits[0].sport, "basketball");
    EXPECT_EQ(t.limits[0].max_side, 200);
    EXPECT_EQ(t.limits[0].max_total, 350);
    EXPECT_FALSE(t.timing_checks);
    EXPECT_TRUE(t.burst_check);
    EXPECT_EQ(t.elo_k, defaults.elo_k);
    EXPECT_EQ(t.margin_min_sample, defaults.margin_min_sample);
}

TEST(IntegrityConfig, MalformedValuesNameTheMember) {
    const std::pair<const char*, const char*> cases[] = {
        {"[1]", "JSON object"},
        {"{not json", "JSON object"},
        {R"({"margin_zz": 3})", "margin_zz"},
        {R"({"margin_z": "3"})", "margin_z"},
        {R"({"margin_z": 0.1})", "margin_z"},
        {R"({"corrections_max": 2.5})", "corrections_max"},
        {R"({"corrections_max": 0})", "corrections_max"},
        {R"({"elo_max_expected": 0.9})", "elo_max_expected"},
        {R"({"burst_check": 1})", "burst_check"},
        {R"({"burst_writes": 65})", "burst_writes"},
        {R"({"limits": {"sport": "x"}})", "limits"},
        {R"({"limits": [{"sport": "", "max_side": 1, "max_total": 2}]})", "limit"},
        {R"({"limits": [{"sport": "x", "max_side": -1, "max_total": 2}]})", "max_side"},
        {R"({"limits": [{"sport": "x", "max_side": 1, "max_total": 2, "extra": 1}]})", "limit"},
    };
    for (const auto& [text, named] : cases) {
        try {
            (void)parse_integrity_thresholds(text);
            ADD_FAILURE() << "accepted " << text;
        } catch (const config::Error& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find("SCORELINE_INTEGRITY"), std::string::npos) << what;
            EXPECT_NE(what.find(named), std::string::npos) << text << ": " << what;
        }
    }
}

}  // namespace
