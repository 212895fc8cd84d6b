// POST /api/v1/analytics/ask through nginx (issue 16, docs/analytics.md): a
// small league made through the API (6 teams, 3 rounds of scores, one alias),
// one question per intent with the values checked against what this test
// computes from the scores it wrote; refusals with three suggestions; text
// that looks like SQL answers and changes nothing; a draft is invisible to an
// outsider; anonymous callers may ask about a public event.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tournament_suite.hpp"

namespace {

using tourtest::call;
using tourtest::json;

const std::vector<std::string> kTeams = {"Northbridge Rovers", "Eastfield United",
                                         "Westhaven Athletic", "Southport Wanderers",
                                         "Lakeside City",      "Hillcrest Albion"};
constexpr int kFinalRounds = 3;

struct Game {
    std::int64_t id = 0;
    int round = 0;
    std::string starts_at;
    std::string home, away;
    int hs = 0, as = 0;
    bool final = false;
};

struct Tally {
    int played = 0, won = 0, drawn = 0, lost = 0, gf = 0, ga = 0, points = 0;
};

// The league, built once for every test of this file.
struct League {
    tourtest::User organizer;
    std::int64_t event_id = 0;
    std::vector<Game> games;  // by starts_at, id
    std::map<std::string, Tally> table;

    std::vector<Game> finals() const {
        std::vector<Game> out;
        std::copy_if(games.begin(), games.end(), std::back_inserter(out),
                     [](const Game& g) { return g.final; });
        return out;
    }
};

const League& league() {
    static const League l = [] {
        League out;
        out.organizer = tourtest::new_user("analytics-organizer");
        const json event = tourtest::create_event(out.organizer, {{"name", "Ask League 2026"},
                                                                  {"sport", "football"},
                                                                  {"format", "round_robin"},
                                                                  {"starts_on", "2026-01-01"},
                                                                  {"time_zone", "UTC"}});
        out.event_id = event["id"].get<std::int64_t>();
        const std::string base = "/api/v1/events/" + std::to_string(out.event_id);
        std::map<std::int64_t, std::string> names;
        for (const auto& name : kTeams) {
            const json t = tourtest::add_team(out.organizer, out.event_id, name);
            names[t["id"].get<std::int64_t>()] = name;
        }
        // The alias: "Lakers" cannot be derived from "Lakeside City".
        const std::int64_t lakeside = std::find_if(names.begin(), names.end(), [](const auto& p) {
                                          return p.second == "Lakeside City";
                                      })->first;
        auto alias = call("PATCH", base + "/teams/" + std::to_string(lakeside),
                          {{"aliases", {"Lakers"}}}, out.organizer.token);
        EXPECT_EQ(alias.status, 200) << alias.raw.body;
        (void)tourtest::schedule(
            out.organizer, out.event_id,
            {{"first_game_at", "2026-01-03T15:00:00Z"}, {"minutes_between_rounds", 7 * 24 * 60}});
        auto publish = call("PATCH", base, {{"status", "scheduled"}}, out.organizer.token);
        EXPECT_EQ(publish.status, 200) << publish.raw.body;
        int i = 0;
        for (const json& g : tourtest::all_pages(base + "/games?limit=50")) {
            Game game;
            game.id = g["id"].get<std::int64_t>();
            game.round = g["round"].get<int>();
            game.starts_at = g["starts_at"].get<std::string>();
            game.home = names[g["home_team_id"].get<std::int64_t>()];
            game.away = names[g["away_team_id"].get<std::int64_t>()];
            if (game.round <= kFinalRounds) {
                game.hs = (i * 7 + 1) % 5;
                game.as = (i * 3) % 4;
                ++i;
                auto live = tourtest::put_score(out.organizer, game.id, 0, 0, "live");
                EXPECT_EQ(live.status, 200) << live.raw.body;
                auto fin = tourtest::put_score(out.organizer, game.id, game.hs, game.as, "final");
                EXPECT_EQ(fin.status, 200) << fin.raw.body;
                game.final = true;
            }
            out.games.push_back(game);
        }
        std::stable_sort(out.games.begin(), out.games.end(), [](const Game& a, const Game& b) {
            return std::tie(a.starts_at, a.id) < std::tie(b.starts_at, b.id);
        });
        for (const auto& name : kTeams) {
            out.table[name];
        }
        for (const Game& g : out.finals()) {
            for (int side = 0; side < 2; ++side) {
                Tally& t = out.table[side == 0 ? g.home : g.away];
                const int f = side == 0 ? g.hs : g.as;
                const int a = side == 0 ? g.as : g.hs;
                ++t.played;
                t.gf += f;
                t.ga += a;
                t.won += f > a;
                t.drawn += f == a;
                t.lost += f < a;
                t.points += f > a ? 3 : (f == a ? 1 : 0);
            }
        }
        return out;
    }();
    return l;
}

tourtest::Reply ask(const std::string& question, std::optional<std::int64_t> event_id,
                    const std::string& token = {}) {
    json body = {{"question", question}};
    if (event_id) {
        body["event_id"] = *event_id;
    }
    return call("POST", "/api/v1/analytics/ask", body, token);
}

// Asks about the league and expects an answer of `intent`.
json answer(const std::string& question) {
    auto r = ask(question, league().event_id);
    EXPECT_EQ(r.status, 200) << question << ": " << r.raw.body;
    if (r.status != 200) {
        return json::object();
    }
    EXPECT_TRUE(r.body["answer"].is_string());
    return r.body;
}

json game_row(const Game& g) {
    return json::array({g.starts_at, g.round, g.home, g.hs, g.as, g.away});
}

json standings_row(int position, const std::string& name, const Tally& t) {
    return json::array(
        {position, name, t.played, t.won, t.drawn, t.lost, t.gf, t.ga, t.gf - t.ga, t.points});
}

const json kStandingsColumns =
    json::array({"position", "team", "played", "won", "drawn", "lost", "goals_for", "goals_against",
                 "goal_difference", "points"});
const json kGameColumns =
    json::array({"starts_at", "round", "home_team", "home_score", "away_score", "away_team"});

// A row of the standings as the test computed it for the team the row names.
void expect_standings_row(const json& row) {
    ASSERT_TRUE(row.is_array() && row.size() == 10) << row.dump();
    const std::string name = row[1].get<std::string>();
    EXPECT_EQ(row, standings_row(row[0].get<int>(), name, league().table.at(name)));
}

int max_points() {
    int best = 0;
    for (const auto& [name, t] : league().table) {
        best = std::max(best, t.points);
    }
    return best;
}

TEST(AnalyticsAsk, StandingsIntents) {
    json a = answer("Who is top?");
    EXPECT_EQ(a["interpretation"]["intent"], "champion");
    EXPECT_EQ(a["columns"], kStandingsColumns);
    ASSERT_EQ(a["rows"].size(), 1u);
    expect_standings_row(a["rows"][0]);
    EXPECT_EQ(a["rows"][0][0], 1);
    EXPECT_EQ(a["rows"][0][9], max_points());

    a = answer("Who finished third?");
    EXPECT_EQ(a["interpretation"]["intent"], "team_at_position");
    ASSERT_EQ(a["rows"].size(), 1u);
    EXPECT_EQ(a["rows"][0][0], 3);
    expect_standings_row(a["rows"][0]);

    a = answer("Where did Eastfield finish?");
    EXPECT_EQ(a["interpretation"]["intent"], "team_position");
    ASSERT_EQ(a["rows"].size(), 1u);
    EXPECT_EQ(a["rows"][0][1], "Eastfield United");
    expect_standings_row(a["rows"][0]);

    a = answer("Which teams finished in the top 4?");
    EXPECT_EQ(a["interpretation"]["intent"], "ranking");
    ASSERT_EQ(a["rows"].size(), 4u);
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(a["rows"][i][0], static_cast<int>(i) + 1);
        expect_standings_row(a["rows"][i]);
    }
    EXPECT_GE(a["rows"][0][9].get<int>(), a["rows"][3][9].get<int>());
}

TEST(AnalyticsAsk, TeamStatExtremeAndAlias) {
    json a = answer("How many points did Westhaven get?");
    EXPECT_EQ(a["interpretation"]["intent"], "team_stat");
    EXPECT_EQ(a["columns"], json::array({"team", "points"}));
    EXPECT_EQ(a["rows"],
              json::array({json::array(
                  {"Westhaven Athletic", league().table.at("Westhaven Athletic").points})}));

    // The alias names the team; away goals conceded come from its away games only.
    a = answer("How many goals did Lakers concede away?");
    EXPECT_EQ(a["interpretation"]["intent"], "team_stat");
    ASSERT_EQ(a["interpretation"]["teams"].size(), 1u);
    EXPECT_EQ(a["interpretation"]["teams"][0]["name"], "Lakeside City");
    EXPECT_EQ(a["interpretation"]["venue"], "away");
    int conceded = 0;
    for (const Game& g : league().finals()) {
        conceded += g.away == "Lakeside City" ? g.hs : 0;
    }
    EXPECT_EQ(a["rows"], json::array({json::array({"Lakeside City", conceded})}));

    a = answer("Which team scored the most goals?");
    EXPECT_EQ(a["interpretation"]["intent"], "extreme");
    EXPECT_EQ(a["columns"], json::array({"team", "goals_for"}));
    int most = 0;
    for (const auto& [name, t] : league().table) {
        most = std::max(most, t.gf);
    }
    std::set<std::string> expected;
    for (const auto& [name, t] : league().table) {
        if (t.gf == most) {
            expected.insert(name);
        }
    }
    std::set<std::string> got;
    for (const json& row : a["rows"]) {
        EXPECT_EQ(row[1], most);
        got.insert(row[0].get<std::string>());
    }
    EXPECT_EQ(got, expected);
}

TEST(AnalyticsAsk, GamesIntents) {
    const auto finals = league().finals();
    ASSERT_FALSE(finals.empty());
    const Game& first = finals.front();
    const std::string x = first.home.substr(0, first.home.find(' '));
    const std::string y = first.away.substr(0, first.away.find(' '));

    json a = answer("Head to head " + x + " vs " + y);
    EXPECT_EQ(a["interpretation"]["intent"], "head_to_head");
    EXPECT_EQ(a["columns"], kGameColumns);
    EXPECT_EQ(a["rows"], json::array({game_row(first)}));

    a = answer("Did " + x + " beat " + y + "?");
    EXPECT_EQ(a["interpretation"]["intent"], "did_beat");
    EXPECT_EQ(a["rows"], json::array({game_row(first)}));
    EXPECT_EQ(a["answer"].get<std::string>().rfind(first.hs > first.as ? "Yes" : "No", 0), 0u)
        << a["answer"];

    // The last and next game, form, of one team.
    const std::string team = "Southport Wanderers";
    std::vector<Game> mine;
    for (const Game& g : finals) {
        if (g.home == team || g.away == team) {
            mine.push_back(g);
        }
    }
    ASSERT_FALSE(mine.empty());
    a = answer("What was Southport's last game?");
    EXPECT_EQ(a["interpretation"]["intent"], "last_game");
    EXPECT_EQ(a["rows"], json::array({game_row(mine.back())}));

    a = answer("Southport form");
    EXPECT_EQ(a["interpretation"]["intent"], "form");
    json form = json::array();
    for (auto it = mine.rbegin(); it != mine.rend(); ++it) {
        json row = game_row(*it);
        const int f = it->home == team ? it->hs : it->as;
        const int o = it->home == team ? it->as : it->hs;
        row.push_back(f > o ? "W" : (f == o ? "D" : "L"));
        form.push_back(row);
    }
    EXPECT_EQ(a["rows"], form);

    a = answer("When do Southport play next?");
    EXPECT_EQ(a["interpretation"]["intent"], "next_game");
    const auto next =
        std::find_if(league().games.begin(), league().games.end(),
                     [&](const Game& g) { return !g.final && (g.home == team || g.away == team); });
    ASSERT_NE(next, league().games.end());
    ASSERT_EQ(a["rows"].size(), 1u);
    EXPECT_EQ(a["rows"][0][0], next->starts_at);
    EXPECT_EQ(a["rows"][0][2], next->home);
    EXPECT_EQ(a["rows"][0][5], next->away);
    EXPECT_EQ(a["rows"][0][6], "scheduled");

    a = answer("Results of round 2");
    EXPECT_EQ(a["interpretation"]["intent"], "results");
    json round2 = json::array();
    for (const Game& g : finals) {
        if (g.round == 2) {
            round2.push_back(game_row(g));
        }
    }
    EXPECT_EQ(a["rows"], round2);
}

TEST(AnalyticsAsk, AggregatesOverGames) {
    const auto finals = league().finals();
    int most = 0;
    int margin = 0;
    int goals = 0;
    for (const Game& g : finals) {
        most = std::max(most, g.hs + g.as);
        margin = std::max(margin, std::abs(g.hs - g.as));
        goals += g.hs + g.as;
    }
    json a = answer("Highest scoring game");
    EXPECT_EQ(a["interpretation"]["intent"], "highest_scoring_game");
    json expected = json::array();
    for (const Game& g : finals) {
        if (g.hs + g.as == most) {
            json row = game_row(g);
            row.push_back(most);
            expected.push_back(row);
        }
    }
    EXPECT_EQ(a["rows"], expected);

    a = answer("What was the biggest win of the season?");
    EXPECT_EQ(a["interpretation"]["intent"], "biggest_win");
    expected = json::array();
    for (const Game& g : finals) {
        if (margin > 0 && std::abs(g.hs - g.as) == margin) {
            json row = game_row(g);
            row.push_back(margin);
            expected.push_back(row);
        }
    }
    EXPECT_EQ(a["rows"], expected);

    a = answer("Average number of goals per match");
    EXPECT_EQ(a["interpretation"]["intent"], "average");
    EXPECT_EQ(a["columns"], json::array({"games", "goals_per_game"}));
    ASSERT_EQ(a["rows"].size(), 1u);
    EXPECT_EQ(a["rows"][0][0], finals.size());
    EXPECT_NEAR(a["rows"][0][1].get<double>(),
                std::round(100.0 * goals / static_cast<double>(finals.size())) / 100.0, 1e-9);

    a = answer("How many games are left?");
    EXPECT_EQ(a["interpretation"]["intent"], "games_count");
    EXPECT_EQ(a["rows"],
              json::array({json::array({finals.size(), league().games.size() - finals.size()})}));

    a = answer("Longest winning streak");
    EXPECT_EQ(a["interpretation"]["intent"], "longest_run");
    EXPECT_EQ(a["columns"], json::array({"team", "games", "from", "to"}));
    std::map<std::string, int> best;
    std::map<std::string, int> current;
    for (const Game& g : finals) {
        for (int side = 0; side < 2; ++side) {
            const std::string& name = side == 0 ? g.home : g.away;
            const bool won = side == 0 ? g.hs > g.as : g.as > g.hs;
            current[name] = won ? current[name] + 1 : 0;
            best[name] = std::max(best[name], current[name]);
        }
    }
    int longest = 0;
    for (const auto& [name, n] : best) {
        longest = std::max(longest, n);
    }
    std::set<std::string> want;
    for (const auto& [name, n] : best) {
        if (n == longest && longest > 0) {
            want.insert(name);
        }
    }
    std::set<std::string> got;
    for (const json& row : a["rows"]) {
        EXPECT_EQ(row[1], longest);
        got.insert(row[0].get<std::string>());
    }
    EXPECT_EQ(got, want);
}

TEST(AnalyticsAsk, RefusalsCarryThreeSuggestions) {
    auto r = ask("Who is the best player at Northbridge?", league().event_id);
    ASSERT_EQ(r.status, 422) << r.raw.body;
    json p = tourtest::expect_problem(r, 422);
    EXPECT_TRUE(p["reason"].is_string()) << p.dump();
    EXPECT_EQ(p["suggestions"].size(), 3u) << p.dump();
    EXPECT_TRUE(p["understood"].is_object()) << p.dump();

    r = ask(std::string(501, 'a'), league().event_id);
    ASSERT_EQ(r.status, 422) << r.raw.body;
    p = tourtest::expect_problem(r, 422);
    EXPECT_EQ(p["errors"][0]["field"], "question") << p.dump();

    r = call("POST", "/api/v1/analytics/ask", {{"question", "Who is top?"}, {"extra", 1}});
    ASSERT_EQ(r.status, 422) << r.raw.body;
    p = tourtest::expect_problem(r, 422);

    // No event: a 422 naming the reason, not a 404.
    r = ask("Who is top?", 999999999);
    ASSERT_EQ(r.status, 422) << r.raw.body;
    p = tourtest::expect_problem(r, 422);
    EXPECT_EQ(p["reason"], "no_event");
    EXPECT_EQ(p["suggestions"].size(), 3u) << p.dump();
}

TEST(AnalyticsAsk, SqlTextChangesNothing) {
    const auto counts = [] {
        return tourtest::sql(
            "SELECT (SELECT count(*) FROM games) || ' ' || "
            "(SELECT count(*) FROM teams) || ' ' || (SELECT count(*) FROM events)");
    };
    const std::string before = counts();
    for (const std::string q : {"Arsenal'; DROP TABLE games; --", "1 OR 1=1",
                                "Northbridge'; DELETE FROM teams; -- points", "\" OR \"\"=\"",
                                "'; SELECT pg_sleep(5); --"}) {
        for (const auto& id :
             {std::optional<std::int64_t>(league().event_id), std::optional<std::int64_t>()}) {
            auto r = ask(q, id);
            EXPECT_TRUE(r.status == 200 || (r.status >= 400 && r.status < 500))
                << q << ": " << r.status << " " << r.raw.body;
        }
    }
    EXPECT_EQ(counts(), before);
}

TEST(AnalyticsAsk, DraftsHiddenAnonymousAllowed) {
    // Anonymous, about a public event.
    auto r = ask("Who is top?", league().event_id);
    EXPECT_EQ(r.status, 200) << r.raw.body;

    const tourtest::User owner = tourtest::new_user("analytics-draft-owner");
    const json draft = tourtest::create_event(owner, {{"name", "Hidden Draft Cup"},
                                                      {"sport", "football"},
                                                      {"format", "round_robin"},
                                                      {"starts_on", "2026-02-01"}});
    const std::int64_t id = draft["id"].get<std::int64_t>();
    (void)tourtest::add_team(owner, id, "Quietwater Town");
    (void)tourtest::add_team(owner, id, "Stillmoor Borough");

    const tourtest::User outsider = tourtest::new_user("analytics-outsider");
    r = ask("Where did Quietwater finish?", id, outsider.token);
    ASSERT_EQ(r.status, 422) << r.raw.body;
    json p = tourtest::expect_problem(r, 422);
    EXPECT_EQ(p["reason"], "no_event");
    r = ask("Where did Quietwater finish?", id);
    ASSERT_EQ(r.status, 422) << r.raw.body;
    p = tourtest::expect_problem(r, 422);
    EXPECT_EQ(p["reason"], "no_event");
    // Without event_id, its name finds nothing either.
    r = ask("Who is top of the Hidden Draft Cup?", std::nullopt, outsider.token);
    EXPECT_EQ(r.status, 422) << r.raw.body;
    // Its member may ask.
    r = ask("Where did Quietwater finish?", id, owner.token);
    EXPECT_EQ(r.status, 200) << r.raw.body;
}

TEST(AnalyticsAsk, EventNamedInTheQuestion) {
    (void)league();
    auto r = ask("Who is top of the Ask League 2026?", std::nullopt);
    ASSERT_EQ(r.status, 200) << r.raw.body;
    EXPECT_EQ(r.body["interpretation"]["event"]["id"], league().event_id);
}

// Never a 5xx for any text: random questions from words the parser knows,
// names, numbers, punctuation, accents and SQL-looking bits.
TEST(AnalyticsAsk, RandomTextIsNeverA5xx) {
    const std::vector<std::string> pieces = {
        "who",       "won",      "top",    "bottom",
        "3",         "third",    "points", "Northbridge",
        "Eastfield", "Lakers",   "vs",     "beat",
        "round",     "december", "last",   "5",
        "games",     "home",     "away",   "form",
        "goals",     "per",      "game",   "'",
        "\"",        ";",        "--",     "%",
        "_",         "\\",       "OR 1=1", "é",
        "ß",         "–",        "😀",      "Ask League 2026",
        "?",         "  ",       "\t",     "longest",
        "run",       "0",        "-1",     "99999999999999999999"};
    std::uint32_t seed = 12345;
    const auto next = [&] {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 8;
    };
    for (int i = 0; i < 150; ++i) {
        std::string q;
        const std::uint32_t words = 1 + next() % 12;
        for (std::uint32_t w = 0; w < words; ++w) {
            q += pieces[next() % pieces.size()];
            q += next() % 3 == 0 ? "" : " ";
        }
        const auto r =
            ask(q, next() % 2 == 0 ? std::optional<std::int64_t>(league().event_id) : std::nullopt);
        EXPECT_LT(r.status, 500) << q << ": " << r.raw.body;
        EXPECT_TRUE(r.status == 200 || r.status == 422 || r.status == 429)
            << q << ": " << r.status << " " << r.raw.body;
    }
}

}  // namespace
