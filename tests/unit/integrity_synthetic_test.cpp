// A seeded synthetic football world for the integrity detectors (issue 15):
// several leagues of 20 teams with hidden attack and defence strengths play a
// double round robin at the same time, goals drawn from Poisson with a home
// advantage, each league's scorekeeper writing the kick-off, every goal and
// the final (at kick-off + ~2 h). Anomalies of every kind are planted among
// them; every write goes through detect() with the facts the score service
// would read. Measures recall per kind (planted ones found / planted) and
// false alerts per 100 ordinary results (alerts on games with nothing
// planted), prints them (docs/integrity.md) and holds them to issue 15's bar:
// recall >= 90 % per kind, at most 1 false alert per 100 ordinary results.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <iomanip>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "domain/integrity.hpp"

namespace {

using namespace domain::integrity;
using domain::GameStatus;

constexpr std::int64_t kMinute = 60;
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 24 * kHour;
constexpr int kTeams = 20;
constexpr int kLeagues = 4;
constexpr int kRounds = 2 * (kTeams - 1);
constexpr std::int64_t kSeasonStart = 1912550400;  // Saturday 2030-08-10 00:00 UTC
// Goals per game at home and away between average teams (European leagues
// score about 2.7 a game, 55 % of them by the home side).
constexpr double kHomeGoals = 1.5;
constexpr double kAwayGoals = 1.15;
// Hidden strengths (log goal rates): a team's quality, spread kQualitySd,
// plus its own attack and defence variation, kStyleSd. Calibrated to the real
// seasons of ../shared/data/football, not to the detectors: the standard
// deviation of final points there is 13.5 to 18 (16.6 on average), here 16.8;
// 46 % home wins, 23 % draws, 2.8 goals a game (real: 45 %, 24 %, 2.7).
constexpr double kQualitySd = 0.20;
constexpr double kStyleSd = 0.15;

struct Team {
    std::int64_t id = 0;
    double attack = 0;
    double defence = 0;
    [[nodiscard]] double strength() const { return attack + defence; }
};

struct Game {
    int league = 0;
    std::int64_t id = 0;
    int round = 0;
    int home_idx = 0;
    int away_idx = 0;
    std::int64_t starts_at_s = 0;
    int home = 0;  // the drawn (true) result
    int away = 0;
    std::vector<int> plants;  // Plant indices about this game
};

struct Write {
    std::int64_t at = 0;
    std::int64_t user = 0;
    std::size_t game = 0;
    WriteKind kind = WriteKind::kScore;
    GameStatus to = GameStatus::kLive;
    int home = 0;
    int away = 0;
    int plant = -1;  // a planted write (a burst's), or -1
};

struct Plant {
    Kind kind = Kind::kMarginOutlier;
    bool found = false;
};

struct Tally {
    std::map<Kind, int> planted;
    std::map<Kind, int> found;
    std::map<Kind, int> false_alerts;
    int ordinary_results = 0;
    int writes = 0;
};

class World {
  public:
    World(std::uint64_t seed, const Thresholds& t) : rng_(seed), t_(t) {
        make_leagues();
        write_games();
        plant_all();
    }

    void run(Tally& tally);

  private:
    int add_plant(Kind kind) {
        plants_.push_back({kind, false});
        return static_cast<int>(plants_.size() - 1);
    }
    std::int64_t uniform(std::int64_t lo, std::int64_t hi) {
        return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
    }
    const Team& home_of(const Game& g) const { return teams_[g.league][g.home_idx]; }
    const Team& away_of(const Game& g) const { return teams_[g.league][g.away_idx]; }
    std::int64_t scorekeeper(int league) const { return league + 1; }

    void make_leagues();
    void write_games();
    // A game of `league` in rounds [first, last] that nothing is planted on yet.
    std::size_t pick(int league, int first, int last);
    void replace_final(std::size_t game, int home, int away);
    void plant_all();

    std::mt19937_64 rng_;
    Thresholds t_;
    std::vector<std::vector<Team>> teams_;
    std::vector<Game> games_;
    std::vector<Write> writes_;
    std::vector<Plant> plants_;
    std::vector<std::int64_t> completed_at_;
};

void World::make_leagues() {
    std::normal_distribution<double> quality(0.0, kQualitySd);
    std::normal_distribution<double> style(0.0, kStyleSd);
    std::int64_t next_team = 1;
    for (int league = 0; league < kLeagues; ++league) {
        std::vector<Team> teams;
        for (int i = 0; i < kTeams; ++i) {
            const double q = quality(rng_);
            const double attack = q + style(rng_);
            teams.push_back({next_team++, attack, q + style(rng_)});
        }
        teams_.push_back(teams);
        // The circle method: round r pairs order[i] with order[n-1-i]; the
        // second half repeats the first with home and away swapped.
        std::vector<int> order(kTeams);
        for (int i = 0; i < kTeams; ++i) {
            order[static_cast<std::size_t>(i)] = i;
        }
        std::shuffle(order.begin(), order.end(), rng_);
        for (int r = 0; r < kTeams - 1; ++r) {
            for (int i = 0; i < kTeams / 2; ++i) {
                int a = order[static_cast<std::size_t>(i)];
                int b = order[static_cast<std::size_t>(kTeams - 1 - i)];
                if ((r + i) % 2 == 1) {
                    std::swap(a, b);
                }
                for (const int half : {0, 1}) {
                    Game g;
                    g.league = league;
                    g.id = static_cast<std::int64_t>(games_.size() + 1);
                    g.round = r + half * (kTeams - 1);
                    g.home_idx = half == 0 ? a : b;
                    g.away_idx = half == 0 ? b : a;
                    // Saturday 15:00 for six games, 17:30 for two, Sunday 16:00 for two.
                    const std::int64_t day = kSeasonStart + g.round * 7 * kDay;
                    g.starts_at_s = i < 6   ? day + 15 * kHour
                                    : i < 8 ? day + 17 * kHour + 30 * kMinute
                                            : day + kDay + 16 * kHour;
                    games_.push_back(g);
                }
            }
            std::rotate(order.begin() + 1, order.end() - 1, order.end());
        }
    }
}

// The scorekeeper's writes of every game: kick-off 0-0, each goal a minute
// or so after it, the final at kick-off + ~2 h.
void World::write_games() {
    for (std::size_t gi = 0; gi < games_.size(); ++gi) {
        Game& g = games_[gi];
        const Team& h = home_of(g);
        const Team& a = away_of(g);
        g.home = std::poisson_distribution<int>(kHomeGoals * std::exp(h.attack - a.defence))(rng_);
        g.away = std::poisson_distribution<int>(kAwayGoals * std::exp(a.attack - h.defence))(rng_);
        const std::int64_t user = scorekeeper(g.league);
        writes_.push_back({g.starts_at_s + uniform(0, 90), user, gi, WriteKind::kScore,
                           GameStatus::kLive, 0, 0, -1});
        std::vector<std::pair<std::int64_t, bool>> goals;  // minute, home side
        for (int i = 0; i < g.home + g.away; ++i) {
            goals.emplace_back(uniform(1, 93), i < g.home);
        }
        std::sort(goals.begin(), goals.end());
        int home = 0;
        int away = 0;
        for (const auto& [minute, home_side] : goals) {
            (home_side ? home : away) += 1;
            const std::int64_t at = g.starts_at_s + minute * kMinute +
                                    (minute > 45 ? 15 * kMinute : 0) + uniform(20, 120);
            writes_.push_back({at, user, gi, WriteKind::kScore, GameStatus::kLive, home, away, -1});
        }
        writes_.push_back({g.starts_at_s + uniform(110 * kMinute, 135 * kMinute), user, gi,
                           WriteKind::kScore, GameStatus::kFinal, g.home, g.away, -1});
    }
}

std::size_t World::pick(int league, int first, int last) {
    for (int attempt = 0; attempt < 10000; ++attempt) {
        const auto gi =
            static_cast<std::size_t>(uniform(0, static_cast<std::int64_t>(games_.size()) - 1));
        const Game& g = games_[gi];
        if (g.league == league && g.round >= first && g.round <= last && g.plants.empty()) {
            return gi;
        }
    }
    ADD_FAILURE() << "no free game to plant on";
    return 0;
}

// The final write of `game` reports `home`-`away` instead of the true result.
void World::replace_final(std::size_t game, int home, int away) {
    for (Write& w : writes_) {
        if (w.game == game && w.to == GameStatus::kFinal && w.kind == WriteKind::kScore) {
            w.home = home;
            w.away = away;
        }
    }
}

void World::plant_all() {
    constexpr int kPerLeague = 2;
    auto final_write = [&](std::size_t game) -> Write& {
        for (Write& w : writes_) {
            if (w.game == game && w.to == GameStatus::kFinal && w.kind == WriteKind::kScore) {
                return w;
            }
        }
        ADD_FAILURE() << "game without a final write";
        return writes_.front();
    };
    for (int league = 0; league < kLeagues; ++league) {
        // Unexpected: the weakest team (by hidden strength) beats the strongest
        // by three to five goals in their meeting of the second half of the
        // season (planted first, so that no other plant takes the game).
        const auto& teams = teams_[static_cast<std::size_t>(league)];
        auto by_strength = [](const Team& a, const Team& b) { return a.strength() < b.strength(); };
        const auto weakest =
            std::min_element(teams.begin(), teams.end(), by_strength) - teams.begin();
        const auto strongest =
            std::max_element(teams.begin(), teams.end(), by_strength) - teams.begin();
        for (std::size_t gi = 0; gi < games_.size(); ++gi) {
            const Game& g = games_[gi];
            const bool pair = (g.home_idx == weakest && g.away_idx == strongest) ||
                              (g.home_idx == strongest && g.away_idx == weakest);
            if (g.league != league || g.round < kTeams - 1 || !pair) {
                continue;
            }
            games_[gi].plants.push_back(add_plant(Kind::kUnexpectedResult));
            const int loser = static_cast<int>(uniform(0, 1));
            const int winner = loser + static_cast<int>(uniform(3, 5));
            g.home_idx == weakest ? replace_final(gi, winner, loser)
                                  : replace_final(gi, loser, winner);
        }
        for (int n = 0; n < kPerLeague; ++n) {
            // Implausible: one side scores 11 to 16.
            std::size_t gi = pick(league, 0, kRounds - 1);
            games_[gi].plants.push_back(add_plant(Kind::kImplausibleScore));
            const int big = static_cast<int>(uniform(11, 16));
            const int small = static_cast<int>(uniform(0, 2));
            uniform(0, 1) == 0 ? replace_final(gi, big, small) : replace_final(gi, small, big);

            // A rout of eight or nine goals, once the sport has a sample.
            gi = pick(league, 3, kRounds - 1);
            games_[gi].plants.push_back(add_plant(Kind::kMarginOutlier));
            const int loser = static_cast<int>(uniform(0, 1));
            const int winner = loser + static_cast<int>(uniform(8, 9));
            uniform(0, 1) == 0 ? replace_final(gi, winner, loser)
                               : replace_final(gi, loser, winner);

            // A single correction of a final, hours after it: one home goal more.
            gi = pick(league, 0, kRounds - 1);
            games_[gi].plants.push_back(add_plant(Kind::kFinalCorrected));
            {
                const Write f = final_write(gi);
                writes_.push_back({f.at + uniform(kHour, 20 * kHour), f.user, gi,
                                   WriteKind::kCorrection, GameStatus::kFinal, f.home + 1, f.away,
                                   -1});
            }

            // Repeated corrections: corrections_max to +2 of one game within the window.
            gi = pick(league, 0, kRounds - 1);
            games_[gi].plants.push_back(add_plant(Kind::kRepeatedCorrections));
            games_[gi].plants.push_back(add_plant(Kind::kFinalCorrected));
            {
                const Write f = final_write(gi);
                const int count = t_.corrections_max + static_cast<int>(uniform(0, 2));
                const std::int64_t span = t_.corrections_window_s - kHour;
                for (int c = 0; c < count; ++c) {
                    writes_.push_back({f.at + kMinute + uniform(0, span), f.user, gi,
                                       WriteKind::kCorrection, GameStatus::kFinal,
                                       f.home + 1 + c % 2, f.away, -1});
                }
            }

            // A score before the start: a live write 1 h to 3 days early.
            gi = pick(league, 0, kRounds - 1);
            games_[gi].plants.push_back(add_plant(Kind::kScoreBeforeStart));
            writes_.push_back({games_[gi].starts_at_s - uniform(kHour, 3 * kDay),
                               scorekeeper(league), gi, WriteKind::kScore, GameStatus::kLive, 1, 0,
                               -1});

            // A final first reported 3 to 10 days after the game.
            gi = pick(league, 0, kRounds - 1);
            games_[gi].plants.push_back(add_plant(Kind::kLateScore));
            final_write(gi).at = games_[gi].starts_at_s + uniform(3 * kDay, 10 * kDay);
        }
    }
    // When each league completes: its last final.
    completed_at_.assign(kLeagues, 0);
    for (const Write& w : writes_) {
        if (w.to == GameStatus::kFinal) {
            auto& at = completed_at_[static_cast<std::size_t>(games_[w.game].league)];
            at = std::max(at, w.at);
        }
    }
    for (int league = 0; league < kLeagues; ++league) {
        for (int n = 0; n < kPerLeague; ++n) {
            // A correction days after the league completed.
            const std::size_t gi = pick(league, 0, kRounds - 1);
            games_[gi].plants.push_back(add_plant(Kind::kChangeAfterCompletion));
            games_[gi].plants.push_back(add_plant(Kind::kFinalCorrected));
            writes_.push_back(
                {completed_at_[static_cast<std::size_t>(league)] + uniform(kDay, 5 * kDay),
                 scorekeeper(league), gi, WriteKind::kCorrection, GameStatus::kFinal,
                 games_[gi].home, games_[gi].away + 1, -1});
        }
    }
    // Bursts: another user writes 30 to 45 live scores into games of three or
    // four leagues within four to nine minutes, half an hour into a round.
    constexpr int kBursts = 5;
    for (int b = 0; b < kBursts; ++b) {
        const int plant = add_plant(Kind::kEditBurst);
        const int round = static_cast<int>(uniform(0, kRounds - 1));
        const std::int64_t start =
            kSeasonStart + round * 7 * kDay + 15 * kHour + 30 * kMinute + uniform(0, 600);
        const std::int64_t span = uniform(4 * kMinute, 9 * kMinute);
        const int leagues = static_cast<int>(uniform(3, kLeagues));
        std::vector<std::size_t> live;
        for (std::size_t gi = 0; gi < games_.size(); ++gi) {
            const Game& g = games_[gi];
            if (g.league < leagues && g.round == round && g.starts_at_s <= start &&
                g.starts_at_s + 100 * kMinute > start + span) {
                live.push_back(gi);
            }
        }
        const int count = static_cast<int>(uniform(30, 45));
        for (int i = 0; i < count; ++i) {
            // Round-robin over the leagues so that each is touched.
            std::vector<std::size_t> of_league;
            for (const std::size_t gi : live) {
                if (games_[gi].league == i % leagues) {
                    of_league.push_back(gi);
                }
            }
            ASSERT_FALSE(of_league.empty()) << "no live game in league " << i % leagues;
            const std::size_t gi = of_league[static_cast<std::size_t>(
                uniform(0, static_cast<std::int64_t>(of_league.size()) - 1))];
            writes_.push_back({start + span * i / count, 100 + b, gi, WriteKind::kScore,
                               GameStatus::kLive, static_cast<int>(uniform(0, 3)),
                               static_cast<int>(uniform(0, 3)), plant});
        }
    }
}

void World::run(Tally& tally) {
    std::stable_sort(writes_.begin(), writes_.end(),
                     [](const Write& a, const Write& b) { return a.at < b.at; });
    std::vector<GameStatus> status(games_.size(), GameStatus::kScheduled);
    std::vector<std::pair<int, int>> score(games_.size());
    std::vector<std::vector<std::int64_t>> corrections(games_.size());
    std::vector<std::vector<FinalResult>> finals(kLeagues);
    std::vector<MarginCount> sport;
    auto count_margin = [&](int home, int away, int delta) {
        const auto m = static_cast<std::size_t>(std::abs(home - away));
        while (sport.size() <= m) {
            sport.push_back({static_cast<int>(sport.size()), 0});
        }
        sport[m].count += delta;
    };
    std::map<std::int64_t, std::deque<std::pair<std::int64_t, int>>> user_log;
    for (const Write& w : writes_) {
        const Game& g = games_[w.game];
        const auto league = static_cast<std::size_t>(g.league);
        WriteFacts f;
        f.kind = w.kind;
        f.sport = "football";
        f.game_id = g.id;
        f.home_team = home_of(g).id;
        f.away_team = away_of(g).id;
        f.from = status[w.game];
        f.to = w.to;
        f.home = w.home;
        f.away = w.away;
        f.event_completed = w.at > completed_at_[league];
        f.now_s = w.at;
        f.starts_at_s = g.starts_at_s;
        f.event_finals = finals[league];
        std::erase_if(f.event_finals, [&](const FinalResult& r) { return r.game_id == g.id; });
        f.sport_margins = sport;
        if (status[w.game] == GameStatus::kFinal) {
            const auto m =
                static_cast<std::size_t>(std::abs(score[w.game].first - score[w.game].second));
            --f.sport_margins[m].count;
        }
        if (w.kind == WriteKind::kCorrection) {
            corrections[w.game].push_back(w.at);
            f.corrections_in_window = static_cast<int>(std::count_if(
                corrections[w.game].begin(), corrections[w.game].end(),
                [&](std::int64_t at) { return at > w.at - t_.corrections_window_s; }));
        }
        auto& log = user_log[w.user];
        log.emplace_back(w.at, g.league);
        while (log.front().first <= w.at - t_.burst_window_s) {
            log.pop_front();
        }
        std::set<int> events;
        for (const auto& [at, ev] : log) {
            events.insert(ev);
        }
        f.user_writes_in_window = static_cast<int>(log.size());
        f.user_events_in_window = static_cast<int>(events.size());

        ++tally.writes;
        for (const Finding& finding : detect(f, t_)) {
            bool explained = false;
            if (w.plant >= 0) {
                explained = true;
                Plant& p = plants_[static_cast<std::size_t>(w.plant)];
                p.found = p.found || p.kind == finding.kind;
            }
            for (const int pi : g.plants) {
                explained = true;
                Plant& p = plants_[static_cast<std::size_t>(pi)];
                p.found = p.found || p.kind == finding.kind;
            }
            if (!explained) {
                ++tally.false_alerts[finding.kind];
            }
        }

        // The write's effect on the stored state.
        if (w.plant >= 0 && status[w.game] != GameStatus::kLive) {
            continue;  // a burst never touches a game that is not live
        }
        if (w.to == GameStatus::kFinal) {
            if (status[w.game] == GameStatus::kFinal) {
                count_margin(score[w.game].first, score[w.game].second, -1);
            }
            count_margin(w.home, w.away, +1);
            auto& list = finals[league];
            std::erase_if(list, [&](const FinalResult& r) { return r.game_id == g.id; });
            const FinalResult result{g.id, f.home_team, f.away_team, w.home, w.away, g.starts_at_s};
            const auto at = std::upper_bound(
                list.begin(), list.end(), result, [](const FinalResult& a, const FinalResult& b) {
                    return a.starts_at_s != b.starts_at_s ? a.starts_at_s < b.starts_at_s
                                                          : a.game_id < b.game_id;
                });
            list.insert(at, result);
        }
        if (status[w.game] != GameStatus::kFinal || w.kind == WriteKind::kCorrection) {
            status[w.game] = w.to;
            score[w.game] = {w.home, w.away};
        }
    }
    for (const Game& g : games_) {
        tally.ordinary_results += g.plants.empty() ? 1 : 0;
    }
    for (const Plant& p : plants_) {
        ++tally.planted[p.kind];
        tally.found[p.kind] += p.found ? 1 : 0;
    }
}

Tally run_seeds(const Thresholds& t) {
    Tally tally;
    for (const std::uint64_t seed : {1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 10u, 11u, 12u}) {
        World world(seed, t);
        world.run(tally);
    }
    return tally;
}

TEST(IntegritySynthetic, FindsPlantedAnomaliesWithFewFalseAlerts) {
    const Thresholds t;
    const Tally tally = run_seeds(t);
    int false_total = 0;
    for (const auto& [kind, n] : tally.false_alerts) {
        false_total += n;
    }
    std::cout << "\nSynthetic leagues: 12 seeds x " << kLeagues << " leagues x " << kTeams
              << " teams (double round robin), " << tally.writes << " writes, "
              << tally.ordinary_results << " ordinary results\n"
              << "| kind | planted | found | recall | false alerts |\n"
              << "| --- | --- | --- | --- | --- |\n";
    for (const Kind k : kAllKinds) {
        const int planted = tally.planted.count(k) != 0 ? tally.planted.at(k) : 0;
        const int found = tally.found.count(k) != 0 ? tally.found.at(k) : 0;
        const int false_alerts = tally.false_alerts.count(k) != 0 ? tally.false_alerts.at(k) : 0;
        std::cout << "| " << to_string(k) << " | " << planted << " | " << found << " | "
                  << std::fixed << std::setprecision(1)
                  << (planted == 0 ? 0.0 : 100.0 * found / planted) << " % | " << false_alerts
                  << " |\n";
        ASSERT_GE(planted, 20) << to_string(k);
        EXPECT_GE(found * 100, planted * 90) << to_string(k) << ": recall below 90 %";
    }
    const double per_100 = 100.0 * false_total / tally.ordinary_results;
    std::cout << "false alerts: " << false_total << " = " << std::setprecision(2) << per_100
              << " per 100 ordinary results\n"
              << std::flush;
    EXPECT_LE(per_100, 1.0);
}

// The generator's world is football-like (the figures of kQualitySd's
// comment), recomputed from its own draws: points spread, goals, home wins.
TEST(IntegritySynthetic, TheGeneratedLeaguesLookLikeFootball) {
    std::mt19937_64 rng(7);
    std::normal_distribution<double> quality(0.0, kQualitySd);
    std::normal_distribution<double> style(0.0, kStyleSd);
    double goals = 0;
    double points_sd = 0;
    int games = 0;
    int home_wins = 0;
    int away_wins = 0;
    constexpr int kSeasons = 50;
    for (int s = 0; s < kSeasons; ++s) {
        std::vector<Team> teams;
        for (int i = 0; i < kTeams; ++i) {
            const double q = quality(rng);
            const double attack = q + style(rng);
            teams.push_back({i, attack, q + style(rng)});
        }
        std::vector<int> points(kTeams, 0);
        for (int h = 0; h < kTeams; ++h) {
            for (int a = 0; a < kTeams; ++a) {
                if (h == a) {
                    continue;
                }
                const auto& th = teams[static_cast<std::size_t>(h)];
                const auto& ta = teams[static_cast<std::size_t>(a)];
                const int hg = std::poisson_distribution<int>(
                    kHomeGoals * std::exp(th.attack - ta.defence))(rng);
                const int ag = std::poisson_distribution<int>(
                    kAwayGoals * std::exp(ta.attack - th.defence))(rng);
                ++games;
                goals += hg + ag;
                home_wins += hg > ag ? 1 : 0;
                away_wins += ag > hg ? 1 : 0;
                points[static_cast<std::size_t>(h)] += hg > ag ? 3 : hg == ag ? 1 : 0;
                points[static_cast<std::size_t>(a)] += ag > hg ? 3 : hg == ag ? 1 : 0;
            }
        }
        double mean = 0;
        for (const int p : points) {
            mean += p;
        }
        mean /= kTeams;
        double var = 0;
        for (const int p : points) {
            var += (p - mean) * (p - mean);
        }
        points_sd += std::sqrt(var / kTeams);
    }
    std::cout << "generated: " << goals / games << " goals a game, " << 100.0 * home_wins / games
              << " % home wins, points sd " << points_sd / kSeasons << '\n';
    EXPECT_NEAR(goals / games, 2.75, 0.25);
    EXPECT_NEAR(100.0 * home_wins / games, 45.5, 3.0);
    EXPECT_GT(home_wins, away_wins);
    EXPECT_NEAR(points_sd / kSeasons, 16.6, 2.0);
}

}  // namespace
