// Every real season of ../shared/data/football replayed through the integrity
// detectors (issue 15), in date order, as the score service would see it: each
// file is one event, each game is written final at kick-off + 2 h by the
// event's one scorekeeper, the sport's sample holds every final replayed so far
// (all of it football). Prints the alerts per kind per season (the table of
// docs/integrity.md) and checks that real football raises few alerts while
// planted anomalies always fire. A missing data file fails the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "domain/integrity.hpp"

#ifndef SCORELINE_SHARED_DATA
#error "SCORELINE_SHARED_DATA must name the folder of the football data"
#endif

namespace {

using namespace domain::integrity;
using domain::GameStatus;

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 24 * kHour;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "2022-08-05" and "20:00" or "18:00 UTC+3" -> seconds since the epoch (UTC;
// a time without an offset is taken as UTC, which only shifts whole days).
std::int64_t kick_off(const std::string& date, const std::string& time) {
    const std::int64_t days = days_from_civil(std::stoi(date.substr(0, 4)),
                                              static_cast<unsigned>(std::stoi(date.substr(5, 2))),
                                              static_cast<unsigned>(std::stoi(date.substr(8, 2))));
    std::int64_t seconds = days * kDay;
    if (time.size() >= 5) {
        seconds += std::stoi(time.substr(0, 2)) * kHour + std::stoi(time.substr(3, 2)) * 60;
    }
    const auto utc = time.find("UTC");
    if (utc != std::string::npos) {
        seconds -= std::stoi(time.substr(utc + 3)) * kHour;
    }
    return seconds;
}

struct Game {
    int event = 0;
    std::int64_t id = 0;
    std::string round;
    std::string home_name;
    std::string away_name;
    std::int64_t home_team = 0;
    std::int64_t away_team = 0;
    int home = 0;
    int away = 0;
    std::int64_t starts_at_s = 0;
};

struct Season {
    std::string file;
    std::vector<std::size_t> games;  // indices into Replay::games, in the order played
};

// Every season file of the folder (the *.groups.json files list groups, not matches).
std::vector<std::string> season_files() {
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(SCORELINE_SHARED_DATA)) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() == ".json" && name.find(".groups.") == std::string::npos) {
            files.push_back(name);
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

struct Replay {
    std::vector<Season> seasons;
    std::vector<Game> games;  // all seasons merged, in date order
};

Replay load_all() {
    Replay replay;
    std::map<std::string, std::int64_t> team_ids;
    auto id_of = [&](const std::string& name) {
        return team_ids.emplace(name, static_cast<std::int64_t>(team_ids.size() + 1)).first->second;
    };
    for (const std::string& file : season_files()) {
        std::ifstream in(std::string(SCORELINE_SHARED_DATA) + "/" + file);
        EXPECT_TRUE(in.good()) << file;
        const auto doc = nlohmann::json::parse(in);
        const int event = static_cast<int>(replay.seasons.size());
        replay.seasons.push_back({file, {}});
        for (const auto& m : doc.at("matches")) {
            const auto& ft = m.at("score").at("ft");
            Game g;
            g.event = event;
            g.id = static_cast<std::int64_t>(replay.games.size() + 1);
            g.round = m.value("round", "");
            g.home_name = m.at("team1").get<std::string>();
            g.away_name = m.at("team2").get<std::string>();
            g.home_team = id_of(g.home_name);
            g.away_team = id_of(g.away_name);
            g.home = ft.at(0).get<int>();
            g.away = ft.at(1).get<int>();
            g.starts_at_s =
                kick_off(m.at("date").get<std::string>(), m.value("time", std::string{}));
            replay.games.push_back(std::move(g));
        }
    }
    std::stable_sort(replay.games.begin(), replay.games.end(), [](const Game& a, const Game& b) {
        return a.starts_at_s != b.starts_at_s ? a.starts_at_s < b.starts_at_s : a.id < b.id;
    });
    for (std::size_t i = 0; i < replay.games.size(); ++i) {
        replay.seasons[static_cast<std::size_t>(replay.games[i].event)].games.push_back(i);
    }
    return replay;
}

std::string short_name(Kind kind) {
    return std::string(to_string(kind));
}

bool has(const std::vector<Finding>& findings, Kind kind) {
    return std::any_of(findings.begin(), findings.end(),
                       [&](const Finding& f) { return f.kind == kind; });
}

// The replay's state: what the score service would read in each write.
class Service {
  public:
    explicit Service(std::size_t events) : finals_(events), user_writes_(events) {}

    // The facts of writing `g` final with `home`-`away` at `now` (the game not yet final).
    WriteFacts final_write(const Game& g, int home, int away, std::int64_t now) {
        WriteFacts f = base(g, home, away, now);
        f.from = GameStatus::kLive;
        f.to = GameStatus::kFinal;
        auto& log = user_writes_[static_cast<std::size_t>(g.event)];
        while (!log.empty() && log.front() < now - Thresholds{}.burst_window_s) {
            log.pop_front();
        }
        f.user_writes_in_window = static_cast<int>(log.size()) + 1;
        f.user_events_in_window = 1;
        return f;
    }

    // The facts of a correction of the final game `g` (already recorded).
    WriteFacts correction(const Game& g, int home, int away, std::int64_t now,
                          int corrections_in_window, bool event_completed) const {
        WriteFacts f = base(g, home, away, now);
        f.kind = WriteKind::kCorrection;
        f.from = GameStatus::kFinal;
        f.to = GameStatus::kFinal;
        f.event_completed = event_completed;
        f.corrections_in_window = corrections_in_window;
        f.user_writes_in_window = corrections_in_window;
        f.user_events_in_window = 1;
        std::erase_if(f.event_finals, [&](const FinalResult& r) { return r.game_id == g.id; });
        const auto margin = static_cast<std::size_t>(std::abs(g.home - g.away));
        for (MarginCount& m : f.sport_margins) {
            if (static_cast<std::size_t>(m.margin) == margin) {
                --m.count;
            }
        }
        return f;
    }

    // Records `g` as final with its real score, written at `now`.
    void record(const Game& g, std::int64_t now) {
        finals_[static_cast<std::size_t>(g.event)].push_back(
            {g.id, g.home_team, g.away_team, g.home, g.away, g.starts_at_s});
        const auto margin = static_cast<std::size_t>(std::abs(g.home - g.away));
        if (margin >= sport_.size()) {
            const std::size_t old = sport_.size();
            sport_.resize(margin + 1);
            for (std::size_t i = old; i < sport_.size(); ++i) {
                sport_[i].margin = static_cast<int>(i);
            }
        }
        ++sport_[margin].count;
        user_writes_[static_cast<std::size_t>(g.event)].push_back(now);
    }

  private:
    WriteFacts base(const Game& g, int home, int away, std::int64_t now) const {
        WriteFacts f;
        f.sport = "football";
        f.game_id = g.id;
        f.home_team = g.home_team;
        f.away_team = g.away_team;
        f.home = home;
        f.away = away;
        f.now_s = now;
        f.starts_at_s = g.starts_at_s;
        f.event_finals = finals_[static_cast<std::size_t>(g.event)];
        f.sport_margins = sport_;
        return f;
    }

    std::vector<std::vector<FinalResult>> finals_;
    std::vector<MarginCount> sport_;
    std::vector<std::deque<std::int64_t>> user_writes_;
};

struct Outcome {
    // alerts[season][kind] over the real results (nothing planted).
    std::vector<std::map<Kind, int>> alerts;
    std::map<std::int64_t, std::vector<Finding>> by_game;
    // Planted anomalies: how many were planted and how many fired, per kind.
    std::map<Kind, int> planted;
    std::map<Kind, int> fired;
};

void plant(Outcome& out, Kind kind, const std::vector<Finding>& findings) {
    ++out.planted[kind];
    if (has(findings, kind)) {
        ++out.fired[kind];
    }
}

Outcome replay_all(const Replay& replay) {
    const Thresholds t;
    Outcome out;
    out.alerts.resize(replay.seasons.size());
    Service service(replay.seasons.size());
    // The planted game of each season: the middle one it plays.
    std::set<std::int64_t> middle;
    for (const Season& s : replay.seasons) {
        middle.insert(replay.games[s.games[s.games.size() / 2]].id);
    }
    for (const Game& g : replay.games) {
        const std::int64_t now = g.starts_at_s + 2 * kHour;
        if (middle.contains(g.id)) {
            // An implausible final (14-1) instead of the real one; never recorded.
            plant(out, Kind::kImplausibleScore, detect(service.final_write(g, 14, 1, now), t));
        }
        const auto findings = detect(service.final_write(g, g.home, g.away, now), t);
        for (const Finding& f : findings) {
            ++out.alerts[static_cast<std::size_t>(g.event)][f.kind];
        }
        out.by_game[g.id] = findings;
        service.record(g, now);
        if (middle.contains(g.id)) {
            // A burst of corrections of the game within the window: each one is a
            // final_corrected; the one reaching corrections_max is repeated.
            for (int n = 1; n <= t.corrections_max; ++n) {
                const auto c =
                    detect(service.correction(g, g.home + n, g.away, now + n * kHour, n, false), t);
                plant(out, Kind::kFinalCorrected, c);
                EXPECT_EQ(has(c, Kind::kRepeatedCorrections), n >= t.corrections_max)
                    << "correction " << n << " of game " << g.id;
            }
            plant(out, Kind::kRepeatedCorrections,
                  detect(service.correction(g, g.home, g.away + 1, now + 4 * kHour,
                                            t.corrections_max, false),
                         t));
        }
    }
    // A correction after each season's last game, the event completed.
    for (const Season& s : replay.seasons) {
        const Game& last = replay.games[s.games.back()];
        plant(out, Kind::kChangeAfterCompletion,
              detect(service.correction(last, last.home + 1, last.away, last.starts_at_s + 3 * kDay,
                                        1, true),
                     t));
    }
    return out;
}

const Replay& data() {
    static const Replay replay = load_all();
    return replay;
}

const Outcome& outcome() {
    static const Outcome out = replay_all(data());
    return out;
}

TEST(IntegrityReplay, EverySeasonIsLoaded) {
    const Replay& r = data();
    ASSERT_GE(r.seasons.size(), 8u);
    for (const Season& s : r.seasons) {
        EXPECT_GE(s.games.size(), 64u) << s.file;
    }
    EXPECT_TRUE(std::is_sorted(r.games.begin(), r.games.end(), [](const Game& a, const Game& b) {
        return a.starts_at_s < b.starts_at_s;
    }));
}

TEST(IntegrityReplay, PrintsAlertsPerKindPerSeason) {
    const Replay& r = data();
    const Outcome& out = outcome();
    std::cout
        << "\nAlerts per kind per season (real results, nothing planted):\n| season | games |";
    for (const Kind k : kAllKinds) {
        std::cout << ' ' << short_name(k) << " |";
    }
    std::cout << "\n| --- | --- |";
    for (std::size_t i = 0; i < kAllKinds.size(); ++i) {
        std::cout << " --- |";
    }
    std::cout << '\n';
    for (std::size_t s = 0; s < r.seasons.size(); ++s) {
        std::cout << "| " << r.seasons[s].file << " | " << r.seasons[s].games.size() << " |";
        for (const Kind k : kAllKinds) {
            const auto it = out.alerts[s].find(k);
            std::cout << ' ' << (it == out.alerts[s].end() ? 0 : it->second) << " |";
        }
        std::cout << '\n';
    }
    std::cout << "\nEvery alert on a real result:\n";
    for (const Game& g : r.games) {
        for (const Finding& f : out.by_game.at(g.id)) {
            std::cout << "  " << r.seasons[static_cast<std::size_t>(g.event)].file << ' ' << g.round
                      << ": " << g.home_name << ' ' << g.home << '-' << g.away << ' ' << g.away_name
                      << " -> " << to_string(f.kind);
            for (const EvidenceItem& e : f.evidence) {
                std::cout << ' ' << e.name << '=';
                std::visit([](const auto& v) { std::cout << v; }, e.value);
            }
            std::cout << '\n';
        }
    }
    std::cout << "\nPlanted anomalies (fired / planted):\n";
    for (const auto& [kind, n] : out.planted) {
        const auto it = out.fired.find(kind);
        std::cout << "  " << to_string(kind) << ": " << (it == out.fired.end() ? 0 : it->second)
                  << " / " << n << '\n';
    }
    std::cout << std::flush;
}

TEST(IntegrityReplay, LiverpoolNineNilBournemouthIsAMarginOutlier) {
    const Replay& r = data();
    const auto it = std::find_if(r.games.begin(), r.games.end(), [&](const Game& g) {
        return r.seasons[static_cast<std::size_t>(g.event)].file == "2022-23_en.1.json" &&
               g.home_name == "Liverpool FC" && g.away_name == "AFC Bournemouth";
    });
    ASSERT_NE(it, r.games.end());
    ASSERT_EQ(it->home, 9);
    ASSERT_EQ(it->away, 0);
    const auto& findings = outcome().by_game.at(it->id);
    ASSERT_TRUE(has(findings, Kind::kMarginOutlier));
    const Finding& f = *std::find_if(findings.begin(), findings.end(), [](const Finding& x) {
        return x.kind == Kind::kMarginOutlier;
    });
    EXPECT_EQ(f.severity, Severity::kWarning);
    ASSERT_FALSE(f.evidence.empty());
    EXPECT_EQ(f.evidence[0].name, "margin");
    EXPECT_EQ(std::get<std::int64_t>(f.evidence[0].value), it->home - it->away);
}

// Matchday 10 of the 2022/23 Premier League: wins by at most four goals
// (Newcastle 5-1 Brentford the widest), no underdog romping home.
TEST(IntegrityReplay, AnOrdinaryRoundFiresNothing) {
    const Replay& r = data();
    int games = 0;
    for (const Game& g : r.games) {
        if (r.seasons[static_cast<std::size_t>(g.event)].file == "2022-23_en.1.json" &&
            g.round == "Matchday 10") {
            ++games;
            EXPECT_TRUE(outcome().by_game.at(g.id).empty())
                << g.home_name << ' ' << g.home << '-' << g.away << ' ' << g.away_name;
        }
    }
    EXPECT_EQ(games, 10);
}

// Few alerts: per season and kind at most 2 % of its games, rounded up (at
// most 8 of a 380-game league, 2 of a 64-game World Cup). Real football has a
// handful of routs and upsets a season; more than one in fifty games flagged
// would bury them, and an admin would stop reading. Timing, correction and
// burst alerts cannot come from honest on-time single writes: none at all.
TEST(IntegrityReplay, RealSeasonsRaiseFewAlerts) {
    const Replay& r = data();
    const Outcome& out = outcome();
    for (std::size_t s = 0; s < r.seasons.size(); ++s) {
        const auto bound =
            static_cast<int>(std::ceil(0.02 * static_cast<double>(r.seasons[s].games.size())));
        for (const auto& [kind, n] : out.alerts[s]) {
            switch (kind) {
                case Kind::kMarginOutlier:
                case Kind::kUnexpectedResult:
                    EXPECT_LE(n, bound) << r.seasons[s].file << ' ' << to_string(kind);
                    break;
                case Kind::kImplausibleScore:
                case Kind::kFinalCorrected:
                case Kind::kRepeatedCorrections:
                case Kind::kEditBurst:
                case Kind::kChangeAfterCompletion:
                case Kind::kScoreBeforeStart:
                case Kind::kLateScore:
                    EXPECT_EQ(n, 0) << r.seasons[s].file << ' ' << to_string(kind);
                    break;
            }
        }
    }
}

TEST(IntegrityReplay, PlantedAnomaliesFireEveryTime) {
    const Outcome& out = outcome();
    const std::size_t seasons = data().seasons.size();
    EXPECT_EQ(out.planted.at(Kind::kImplausibleScore), static_cast<int>(seasons));
    EXPECT_EQ(out.planted.at(Kind::kRepeatedCorrections), static_cast<int>(seasons));
    EXPECT_EQ(out.planted.at(Kind::kChangeAfterCompletion), static_cast<int>(seasons));
    for (const auto& [kind, n] : out.planted) {
        EXPECT_EQ(out.fired.count(kind) != 0 ? out.fired.at(kind) : 0, n) << to_string(kind);
    }
}

}  // namespace
