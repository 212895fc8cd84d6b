// Analytics questions answered from the database; see analytics_service.hpp.
#include "analytics/analytics_service.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "analytics/analytics_repository.hpp"
#include "domain/analytics/suggestions.hpp"
#include "standings/standings_repository.hpp"

namespace tournament {
namespace {

namespace an = domain::analytics;
using nlohmann::json;

// What one question reads: its event (with teams) and the parse.
struct Question {
    const AnalyticsEvent& event;
    const an::Parse& parse;
    std::map<std::int64_t, std::string> names;  // team id -> full name
};

struct Answer {
    json columns = json::array();
    json rows = json::array();
    std::string sentence;
};

json nullable(const std::optional<int>& v) {
    return v ? json(*v) : json(nullptr);
}

double two_decimals(double v) {
    return std::round(v * 100.0) / 100.0;
}

std::string team_name(const Question& q, const std::optional<std::int64_t>& id) {
    if (!id) {
        return "?";
    }
    const auto it = q.names.find(*id);
    return it == q.names.end() ? "?" : it->second;
}

// --- games ---------------------------------------------------------------

json game_columns() {
    return json::array(
        {"starts_at", "round", "home_team", "home_score", "away_score", "away_team"});
}

json game_row(const Question& q, const AnalyticsGame& g) {
    return json::array({g.starts_at, g.round, team_name(q, g.home), nullable(g.home_score),
                        nullable(g.away_score), team_name(q, g.away)});
}

std::string score_text(const Question& q, const AnalyticsGame& g) {
    return team_name(q, g.home) + " " + std::to_string(g.home_score.value_or(0)) + "-" +
           std::to_string(g.away_score.value_or(0)) + " " + team_name(q, g.away);
}

bool scored(const AnalyticsGame& g) {
    return g.status == "final" && g.home_score && g.away_score && g.home && g.away;
}

// Goals of `team` in `g` and of its opponent.
std::pair<int, int> goals_of(const AnalyticsGame& g, std::int64_t team) {
    const int h = g.home_score.value_or(0);
    const int a = g.away_score.value_or(0);
    return g.home == team ? std::pair{h, a} : std::pair{a, h};
}

bool venue_fits(const AnalyticsGame& g, std::int64_t team, an::Venue venue) {
    switch (venue) {
        case an::Venue::kAll:
            return true;
        case an::Venue::kHome:
            return g.home == team;
        case an::Venue::kAway:
            return g.away == team;
    }
    return true;
}

char result_of(const AnalyticsGame& g, std::int64_t team) {
    const auto [f, a] = goals_of(g, team);
    return f > a ? 'W' : (f == a ? 'D' : 'L');
}

// The final games read by a games intent: the time filter of the question in
// SQL, "the last N games" here (of the team when one is named).
std::vector<AnalyticsGame> final_games(db::Tx& tx, const Question& q,
                                       std::optional<std::int64_t> team,
                                       std::optional<std::int64_t> other) {
    GameFilter f;
    f.team = team;
    f.other = other;
    f.round = q.parse.time.round;
    f.month = q.parse.time.month;
    if (q.parse.time.period != an::Period::kNone) {
        f.period = std::string(an::to_string(q.parse.time.period));
    }
    std::vector<AnalyticsGame> games = analytics_repo::games(tx, q.event.event.id, f);
    std::erase_if(games, [](const AnalyticsGame& g) { return !scored(g); });
    if (team && q.parse.venue != an::Venue::kAll) {
        std::erase_if(games,
                      [&](const AnalyticsGame& g) { return !venue_fits(g, *team, q.parse.venue); });
    }
    if (q.parse.time.last_n && games.size() > static_cast<std::size_t>(*q.parse.time.last_n)) {
        games.erase(games.begin(), games.end() - static_cast<std::ptrdiff_t>(*q.parse.time.last_n));
    }
    return games;
}

// --- tables --------------------------------------------------------------

json standings_columns() {
    return json::array({"position", "team", "played", "won", "drawn", "lost", "goals_for",
                        "goals_against", "goal_difference", "points"});
}

json standings_row(const domain::StandingsRow& r) {
    return json::array({r.rank, r.team_name, r.played, r.won, r.drawn, r.lost, r.goals_for,
                        r.goals_against, r.goal_difference, r.points});
}

bool filtered(const an::Parse& p) {
    return p.venue != an::Venue::kAll || p.time.round || p.time.month || p.time.last_n ||
           p.time.period != an::Period::kNone;
}

// The table a standings intent reads: the stored official one, or, with a
// venue or a time filter, one computed here from those games only (ranked by
// points, goal difference, goals for, name).
std::vector<domain::StandingsRow> table_of(db::Tx& tx, const Question& q) {
    if (!filtered(q.parse)) {
        return standings_repo::rows(tx, q.event.event.id);
    }
    GameFilter f;
    f.round = q.parse.time.round;
    f.month = q.parse.time.month;
    if (q.parse.time.period != an::Period::kNone) {
        f.period = std::string(an::to_string(q.parse.time.period));
    }
    std::vector<AnalyticsGame> games = analytics_repo::games(tx, q.event.event.id, f);
    std::map<std::int64_t, domain::StandingsRow> rows;
    std::map<std::int64_t, int> counted;
    for (const auto& t : q.event.teams) {
        rows[t.id].team_id = t.id;
        rows[t.id].team_name = t.name;
    }
    // Newest first, so that "the last N games" counts each team's latest.
    for (auto it = games.rbegin(); it != games.rend(); ++it) {
        const AnalyticsGame& g = *it;
        if (!scored(g)) {
            continue;
        }
        for (const std::int64_t team : {*g.home, *g.away}) {
            if (!venue_fits(g, team, q.parse.venue) || !rows.contains(team)) {
                continue;
            }
            if (q.parse.time.last_n && counted[team] >= *q.parse.time.last_n) {
                continue;
            }
            ++counted[team];
            domain::StandingsRow& r = rows[team];
            const auto [f_, a_] = goals_of(g, team);
            ++r.played;
            r.goals_for += f_;
            r.goals_against += a_;
            r.goal_difference = r.goals_for - r.goals_against;
            if (f_ > a_) {
                ++r.won;
                r.points += q.event.points.win;
            } else if (f_ == a_) {
                ++r.drawn;
                r.points += q.event.points.draw;
            } else {
                ++r.lost;
                r.points += q.event.points.loss;
            }
        }
    }
    std::vector<domain::StandingsRow> out;
    for (auto& [id, r] : rows) {
        out.push_back(std::move(r));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return std::tuple(-a.points, -a.goal_difference, -a.goals_for, a.team_name, a.team_id) <
               std::tuple(-b.points, -b.goal_difference, -b.goals_for, b.team_name, b.team_id);
    });
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i].rank = static_cast<int>(i) + 1;
    }
    return out;
}

// The standings column a metric names ("wins" -> "won").
std::string_view column_of(an::Metric m) {
    switch (m) {
        case an::Metric::kWins:
            return "won";
        case an::Metric::kDraws:
            return "drawn";
        case an::Metric::kLosses:
            return "lost";
        case an::Metric::kGoalsFor:
            return "goals_for";
        case an::Metric::kGoalsAgainst:
            return "goals_against";
        case an::Metric::kGoalDifference:
            return "goal_difference";
        case an::Metric::kPlayed:
            return "played";
        case an::Metric::kPoints:
        case an::Metric::kNone:
        case an::Metric::kRecord:
        case an::Metric::kGoalsPerGame:
        case an::Metric::kGoalsAgainstPerGame:
        case an::Metric::kPointsPerGame:
        case an::Metric::kRemaining:
        case an::Metric::kUnbeaten:
        case an::Metric::kWinning:
            break;
    }
    return "points";
}

int value_of(const domain::StandingsRow& r, an::Metric m) {
    switch (m) {
        case an::Metric::kWins:
            return r.won;
        case an::Metric::kDraws:
            return r.drawn;
        case an::Metric::kLosses:
            return r.lost;
        case an::Metric::kGoalsFor:
            return r.goals_for;
        case an::Metric::kGoalsAgainst:
            return r.goals_against;
        case an::Metric::kGoalDifference:
            return r.goal_difference;
        case an::Metric::kPlayed:
            return r.played;
        case an::Metric::kPoints:
        case an::Metric::kNone:
        case an::Metric::kRecord:
        case an::Metric::kGoalsPerGame:
        case an::Metric::kGoalsAgainstPerGame:
        case an::Metric::kPointsPerGame:
        case an::Metric::kRemaining:
        case an::Metric::kUnbeaten:
        case an::Metric::kWinning:
            break;
    }
    return r.points;
}

std::string metric_words(an::Metric m) {
    std::string s(column_of(m));
    std::replace(s.begin(), s.end(), '_', ' ');
    return s;
}

const domain::StandingsRow* row_of(const std::vector<domain::StandingsRow>& table,
                                   std::int64_t team) {
    for (const auto& r : table) {
        if (r.team_id == team) {
            return &r;
        }
    }
    return nullptr;
}

std::string ordinal(int n) {
    const int tens = n % 100;
    const char* suffix = (tens >= 11 && tens <= 13) ? "th"
                         : n % 10 == 1              ? "st"
                         : n % 10 == 2              ? "nd"
                         : n % 10 == 3              ? "rd"
                                                    : "th";
    return std::to_string(n) + suffix;
}

// --- the intents -----------------------------------------------------------

Answer standings_answer(db::Tx& tx, const Question& q) {
    const an::Parse& p = q.parse;
    Answer a;
    a.columns = standings_columns();
    const auto table = table_of(tx, q);
    const int size = static_cast<int>(table.size());
    if (p.intent == an::Intent::kChampion) {
        if (table.empty()) {
            a.sentence = "The event has no table yet.";
            return a;
        }
        a.rows.push_back(standings_row(table.front()));
        a.sentence = table.front().team_name + " are first with " +
                     std::to_string(table.front().points) + " points.";
        return a;
    }
    if (p.intent == an::Intent::kTeamAtPosition) {
        const int n = p.n.value_or(1);
        const int index = p.order == an::Order::kLow ? size - n : n - 1;
        if (n < 1 || index < 0 || index >= size) {
            a.sentence = "No team is at that position.";
            return a;
        }
        const auto& r = table[static_cast<std::size_t>(index)];
        a.rows.push_back(standings_row(r));
        a.sentence = r.team_name + " are " + ordinal(r.rank) + " with " + std::to_string(r.points) +
                     " points.";
        return a;
    }
    if (p.intent == an::Intent::kTeamPosition) {
        const auto* r = p.teams.empty() ? nullptr : row_of(table, p.teams.front().id);
        if (r == nullptr) {
            a.sentence = "The team has no place in the table.";
            return a;
        }
        a.rows.push_back(standings_row(*r));
        a.sentence = r->team_name + " are " + ordinal(r->rank) + " with " +
                     std::to_string(r->points) + " points.";
        return a;
    }
    {  // ranking
        std::vector<domain::StandingsRow> sorted = table;
        if (p.metric != an::Metric::kNone && p.metric != an::Metric::kPoints) {
            std::stable_sort(sorted.begin(), sorted.end(), [&](const auto& x, const auto& y) {
                return value_of(x, p.metric) > value_of(y, p.metric);
            });
        }
        const int n = std::clamp(p.n.value_or(size), 0, size);
        const int from = p.order == an::Order::kLow ? size - n : 0;
        std::string names;
        for (int i = from; i < from + n; ++i) {
            const auto& r = sorted[static_cast<std::size_t>(i)];
            a.rows.push_back(standings_row(r));
            names += (names.empty() ? "" : ", ") + r.team_name;
        }
        a.sentence = (p.order == an::Order::kLow ? "The bottom " : "The top ") + std::to_string(n) +
                     ": " + names + ".";
        return a;
    }
}

Answer team_stat(db::Tx& tx, const Question& q) {
    const an::Parse& p = q.parse;
    Answer a;
    const auto table = table_of(tx, q);
    const auto* r = p.teams.empty() ? nullptr : row_of(table, p.teams.front().id);
    const std::string name = p.teams.empty() ? "?" : p.teams.front().name;
    if (p.metric == an::Metric::kRecord) {
        a.columns = json::array({"team", "won", "drawn", "lost"});
        const int w = r ? r->won : 0;
        const int d = r ? r->drawn : 0;
        const int l = r ? r->lost : 0;
        a.rows.push_back(json::array({name, w, d, l}));
        a.sentence = name + " won " + std::to_string(w) + ", drew " + std::to_string(d) +
                     " and lost " + std::to_string(l) + ".";
        return a;
    }
    const int v = r ? value_of(*r, p.metric) : 0;
    a.columns = json::array({"team", column_of(p.metric)});
    a.rows.push_back(json::array({name, v}));
    a.sentence = name + ": " + std::to_string(v) + " " + metric_words(p.metric) + ".";
    return a;
}

Answer extreme(db::Tx& tx, const Question& q) {
    const an::Parse& p = q.parse;
    Answer a;
    a.columns = json::array({"team", column_of(p.metric)});
    const auto table = table_of(tx, q);
    if (table.empty()) {
        a.sentence = "The event has no table yet.";
        return a;
    }
    const bool low = p.order == an::Order::kLow;
    int best = value_of(table.front(), p.metric);
    for (const auto& r : table) {
        const int v = value_of(r, p.metric);
        best = low ? std::min(best, v) : std::max(best, v);
    }
    std::string names;
    for (const auto& r : table) {
        if (value_of(r, p.metric) == best) {
            a.rows.push_back(json::array({r.team_name, best}));
            names += (names.empty() ? "" : ", ") + r.team_name;
        }
    }
    a.sentence = names + (low ? " had the fewest " : " had the most ") + metric_words(p.metric) +
                 " (" + std::to_string(best) + ").";
    return a;
}

Answer between(db::Tx& tx, const Question& q) {
    const an::Parse& p = q.parse;
    Answer a;
    a.columns = game_columns();
    if (p.teams.size() < 2) {
        a.sentence = "Two teams are needed.";
        return a;
    }
    const an::Entity& x = p.teams[0];
    const an::Entity& y = p.teams[1];
    const auto games = final_games(tx, q, x.id, y.id);
    int wins_x = 0;
    int wins_y = 0;
    int draws = 0;
    int goals_x = 0;
    int goals_y = 0;
    for (const auto& g : games) {
        if (!venue_fits(g, x.id, p.venue)) {
            continue;
        }
        a.rows.push_back(game_row(q, g));
        const auto [fx, fy] = goals_of(g, x.id);
        goals_x += fx;
        goals_y += fy;
        (fx > fy ? wins_x : (fx == fy ? draws : wins_y))++;
    }
    if (p.intent == an::Intent::kDidBeat) {
        if (wins_x > 0) {
            a.sentence = "Yes, " + x.name + " beat " + y.name + " " + std::to_string(wins_x) +
                         (wins_x == 1 ? " time." : " times.");
        } else {
            a.sentence = "No, " + x.name + " did not beat " + y.name + " in " +
                         std::to_string(a.rows.size()) +
                         (a.rows.size() == 1 ? " game." : " games.");
        }
        return a;
    }
    a.sentence = x.name + " " + std::to_string(wins_x) + " wins, " + y.name + " " +
                 std::to_string(wins_y) + " wins, " + std::to_string(draws) + " draws; goals " +
                 std::to_string(goals_x) + "-" + std::to_string(goals_y) + ".";
    return a;
}

Answer team_games(db::Tx& tx, const Question& q) {
    const an::Parse& p = q.parse;
    Answer a;
    a.columns = game_columns();
    if (p.teams.empty()) {
        a.sentence = "A team is needed.";
        return a;
    }
    const an::Entity& team = p.teams.front();
    if (p.intent == an::Intent::kNextGame) {
        a.columns.push_back("status");
        GameFilter f;
        f.team = team.id;
        f.finals_only = false;
        for (const auto& g : analytics_repo::games(tx, q.event.event.id, f)) {
            if (g.status == "scheduled" || g.status == "live" || g.status == "postponed") {
                if (!venue_fits(g, team.id, p.venue)) {
                    continue;
                }
                json row = game_row(q, g);
                row.push_back(g.status);
                a.rows.push_back(std::move(row));
                a.sentence = team.name + " play next: " + team_name(q, g.home) + " vs " +
                             team_name(q, g.away) + " at " + g.starts_at + ".";
                return a;
            }
        }
        a.sentence = team.name + " have no game left.";
        return a;
    }
    const auto games = final_games(tx, q, team.id, std::nullopt);
    if (p.intent == an::Intent::kLastGame) {
        if (games.empty()) {
            a.sentence = team.name + " have not played yet.";
            return a;
        }
        a.rows.push_back(game_row(q, games.back()));
        a.sentence = team.name + "'s last game: " + score_text(q, games.back()) + ".";
        return a;
    }
    // form: the last N, newest first
    a.columns.push_back("result");
    const std::size_t n = static_cast<std::size_t>(std::max(1, p.n.value_or(5)));
    std::string results;
    for (auto it = games.rbegin(); it != games.rend() && a.rows.size() < n; ++it) {
        json row = game_row(q, *it);
        const char r = result_of(*it, team.id);
        row.push_back(std::string(1, r));
        results += r;
        a.rows.push_back(std::move(row));
    }
    a.sentence =
        team.name + "'s form, newest first: " + (results.empty() ? "no games" : results) + ".";
    return a;
}

Answer longest_run(db::Tx& tx, const Question& q) {
    const an::Parse& p = q.parse;
    Answer a;
    a.columns = json::array({"team", "games", "from", "to"});
    const bool winning = p.metric == an::Metric::kWinning;
    const std::optional<std::int64_t> only =
        p.teams.empty() ? std::nullopt : std::optional(p.teams.front().id);
    const auto games = final_games(tx, q, only, std::nullopt);
    struct Run {
        int best = 0;
        std::string from, to;
        int current = 0;
        std::string current_from;
    };
    std::map<std::int64_t, Run> runs;
    for (const auto& t : q.event.teams) {
        if (!only || *only == t.id) {
            runs[t.id];
        }
    }
    for (const auto& g : games) {
        for (const std::int64_t team : {*g.home, *g.away}) {
            auto it = runs.find(team);
            if (it == runs.end() || !venue_fits(g, team, p.venue)) {
                continue;
            }
            Run& r = it->second;
            const char res = result_of(g, team);
            if (res == 'W' || (!winning && res == 'D')) {
                if (r.current == 0) {
                    r.current_from = g.starts_at;
                }
                ++r.current;
                if (r.current > r.best) {
                    r.best = r.current;
                    r.from = r.current_from;
                    r.to = g.starts_at;
                }
            } else {
                r.current = 0;
            }
        }
    }
    int best = 0;
    for (const auto& [id, r] : runs) {
        best = std::max(best, r.best);
    }
    std::string names;
    for (const auto& [id, r] : runs) {
        if (r.best == best && (only || best > 0)) {
            const std::string name = team_name(q, id);
            a.rows.push_back(json::array({name, r.best, r.best ? json(r.from) : json(nullptr),
                                          r.best ? json(r.to) : json(nullptr)}));
            names += (names.empty() ? "" : ", ") + name;
        }
    }
    a.sentence = (names.empty() ? std::string("Nobody") : names) + ": " + std::to_string(best) +
                 (winning ? " wins in a row." : " games unbeaten in a row.");
    return a;
}

Answer biggest(db::Tx& tx, const Question& q) {
    const an::Parse& p = q.parse;
    Answer a;
    a.columns = game_columns();
    const bool margin = p.intent == an::Intent::kBiggestWin;
    a.columns.push_back(margin ? "margin" : "goals");
    const std::optional<std::int64_t> team =
        p.teams.empty() ? std::nullopt : std::optional(p.teams.front().id);
    auto games = final_games(tx, q, team, std::nullopt);
    const auto measure = [&](const AnalyticsGame& g) {
        const int h = g.home_score.value_or(0);
        const int w = g.away_score.value_or(0);
        return margin ? std::abs(h - w) : h + w;
    };
    std::erase_if(games, [&](const AnalyticsGame& g) {
        if (!margin) {
            return false;
        }
        const auto [f, against] = goals_of(g, team.value_or(0));
        return team ? f <= against : measure(g) == 0;
    });
    int best = 0;
    for (const auto& g : games) {
        best = std::max(best, measure(g));
    }
    std::string text;
    for (const auto& g : games) {
        if (measure(g) == best) {
            json row = game_row(q, g);
            row.push_back(best);
            a.rows.push_back(std::move(row));
            text += (text.empty() ? "" : "; ") + score_text(q, g);
        }
    }
    if (a.rows.empty()) {
        a.sentence = margin ? "No game was won." : "No game has been played.";
        return a;
    }
    a.sentence = (margin ? "The biggest win (by " : "The most goals (") + std::to_string(best) +
                 "): " + text + ".";
    return a;
}

Answer average(db::Tx& tx, const Question& q) {
    const an::Parse& p = q.parse;
    Answer a;
    const an::Metric m = p.metric == an::Metric::kNone ? an::Metric::kGoalsPerGame : p.metric;
    const std::string metric(an::to_string(m));
    const std::optional<std::int64_t> team =
        p.teams.empty() ? std::nullopt : std::optional(p.teams.front().id);
    const auto games = final_games(tx, q, team, std::nullopt);
    long total = 0;
    for (const auto& g : games) {
        const int h = g.home_score.value_or(0);
        const int w = g.away_score.value_or(0);
        if (team) {
            const auto [f, against] = goals_of(g, *team);
            total += m == an::Metric::kGoalsAgainstPerGame ? against
                     : m == an::Metric::kPointsPerGame     ? (f > against    ? q.event.points.win
                                                              : f == against ? q.event.points.draw
                                                                             : q.event.points.loss)
                                                           : f;
        } else if (m == an::Metric::kPointsPerGame) {
            total += h == w ? 2L * q.event.points.draw : q.event.points.win + q.event.points.loss;
        } else {
            total += h + w;
        }
    }
    const auto count = static_cast<long>(games.size());
    const double value =
        count == 0 ? 0.0 : two_decimals(static_cast<double>(total) / static_cast<double>(count));
    std::string words = metric;
    std::replace(words.begin(), words.end(), '_', ' ');
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", value);
    if (team) {
        const std::string name = p.teams.front().name;
        a.columns = json::array({"team", "games", metric});
        a.rows.push_back(json::array({name, count, value}));
        a.sentence = name + ": " + buf + " " + words + " over " + std::to_string(count) + " games.";
    } else {
        a.columns = json::array({"games", metric});
        a.rows.push_back(json::array({count, value}));
        a.sentence = std::string(buf) + " " + words + " over " + std::to_string(count) + " games.";
    }
    return a;
}

Answer games_count(db::Tx& tx, const Question& q) {
    const an::Parse& p = q.parse;
    Answer a;
    const std::optional<std::int64_t> team =
        p.teams.empty() ? std::nullopt : std::optional(p.teams.front().id);
    GameFilter f;
    f.team = team;
    f.finals_only = false;
    int played = 0;
    int remaining = 0;
    for (const auto& g : analytics_repo::games(tx, q.event.event.id, f)) {
        if (team && !venue_fits(g, *team, p.venue)) {
            continue;
        }
        if (g.status == "final") {
            ++played;
        } else if (g.status != "cancelled") {
            ++remaining;
        }
    }
    const std::string counts =
        std::to_string(played) + " played, " + std::to_string(remaining) + " remaining.";
    if (team) {
        a.columns = json::array({"team", "played", "remaining"});
        a.rows.push_back(json::array({p.teams.front().name, played, remaining}));
        a.sentence = p.teams.front().name + ": " + counts;
    } else {
        a.columns = json::array({"played", "remaining"});
        a.rows.push_back(json::array({played, remaining}));
        a.sentence = "Games: " + counts;
    }
    return a;
}

Answer results(db::Tx& tx, const Question& q) {
    const an::Parse& p = q.parse;
    Answer a;
    a.columns = game_columns();
    const std::optional<std::int64_t> team =
        p.teams.empty() ? std::nullopt : std::optional(p.teams.front().id);
    for (const auto& g : final_games(tx, q, team, std::nullopt)) {
        a.rows.push_back(game_row(q, g));
    }
    a.sentence = std::to_string(a.rows.size()) + (a.rows.size() == 1 ? " result." : " results.");
    return a;
}

Answer answer_of(db::Tx& tx, const Question& q) {
    switch (q.parse.intent) {
        case an::Intent::kChampion:
        case an::Intent::kTeamAtPosition:
        case an::Intent::kTeamPosition:
        case an::Intent::kRanking:
            return standings_answer(tx, q);
        case an::Intent::kTeamStat:
            return team_stat(tx, q);
        case an::Intent::kExtreme:
            return extreme(tx, q);
        case an::Intent::kHeadToHead:
        case an::Intent::kDidBeat:
            return between(tx, q);
        case an::Intent::kLastGame:
        case an::Intent::kNextGame:
        case an::Intent::kForm:
            return team_games(tx, q);
        case an::Intent::kLongestRun:
            return longest_run(tx, q);
        case an::Intent::kBiggestWin:
        case an::Intent::kHighestScoringGame:
            return biggest(tx, q);
        case an::Intent::kAverage:
            return average(tx, q);
        case an::Intent::kGamesCount:
            return games_count(tx, q);
        case an::Intent::kResults:
            return results(tx, q);
    }
    return results(tx, q);
}

json entity_json(const an::Entity& e) {
    return {{"id", e.id},
            {"name", e.name},
            {"matched", e.matched_text},
            {"confidence", two_decimals(e.confidence)}};
}

json interpretation(const Question& q) {
    const an::Parse& p = q.parse;
    json event = {{"id", q.event.event.id}, {"name", q.event.event.name}};
    event["matched"] = p.event ? json(p.event->matched_text) : json(nullptr);
    event["confidence"] = p.event ? two_decimals(p.event->confidence) : 1.0;
    json teams = json::array();
    for (const auto& t : p.teams) {
        teams.push_back(entity_json(t));
    }
    return {
        {"intent", an::to_string(p.intent)},
        {"event", event},
        {"teams", teams},
        {"metric", p.metric == an::Metric::kNone ? json(nullptr) : json(an::to_string(p.metric))},
        {"order", p.order == an::Order::kNone ? json(nullptr) : json(an::to_string(p.order))},
        {"venue", an::to_string(p.venue)},
        {"n", p.n ? json(*p.n) : json(nullptr)},
        {"time",
         {{"round", nullable(p.time.round)},
          {"month", nullable(p.time.month)},
          {"last_n", nullable(p.time.last_n)},
          {"period", p.time.period == an::Period::kNone ? json(nullptr)
                                                        : json(an::to_string(p.time.period))}}}};
}

// A refusal always carries three suggestions: the parser's, then generic ones.
an::Decline with_suggestions(an::Decline d) {
    for (const std::string& s : an::suggest(nullptr, {}, {})) {
        if (d.suggestions.size() >= an::kMaxSuggestions) {
            break;
        }
        if (std::find(d.suggestions.begin(), d.suggestions.end(), s) == d.suggestions.end()) {
            d.suggestions.push_back(s);
        }
    }
    for (const an::Intent intent : {an::Intent::kChampion, an::Intent::kRanking,
                                    an::Intent::kHighestScoringGame, an::Intent::kGamesCount}) {
        if (d.suggestions.size() >= an::kMaxSuggestions) {
            break;
        }
        const std::string s = an::canonical_question(intent, {}, an::Metric::kNone);
        if (std::find(d.suggestions.begin(), d.suggestions.end(), s) == d.suggestions.end()) {
            d.suggestions.push_back(s);
        }
    }
    return d;
}

// The refusal for a question about no event the caller may read.
an::Decline no_event(std::string_view question) {
    const an::ParseResult r = an::parse_question(question, an::Catalogue{}, std::nullopt);
    an::Decline d =
        std::holds_alternative<an::Decline>(r) ? std::get<an::Decline>(r) : an::Decline{};
    d.reason = an::DeclineReason::kNoEvent;
    d.detail = "There is no event this question could be about.";
    return with_suggestions(std::move(d));
}

bool may_read(const Caller& caller, const AnalyticsEvent& e) {
    return authz::may(caller.actor, authz::Action::kReadEvent,
                      authz::Resource::event(e.role, e.draft)) == authz::Decision::kAllow;
}

// The event a question without event_id is about: named in it, or the only
// one; a refusal when its name is ambiguous.
std::variant<std::int64_t, an::Decline, std::monostate> event_named(std::string_view question,
                                                                    const an::Catalogue& events) {
    if (events.events.size() == 1) {
        return events.events.front().id;
    }
    const an::ParseResult r = an::parse_question(question, events, std::nullopt);
    if (const auto* p = std::get_if<an::Parse>(&r)) {
        return p->event_id;
    }
    const auto& d = std::get<an::Decline>(r);
    for (const an::Entity& e : d.entities) {
        if (e.kind == an::EntityKind::kEvent) {
            return e.id;
        }
    }
    if (!d.candidates.empty() && d.candidates.front().kind == an::EntityKind::kEvent) {
        return d;
    }
    return std::monostate{};
}

}  // namespace

json understood_json(const an::Decline& d) {
    json entities = json::array();
    for (const auto& e : d.entities) {
        json j = entity_json(e);
        j["kind"] = e.kind == an::EntityKind::kEvent ? "event" : "team";
        entities.push_back(std::move(j));
    }
    json intents = json::array();
    for (const an::Intent i : d.intents) {
        intents.push_back(an::to_string(i));
    }
    return {{"intents", intents}, {"entities", entities}, {"unused", d.unused}};
}

AskResult ask(db::Connection& conn, const Caller& caller, const AskInput& in) {
    return db::with_retry(
        conn, caller.attempts,
        [&](db::Tx& tx) -> AskResult {
            an::Catalogue catalogue;
            std::int64_t event_id = 0;
            if (in.event_id) {
                event_id = *in.event_id;
            } else {
                catalogue.events =
                    analytics_repo::public_events(tx, analytics_repo::kMaxCatalogueEvents);
                auto named = event_named(in.question, catalogue);
                if (auto* d = std::get_if<an::Decline>(&named)) {
                    return with_suggestions(std::move(*d));
                }
                if (std::holds_alternative<std::monostate>(named)) {
                    return no_event(in.question);
                }
                event_id = std::get<std::int64_t>(named);
            }
            const auto event = analytics_repo::event(tx, event_id, caller.user_id());
            if (!event || !may_read(caller, *event)) {
                return no_event(in.question);
            }
            if (in.event_id) {
                catalogue.events = {event->event};
            }
            catalogue.teams = event->teams;
            const an::ParseResult r = an::parse_question(in.question, catalogue, event_id);
            if (const auto* d = std::get_if<an::Decline>(&r)) {
                return with_suggestions(*d);
            }
            const auto& parse = std::get<an::Parse>(r);
            if (parse.event_id != event_id) {
                return no_event(in.question);
            }
            Question q{*event, parse, {}};
            for (const auto& t : event->teams) {
                q.names[t.id] = t.name;
            }
            Answer a = answer_of(tx, q);
            return json{{"interpretation", interpretation(q)},
                        {"columns", std::move(a.columns)},
                        {"rows", std::move(a.rows)},
                        {"answer", std::move(a.sentence)}};
        },
        db::Isolation::kRepeatableRead);
}

}  // namespace tournament
