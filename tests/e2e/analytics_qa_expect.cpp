// The expected answers of the analytics question-and-answer test; see
// analytics_qa_expect.hpp.
#include "analytics_qa_expect.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>

#include "stack.hpp"

namespace qa {
namespace {

// The last Sunday of month `m` of year `y`.
std::chrono::sys_days last_sunday(std::chrono::year y, std::chrono::month m) {
    using namespace std::chrono;
    const sys_days end = sys_days{y / m / std::chrono::last};
    return end - (weekday{end} - Sunday);
}

// A local date and time of the file to UTC: the zone's standard offset, plus
// an hour of EU summer time (last Sunday of March to last Sunday of October),
// as workers/demo/football_data.cpp reads the same files.
std::string to_utc(const std::string& date, const std::string& time, int standard_offset) {
    using namespace std::chrono;
    const int y = std::stoi(date.substr(0, 4));
    const unsigned mo = static_cast<unsigned>(std::stoi(date.substr(5, 2)));
    const unsigned d = static_cast<unsigned>(std::stoi(date.substr(8, 2)));
    const std::string hhmm = time.empty() ? "15:00" : time;
    const year_month_day ymd{year{y}, month{mo}, day{d}};
    const sys_days day_start{ymd};
    minutes offset{standard_offset};
    if (day_start >= last_sunday(ymd.year(), March) &&
        day_start < last_sunday(ymd.year(), October)) {
        offset += hours{1};
    }
    const sys_seconds local =
        day_start + hours{std::stoi(hhmm.substr(0, 2))} + minutes{std::stoi(hhmm.substr(3, 2))};
    const sys_seconds utc = local - offset;
    const sys_days utc_day = floor<days>(utc);
    const year_month_day u{utc_day};
    const hh_mm_ss<seconds> hms{utc - utc_day};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(u.year()),
                  static_cast<unsigned>(u.month()), static_cast<unsigned>(u.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buf;
}

struct Tally {
    int played = 0, won = 0, drawn = 0, lost = 0, goals_for = 0, goals_against = 0;
    int away_goals_for = 0;
    [[nodiscard]] int points() const { return 3 * won + drawn; }
    [[nodiscard]] int goal_difference() const { return goals_for - goals_against; }
    void add(int scored, int conceded, bool away) {
        ++played;
        goals_for += scored;
        goals_against += conceded;
        away_goals_for += away ? scored : 0;
        (scored > conceded ? won : scored == conceded ? drawn : lost) += 1;
    }
};

using Games = std::vector<const Match*>;

// Tallies of `teams` over `games` (both sides of each game).
std::map<std::string, Tally> tallies(const Games& games) {
    std::map<std::string, Tally> t;
    for (const Match* m : games) {
        t[m->home].add(m->home_goals, m->away_goals, false);
        t[m->away].add(m->away_goals, m->home_goals, true);
    }
    return t;
}

// Names as the standings' last key: ASCII case-insensitively, then bytewise.
bool name_before(const std::string& a, const std::string& b) {
    const auto lower = [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u >= 'A' && u <= 'Z') ? u - 'A' + 'a' : static_cast<int>(u);
    };
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        if (lower(a[i]) != lower(b[i])) {
            return lower(a[i]) < lower(b[i]);
        }
    }
    return a.size() != b.size() ? a.size() < b.size() : a < b;
}

// The table of docs/tournaments.md and workers/domain/standings.hpp, written
// again from its rules: each tiebreaker among the teams level on the ones
// before; head_to_head a mini-table (points, goal difference, goals for) of
// the games among the level teams, again among those it leaves level, the
// next tiebreaker when it separates nobody; the name last.
class Table {
  public:
    Table(const std::vector<std::string>& teams, Games games, std::vector<std::string> order)
        : games_(std::move(games)), order_(std::move(order)), overall_(tallies(games_)) {
        std::vector<std::string> all = teams;
        rank(all, 0);
        for (const std::string& team : all) {
            rows_.push_back(team);
        }
    }
    [[nodiscard]] const std::vector<std::string>& order() const { return rows_; }
    [[nodiscard]] Tally tally(const std::string& team) const {
        const auto it = overall_.find(team);
        return it == overall_.end() ? Tally{} : it->second;
    }
    [[nodiscard]] int position(const std::string& team) const {
        return static_cast<int>(std::find(rows_.begin(), rows_.end(), team) - rows_.begin()) + 1;
    }
    [[nodiscard]] json row(const std::string& team) const {
        const Tally t = tally(team);
        return json::array({position(team), team, t.played, t.won, t.drawn, t.lost, t.goals_for,
                            t.goals_against, t.goal_difference(), t.points()});
    }

  private:
    using Key = std::vector<int>;
    template <class KeyOf, class Tied>
    static void split(std::vector<std::string>& group, KeyOf key_of, Tied tied) {
        std::stable_sort(
            group.begin(), group.end(),
            [&](const std::string& a, const std::string& b) { return key_of(a) > key_of(b); });
        std::size_t begin = 0;
        while (begin < group.size()) {
            std::size_t end = begin + 1;
            while (end < group.size() && key_of(group[end]) == key_of(group[begin])) {
                ++end;
            }
            if (end - begin > 1) {
                std::vector<std::string> run(group.begin() + static_cast<long>(begin),
                                             group.begin() + static_cast<long>(end));
                tied(run, run.size() == group.size());
                std::copy(run.begin(), run.end(), group.begin() + static_cast<long>(begin));
            }
            begin = end;
        }
    }
    void rank(std::vector<std::string>& group, std::size_t step) const {
        if (group.size() < 2) {
            return;
        }
        if (step == order_.size()) {
            std::sort(group.begin(), group.end(), name_before);
            return;
        }
        const std::string& criterion = order_[step];
        if (criterion == "head_to_head") {
            head_to_head(group, step);
            return;
        }
        split(
            group,
            [&](const std::string& team) {
                const Tally t = tally(team);
                if (criterion == "points")
                    return Key{t.points()};
                if (criterion == "goal_difference")
                    return Key{t.goal_difference()};
                if (criterion == "goals_for")
                    return Key{t.goals_for};
                if (criterion == "goals_against")
                    return Key{-t.goals_against};
                if (criterion == "wins")
                    return Key{t.won};
                return Key{t.away_goals_for};
            },
            [&](std::vector<std::string>& tied, bool) { rank(tied, step + 1); });
    }
    void head_to_head(std::vector<std::string>& group, std::size_t step) const {
        const std::set<std::string> members(group.begin(), group.end());
        Games among;
        for (const Match* m : games_) {
            if (members.contains(m->home) && members.contains(m->away)) {
                among.push_back(m);
            }
        }
        const std::map<std::string, Tally> mini = tallies(among);
        split(
            group,
            [&](const std::string& team) {
                const auto it = mini.find(team);
                const Tally t = it == mini.end() ? Tally{} : it->second;
                return Key{t.points(), t.goal_difference(), t.goals_for};
            },
            [&](std::vector<std::string>& tied, bool whole) {
                if (whole) {
                    rank(tied, step + 1);
                } else {
                    head_to_head(tied, step);
                }
            });
    }

    Games games_;
    std::vector<std::string> order_;
    std::map<std::string, Tally> overall_;
    std::vector<std::string> rows_;
};

bool plays(const Match* m, const std::string& team) {
    return m->home == team || m->away == team;
}
int scored(const Match* m, const std::string& team) {
    return m->home == team ? m->home_goals : m->away_goals;
}
int conceded(const Match* m, const std::string& team) {
    return m->home == team ? m->away_goals : m->home_goals;
}
int month_of(const Match* m) {
    return std::stoi(m->starts_at.substr(5, 2));
}

json game_row(const Match* m) {
    return json::array({m->starts_at, m->round, m->home, m->home_goals, m->away_goals, m->away});
}

const json kStandingsColumns = {"position",        "team",  "played",    "won",
                                "drawn",           "lost",  "goals_for", "goals_against",
                                "goal_difference", "points"};
const json kGameColumns = {"starts_at",  "round",      "home_team",
                           "home_score", "away_score", "away_team"};

json columns_plus(json base, const std::string& extra) {
    base.push_back(extra);
    return base;
}

// A metric's column: its standings column name ("wins" -> "won",
// docs/analytics.md).
std::string standings_name(const std::string& metric) {
    if (metric == "wins")
        return "won";
    if (metric == "draws")
        return "drawn";
    if (metric == "losses")
        return "lost";
    return metric;
}

json metric_value(const Tally& t, const std::string& metric) {
    if (metric == "points")
        return t.points();
    if (metric == "wins")
        return t.won;
    if (metric == "draws")
        return t.drawn;
    if (metric == "losses")
        return t.lost;
    if (metric == "goals_for")
        return t.goals_for;
    if (metric == "goals_against")
        return t.goals_against;
    if (metric == "goal_difference")
        return t.goal_difference();
    return nullptr;
}

double round2(double x) {
    return std::round(x * 100.0) / 100.0;
}

class Expecter {
  public:
    explicit Expecter(const League& league) : league_(league) {
        for (const Match& m : league.matches) {
            all_.push_back(&m);
        }
        std::stable_sort(all_.begin(), all_.end(), [](const Match* a, const Match* b) {
            return a->starts_at < b->starts_at;
        });
        for (const Match* m : all_) {
            if (m->final) {
                finals_.push_back(m);
            }
        }
    }

    Expected expect(const Ask& a) const {
        const Games games = filtered(a);
        const std::string& team = a.teams.empty() ? std::string() : a.teams[0];
        Expected x;
        const std::string& i = a.intent;
        if (i == "champion" || i == "team_at_position" || i == "team_position" || i == "ranking") {
            return standings_answer(a);
        }
        if (i == "team_stat") {
            Tally t;
            for (const Match* m : games) {
                t.add(scored(m, team), conceded(m, team), m->away == team);
            }
            if (a.metric == "record") {
                x.columns = {"team", "won", "drawn", "lost"};
                x.rows = json::array({json::array({team, t.won, t.drawn, t.lost})});
            } else {
                x.columns = {"team", standings_name(a.metric)};
                x.rows = json::array({json::array({team, metric_value(t, a.metric)})});
            }
            return x;
        }
        if (i == "extreme") {
            std::map<std::string, Tally> per_team;
            for (const std::string& name : league_.teams) {
                Ask one = a;
                one.teams = {name};
                for (const Match* m : filtered(one)) {
                    per_team[name].add(scored(m, name), conceded(m, name), m->away == name);
                }
            }
            int best = a.order == "low" ? 1 << 30 : -(1 << 30);
            for (const std::string& name : league_.teams) {
                const int v = metric_value(per_team[name], a.metric).get<int>();
                best = a.order == "low" ? std::min(best, v) : std::max(best, v);
            }
            x.columns = {"team", standings_name(a.metric)};
            x.rows = json::array();
            for (const std::string& name : league_.teams) {
                if (metric_value(per_team[name], a.metric).get<int>() == best) {
                    x.rows.push_back(json::array({name, best}));
                }
            }
            x.rows_unordered = true;
            return x;
        }
        if (i == "head_to_head" || i == "did_beat") {
            x.columns = kGameColumns;
            x.rows = json::array();
            bool won = false;
            for (const Match* m : games) {
                if (plays(m, a.teams[1])) {
                    x.rows.push_back(game_row(m));
                    won = won || scored(m, team) > conceded(m, team);
                }
            }
            x.game_rows = true;
            if (i == "did_beat") {
                x.yes = won;
            }
            return x;
        }
        if (i == "last_game") {
            x.columns = kGameColumns;
            x.rows = json::array();
            if (!games.empty()) {
                x.rows.push_back(game_row(games.back()));
            }
            return x;
        }
        if (i == "next_game") {
            x.columns = columns_plus(kGameColumns, "status");
            x.rows = json::array();
            for (const Match* m : all_) {
                if (!m->final && plays(m, team)) {
                    json row = game_row(m);
                    row[3] = nullptr;
                    row[4] = nullptr;
                    row.push_back("scheduled");
                    x.rows.push_back(row);
                    break;
                }
            }
            return x;
        }
        if (i == "form") {
            x.columns = columns_plus(kGameColumns, "result");
            x.rows = json::array();
            const int n = a.n.value_or(5);
            for (auto it = games.rbegin();
                 it != games.rend() && static_cast<int>(x.rows.size()) < n; ++it) {
                json row = game_row(*it);
                const int s = scored(*it, team);
                const int c = conceded(*it, team);
                row.push_back(s > c ? "W" : s == c ? "D" : "L");
                x.rows.push_back(row);
            }
            return x;
        }
        if (i == "longest_run") {
            return longest_run(a);
        }
        if (i == "biggest_win" || i == "highest_scoring_game") {
            const bool win = i == "biggest_win";
            int best = -1;
            std::vector<const Match*> tied;
            for (const Match* m : games) {
                if (win && (m->home_goals == m->away_goals ||
                            (!team.empty() && scored(m, team) < conceded(m, team)))) {
                    continue;
                }
                const int v =
                    win ? std::abs(m->home_goals - m->away_goals) : m->home_goals + m->away_goals;
                if (v > best) {
                    best = v;
                    tied.clear();
                }
                if (v == best) {
                    tied.push_back(m);
                }
            }
            x.columns = columns_plus(kGameColumns, win ? "margin" : "goals");
            x.rows = json::array();
            for (const Match* m : tied) {
                json row = game_row(m);
                row.push_back(best);
                x.rows.push_back(row);
            }
            x.game_rows = true;
            return x;
        }
        if (i == "average") {
            int goals = 0;
            int against = 0;
            int points = 0;
            for (const Match* m : games) {
                if (team.empty()) {
                    goals += m->home_goals + m->away_goals;
                    continue;
                }
                goals += scored(m, team);
                against += conceded(m, team);
                const int s = scored(m, team);
                const int c = conceded(m, team);
                points += s > c ? 3 : s == c ? 1 : 0;
            }
            const int n = static_cast<int>(games.size());
            const int total = a.metric == "goals_against_per_game" ? against
                              : a.metric == "points_per_game"      ? points
                                                                   : goals;
            const double value = n == 0 ? 0.0 : round2(static_cast<double>(total) / n);
            if (team.empty()) {
                x.columns = {"games", a.metric};
                x.rows = json::array({json::array({n, value})});
            } else {
                x.columns = {"team", "games", a.metric};
                x.rows = json::array({json::array({team, n, value})});
            }
            return x;
        }
        if (i == "games_count") {
            int played = 0;
            int remaining = 0;
            for (const Match* m : all_) {
                if (!team.empty() && !plays(m, team)) {
                    continue;
                }
                if (a.venue != "all" && !team.empty() && (a.venue == "home") != (m->home == team)) {
                    continue;
                }
                (m->final ? played : remaining) += 1;
            }
            if (team.empty()) {
                x.columns = {"played", "remaining"};
                x.rows = json::array({json::array({played, remaining})});
            } else {
                x.columns = {"team", "played", "remaining"};
                x.rows = json::array({json::array({team, played, remaining})});
            }
            return x;
        }
        if (i == "results") {
            x.columns = kGameColumns;
            x.rows = json::array();
            for (const Match* m : games) {
                x.rows.push_back(game_row(m));
            }
            x.game_rows = true;
            return x;
        }
        ADD_FAILURE() << "no expectation for intent " << i;
        return x;
    }

  private:
    // The final games the question reads: of its first team when it names
    // one (at the venue from that team's side), narrowed by its time filter,
    // oldest first.
    Games filtered(const Ask& a) const {
        const std::string team = a.teams.empty() ? std::string() : a.teams[0];
        Games out;
        for (const Match* m : finals_) {
            if (!team.empty() && !plays(m, team)) {
                continue;
            }
            if (a.venue != "all" && !team.empty() && (a.venue == "home") != (m->home == team)) {
                continue;
            }
            if (a.round && m->round != *a.round) {
                continue;
            }
            if (a.month && month_of(m) != *a.month) {
                continue;
            }
            if (!a.period.empty() && !in_period(m, a.period)) {
                continue;
            }
            out.push_back(m);
        }
        if (a.last_n && static_cast<int>(out.size()) > *a.last_n) {
            out.erase(out.begin(), out.end() - *a.last_n);
        }
        return out;
    }

    // Today and this week (Monday to Sunday) in UTC, now: the seasons are
    // long over, but the rule is the rule.
    static bool in_period(const Match* m, const std::string& period) {
        using namespace std::chrono;
        const sys_days today = floor<days>(system_clock::now());
        const std::string day = m->starts_at.substr(0, 10);
        const auto iso = [](sys_days d) {
            const year_month_day ymd{d};
            char buf[16];
            std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                          static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
            return std::string(buf);
        };
        if (period == "today") {
            return day == iso(today);
        }
        const sys_days monday = today - (weekday{today} - Monday);
        return day >= iso(monday) && day < iso(monday + days{7});
    }

    Expected standings_answer(const Ask& a) const {
        Expected x;
        x.columns = kStandingsColumns;
        x.rows = json::array();
        // A standings intent reads every final game (time filters narrow them).
        Ask every = a;
        every.teams.clear();
        const Table table(league_.teams, filtered(every), league_.tiebreakers);
        const std::vector<std::string>& order = table.order();
        const int size = static_cast<int>(order.size());
        if (a.intent == "champion") {
            x.rows.push_back(table.row(order.front()));
        } else if (a.intent == "team_at_position") {
            const int n = a.n.value_or(1);
            const int index = a.from == "bottom" ? size - n : n - 1;
            x.rows.push_back(table.row(order.at(static_cast<std::size_t>(index))));
        } else if (a.intent == "team_position") {
            x.rows.push_back(table.row(a.teams.at(0)));
        } else {  // ranking: by the metric, then the table's order
            std::vector<std::string> by = order;
            const std::string metric = a.metric.empty() ? "points" : a.metric;
            std::stable_sort(by.begin(), by.end(), [&](const std::string& p, const std::string& q) {
                return metric_value(table.tally(p), metric).get<int>() >
                       metric_value(table.tally(q), metric).get<int>();
            });
            const int n = std::min(a.n.value_or(size), size);
            const int begin = a.order == "low" ? size - n : 0;
            for (int k = begin; k < begin + n; ++k) {
                x.rows.push_back(table.row(by.at(static_cast<std::size_t>(k))));
            }
        }
        return x;
    }

    // The longest runs (unbeaten or winning) of `team` over its final games:
    // every run of the greatest length, as rows.
    std::vector<json> runs_of(const std::string& team, const std::string& metric,
                              int* length) const {
        std::vector<json> best;
        *length = 0;
        Games mine;
        for (const Match* m : finals_) {
            if (plays(m, team)) {
                mine.push_back(m);
            }
        }
        std::size_t k = 0;
        while (k < mine.size()) {
            const auto keeps = [&](const Match* m) {
                const int s = scored(m, team);
                const int c = conceded(m, team);
                return metric == "winning" ? s > c : s >= c;
            };
            if (!keeps(mine[k])) {
                ++k;
                continue;
            }
            std::size_t end = k;
            while (end < mine.size() && keeps(mine[end])) {
                ++end;
            }
            const int len = static_cast<int>(end - k);
            if (len > *length) {
                *length = len;
                best.clear();
            }
            if (len == *length) {
                best.push_back(
                    json::array({team, len, mine[k]->starts_at, mine[end - 1]->starts_at}));
            }
            k = end;
        }
        return best;
    }

    Expected longest_run(const Ask& a) const {
        Expected x;
        x.columns = {"team", "games", "from", "to"};
        x.rows = json::array();
        const std::string metric = a.metric.empty() ? "unbeaten" : a.metric;
        std::vector<std::string> teams = a.teams;
        if (teams.empty()) {
            int longest = 0;
            for (const std::string& t : league_.teams) {
                int len = 0;
                (void)runs_of(t, metric, &len);
                longest = std::max(longest, len);
            }
            for (const std::string& t : league_.teams) {
                int len = 0;
                (void)runs_of(t, metric, &len);
                if (len == longest) {
                    teams.push_back(t);
                }
            }
        }
        for (const std::string& t : teams) {
            int len = 0;
            const std::vector<json> runs = runs_of(t, metric, &len);
            if (runs.empty()) {
                continue;
            }
            x.rows.push_back(runs.front());
            x.run_choices.insert(x.run_choices.end(), runs.begin(), runs.end());
        }
        x.rows_unordered = true;
        return x;
    }

    const League& league_;
    Games all_;
    Games finals_;
};

// --- comparing ---

// Game rows in a canonical order: the API's order between different start
// times, any order among games that start together.
json canonical_games(json rows) {
    std::vector<json> v(rows.begin(), rows.end());
    std::stable_sort(v.begin(), v.end(), [](const json& a, const json& b) {
        return a.at(0) == b.at(0) && a.dump() < b.dump();
    });
    // stable_sort with a non-strict-weak predicate is not enough: sort each
    // run of equal start times on its own.
    std::size_t begin = 0;
    while (begin < v.size()) {
        std::size_t end = begin + 1;
        while (end < v.size() && v[end].at(0) == v[begin].at(0)) {
            ++end;
        }
        std::sort(v.begin() + static_cast<long>(begin), v.begin() + static_cast<long>(end),
                  [](const json& a, const json& b) { return a.dump() < b.dump(); });
        begin = end;
    }
    return json(v);
}

bool same_value(const json& got, const json& want) {
    if (want.is_number_float() || got.is_number_float()) {
        return got.is_number() && want.is_number() &&
               std::fabs(got.get<double>() - want.get<double>()) < 0.0051;
    }
    return got == want;
}

bool same_rows(const json& got, const json& want) {
    if (!got.is_array() || got.size() != want.size()) {
        return false;
    }
    for (std::size_t r = 0; r < want.size(); ++r) {
        if (!got[r].is_array() || got[r].size() != want[r].size()) {
            return false;
        }
        for (std::size_t c = 0; c < want[r].size(); ++c) {
            if (!same_value(got[r][c], want[r][c])) {
                return false;
            }
        }
    }
    return true;
}

}  // namespace

League read_league(const std::string& file, std::string name, std::string zone, int offset,
                   std::vector<std::string> tiebreakers) {
    std::ifstream in(harness::source_dir() + "/../shared/data/football/" + file);
    EXPECT_TRUE(in) << file;
    const json doc = json::parse(in);
    League league{file, std::move(name), std::move(zone), std::move(tiebreakers), {}, {}, 0, {}};
    int last_round = 0;
    std::set<std::string> names;
    for (const json& m : doc.at("matches")) {
        Match match;
        match.round = std::stoi(m.at("round").get<std::string>().substr(sizeof "Matchday"));
        match.starts_at =
            to_utc(m.at("date").get<std::string>(), m.value("time", std::string()), offset);
        match.home = m.at("team1").get<std::string>();
        match.away = m.at("team2").get<std::string>();
        match.home_goals = m.at("score").at("ft").at(0).get<int>();
        match.away_goals = m.at("score").at("ft").at(1).get<int>();
        if (m.at("score").contains("ht")) {
            match.ht_home = m["score"]["ht"][0].get<int>();
            match.ht_away = m["score"]["ht"][1].get<int>();
        }
        last_round = std::max(last_round, match.round);
        names.insert(match.home);
        names.insert(match.away);
        league.matches.push_back(std::move(match));
    }
    for (Match& m : league.matches) {
        m.final = m.round < last_round;
    }
    league.teams.assign(names.begin(), names.end());
    return league;
}

Ask read_ask(const json& e) {
    Ask a;
    const auto text = [&](const char* key, const char* fallback) {
        return e.contains(key) ? e.at(key).get<std::string>() : std::string(fallback);
    };
    const auto number = [&](const char* key) {
        return e.contains(key) ? std::optional(e.at(key).get<int>()) : std::nullopt;
    };
    a.intent = text("intent", "");
    if (e.contains("teams")) {
        a.teams = e.at("teams").get<std::vector<std::string>>();
    }
    a.n = number("n");
    a.from = text("from", "top");
    a.metric = text("metric", "");
    a.order = text("order", "");
    a.venue = text("venue", "all");
    a.round = number("round");
    a.month = number("month");
    a.last_n = number("last_n");
    a.period = text("period", "");
    return a;
}

std::vector<std::string> table_order(const League& league) {
    Games finals;
    for (const Match& m : league.matches) {
        if (m.final) {
            finals.push_back(&m);
        }
    }
    return Table(league.teams, finals, league.tiebreakers).order();
}

Expected expected_answer(const League& league, const Ask& ask) {
    return Expecter(league).expect(ask);
}

std::string check_answer(const json& body, const Ask& a, const Expected& x, const League& league,
                         bool event_named) {
    std::string why;
    const auto check = [&](bool ok, const std::string& what) {
        if (!ok) {
            why += what + "; ";
        }
    };
    const json& in = body.value("interpretation", json::object());
    const auto text = [&](const json& j, const char* key) {
        return j.contains(key) && j.at(key).is_string() ? j.at(key).get<std::string>()
                                                        : std::string();
    };
    const auto number = [&](const json& j, const char* key) {
        return j.contains(key) && j.at(key).is_number_integer()
                   ? std::optional(j.at(key).get<int>())
                   : std::nullopt;
    };
    check(text(in, "intent") == a.intent, "intent " + text(in, "intent"));
    const json event = in.value("event", json::object());
    check(event.value("id", std::int64_t{0}) == league.event_id, "event id");
    if (event_named) {
        check(!event.value("matched", json()).is_null(), "event not read from the question");
    }
    std::vector<std::int64_t> teams;
    for (const json& t : in.value("teams", json::array())) {
        teams.push_back(t.value("id", std::int64_t{0}));
    }
    std::vector<std::int64_t> want_teams;
    for (const std::string& t : a.teams) {
        want_teams.push_back(league.team_ids.at(t));
    }
    check(teams == want_teams, "teams " + in.value("teams", json::array()).dump());
    const int default_n = a.intent == "form" ? 5 : -1;
    const std::optional<int> n = number(in, "n");
    check(n == a.n || (!a.n && n == default_n) || (a.n == default_n && !n),
          "n " + in.value("n", json()).dump());
    const std::string order = text(in, "order");
    if (a.intent == "team_at_position") {
        check((order == "low" ? "bottom" : "top") == a.from, "order " + order);
    } else {
        check(order == a.order, "order " + order);
    }
    check(text(in, "metric") == a.metric, "metric " + text(in, "metric"));
    check(text(in, "venue") == a.venue, "venue " + text(in, "venue"));
    const json time = in.value("time", json::object());
    check(number(time, "round") == a.round, "round");
    check(number(time, "month") == a.month, "month");
    check(number(time, "last_n") == a.last_n, "last_n");
    check(text(time, "period") == a.period, "period");
    check(body.contains("answer") && body["answer"].is_string() &&
              !body["answer"].get<std::string>().empty(),
          "no answer sentence");
    if (x.yes && body.contains("answer") && body["answer"].is_string()) {
        const std::string answer = body["answer"].get<std::string>();
        check(answer.rfind(*x.yes ? "Yes" : "No", 0) == 0, "answer \"" + answer + "\"");
    }

    // The table.
    const json columns = body.value("columns", json());
    check(columns == x.columns, "columns " + columns.dump() + ", expected " + x.columns.dump());
    json rows = body.value("rows", json());
    json want = x.rows;
    if (!x.run_choices.empty() && rows.is_array()) {
        // A run of the expected length, one of the team's longest.
        bool ok = rows.size() == want.size();
        std::set<std::string> seen;
        for (const json& row : rows) {
            ok =
                ok &&
                std::find(x.run_choices.begin(), x.run_choices.end(), row) != x.run_choices.end() &&
                seen.insert(row.at(0).dump()).second;
        }
        check(ok, "rows " + rows.dump() + ", expected one of " + json(x.run_choices).dump());
        return why;
    }
    if (x.rows_unordered && rows.is_array()) {
        std::vector<json> g(rows.begin(), rows.end());
        std::vector<json> w(want.begin(), want.end());
        std::sort(g.begin(), g.end(),
                  [](const json& p, const json& q) { return p.dump() < q.dump(); });
        std::sort(w.begin(), w.end(),
                  [](const json& p, const json& q) { return p.dump() < q.dump(); });
        rows = g;
        want = w;
    } else if (x.game_rows && rows.is_array()) {
        bool shaped = true;
        for (const json& row : rows) {
            shaped = shaped && row.is_array() && !row.empty();
        }
        if (shaped) {
            rows = canonical_games(rows);
            want = canonical_games(want);
        }
    }
    check(same_rows(rows, want),
          "rows " + body.value("rows", json()).dump() + ", expected " + x.rows.dump());
    return why;
}

}  // namespace qa
