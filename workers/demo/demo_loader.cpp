// The demo events, made through the tournament services; see demo_loader.hpp.
#include "demo/demo_loader.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

#include "common/time_text.hpp"
#include "demo/demo_repository.hpp"
#include "demo/football_data.hpp"
#include "event/event_service.hpp"
#include "game/game_repository.hpp"
#include "game/game_service.hpp"
#include "game/schedule_service.hpp"
#include "score/score_service.hpp"
#include "team/team_service.hpp"

namespace demo {
namespace {

using tournament::Caller;

constexpr LocalZone kLondon{std::chrono::minutes(0), true};
constexpr LocalZone kMadrid{std::chrono::minutes(60), true};
constexpr LocalZone kQatar{std::chrono::minutes(180), false};

struct LeagueSpec {
    std::string file;
    std::string name;
    std::string time_zone;
    LocalZone zone;
    std::string status;                // the event's status once loaded
    std::optional<int> live_matchday;  // empty: every game final
    int live_games = 0;                // games of live_matchday shown live at half time
};

// One score update through the service; returns the game's new version.
std::int64_t record(db::Tx& tx, const Caller& caller, std::int64_t game, std::int64_t version,
                    Goals goals, domain::GameStatus status) {
    return tournament::record_score_in(tx, caller, game, version, {goals.home, goals.away, status})
        .game.version;
}

// Live at half time, then (when `finish`) final: scores go scheduled -> live -> final.
void play(db::Tx& tx, const Caller& caller, std::int64_t game, std::int64_t version,
          const std::optional<Goals>& half_time, const Goals& full_time, bool finish) {
    const Goals ht = half_time.value_or(Goals{0, 0});
    version = record(tx, caller, game, version, ht, domain::GameStatus::kLive);
    if (finish) {
        (void)record(tx, caller, game, version, full_time, domain::GameStatus::kFinal);
    }
}

void set_status(db::Tx& tx, const Caller& caller, std::int64_t event_id,
                const std::string& status) {
    tournament::EventPatch patch;
    patch.status = status;
    (void)tournament::update_event_in(tx, caller, event_id, patch, std::nullopt);
}

std::string summary(const tournament::EventRow& event, std::size_t games) {
    return event.name + " (id " + std::to_string(event.id) + ", " + std::to_string(games) +
           " games, " + std::string(domain::to_string(event.status)) + ")";
}

std::string load_league(db::Tx& tx, const Caller& caller, const Season& season,
                        const LeagueSpec& spec) {
    std::vector<const Match*> matches;
    for (const Match& m : season.matches) {
        if (!matchday(m.round)) {
            throw std::runtime_error(spec.file + ": a round that is no matchday: " + m.round);
        }
        matches.push_back(&m);
    }
    std::sort(matches.begin(), matches.end(), [](const Match* a, const Match* b) {
        return std::tuple(*matchday(a->round), a->date, a->time) <
               std::tuple(*matchday(b->round), b->date, b->time);
    });
    auto [first, last] =
        std::minmax_element(season.matches.begin(), season.matches.end(),
                            [](const Match& a, const Match& b) { return a.date < b.date; });

    tournament::EventInput in;
    in.name = spec.name;
    in.sport = "football";
    in.format = "double_round_robin";
    in.starts_on = first->date;
    in.ends_on = last->date;
    in.time_zone = spec.time_zone;
    const auto event = tournament::create_event_in(tx, caller, in);

    std::set<std::string> names;
    for (const Match* m : matches) {
        names.insert(m->team1);
        names.insert(m->team2);
    }
    std::map<std::string, std::int64_t> team;
    for (const std::string& name : names) {
        team[name] =
            tournament::create_team_in(tx, caller, event.id, {name, std::nullopt, std::nullopt, {}})
                .id;
    }
    int live_left = spec.live_games;
    for (const Match* m : matches) {
        const int md = *matchday(m->round);
        tournament::GameInput g;
        g.home_team_id = team.at(m->team1);
        g.away_team_id = team.at(m->team2);
        g.starts_at = tournament::format_instant(to_utc(m->date, m->time, spec.zone));
        g.round = md;
        const auto game = tournament::create_game_in(tx, caller, event.id, g);
        const bool finished = !spec.live_matchday || md < *spec.live_matchday;
        if (finished && m->ft) {
            play(tx, caller, game.id, game.version, m->ht, *m->ft, true);
        } else if (md == spec.live_matchday && live_left > 0 && m->ft) {
            --live_left;
            play(tx, caller, game.id, game.version, m->ht, *m->ft, false);
        }
    }
    set_status(tx, caller, event.id, spec.status);
    return summary(*tournament::event_repo::find(tx, event.id), matches.size());
}

// The knockout result as one score: goals after extra time, and a shoot-out
// (which the model has no field for) counted as one more goal for its winner.
Goals knockout_score(const Match& m) {
    Goals g = m.et ? *m.et : m.ft.value_or(Goals{});
    if (g.home == g.away && m.p) {
        (m.p->home > m.p->away ? g.home : g.away) += 1;
    }
    return g;
}

Goals oriented(const Goals& g, bool home_is_team1) {
    return home_is_team1 ? g : Goals{g.away, g.home};
}

std::string load_knockout(db::Tx& tx, const Caller& caller, const Season& season) {
    // Seeds chosen so that the standard 16-team bracket (1 v 16, 8 v 9, …)
    // pairs the teams as the real tournament did, round after round.
    const std::map<std::string, int> seeds = {
        {"Argentina", 1}, {"France", 2},   {"Spain", 3},        {"Croatia", 4},
        {"Brazil", 5},    {"Portugal", 6}, {"England", 7},      {"Netherlands", 8},
        {"USA", 9},       {"Senegal", 10}, {"Switzerland", 11}, {"South Korea", 12},
        {"Japan", 13},    {"Morocco", 14}, {"Poland", 15},      {"Australia", 16}};
    const std::vector<std::string> rounds = {"Round of 16", "Quarter-finals", "Semi-finals",
                                             "Final"};
    // Progress: games before this day are final, the first on it is live, the rest wait.
    const std::string live_day = "2022-12-14";

    tournament::EventInput in;
    in.name = "World Cup 2022 knockout stage";
    in.sport = "football";
    in.format = "single_elimination";
    in.starts_on = "2022-12-03";
    in.ends_on = "2022-12-18";
    in.time_zone = "Asia/Qatar";
    const auto event = tournament::create_event_in(tx, caller, in);
    for (const auto& [name, seed] : seeds) {
        (void)tournament::create_team_in(tx, caller, event.id, {name, std::nullopt, seed, {}});
    }
    tournament::ScheduleInput si;
    si.first_game_at = to_utc("2022-12-03", "18:00", kQatar);
    (void)tournament::create_schedule_in(tx, caller, event.id, si);

    bool live_shown = false;
    std::size_t games = 0;
    for (int r = 1; r <= static_cast<int>(rounds.size()); ++r) {
        for (const auto& g : tournament::game_repo::all(tx, event.id)) {
            if (g.round != r) {
                continue;
            }
            ++games;
            const bool teams_set = g.home_team_name && g.away_team_name;
            const Match* real = nullptr;
            for (const Match& m : season.matches) {
                const bool same_pair =
                    teams_set && ((m.team1 == *g.home_team_name && m.team2 == *g.away_team_name) ||
                                  (m.team2 == *g.home_team_name && m.team1 == *g.away_team_name));
                if (m.round == rounds[static_cast<std::size_t>(r - 1)] &&
                    (same_pair || (!teams_set && r == static_cast<int>(rounds.size())))) {
                    real = &m;
                }
            }
            if (!real) {
                throw std::runtime_error("the demo bracket does not match the real one at game " +
                                         std::to_string(g.id));
            }
            tournament::GamePatch patch;
            patch.starts_at = tournament::format_instant(to_utc(real->date, real->time, kQatar));
            patch.venue_set = true;
            patch.venue = real->ground;
            const auto row = tournament::update_game_in(tx, caller, g.id, patch, std::nullopt);
            if (!teams_set || real->date > live_day || (real->date == live_day && live_shown)) {
                continue;
            }
            const bool home_is_team1 = *g.home_team_name == real->team1;
            const std::optional<Goals> ht =
                real->ht ? std::optional(oriented(*real->ht, home_is_team1)) : std::nullopt;
            const bool finish = real->date < live_day;
            live_shown = live_shown || !finish;
            play(tx, caller, row.id, row.version, ht,
                 oriented(knockout_score(*real), home_is_team1), finish);
        }
    }
    set_status(tx, caller, event.id, "live");
    return summary(*tournament::event_repo::find(tx, event.id), games);
}

}  // namespace

DemoResult load_demo(db::Connection& conn, const Caller& organizer, const std::string& data_dir) {
    const LeagueSpec finished{"2011-12_en.1.json",
                              "Premier League 2011/12",
                              "Europe/London",
                              kLondon,
                              "completed",
                              std::nullopt,
                              0};
    const LeagueSpec live{
        "2022-23_es.1.json", "La Liga 2022/23", "Europe/Madrid", kMadrid, "live", 20, 3};
    const Season epl = read_season(data_dir + "/" + finished.file);
    const Season liga = read_season(data_dir + "/" + live.file);
    const Season world_cup = read_season(data_dir + "/worldcup_2022.json");
    // One attempt: a conflict means another loader ran, and the next run finds its events.
    return db::with_retry(conn, 1, [&](db::Tx& tx) {
        DemoResult result;
        demo_repo::lock(tx);
        if (demo_repo::event_count(tx) > 0) {
            return result;
        }
        result.events.push_back(load_league(tx, organizer, epl, finished));
        result.events.push_back(load_league(tx, organizer, liga, live));
        result.events.push_back(load_knockout(tx, organizer, world_cup));
        result.loaded = true;
        return result;
    });
}

}  // namespace demo
