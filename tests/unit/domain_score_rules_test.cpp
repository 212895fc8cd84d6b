// Score rules of issue 4: status moves (through domain::transition, see
// domain_status_rules_test.cpp), draws only where the format allows them, a
// final game changes only through a correction.
#include <gtest/gtest.h>

#include "domain/score_rules.hpp"

namespace {

using domain::Format;
using domain::GameStatus;
using domain::ScoreError;
using domain::ScoreUpdate;

TEST(ScoreRules, ScoreUpdates) {
    const auto rr = Format::kRoundRobin;
    const auto ko = Format::kSingleElimination;
    using enum GameStatus;
    EXPECT_EQ(check_score_update(rr, kScheduled, true, {0, 0, kLive}), ScoreError::kNone);
    EXPECT_EQ(check_score_update(rr, kLive, true, {2, 1, kLive}), ScoreError::kNone);
    EXPECT_EQ(check_score_update(rr, kLive, true, {2, 2, kFinal}), ScoreError::kNone);
    EXPECT_EQ(check_score_update(Format::kDoubleRoundRobin, kLive, true, {0, 0, kFinal}),
              ScoreError::kNone);
    EXPECT_EQ(check_score_update(ko, kLive, true, {1, 1, kLive}), ScoreError::kNone);
    EXPECT_EQ(check_score_update(ko, kLive, true, {1, 1, kFinal}), ScoreError::kLevelKnockout);
    EXPECT_EQ(check_score_update(ko, kLive, true, {2, 1, kFinal}), ScoreError::kNone);
    EXPECT_EQ(check_score_update(ko, kScheduled, false, {0, 0, kLive}), ScoreError::kTeamsNotSet);
    EXPECT_EQ(check_score_update(rr, kScheduled, true, {1, 0, kFinal}), ScoreError::kBadTransition);
    EXPECT_EQ(check_score_update(rr, kFinal, true, {1, 0, kFinal}), ScoreError::kAlreadyFinal);
    EXPECT_EQ(check_score_update(rr, kFinal, true, {1, 0, kLive}), ScoreError::kAlreadyFinal);
    EXPECT_EQ(check_score_update(rr, kPostponed, true, {0, 0, kLive}), ScoreError::kNotPlayable);
    EXPECT_EQ(check_score_update(rr, kCancelled, true, {0, 0, kLive}), ScoreError::kNotPlayable);
    EXPECT_EQ(check_score_update(rr, kLive, true, {0, 0, kScheduled}), ScoreError::kBadStatus);
    EXPECT_EQ(check_score_update(rr, kLive, true, {0, 0, kCancelled}), ScoreError::kBadStatus);
    EXPECT_EQ(check_score_update(rr, kLive, true, {-1, 0, kLive}), ScoreError::kScoreOutOfRange);
    EXPECT_EQ(check_score_update(rr, kLive, true, {0, 1000, kLive}), ScoreError::kScoreOutOfRange);
    EXPECT_EQ(check_score_update(rr, kLive, true, {999, 0, kLive}), ScoreError::kNone);
}

TEST(ScoreRules, Corrections) {
    using enum GameStatus;
    EXPECT_EQ(check_correction(Format::kRoundRobin, kFinal, 1, 1), ScoreError::kNone);
    EXPECT_EQ(check_correction(Format::kSingleElimination, kFinal, 1, 1),
              ScoreError::kLevelKnockout);
    EXPECT_EQ(check_correction(Format::kSingleElimination, kFinal, 0, 3), ScoreError::kNone);
    EXPECT_EQ(check_correction(Format::kRoundRobin, kLive, 1, 0), ScoreError::kNotFinal);
    EXPECT_EQ(check_correction(Format::kRoundRobin, kScheduled, 1, 0), ScoreError::kNotFinal);
    EXPECT_EQ(check_correction(Format::kRoundRobin, kFinal, -2, 0), ScoreError::kScoreOutOfRange);
}

TEST(ScoreRules, WinnerAndSpellings) {
    EXPECT_EQ(domain::winner_of(7, 9, 2, 1), 7);
    EXPECT_EQ(domain::winner_of(7, 9, 0, 1), 9);
    EXPECT_EQ(domain::winner_of(7, 9, 1, 1), std::nullopt);
    for (auto s : {"scheduled", "live", "final", "postponed", "cancelled"}) {
        const auto parsed = domain::parse_game_status(s);
        ASSERT_TRUE(parsed.has_value()) << s;
        EXPECT_EQ(domain::to_string(*parsed), s);
    }
    for (auto f : {"round_robin", "double_round_robin", "single_elimination"}) {
        const auto parsed = domain::parse_format(f);
        ASSERT_TRUE(parsed.has_value()) << f;
        EXPECT_EQ(domain::to_string(*parsed), f);
    }
    EXPECT_FALSE(domain::parse_format("Round_Robin").has_value());
    EXPECT_EQ(domain::parse_slot("away"), domain::Slot::kAway);
    EXPECT_FALSE(domain::parse_slot("").has_value());
    EXPECT_FALSE(domain::describe(ScoreError::kLevelKnockout).empty());
}

}  // namespace
