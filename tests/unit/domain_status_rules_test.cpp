// The one transition point of game and event statuses (domain::transition,
// domain::event_transition): every legal move, and every illegal one with
// its refusal.
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "domain/status_rules.hpp"

namespace {

using domain::EventRefusal;
using domain::EventStatus;
using domain::GameAction;
using domain::GameRefusal;
using domain::GameStatus;

constexpr GameStatus kAllGames[] = {GameStatus::kScheduled, GameStatus::kLive, GameStatus::kFinal,
                                    GameStatus::kPostponed, GameStatus::kCancelled};

using Move = std::pair<GameStatus, GameStatus>;

// Every (from, requested) pair of `action`: the legal ones are exactly
// `legal` (and lead to `requested`), the others carry the refusal `expected`
// answers.
template <class Expected>
void check_game_action(GameAction action, const std::vector<Move>& legal, Expected expected) {
    for (GameStatus from : kAllGames) {
        for (GameStatus to : kAllGames) {
            const auto t = domain::transition(from, action, to);
            bool is_legal = false;
            for (const Move& m : legal) {
                is_legal = is_legal || (m.first == from && m.second == to);
            }
            const auto what = std::to_string(static_cast<int>(from)) + " -> " +
                              std::to_string(static_cast<int>(to));
            if (is_legal) {
                EXPECT_TRUE(t.allowed()) << what;
                EXPECT_EQ(t.to, to) << what;
            } else {
                EXPECT_FALSE(t.allowed()) << what;
                EXPECT_EQ(t.refusal, expected(from, to)) << what;
            }
        }
    }
}

TEST(GameTransition, PatchLegal) {
    using enum GameStatus;
    const auto t = domain::transition(kScheduled, GameAction::kPatch, kPostponed);
    EXPECT_TRUE(t.allowed());
    EXPECT_EQ(t.to, kPostponed);
    EXPECT_EQ(domain::transition(kScheduled, GameAction::kPatch, kCancelled).to, kCancelled);
    EXPECT_EQ(domain::transition(kPostponed, GameAction::kPatch, kScheduled).to, kScheduled);
    EXPECT_EQ(domain::transition(kPostponed, GameAction::kPatch, kCancelled).to, kCancelled);
    // A PATCH that keeps the status (it moves the time or the venue) is legal from any.
    EXPECT_EQ(domain::transition(kLive, GameAction::kPatch, kLive).to, kLive);
    EXPECT_EQ(domain::transition(kFinal, GameAction::kPatch, kFinal).to, kFinal);
}

TEST(GameTransition, PatchEveryPair) {
    using enum GameStatus;
    const std::vector<Move> legal = {
        {kScheduled, kScheduled}, {kLive, kLive},           {kFinal, kFinal},
        {kPostponed, kPostponed}, {kCancelled, kCancelled}, {kScheduled, kPostponed},
        {kScheduled, kCancelled}, {kPostponed, kScheduled}, {kPostponed, kCancelled}};
    check_game_action(GameAction::kPatch, legal, [](GameStatus, GameStatus to) {
        return to == kLive || to == kFinal ? GameRefusal::kBadTarget : GameRefusal::kOutOfOrder;
    });
    // e.g. cancelled is the end of the road, and a PATCH never sets live or final
    EXPECT_EQ(domain::transition(kCancelled, GameAction::kPatch, kScheduled).refusal,
              GameRefusal::kOutOfOrder);
    EXPECT_EQ(domain::transition(kLive, GameAction::kPatch, kPostponed).refusal,
              GameRefusal::kOutOfOrder);
    EXPECT_EQ(domain::transition(kScheduled, GameAction::kPatch, kFinal).refusal,
              GameRefusal::kBadTarget);
}

TEST(GameTransition, ScoreEveryPair) {
    using enum GameStatus;
    const std::vector<Move> legal = {{kScheduled, kLive}, {kLive, kLive}, {kLive, kFinal}};
    check_game_action(GameAction::kScore, legal, [](GameStatus from, GameStatus to) {
        if (to != kLive && to != kFinal) {
            return GameRefusal::kBadTarget;
        }
        if (from == kFinal) {
            return GameRefusal::kAlreadyFinal;
        }
        if (from == kPostponed || from == kCancelled) {
            return GameRefusal::kNotPlayable;
        }
        return GameRefusal::kOutOfOrder;  // scheduled -> final: a result is entered live first
    });
    EXPECT_EQ(domain::transition(kScheduled, GameAction::kScore, kFinal).refusal,
              GameRefusal::kOutOfOrder);
}

TEST(GameTransition, Correction) {
    for (GameStatus from : kAllGames) {
        const auto t = domain::transition(from, GameAction::kCorrect, GameStatus::kFinal);
        if (from == GameStatus::kFinal) {
            EXPECT_TRUE(t.allowed());
            EXPECT_EQ(t.to, GameStatus::kFinal);
        } else {
            EXPECT_EQ(t.refusal, GameRefusal::kNotFinal);
        }
    }
}

TEST(GameTransition, ResetGoesBackToScheduled) {
    for (GameStatus from : kAllGames) {
        const auto t = domain::transition(from, GameAction::kReset, GameStatus::kScheduled);
        EXPECT_TRUE(t.allowed());
        EXPECT_EQ(t.to, GameStatus::kScheduled);
    }
    EXPECT_TRUE(domain::has_result(GameStatus::kLive));
    EXPECT_TRUE(domain::has_result(GameStatus::kFinal));
    EXPECT_FALSE(domain::has_result(GameStatus::kScheduled));
    EXPECT_FALSE(domain::has_result(GameStatus::kPostponed));
    EXPECT_FALSE(domain::has_result(GameStatus::kCancelled));
}

TEST(EventTransition, OnlyForward) {
    constexpr EventStatus order[] = {EventStatus::kDraft, EventStatus::kScheduled,
                                     EventStatus::kLive, EventStatus::kCompleted,
                                     EventStatus::kArchived};
    for (int i = 0; i < 5; ++i) {
        for (int j = 0; j < 5; ++j) {
            const auto refusal = domain::event_transition(order[i], order[j]);
            if (j >= i) {
                EXPECT_EQ(refusal, EventRefusal::kNone) << i << " -> " << j;
            } else {
                EXPECT_EQ(refusal, EventRefusal::kBackwards) << i << " -> " << j;
            }
        }
    }
    EXPECT_EQ(domain::event_transition(EventStatus::kArchived, EventStatus::kLive),
              EventRefusal::kBackwards);
    EXPECT_EQ(domain::event_transition(EventStatus::kDraft, EventStatus::kArchived),
              EventRefusal::kNone);
}

TEST(EventTransition, ScoresStopAtArchived) {
    EXPECT_TRUE(domain::accepts_scores(EventStatus::kDraft));
    EXPECT_TRUE(domain::accepts_scores(EventStatus::kLive));
    EXPECT_TRUE(domain::accepts_scores(EventStatus::kCompleted));
    EXPECT_FALSE(domain::accepts_scores(EventStatus::kArchived));
}

TEST(StoredValues, ParseOrThrow) {
    for (auto s : {"draft", "scheduled", "live", "completed", "archived"}) {
        const auto parsed = domain::parse_event_status(s);
        ASSERT_TRUE(parsed.has_value()) << s;
        EXPECT_EQ(domain::to_string(*parsed), s);
    }
    EXPECT_FALSE(domain::parse_event_status("Live").has_value());
    EXPECT_EQ(domain::stored(domain::parse_game_status("final"), "games.status", "final"),
              GameStatus::kFinal);
    EXPECT_THROW((void)domain::stored(domain::parse_game_status("done"), "games.status", "done"),
                 domain::BadStoredValue);
    EXPECT_THROW((void)domain::stored(domain::parse_format(""), "events.format", ""),
                 domain::BadStoredValue);
}

}  // namespace
