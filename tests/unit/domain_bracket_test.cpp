// Knockout progression of issue 4: where a winner goes, and what a correction
// that changes a winner resets downstream.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "domain/bracket.hpp"

namespace {

using domain::BracketGame;
using domain::GameStatus;
using domain::Slot;
using domain::SlotChange;
using domain::TeamId;

// An 8-team bracket as stored, ids 11..17: quarter-finals 11 (1v8), 12 (4v5),
// 13 (2v7), 14 (3v6); semi-finals 15 (W11 v W12), 16 (W13 v W14); final 17.
// Teams are their seed numbers. Everything played, favourites winning.
std::vector<BracketGame> played_bracket() {
    auto game = [](domain::GameId id, TeamId home, TeamId away, std::optional<domain::GameId> next,
                   Slot slot) {
        BracketGame g;
        g.id = id;
        g.home = home;
        g.away = away;
        g.status = GameStatus::kFinal;
        g.winner = std::min(home, away);
        g.next_game = next;
        g.next_slot = slot;
        return g;
    };
    return {game(11, 1, 8, 15, Slot::kHome),          game(12, 4, 5, 15, Slot::kAway),
            game(13, 2, 7, 16, Slot::kHome),          game(14, 3, 6, 16, Slot::kAway),
            game(15, 1, 4, 17, Slot::kHome),          game(16, 2, 3, 17, Slot::kAway),
            game(17, 1, 2, std::nullopt, Slot::kHome)};
}

TEST(Bracket, PlaceWinner) {
    const auto games = played_bracket();
    const auto p = domain::place_winner(games[1], 5);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->game, 15);
    EXPECT_EQ(p->slot, Slot::kAway);
    EXPECT_EQ(p->team, 5);
    EXPECT_FALSE(domain::place_winner(games[6], 2).has_value()) << "the final goes nowhere";
    EXPECT_THROW((void)domain::place_winner(games[0], 4), std::invalid_argument);
}

TEST(Bracket, CorrectionResetsTheChainTheOldWinnerFilled) {
    // 8 actually beat 1 in the quarter-final. 1 had gone on to win the
    // semi-final and the final: both results are void; 8 takes 1's place in
    // the semi-final, the final's home slot waits again.
    const auto games = played_bracket();
    const auto plan = domain::plan_winner_change(games, 11, 1, 8);
    ASSERT_EQ(plan.changes.size(), 2u);
    EXPECT_EQ(plan.changes[0].game, 15);
    EXPECT_EQ(plan.changes[0].slot, Slot::kHome);
    EXPECT_EQ(plan.changes[0].old_team, 1);
    EXPECT_EQ(plan.changes[0].new_team, 8);
    EXPECT_TRUE(plan.changes[0].reset_result);
    EXPECT_EQ(plan.changes[1].game, 17);
    EXPECT_EQ(plan.changes[1].slot, Slot::kHome);
    EXPECT_EQ(plan.changes[1].old_team, 1);
    EXPECT_EQ(plan.changes[1].new_team, std::nullopt);
    EXPECT_TRUE(plan.changes[1].reset_result);
    EXPECT_EQ(plan.games_to_reset(), (std::vector<domain::GameId>{15, 17}));
}

TEST(Bracket, CorrectionFollowsWhoeverWonTheVoidedGame) {
    // 4 had beaten 1 in the semi-final and lost the final to 2; 8 beat 1 in
    // the quarter-final after all. The semi-final is void (1 should not have
    // played it), so 4's place in the final is emptied and the final is void.
    auto games = played_bracket();
    games[4].winner = 4;
    games[6].home = 4;
    games[6].winner = 2;
    const auto plan = domain::plan_winner_change(games, 11, 1, 8);
    ASSERT_EQ(plan.changes.size(), 2u);
    EXPECT_EQ(plan.changes[1].game, 17);
    EXPECT_EQ(plan.changes[1].old_team, 4);
    EXPECT_EQ(plan.changes[1].new_team, std::nullopt);
    EXPECT_EQ(plan.games_to_reset(), (std::vector<domain::GameId>{15, 17}));
}

TEST(Bracket, CorrectionStopsAtAGameNotYetPlayed) {
    auto games = played_bracket();
    games[4].status = GameStatus::kScheduled;  // semi-final 15 not started
    games[4].winner.reset();
    games[6].status = GameStatus::kScheduled;
    games[6].home.reset();
    games[6].winner.reset();
    const auto plan = domain::plan_winner_change(games, 12, 4, 5);
    ASSERT_EQ(plan.changes.size(), 1u);
    const SlotChange& c = plan.changes[0];
    EXPECT_EQ(c.game, 15);
    EXPECT_EQ(c.slot, Slot::kAway);
    EXPECT_EQ(c.old_team, 4);
    EXPECT_EQ(c.new_team, 5);
    EXPECT_FALSE(c.reset_result);
    EXPECT_TRUE(plan.games_to_reset().empty());

    // A live next game has its result voided, but nothing was placed beyond it.
    games[4].status = GameStatus::kLive;
    const auto live = domain::plan_winner_change(games, 12, 4, 5);
    ASSERT_EQ(live.changes.size(), 1u);
    EXPECT_TRUE(live.changes[0].reset_result);
}

TEST(Bracket, NothingDownstreamOfTheFinalOrOfAnUnchangedWinner) {
    const auto games = played_bracket();
    EXPECT_TRUE(domain::plan_winner_change(games, 17, 1, 2).changes.empty());
    EXPECT_TRUE(domain::plan_winner_change(games, 11, 1, 1).changes.empty());
    EXPECT_THROW((void)domain::plan_winner_change(games, 99, 1, 8), std::invalid_argument);
    auto broken = games;
    broken[6].next_game = 11;  // the final feeds a quarter-final: a loop
    EXPECT_THROW((void)domain::plan_winner_change(broken, 11, 1, 8), std::invalid_argument);
}

}  // namespace
