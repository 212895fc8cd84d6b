// The analytics question parser (issue 16): intents, names (full, derived,
// aliases, typos, accents), numbers, time phrases, declines, suggestions,
// robustness on any bytes, and the held-out questions of tests/analytics/
// (right / declined / wrong; wrong must be 0). The catalogue is built from
// the real seasons' files the way the route builds it from the database.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "domain/analytics/numbers.hpp"
#include "domain/analytics/question.hpp"
#include "domain/analytics/suggestions.hpp"
#include "domain/analytics/text.hpp"

namespace {

using namespace domain::analytics;
using nlohmann::json;

constexpr std::int64_t kEnglish = 1;
constexpr std::int64_t kSpanish = 2;

json load(const std::string& file) {
    std::ifstream in(std::string(SCORELINE_SHARED_DATA) + "/" + file);
    EXPECT_TRUE(in) << file;
    return json::parse(in);
}

// The slug the API gives an event (workers/event/slug.cpp): ASCII letters and
// digits lower-cased, every other run of bytes one '-'.
std::string slug_of(const std::string& name) {
    std::string slug;
    for (const char c : name) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            slug.push_back(c);
        } else if (c >= 'A' && c <= 'Z') {
            slug.push_back(static_cast<char>(c - 'A' + 'a'));
        } else if (!slug.empty() && slug.back() != '-') {
            slug.push_back('-');
        }
    }
    while (!slug.empty() && slug.back() == '-') {
        slug.pop_back();
    }
    return slug;
}

struct Season {
    std::string file;
    std::string name;
    std::vector<std::string> teams;  // sorted
};

Season read_season(const std::string& file) {
    const json data = load(file);
    Season season{file, data.at("name").get<std::string>(), {}};
    std::set<std::string> names;
    for (const json& match : data.at("matches")) {
        names.insert(match.at("team1").get<std::string>());
        names.insert(match.at("team2").get<std::string>());
    }
    season.teams.assign(names.begin(), names.end());
    return season;
}

const Season& english() {
    static const Season season = read_season("2022-23_en.1.json");
    return season;
}
const Season& spanish() {
    static const Season season = read_season("2022-23_es.1.json");
    return season;
}

// The one team of `season` whose name contains `part` (how an organizer finds
// the team to add an alias to).
std::string team_containing(const Season& season, const std::string& part) {
    std::string found;
    for (const std::string& name : season.teams) {
        if (name.find(part) != std::string::npos) {
            EXPECT_TRUE(found.empty()) << part << " fits " << found << " and " << name;
            found = name;
        }
    }
    EXPECT_FALSE(found.empty()) << part;
    return found;
}

// Both seasons, with the aliases an organizer would add: nicknames that
// cannot be derived from the names.
const Catalogue& catalogue() {
    static const Catalogue built = [] {
        Catalogue c;
        std::int64_t next_team = 100;
        for (const auto& [id, season] : {std::pair{kEnglish, &english()}, {kSpanish, &spanish()}}) {
            c.events.push_back(CatalogueEvent{id, season->name, slug_of(season->name), "football"});
            for (const std::string& name : season->teams) {
                c.teams.push_back(CatalogueTeam{next_team++, id, name, std::nullopt, {}});
            }
        }
        const auto alias = [&](const std::string& name, const std::string& nickname) {
            for (CatalogueTeam& team : c.teams) {
                if (team.name == name) {
                    team.aliases.push_back(nickname);
                }
            }
        };
        alias(team_containing(english(), "Tottenham"), "Spurs");
        alias(team_containing(english(), "Wolverhampton"), "Wolves");
        alias(team_containing(spanish(), "FC Barcelona"), "Barça");
        return c;
    }();
    return built;
}

std::int64_t event_of(const std::string& file) {
    return file == english().file ? kEnglish : kSpanish;
}

ParseResult ask(const std::string& question, std::int64_t event = kEnglish) {
    return parse_question(question, catalogue(), event);
}

// The parse of `question`, failing the test when it is declined.
Parse understood(const std::string& question, std::int64_t event = kEnglish) {
    ParseResult result = ask(question, event);
    if (const auto* decline = std::get_if<Decline>(&result)) {
        ADD_FAILURE() << "declined: \"" << question << "\": " << decline->detail;
        return Parse{};
    }
    return std::get<Parse>(result);
}

const Decline* declined(const ParseResult& result) {
    return std::get_if<Decline>(&result);
}

std::vector<std::string> team_names(const Parse& parse) {
    std::vector<std::string> names;
    for (const Entity& team : parse.teams) {
        names.push_back(team.name);
    }
    return names;
}

// --- text ---

TEST(AnalyticsText, FoldsCaseAndAccents) {
    EXPECT_EQ(fold("Atlético Cádiz MÜNCHEN Ñ ß Ø æ Łódź Šđ"),
              "atletico cadiz munchen n ss o ae lodz sd");
    EXPECT_EQ(fold("Barça"), "barca");
    EXPECT_EQ(fold("tab\there\x01"), "tab here ");
    EXPECT_EQ(fold(std::string("\xC3\x28 \xFF\xE2\x82")), " (    ");  // invalid UTF-8
    EXPECT_EQ(fold("Brighton\xE2\x80\x99s"), "brighton's");           // a typographic apostrophe
}

TEST(AnalyticsText, Tokenizes) {
    const auto words = [](std::string_view text) {
        std::vector<std::string> out;
        for (const Token& t : tokenize(text, 100, nullptr)) {
            out.push_back(t.text);
        }
        return out;
    };
    EXPECT_EQ(words("Brighton & Hove Albion's W-D-L record?"),
              (std::vector<std::string>{"brighton", "and", "hove", "albion", "wdl", "record"}));
    EXPECT_EQ(words("Premier League 2022/23, highest-scoring"),
              (std::vector<std::string>{"premier", "league", "2022/23", "highest", "scoring"}));
    EXPECT_EQ(words("won 3-1 in the 3rd"),
              (std::vector<std::string>{"won", "3", "1", "in", "the", "3rd"}));
    bool truncated = false;
    EXPECT_EQ(tokenize(std::string(1000, 'a') + " b c", 2, &truncated).size(), 2U);
    EXPECT_TRUE(truncated);
}

TEST(AnalyticsText, EditDistanceIsBounded) {
    EXPECT_EQ(edit_distance("liverpol", "liverpool", 2), 1U);
    EXPECT_EQ(edit_distance("newcastel", "newcastle", 2), 1U);  // a transposition
    EXPECT_EQ(edit_distance("athletic", "atletico", 2), 2U);
    EXPECT_EQ(edit_distance("arsenal", "chelsea", 2), 3U);  // bound + 1
    EXPECT_EQ(edit_distance(std::string(100, 'a'), std::string(100, 'a'), 2), 3U);
    EXPECT_TRUE(is_abbreviation("utd", "united"));
    EXPECT_FALSE(is_abbreviation("tdu", "united"));
}

// --- numbers ---

TEST(AnalyticsNumbers, DigitsWordsAndOrdinals) {
    const auto read = [](std::string_view text) {
        const std::vector<Token> tokens = tokenize(text, 10, nullptr);
        return read_number(tokens);
    };
    EXPECT_EQ(read("3")->value, 3);
    EXPECT_FALSE(read("3")->ordinal);
    EXPECT_EQ(read("three")->value, 3);
    EXPECT_EQ(read("3rd")->value, 3);
    EXPECT_TRUE(read("3rd")->ordinal);
    EXPECT_TRUE(read("third")->ordinal);
    EXPECT_EQ(read("seventeenth")->value, 17);
    EXPECT_EQ(read("21st")->value, 21);
    EXPECT_EQ(read("twenty one")->value, 21);
    EXPECT_EQ(read("twenty one")->tokens, 2U);
    EXPECT_EQ(read("twenty-first")->value, 21);
    EXPECT_TRUE(read("twenty-first")->ordinal);
    EXPECT_FALSE(read("3th"));   // a wrong suffix is no number
    EXPECT_FALSE(read("2022"));  // a year
    EXPECT_FALSE(read("goals"));
}

// --- intents ---

struct Case {
    std::string question;
    Intent intent;
    std::vector<std::string> teams = {};  // parts of the files' names ("Tottenham")
    Metric metric = Metric::kNone;
    std::optional<int> n = {};
    Order order = Order::kNone;
    Venue venue = Venue::kAll;
    std::optional<int> round = {};
    std::optional<int> month = {};
    std::optional<int> last_n = {};
    Period period = Period::kNone;
    std::int64_t event = kEnglish;
};

void expect_case(const Case& c) {
    SCOPED_TRACE(c.question);
    const Parse parse = understood(c.question, c.event);
    const Season& season = c.event == kEnglish ? english() : spanish();
    std::vector<std::string> teams;
    for (const std::string& part : c.teams) {
        teams.push_back(team_containing(season, part));
    }
    EXPECT_EQ(to_string(parse.intent), to_string(c.intent));
    EXPECT_EQ(team_names(parse), teams);
    EXPECT_EQ(to_string(parse.metric), to_string(c.metric));
    EXPECT_EQ(parse.n, c.n);
    EXPECT_EQ(to_string(parse.order), to_string(c.order));
    EXPECT_EQ(to_string(parse.venue), to_string(c.venue));
    EXPECT_EQ(parse.time.round, c.round);
    EXPECT_EQ(parse.time.month, c.month);
    EXPECT_EQ(parse.time.last_n, c.last_n);
    EXPECT_EQ(to_string(parse.time.period), to_string(c.period));
    EXPECT_EQ(parse.event_id, c.event);
}

TEST(AnalyticsIntents, ChampionAndPositions) {
    for (const Case& c : std::vector<Case>{
             {.question = "Who won the league?", .intent = Intent::kChampion},
             {.question = "who were the champions", .intent = Intent::kChampion},
             {.question = "Who finished first?", .intent = Intent::kChampion},
             {.question = "who is top", .intent = Intent::kChampion},
             {.question = "Who finished 2nd?",
             .intent = Intent::kTeamAtPosition,
             .n = 2,
             .order = Order::kHigh},
             {.question = "which team ended up in fifth place",
             .intent = Intent::kTeamAtPosition,
             .n = 5,
             .order = Order::kHigh},
             {.question = "Who came last?",
             .intent = Intent::kTeamAtPosition,
             .n = 1,
             .order = Order::kLow},
             {.question = "who finished third from the bottom",
             .intent = Intent::kTeamAtPosition,
             .n = 3,
             .order = Order::kLow},
             {.question = "Who finished second last?",
             .intent = Intent::kTeamAtPosition,
             .n = 2,
             .order = Order::kLow},
             {.question = "Where did Arsenal finish?",
             .intent = Intent::kTeamPosition,
             .teams = {"Arsenal"}},
             {.question = "what position did chelsea finish in the league",
             .intent = Intent::kTeamPosition,
             .teams = {"Chelsea"}},
         }) {
        expect_case(c);
    }
}

TEST(AnalyticsIntents, TeamStatistics) {
    for (const Case& c : std::vector<Case>{
             {.question = "How many points did Arsenal get?",
              .intent = Intent::kTeamStat,
              .teams = {"Arsenal"},
              .metric = Metric::kPoints},
             {.question = "Arsenal wins",
             .intent = Intent::kTeamStat,
             .teams = {"Arsenal"},
             .metric = Metric::kWins},
             {.question = "how many games did everton draw",
             .intent = Intent::kTeamStat,
             .teams = {"Everton"},
             .metric = Metric::kDraws},
             {.question = "How many defeats did Fulham suffer away from home",
             .intent = Intent::kTeamStat,
             .teams = {"Fulham"},
             .metric = Metric::kLosses,
             .venue = Venue::kAway},
             {.question = "Leeds W-D-L",
             .intent = Intent::kTeamStat,
             .teams = {"Leeds"},
             .metric = Metric::kRecord},
             {.question = "Brentford home record",
             .intent = Intent::kTeamStat,
             .teams = {"Brentford"},
             .metric = Metric::kRecord,
             .venue = Venue::kHome},
             {.question = "How many goals did Liverpool score on the road?",
             .intent = Intent::kTeamStat,
             .teams = {"Liverpool"},
             .metric = Metric::kGoalsFor,
             .venue = Venue::kAway},
             {.question = "goals against Southampton",
             .intent = Intent::kTeamStat,
             .teams = {"Southampton"},
             .metric = Metric::kGoalsAgainst},
             {.question = "How many goals did Chelsea let in at home?",
             .intent = Intent::kTeamStat,
             .teams = {"Chelsea"},
             .metric = Metric::kGoalsAgainst,
             .venue = Venue::kHome},
             {.question = "What is Fulham's goal difference?",
             .intent = Intent::kTeamStat,
             .teams = {"Fulham"},
             .metric = Metric::kGoalDifference},
             {.question = "Brentford GD",
             .intent = Intent::kTeamStat,
             .teams = {"Brentford"},
             .metric = Metric::kGoalDifference},
         }) {
        expect_case(c);
    }
}

TEST(AnalyticsIntents, RankingsAndExtremes) {
    for (const Case& c : std::vector<Case>{
             {.question = "which teams finished in the top 4",
              .intent = Intent::kRanking,
              .metric = Metric::kPoints,
              .n = 4,
              .order = Order::kHigh},
             {.question = "top four",
             .intent = Intent::kRanking,
             .metric = Metric::kPoints,
             .n = 4,
             .order = Order::kHigh},
             {.question = "Bottom 3 by goal difference",
             .intent = Intent::kRanking,
             .metric = Metric::kGoalDifference,
             .n = 3,
             .order = Order::kLow},
             {.question = "top 5 teams by wins at home",
             .intent = Intent::kRanking,
             .metric = Metric::kWins,
             .n = 5,
             .order = Order::kHigh,
             .venue = Venue::kHome},
             {.question = "Who scored the most goals?",
             .intent = Intent::kExtreme,
             .metric = Metric::kGoalsFor,
             .order = Order::kHigh},
             {.question = "which team had the fewest draws",
             .intent = Intent::kExtreme,
             .metric = Metric::kDraws,
             .order = Order::kLow},
             {.question = "Which team has the best goal difference?",
             .intent = Intent::kExtreme,
             .metric = Metric::kGoalDifference,
             .order = Order::kHigh},
             {.question = "Who conceded the least goals away?",
             .intent = Intent::kExtreme,
             .metric = Metric::kGoalsAgainst,
             .order = Order::kLow,
             .venue = Venue::kAway},
         }) {
        expect_case(c);
    }
}

TEST(AnalyticsIntents, TwoTeamsAndGames) {
    for (const Case& c : std::vector<Case>{
             {.question = "Arsenal v Chelsea head to head",
              .intent = Intent::kHeadToHead,
              .teams = {"Arsenal", "Chelsea"}},
             {.question = "Results between Liverpool and Everton",
             .intent = Intent::kHeadToHead,
             .teams = {"Liverpool", "Everton"}},
             {.question = "Did Brentford beat Man City?",
             .intent = Intent::kDidBeat,
             .teams = {"Brentford", "Manchester City"}},
             {.question = "did chelsea win against fulham",
             .intent = Intent::kDidBeat,
             .teams = {"Chelsea", "Fulham"}},
             {.question = "Arsenal last game", .intent = Intent::kLastGame, .teams = {"Arsenal"}},
             {.question = "What was the score in Leeds' last match?",
             .intent = Intent::kLastGame,
             .teams = {"Leeds"}},
             {.question = "Who do Everton play next?",
             .intent = Intent::kNextGame,
             .teams = {"Everton"}},
             {.question = "Chelsea form", .intent = Intent::kForm, .teams = {"Chelsea"}, .n = 5},
             {.question = "Fulham's form over the last 8 games",
             .intent = Intent::kForm,
             .teams = {"Fulham"},
             .n = 8},
         }) {
        expect_case(c);
    }
}

TEST(AnalyticsIntents, RunsRecordsAveragesCounts) {
    for (const Case& c : std::vector<Case>{
             {.question = "longest unbeaten run",
              .intent = Intent::kLongestRun,
              .metric = Metric::kUnbeaten},
             {.question = "Arsenal's longest winning streak",
             .intent = Intent::kLongestRun,
             .teams = {"Arsenal"},
             .metric = Metric::kWinning},
             {.question = "most wins in a row",
             .intent = Intent::kLongestRun,
             .metric = Metric::kWinning},
             {.question = "biggest victory", .intent = Intent::kBiggestWin},
             {.question = "Chelsea's biggest win at home",
             .intent = Intent::kBiggestWin,
             .teams = {"Chelsea"},
             .venue = Venue::kHome},
             {.question = "highest scoring match in November",
             .intent = Intent::kHighestScoringGame,
             .month = 11},
             {.question = "Which game had the most goals?", .intent = Intent::kHighestScoringGame},
             {.question = "most goals in a match in round 3",
             .intent = Intent::kHighestScoringGame,
             .round = 3},
             {.question = "Which team scored the most goals in away games?",
             .intent = Intent::kExtreme,
             .metric = Metric::kGoalsFor,
             .order = Order::kHigh,
             .venue = Venue::kAway},
             {.question = "average goals per game",
             .intent = Intent::kAverage,
             .metric = Metric::kGoalsPerGame},
             {.question = "Everton goals conceded per game",
             .intent = Intent::kAverage,
             .teams = {"Everton"},
             .metric = Metric::kGoalsAgainstPerGame},
             {.question = "points per game Arsenal",
             .intent = Intent::kAverage,
             .teams = {"Arsenal"},
             .metric = Metric::kPointsPerGame},
             {.question = "how many games have Chelsea played",
             .intent = Intent::kGamesCount,
             .teams = {"Chelsea"},
             .metric = Metric::kPlayed},
             {.question = "games remaining for Everton",
             .intent = Intent::kGamesCount,
             .teams = {"Everton"},
             .metric = Metric::kRemaining},
         }) {
        expect_case(c);
    }
}

TEST(AnalyticsIntents, TimePhrases) {
    for (const Case& c : std::vector<Case>{
             {.question = "results round 7", .intent = Intent::kResults, .round = 7},
             {.question = "Matchday twelve results", .intent = Intent::kResults, .round = 12},
             {.question = "results of the 3rd round", .intent = Intent::kResults, .round = 3},
             {.question = "games in January", .intent = Intent::kResults, .month = 1},
             {.question = "results in may", .intent = Intent::kResults, .month = 5},
             {.question = "fixtures today", .intent = Intent::kResults, .period = Period::kToday},
             {.question = "Chelsea games this week",
             .intent = Intent::kResults,
             .teams = {"Chelsea"},
             .period = Period::kThisWeek},
             {.question = "Arsenal points in the last 10 games",
             .intent = Intent::kTeamStat,
             .teams = {"Arsenal"},
             .metric = Metric::kPoints,
             .last_n = 10},
             {.question = "Fulham goals in March",
             .intent = Intent::kTeamStat,
             .teams = {"Fulham"},
             .metric = Metric::kGoalsFor,
             .month = 3},
             {.question = "Chelsea wins round 5",
             .intent = Intent::kTeamStat,
             .teams = {"Chelsea"},
             .metric = Metric::kWins,
             .round = 5},
         }) {
        expect_case(c);
    }
}

// --- names ---

TEST(AnalyticsNames, EveryFullNameOfBothSeasons) {
    for (const Season* season : {&english(), &spanish()}) {
        const std::int64_t event = season == &english() ? kEnglish : kSpanish;
        for (const std::string& name : season->teams) {
            const Parse parse = understood("How many points did " + name + " get?", event);
            ASSERT_EQ(parse.teams.size(), 1U) << name;
            EXPECT_EQ(parse.teams[0].name, name);
            EXPECT_DOUBLE_EQ(parse.teams[0].confidence, 1.0) << name;
        }
    }
}

TEST(AnalyticsNames, DerivedFormsAliasesTyposAccents) {
    struct Form {
        std::string said;
        std::string part;  // of the file's name
        std::int64_t event;
    };
    for (const Form& f : std::vector<Form>{
             {"Brighton", "Brighton", kEnglish},          // a unique first word
             {"Forest", "Nottingham", kEnglish},          // a unique distinctive word
             {"Man City", "Manchester City", kEnglish},   // prefix + word
             {"Man Utd", "Manchester United", kEnglish},  // prefix + abbreviation
             {"Newcastle Utd", "Newcastle", kEnglish},
             {"West Ham", "West Ham", kEnglish},
             {"Spurs", "Tottenham", kEnglish},  // aliases the organizer added
             {"Wolves", "Wolverhampton", kEnglish},
             {"Liverpol", "Liverpool", kEnglish},  // one typo
             {"Newcastel", "Newcastle", kEnglish},
             {"Tottenham Hotspurs", "Tottenham", kEnglish},
             {"Atlético", "Atl", kSpanish},  // accents either way
             {"Atletico Madrid", "Atl", kSpanish},
             {"Cadiz", "diz", kSpanish},
             {"Cádiz", "diz", kSpanish},
             {"Barca", "FC Barcelona", kSpanish},
             {"BARÇA", "FC Barcelona", kSpanish},
             {"Athletic", "Athletic", kSpanish},  // not Atlético with two typos
             {"Real Sociedad", "Sociedad", kSpanish},
             {"Betis", "Betis", kSpanish},
             {"Celta", "Celta", kSpanish},
             {"Celta de Vigo", "Celta", kSpanish},
             {"Brighton and Hove Albion", "Brighton", kEnglish},
         }) {
        const Season& season = f.event == kEnglish ? english() : spanish();
        const Parse parse = understood("how many points did " + f.said + " get", f.event);
        ASSERT_EQ(parse.teams.size(), 1U) << f.said;
        EXPECT_EQ(parse.teams[0].name, team_containing(season, f.part)) << f.said;
        EXPECT_GE(parse.teams[0].confidence, kMinConfidence) << f.said;
    }
}

TEST(AnalyticsNames, EventNamedInTheQuestion) {
    const Parse parse = understood("Who won the Premier League 2022/23?", kSpanish);
    ASSERT_TRUE(parse.event.has_value());
    EXPECT_EQ(parse.event->name, english().name);
    EXPECT_EQ(parse.event_id, kEnglish);
    EXPECT_EQ(parse.intent, Intent::kChampion);
    // Without the caller's event: from the event's name, or from a team's.
    const auto without = [](const std::string& q) {
        return parse_question(q, catalogue(), std::nullopt);
    };
    const ParseResult by_event = without("who won the primera division");
    ASSERT_TRUE(std::holds_alternative<Parse>(by_event));
    EXPECT_EQ(std::get<Parse>(by_event).event_id, kSpanish);
    const ParseResult by_team = without("Where did Osasuna finish?");
    ASSERT_TRUE(std::holds_alternative<Parse>(by_team));
    EXPECT_EQ(std::get<Parse>(by_team).event_id, kSpanish);
    const ParseResult neither = without("who won the league");
    ASSERT_TRUE(declined(neither));
    EXPECT_EQ(declined(neither)->reason, DeclineReason::kNoEvent);
}

// --- declines ---

TEST(AnalyticsDeclines, AmbiguousNamesListTheCandidates) {
    const ParseResult manchester = ask("How many points did Manchester get?");
    ASSERT_TRUE(declined(manchester));
    EXPECT_EQ(declined(manchester)->reason, DeclineReason::kAmbiguousName);
    std::set<std::string> names;
    for (const Entity& e : declined(manchester)->candidates) {
        names.insert(e.name);
    }
    EXPECT_EQ(names, (std::set<std::string>{team_containing(english(), "Manchester City"),
                                            team_containing(english(), "Manchester United")}));
    const ParseResult real = ask("Real points", kSpanish);
    ASSERT_TRUE(declined(real));
    EXPECT_EQ(declined(real)->candidates.size(), 4U);        // Madrid, Betis, Sociedad, Valladolid
    ASSERT_TRUE(declined(ask("Barcelona wins", kSpanish)));  // FC Barcelona or Espanyol
    ASSERT_TRUE(declined(ask("Madrid wins", kSpanish)));
}

TEST(AnalyticsDeclines, WeakNamesAreNotGuessed) {
    // Two typos in "Brighton": too far to answer with, close enough to suggest.
    const ParseResult weak = ask("How many points did Brigthonn get?");
    ASSERT_TRUE(declined(weak));
    EXPECT_EQ(declined(weak)->reason, DeclineReason::kWeakName);
    ASSERT_EQ(declined(weak)->candidates.size(), 1U);
    const std::string brighton = team_containing(english(), "Brighton");
    EXPECT_EQ(declined(weak)->candidates[0].name, brighton);
    EXPECT_LT(declined(weak)->candidates[0].confidence, kMinConfidence);
    EXPECT_EQ(declined(weak)->suggestions.at(0), "How many points did " + brighton + " get?");
}

TEST(AnalyticsDeclines, WeakLeftoverTwoIntentsGibberishSql) {
    for (const std::string& q : std::vector<std::string>{
             "",
             "   ?!  ",
             "Arsenal",
             "Who won the league and how many points did Arsenal get?",
             "how many points and wins did Arsenal get",
             "Arsenal goals scored and conceded",
             "Who is the best player at Chelsea?",
             "What's the weather in London?",
             "xqzt vvbn plok",
             "'; DROP TABLE games; --",
             "1; DELETE FROM teams WHERE 1=1",
             "Robert'); SELECT * FROM users; --",
             "Who won the Champions League?",
             "Who finished third and fourth?",
             "Who finished 25th?",
             "who won in 2011/12",
             "Arsenal vs Arsenal",
             "Who won?",
             "Arsenal home and away wins",
             "results in may june",
             "Was Arsenal beaten by Chelsea?",
             "Who won between Arsenal and Chelsea?",
             "Did Arsenal win?",
             "Did Arsenal lose to Chelsea?",
             "Arsenal player",
             "top 0",
             "Who finished 0th?",
             "results in round 1 and round 2",
             "Who won the league in December?",
             "Arsenal points in 2022",
         }) {
        const ParseResult result = ask(q);
        EXPECT_TRUE(declined(result))
            << "\"" << q << "\" parsed as "
            << (declined(result) ? "" : to_string(std::get<Parse>(result).intent));
    }
    const ParseResult sql = ask("'; DROP TABLE games; --");
    ASSERT_TRUE(declined(sql));
    EXPECT_EQ(declined(sql)->reason, DeclineReason::kUnknownWords);
    EXPECT_NE(std::find(declined(sql)->unused.begin(), declined(sql)->unused.end(), "drop"),
              declined(sql)->unused.end());
}

// --- suggestions ---

TEST(AnalyticsSuggestions, ThreeCloseOnesThatParse) {
    struct Expectation {
        std::string question;
        std::string contains;  // a suggestion mentions it
        std::int64_t event = kEnglish;
    };
    for (const Expectation& e : std::vector<Expectation>{
             {"Arsenal", "Arsenal FC"},
             {"How many pionts did Arsenal get in the cup?", "points did Arsenal FC"},
             {"How did Manchester do?", "Manchester"},
             {"Espanyol vs Barcelona", "Barcelona", kSpanish},
             {"Who is the best player at Chelsea?", "Chelsea FC"},
             {"xqzt vvbn plok", ""},
             {"", ""},
             {"Who won the league and how many points did Arsenal get?", "Arsenal FC"},
         }) {
        const ParseResult result = ask(e.question, e.event);
        ASSERT_TRUE(declined(result)) << e.question;
        const std::vector<std::string>& suggestions = declined(result)->suggestions;
        ASSERT_EQ(suggestions.size(), 3U) << e.question;
        EXPECT_TRUE(std::any_of(
            suggestions.begin(), suggestions.end(),
            [&](const std::string& s) { return s.find(e.contains) != std::string::npos; }))
            << e.question << " -> " << suggestions[0];
        for (const std::string& s : suggestions) {
            EXPECT_TRUE(std::holds_alternative<Parse>(ask(s, e.event)))
                << e.question << " -> " << s;
        }
    }
}

TEST(AnalyticsSuggestions, EveryCanonicalPhrasingParsesBack) {
    const std::vector<std::string> one{team_containing(spanish(), "Atl")};
    const std::vector<std::string> two{team_containing(spanish(), "Sevilla"),
                                       team_containing(spanish(), "Betis")};
    for (int i = 0; i <= static_cast<int>(Intent::kResults); ++i) {
        const auto intent = static_cast<Intent>(i);
        for (const auto& teams : {std::vector<std::string>{}, one, two}) {
            const std::string q = canonical_question(intent, teams, Metric::kPoints);
            const ParseResult result = ask(q, kSpanish);
            if (const auto* parse = std::get_if<Parse>(&result)) {
                EXPECT_EQ(parse->intent, intent) << q;
            } else if ((intent == Intent::kHeadToHead || intent == Intent::kDidBeat) &&
                       teams.size() < 2) {
                continue;  // needs two teams
            } else if (teams.empty() &&
                       (intent == Intent::kTeamPosition || intent == Intent::kTeamStat ||
                        intent == Intent::kLastGame || intent == Intent::kNextGame ||
                        intent == Intent::kForm)) {
                continue;  // needs a team
            } else {
                ADD_FAILURE() << q << ": " << std::get<Decline>(result).detail;
            }
        }
    }
}

// --- robustness ---

TEST(AnalyticsRobustness, RandomBytesAndLongInputs) {
    std::mt19937 random(16);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> length(0, 600);
    std::uniform_int_distribution<int> pick(0, 3);
    const std::vector<std::string> words{
        "who",  "won", "Arsenal",          "top", "3", "é", "\xC3", "round",
        "last", "Man", "\xF0\x9F\x98\x80", "'s",  "-"};
    std::uniform_int_distribution<std::size_t> word(0, words.size() - 1);
    // A bounded sample here; tests/fuzz/fuzz_ask.cpp (make test-fuzz) runs
    // the parser on coverage-guided input for as long as it is given.
    for (int i = 0; i < 2000; ++i) {
        std::string input;
        const int n = length(random);
        const bool wordy = pick(random) == 0;
        for (int k = 0; k < n; ++k) {
            if (wordy) {
                input += words[word(random)] + (pick(random) == 0 ? "" : " ");
            } else {
                input.push_back(static_cast<char>(byte(random)));
            }
        }
        const ParseResult result =
            parse_question(input, catalogue(), i % 3 == 0 ? std::nullopt : std::optional(kEnglish));
        if (const auto* decline = std::get_if<Decline>(&result)) {
            EXPECT_LE(decline->suggestions.size(), 3U);
        }
    }
    for (const std::string& input :
         {std::string(10000, 'a'), std::string(10000, ' '), std::string(10000, '\0'),
          std::string(10000, '\xFF'), std::string(5000, 'a') + " " + std::string(5000, 'b'),
          std::string("who won") + std::string(10000, '?')}) {
        const ParseResult result = ask(input);
        EXPECT_TRUE(declined(result)) << input.substr(0, 20);
    }
    // Many words: refused as too long, not parsed slowly.
    std::string many;
    for (int i = 0; i < 2000; ++i) {
        many += "Arsenal ";
    }
    const ParseResult result = ask(many);
    ASSERT_TRUE(declined(result));
    EXPECT_EQ(declined(result)->reason, DeclineReason::kTooLong);
}

// --- the held-out questions (tests/analytics/README.md) ---

// Why `parse` does not give what `expect` wants, or "" when it does.
std::string mismatch(const Parse& parse, const json& expect, const std::string& event_name) {
    const auto text = [&](const char* key) {
        return expect.contains(key) ? expect.at(key).get<std::string>() : std::string();
    };
    const auto number = [&](const char* key) {
        return expect.contains(key) ? std::optional(expect.at(key).get<int>()) : std::nullopt;
    };
    std::string why;
    const auto check = [&](bool ok, const std::string& what) {
        if (!ok) {
            why += what + "; ";
        }
    };
    check(to_string(parse.intent) == text("intent"),
          "intent " + std::string(to_string(parse.intent)));
    std::vector<std::string> teams;
    if (expect.contains("teams")) {
        teams = expect.at("teams").get<std::vector<std::string>>();
    }
    check(team_names(parse) == teams, "teams");
    if (expect.contains("events")) {
        check(parse.event && parse.event->name == expect.at("events").at(0).get<std::string>(),
              "event");
    } else {
        check(!parse.event || parse.event->name == event_name, "event");
    }
    check(parse.n == number("n"), "n");
    const std::string order = parse.intent == Intent::kTeamAtPosition
                                  ? (parse.order == Order::kLow ? "bottom" : "top")
                                  : std::string(to_string(parse.order));
    check(order == (parse.intent == Intent::kTeamAtPosition ? text("from") : text("order")),
          "order");
    check(to_string(parse.metric) == text("metric"),
          "metric " + std::string(to_string(parse.metric)));
    check(to_string(parse.venue) == (expect.contains("venue") ? text("venue") : "all"), "venue");
    check(parse.time.round == number("round"), "round");
    check(parse.time.month == number("month"), "month");
    check(parse.time.last_n == number("last_n"), "last_n");
    check(to_string(parse.time.period) == text("period"), "period");
    return why;
}

TEST(AnalyticsHeldOut, NoneWrong) {
    std::ifstream in(std::string(SCORELINE_SOURCE_DIR) + "/tests/analytics/heldout_questions.json");
    ASSERT_TRUE(in);
    const json questions = json::parse(in);
    int right = 0;
    int refused_as_expected = 0;
    int declined_count = 0;
    int wrong = 0;
    for (const json& entry : questions) {
        const std::string question = entry.at("question").get<std::string>();
        const std::string file = entry.at("event").get<std::string>();
        const std::int64_t event = event_of(file);
        const json& expect = entry.at("expect");
        const ParseResult result = parse_question(question, catalogue(), event);
        const Decline* decline = declined(result);
        if (expect.is_string()) {
            if (decline != nullptr) {
                ++right;
                ++refused_as_expected;
            } else {
                ++wrong;
                ADD_FAILURE() << "WRONG \"" << question << "\": answered as "
                              << to_string(std::get<Parse>(result).intent) << ", must be declined";
            }
            continue;
        }
        if (decline != nullptr) {
            ++declined_count;
            std::cout << "declined \"" << question << "\": " << decline->detail << "\n";
            continue;
        }
        const std::string event_name = event == kEnglish ? english().name : spanish().name;
        const std::string why = mismatch(std::get<Parse>(result), expect, event_name);
        if (why.empty()) {
            ++right;
        } else {
            ++wrong;
            ADD_FAILURE() << "WRONG \"" << question << "\": " << why;
        }
    }
    std::cout << "held-out questions: " << questions.size() << " right " << right << " ("
              << right - refused_as_expected << " answered, " << refused_as_expected
              << " refused as expected) declined " << declined_count << " wrong " << wrong << "\n";
    EXPECT_EQ(wrong, 0);
    EXPECT_GE(questions.size(), 40U);
}

}  // namespace
