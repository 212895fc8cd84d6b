// Schedulers of issue 4 for every team count from 2 to 64: round robin,
// double round robin and single elimination, with their times and venues.
#include "domain/schedule.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "domain/bracket.hpp"

namespace {

using namespace std::chrono_literals;
using domain::Format;
using domain::Schedule;
using domain::ScheduledGame;
using domain::ScheduleError;
using domain::ScheduleRequest;
using domain::TeamId;

constexpr std::chrono::sys_seconds kFirst{std::chrono::sys_days{std::chrono::year{2024} / 3 / 2} +
                                          15h};

// Team ids are 101..100+count, deliberately listed in reverse, with seed i for
// id 100+i, so seeding order has to be computed, not taken from the input.
ScheduleRequest request(Format format, int count, std::vector<std::string> venues = {},
                        std::chrono::minutes interval = 90min) {
    ScheduleRequest r;
    r.format = format;
    for (int i = count; i >= 1; --i) {
        r.teams.push_back({100 + i, "Team " + std::to_string(i), i});
    }
    r.first_game_at = kFirst;
    r.minutes_between_rounds = interval;
    r.venues = std::move(venues);
    return r;
}

TeamId id_of_seed(int seed) {
    return 100 + seed;
}
int seed_of(TeamId id) {
    return static_cast<int>(id - 100);
}

// Times and venues by the documented rule, recomputed independently: games of
// a round in list order, k-th game at venue k % V in the round's slot k / V;
// a round takes ceil(games / V) slots (1 without venues); rounds follow on.
void expect_times(const ScheduleRequest& req, const Schedule& s, const std::string& what) {
    std::map<int, std::vector<const ScheduledGame*>> by_round;
    for (const auto& g : s.games) {
        by_round[g.round].push_back(&g);
    }
    const long long v = static_cast<long long>(req.venues.size());
    long long first_slot = 0;
    bool venues_suffice = true;
    for (const auto& [round, games] : by_round) {
        for (long long k = 0; k < static_cast<long long>(games.size()); ++k) {
            const long long slot = first_slot + (v == 0 ? 0 : k / v);
            const auto expected = kFirst + req.minutes_between_rounds * slot;
            ASSERT_EQ(games[static_cast<std::size_t>(k)]->starts_at, expected)
                << what << " round " << round << " game " << k;
            if (v == 0) {
                ASSERT_FALSE(games[static_cast<std::size_t>(k)]->venue.has_value()) << what;
            } else {
                ASSERT_EQ(games[static_cast<std::size_t>(k)]->venue,
                          req.venues[static_cast<std::size_t>(k % v)])
                    << what;
            }
        }
        const long long n = static_cast<long long>(games.size());
        if (v != 0 && n > v) {
            venues_suffice = false;
        }
        first_slot += v == 0 ? 1 : (n + v - 1) / v;
    }
    if (venues_suffice) {
        for (const auto& g : s.games) {
            ASSERT_EQ(g.starts_at, kFirst + req.minutes_between_rounds * (g.round - 1)) << what;
        }
    }
    // Rounds never overlap: every game of round r starts before any of r + 1.
    for (std::size_t i = 1; i < s.games.size(); ++i) {
        ASSERT_LE(s.games[i - 1].round, s.games[i].round) << what;
        ASSERT_LE(s.games[i - 1].starts_at, s.games[i].starts_at) << what;
    }
    // Nobody double-booked: a team's (or a venue's) games start at least one
    // slot apart.
    std::map<TeamId, std::vector<std::chrono::sys_seconds>> team_times;
    std::map<std::string, std::vector<std::chrono::sys_seconds>> venue_times;
    for (const auto& g : s.games) {
        for (const auto& side : {g.home, g.away}) {
            if (side) {
                team_times[*side].push_back(g.starts_at);
            }
        }
        if (g.venue) {
            venue_times[*g.venue].push_back(g.starts_at);
        }
    }
    auto spaced = [&](auto& times) {
        std::sort(times.begin(), times.end());
        for (std::size_t i = 1; i < times.size(); ++i) {
            if (times[i] - times[i - 1] < req.minutes_between_rounds) {
                return false;
            }
        }
        return true;
    };
    for (auto& [team, times] : team_times) {
        ASSERT_TRUE(spaced(times)) << what << " team " << team;
    }
    for (auto& [venue, times] : venue_times) {
        ASSERT_TRUE(spaced(times)) << what << " venue " << venue;
    }
}

std::vector<std::string> venues_named(std::size_t n) {
    std::vector<std::string> v;
    for (std::size_t i = 0; i < n; ++i) {
        v.push_back("Pitch " + std::to_string(i + 1));
    }
    return v;
}

// Checks every round-robin property for one count; `twice` for the double.
void check_round_robin(int n, bool twice, std::size_t venue_count) {
    const auto req = request(twice ? Format::kDoubleRoundRobin : Format::kRoundRobin, n,
                             venues_named(venue_count));
    const std::string what = std::string(twice ? "double " : "single ") + "n=" + std::to_string(n) +
                             " venues=" + std::to_string(venue_count);
    const Schedule s = domain::make_schedule(req);
    ASSERT_TRUE(s.ok()) << what;
    const int legs = twice ? 2 : 1;
    const int per_leg = n % 2 == 0 ? n - 1 : n;
    ASSERT_EQ(s.rounds, legs * per_leg) << what;
    ASSERT_EQ(s.games.size(), static_cast<std::size_t>(legs * n * (n - 1) / 2)) << what;

    std::map<std::pair<TeamId, TeamId>, int> ordered;  // (home, away) -> times
    std::map<std::pair<TeamId, TeamId>, int> unordered;
    std::map<TeamId, int> home, away;
    std::map<int, std::set<TeamId>> playing;  // round -> teams
    for (const auto& g : s.games) {
        ASSERT_TRUE(g.home && g.away) << what;
        ASSERT_NE(*g.home, *g.away) << what;
        ASSERT_GE(g.round, 1) << what;
        ASSERT_LE(g.round, s.rounds) << what;
        ASSERT_FALSE(g.winner_to || g.home_from || g.away_from) << what;
        ++ordered[{*g.home, *g.away}];
        ++unordered[{std::min(*g.home, *g.away), std::max(*g.home, *g.away)}];
        ++home[*g.home];
        ++away[*g.away];
        ASSERT_TRUE(playing[g.round].insert(*g.home).second) << what << " twice in a round";
        ASSERT_TRUE(playing[g.round].insert(*g.away).second) << what << " twice in a round";
    }
    for (int a = 1; a <= n; ++a) {
        for (int b = a + 1; b <= n; ++b) {
            const auto key = std::pair{id_of_seed(a), id_of_seed(b)};
            ASSERT_EQ(unordered[key], legs) << what << " pair " << a << "-" << b;
            if (twice) {
                ASSERT_EQ(ordered[key], 1) << what << " " << a << " home to " << b;
                ASSERT_EQ((ordered[{id_of_seed(b), id_of_seed(a)}]), 1) << what;
            }
        }
    }
    for (int t = 1; t <= n; ++t) {
        const int h = home[id_of_seed(t)];
        const int a = away[id_of_seed(t)];
        ASSERT_EQ(h + a, legs * (n - 1)) << what;
        if (twice) {
            ASSERT_EQ(h, a) << what << " team " << t;
        } else {
            ASSERT_LE(std::abs(h - a), 1) << what << " team " << t;
        }
    }
    // Byes: exactly one per round for an odd count, each team legs times; none
    // for an even count. Schedule::byes says the same as the games.
    std::map<int, std::vector<TeamId>> byes;
    for (const auto& b : s.byes) {
        byes[b.round].push_back(b.team);
    }
    std::map<TeamId, int> bye_count;
    for (int r = 1; r <= s.rounds; ++r) {
        const std::size_t idle = static_cast<std::size_t>(n) - playing[r].size();
        ASSERT_EQ(idle, n % 2 == 0 ? 0u : 1u) << what << " round " << r;
        ASSERT_EQ(byes[r].size(), idle) << what;
        for (TeamId t : byes[r]) {
            ASSERT_FALSE(playing[r].contains(t)) << what;
            ++bye_count[t];
        }
    }
    if (n % 2 == 1) {
        for (int t = 1; t <= n; ++t) {
            ASSERT_EQ(bye_count[id_of_seed(t)], legs) << what;
        }
    }
    if (twice) {
        // The second half mirrors the first, round for round.
        std::set<std::tuple<int, TeamId, TeamId>> second_half;
        for (const auto& g : s.games) {
            if (g.round > per_leg) {
                second_half.emplace(g.round - per_leg, *g.away, *g.home);
            }
        }
        for (const auto& g : s.games) {
            if (g.round <= per_leg) {
                ASSERT_TRUE(second_half.contains({g.round, *g.home, *g.away}))
                    << what << " round " << g.round;
            }
        }
    }
    expect_times(req, s, what);
}

TEST(RoundRobin, EveryCountFrom2To64) {
    for (int n = 2; n <= 64; ++n) {
        for (std::size_t venues : {0u, 1u, 3u, 40u}) {
            check_round_robin(n, false, venues);
            if (HasFatalFailure()) {
                return;
            }
        }
    }
}

TEST(DoubleRoundRobin, EveryCountFrom2To64) {
    for (int n = 2; n <= 64; ++n) {
        for (std::size_t venues : {0u, 2u, 40u}) {
            check_round_robin(n, true, venues);
            if (HasFatalFailure()) {
                return;
            }
        }
    }
}

TEST(RoundRobin, BergerTableForSix) {
    // FIDE's Berger table for 6: rounds 1-6 2-5 3-4 / 6-4 5-3 1-2 / 2-6 3-1 4-5 /
    // 6-5 1-4 2-3 / 3-6 4-2 5-1 (first named is home).
    const std::vector<std::vector<std::pair<int, int>>> fide = {{{1, 6}, {2, 5}, {3, 4}},
                                                                {{6, 4}, {5, 3}, {1, 2}},
                                                                {{2, 6}, {3, 1}, {4, 5}},
                                                                {{6, 5}, {1, 4}, {2, 3}},
                                                                {{3, 6}, {4, 2}, {5, 1}}};
    const Schedule s = domain::make_schedule(request(Format::kRoundRobin, 6));
    ASSERT_TRUE(s.ok());
    std::vector<std::vector<std::pair<int, int>>> got(5);
    for (const auto& g : s.games) {
        got[static_cast<std::size_t>(g.round - 1)].emplace_back(seed_of(*g.home), seed_of(*g.away));
    }
    EXPECT_EQ(got, fide);
}

// Plays a scheduled bracket through place_winner: each game, in list order,
// must have both teams by then; `pick_home` chooses the winner. Returns the
// games with teams filled in and the champion.
struct Played {
    std::vector<ScheduledGame> games;
    TeamId champion = 0;
};
template <class Pick>
Played play(const Schedule& s, Pick pick_home) {
    Played out{s.games, 0};
    for (std::size_t i = 0; i < out.games.size(); ++i) {
        auto& g = out.games[i];
        EXPECT_TRUE(g.home && g.away) << "game " << i << " not filled when its turn came";
        if (!g.home || !g.away) {
            return out;
        }
        domain::BracketGame bg;
        bg.id = static_cast<domain::GameId>(i);
        bg.home = g.home;
        bg.away = g.away;
        bg.status = domain::GameStatus::kFinal;
        if (g.winner_to) {
            bg.next_game = static_cast<domain::GameId>(g.winner_to->game);
            bg.next_slot = g.winner_to->slot;
        }
        const TeamId winner = pick_home(g) ? *g.home : *g.away;
        const auto placed = domain::place_winner(bg, winner);
        if (!placed) {
            out.champion = winner;
            continue;
        }
        auto& next = out.games[static_cast<std::size_t>(placed->game)];
        auto& side = placed->slot == domain::Slot::kHome ? next.home : next.away;
        EXPECT_FALSE(side.has_value()) << "slot filled twice";
        side = placed->team;
    }
    return out;
}

void check_bracket(int n, std::size_t venue_count) {
    const auto req = request(Format::kSingleElimination, n, venues_named(venue_count));
    const std::string what =
        "bracket n=" + std::to_string(n) + " venues=" + std::to_string(venue_count);
    const Schedule s = domain::make_schedule(req);
    ASSERT_TRUE(s.ok()) << what;
    int size = 1, rounds = 0;
    while (size < n) {
        size *= 2;
        ++rounds;
    }
    ASSERT_EQ(s.rounds, rounds) << what;
    ASSERT_EQ(s.games.size(), static_cast<std::size_t>(n - 1)) << what;

    // Round 1: pairs of seeds adding up to size + 1, better seed at home;
    // byes exactly for seeds 1..size-n; every team enters exactly once.
    std::multiset<TeamId> entered;
    for (const auto& b : s.byes) {
        ASSERT_EQ(b.round, 1) << what;
        ASSERT_LE(seed_of(b.team), size - n) << what << " bye to a lower seed";
        entered.insert(b.team);
    }
    ASSERT_EQ(s.byes.size(), static_cast<std::size_t>(size - n)) << what;
    std::map<std::pair<std::size_t, domain::Slot>, std::size_t> fed;  // target slot -> feeder
    int finals = 0;
    for (std::size_t i = 0; i < s.games.size(); ++i) {
        const auto& g = s.games[i];
        if (g.round == 1) {
            ASSERT_TRUE(g.home && g.away) << what;
            ASSERT_EQ(seed_of(*g.home) + seed_of(*g.away), size + 1) << what;
            ASSERT_LT(seed_of(*g.home), seed_of(*g.away)) << what;
            entered.insert(*g.home);
            entered.insert(*g.away);
        } else {
            // A side is either a known team (a bye winner, round 2 only) or a
            // game's winner, never both.
            for (const auto& [team, from] :
                 {std::pair{g.home, g.home_from}, std::pair{g.away, g.away_from}}) {
                ASSERT_NE(team.has_value(), from.has_value()) << what;
                if (team) {
                    ASSERT_EQ(g.round, 2) << what;
                }
            }
        }
        if (!g.winner_to) {
            ++finals;
            ASSERT_EQ(i, s.games.size() - 1) << what << " the final comes last";
            ASSERT_EQ(g.round, rounds) << what;
            continue;
        }
        const auto& to = *g.winner_to;
        ASSERT_GT(to.game, i) << what;
        ASSERT_EQ(s.games[to.game].round, g.round + 1) << what;
        const auto& from = to.slot == domain::Slot::kHome ? s.games[to.game].home_from
                                                          : s.games[to.game].away_from;
        ASSERT_EQ(from, i) << what;
        ASSERT_TRUE(fed.emplace(std::pair{to.game, to.slot}, i).second) << what;
    }
    ASSERT_EQ(finals, 1) << what;
    for (int t = 1; t <= n; ++t) {
        ASSERT_EQ(entered.count(id_of_seed(t)), 1u) << what << " seed " << t;
    }

    // Favourites always win: in round r the seeds of a game add up to
    // size / 2^(r-1) + 1, so 1 and 2 meet only in the final.
    const Played fav = play(s, [](const ScheduledGame& g) { return *g.home < *g.away; });
    ASSERT_FALSE(::testing::Test::HasFailure()) << what;
    for (const auto& g : fav.games) {
        ASSERT_EQ(seed_of(*g.home) + seed_of(*g.away), (size >> (g.round - 1)) + 1)
            << what << " round " << g.round;
        if (g.round < rounds) {
            ASSERT_FALSE(seed_of(*g.home) + seed_of(*g.away) == 3) << what;
        }
    }
    ASSERT_EQ(fav.champion, id_of_seed(1)) << what;
    const auto& final_game = fav.games.back();
    ASSERT_EQ(std::minmax(seed_of(*final_game.home), seed_of(*final_game.away)), std::minmax(1, 2))
        << what;

    // Underdogs always win: still a full bracket with one champion; every
    // team but the champion loses exactly once.
    const Played upset = play(s, [](const ScheduledGame& g) { return *g.home > *g.away; });
    ASSERT_FALSE(::testing::Test::HasFailure()) << what;
    std::map<TeamId, int> losses;
    for (const auto& g : upset.games) {
        const bool home_won = *g.home > *g.away;
        ++losses[home_won ? *g.away : *g.home];
    }
    ASSERT_EQ(losses.size(), static_cast<std::size_t>(n - 1)) << what;
    ASSERT_FALSE(losses.contains(upset.champion)) << what;
    for (const auto& [team, count] : losses) {
        ASSERT_EQ(count, 1) << what;
    }
    expect_times(req, s, what);
}

TEST(SingleElimination, EveryCountFrom2To64) {
    for (int n = 2; n <= 64; ++n) {
        for (std::size_t venues : {0u, 1u, 3u, 40u}) {
            check_bracket(n, venues);
            if (HasFatalFailure() || HasFailure()) {
                return;
            }
        }
    }
}

TEST(SingleElimination, StandardSeedingOrder) {
    EXPECT_EQ(domain::standard_seed_order(2), (std::vector<int>{1, 2}));
    EXPECT_EQ(domain::standard_seed_order(4), (std::vector<int>{1, 4, 2, 3}));
    EXPECT_EQ(domain::standard_seed_order(8), (std::vector<int>{1, 8, 4, 5, 2, 7, 3, 6}));
    EXPECT_EQ(domain::standard_seed_order(16),
              (std::vector<int>{1, 16, 8, 9, 4, 13, 5, 12, 2, 15, 7, 10, 3, 14, 6, 11}));
    EXPECT_THROW((void)domain::standard_seed_order(6), std::invalid_argument);

    // 8 teams: 1v8, 4v5, 2v7, 3v6, then the winners of the first two games and
    // of the last two, then the final.
    const Schedule s = domain::make_schedule(request(Format::kSingleElimination, 8));
    ASSERT_EQ(s.games.size(), 7u);
    std::vector<std::pair<int, int>> first;
    for (std::size_t i = 0; i < 4; ++i) {
        first.emplace_back(seed_of(*s.games[i].home), seed_of(*s.games[i].away));
    }
    EXPECT_EQ(first, (std::vector<std::pair<int, int>>{{1, 8}, {4, 5}, {2, 7}, {3, 6}}));
    EXPECT_EQ(s.games[4].home_from, 0u);
    EXPECT_EQ(s.games[4].away_from, 1u);
    EXPECT_EQ(s.games[5].home_from, 2u);
    EXPECT_EQ(s.games[5].away_from, 3u);
    EXPECT_EQ(s.games[6].home_from, 4u);
    EXPECT_EQ(s.games[6].away_from, 5u);

    // 6 teams: seeds 1 and 2 have byes and wait in round 2.
    const Schedule six = domain::make_schedule(request(Format::kSingleElimination, 6));
    ASSERT_EQ(six.games.size(), 5u);
    EXPECT_EQ(seed_of(*six.games[0].home), 4);
    EXPECT_EQ(seed_of(*six.games[0].away), 5);
    EXPECT_EQ(seed_of(*six.games[1].home), 3);
    EXPECT_EQ(seed_of(*six.games[1].away), 6);
    EXPECT_EQ(seed_of(*six.games[2].home), 1);
    EXPECT_EQ(six.games[2].away_from, 0u);
    EXPECT_EQ(seed_of(*six.games[3].home), 2);
    EXPECT_EQ(six.games[3].away_from, 1u);
}

TEST(Schedule, RejectsBadRequests) {
    auto r = request(Format::kRoundRobin, 1);
    EXPECT_EQ(domain::make_schedule(r).error, ScheduleError::kTooFewTeams);
    r = request(Format::kRoundRobin, 257);
    EXPECT_EQ(domain::make_schedule(r).error, ScheduleError::kTooManyTeams);
    r = request(Format::kRoundRobin, 4);
    r.teams[1].id = r.teams[0].id;
    EXPECT_EQ(domain::make_schedule(r).error, ScheduleError::kDuplicateTeam);
    r = request(Format::kRoundRobin, 4);
    r.teams[1].seed = r.teams[0].seed;
    EXPECT_EQ(domain::make_schedule(r).error, ScheduleError::kDuplicateSeed);
    r = request(Format::kRoundRobin, 4);
    r.teams[1].seed = 0;
    EXPECT_EQ(domain::make_schedule(r).error, ScheduleError::kBadSeed);
    r = request(Format::kRoundRobin, 4, {}, 0min);
    EXPECT_EQ(domain::make_schedule(r).error, ScheduleError::kBadInterval);
    r = request(Format::kRoundRobin, 4, {"A", "A"});
    EXPECT_EQ(domain::make_schedule(r).error, ScheduleError::kDuplicateVenue);
    r = request(Format::kRoundRobin, 4, {""});
    EXPECT_EQ(domain::make_schedule(r).error, ScheduleError::kBadVenue);
    const auto bad = domain::make_schedule(r);
    EXPECT_TRUE(bad.games.empty());
    EXPECT_FALSE(domain::describe(ScheduleError::kBadVenue).empty());
}

TEST(Schedule, UnseededTeamsFollowSeededOnesById) {
    std::vector<domain::Team> teams = {
        {7, "G", std::nullopt}, {3, "C", 2}, {5, "E", std::nullopt}, {9, "I", 1}};
    const auto order = domain::seeding_order(teams);
    std::vector<TeamId> ids;
    for (const auto& t : order) {
        ids.push_back(t.id);
    }
    EXPECT_EQ(ids, (std::vector<TeamId>{9, 3, 5, 7}));
}

TEST(Schedule, MoreGamesThanVenuesTakeLaterSlots) {
    // 8 teams, 4 games a round, 3 venues: slots of 2 per round, 7 rounds.
    const auto req = request(Format::kRoundRobin, 8, {"A", "B", "C"}, 60min);
    const Schedule s = domain::make_schedule(req);
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(s.games.size(), 28u);
    // Round 2 starts 2 slots (120 minutes) after round 1.
    EXPECT_EQ(s.games[0].starts_at, kFirst);
    EXPECT_EQ(s.games[2].starts_at, kFirst);
    EXPECT_EQ(s.games[3].starts_at, kFirst + 60min);
    EXPECT_EQ(s.games[3].venue, "A");
    EXPECT_EQ(s.games[4].round, 2);
    EXPECT_EQ(s.games[4].starts_at, kFirst + 120min);
    EXPECT_EQ(s.games.back().starts_at, kFirst + 13 * 60min);
}

}  // namespace
