// One rules record per format (domain::rules_of): each question a caller asks
// of a format has its own answer, so a new format is decided field by field.
#include <gtest/gtest.h>

#include "domain/format_rules.hpp"
#include "domain/schedule.hpp"

namespace {

using domain::Format;
using domain::PairingKind;

TEST(FormatRules, RoundRobin) {
    const domain::FormatRules r = domain::rules_of(Format::kRoundRobin);
    EXPECT_TRUE(r.allows_draws);
    EXPECT_TRUE(r.keeps_standings);
    EXPECT_FALSE(r.advances_winner);
    EXPECT_EQ(r.pairing, PairingKind::kCircleOnce);
}

TEST(FormatRules, DoubleRoundRobin) {
    const domain::FormatRules r = domain::rules_of(Format::kDoubleRoundRobin);
    EXPECT_TRUE(r.allows_draws);
    EXPECT_TRUE(r.keeps_standings);
    EXPECT_FALSE(r.advances_winner);
    EXPECT_EQ(r.pairing, PairingKind::kCircleTwice);
}

TEST(FormatRules, SingleElimination) {
    const domain::FormatRules r = domain::rules_of(Format::kSingleElimination);
    EXPECT_FALSE(r.allows_draws);
    EXPECT_FALSE(r.keeps_standings);
    EXPECT_TRUE(r.advances_winner);
    EXPECT_EQ(r.pairing, PairingKind::kBracket);
}

// make_schedule pairs by the record: 4 teams meet once (6 games), twice (12),
// or in a bracket (3 games).
TEST(FormatRules, ScheduleFollowsPairing) {
    using namespace std::chrono_literals;
    auto games_of = [](Format format) {
        domain::ScheduleRequest req;
        req.format = format;
        for (domain::TeamId id = 1; id <= 4; ++id) {
            req.teams.push_back({id, "T" + std::to_string(id), std::nullopt});
        }
        req.first_game_at = std::chrono::sys_seconds{std::chrono::hours{24 * 20000}};
        req.minutes_between_rounds = 120min;
        const domain::Schedule s = domain::make_schedule(req);
        EXPECT_TRUE(s.ok());
        return s.games.size();
    };
    EXPECT_EQ(games_of(Format::kRoundRobin), 6U);
    EXPECT_EQ(games_of(Format::kDoubleRoundRobin), 12U);
    EXPECT_EQ(games_of(Format::kSingleElimination), 3U);
}

}  // namespace
