// The expected side of the analytics question-and-answer test (issue 16,
// tests/e2e/analytics_qa_test.cpp): the seasons of ../shared/data/football
// read from their files, and for a question's expectation
// (tests/analytics/README.md) the answer the contract of
// POST /api/v1/analytics/ask calls for (columns and rows), computed from the
// data alone: the standings with the league's tiebreakers, runs, form, head
// to head, averages, counts. Nothing here asks the API or calls domain code.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace qa {

using json = nlohmann::json;

struct Match {
    int round = 0;
    std::string starts_at;  // UTC, as the API writes it: 2022-08-05T19:00:00Z
    std::string home;
    std::string away;
    int home_goals = 0;
    int away_goals = 0;
    int ht_home = 0;
    int ht_away = 0;
    bool final = false;   // every matchday but the last
    std::int64_t id = 0;  // the game's id, once loaded
};

struct League {
    std::string file;
    std::string name;  // the event's name
    std::string time_zone;
    std::vector<std::string> tiebreakers;
    std::vector<Match> matches;
    std::vector<std::string> teams;  // sorted
    std::int64_t event_id = 0;
    std::map<std::string, std::int64_t> team_ids;
};

// Reads a season file; `name` is the event's, `offset` the zone's standard
// offset in minutes (EU summer time on top), every matchday but the last final.
[[nodiscard]] League read_league(const std::string& file, std::string name, std::string zone,
                                 int offset, std::vector<std::string> tiebreakers);

// The league's table of its final games, team names in standings order.
[[nodiscard]] std::vector<std::string> table_order(const League& league);

// What a question asks, from its "expect" object (tests/analytics/README.md).
struct Ask {
    std::string intent;
    std::vector<std::string> teams;
    std::optional<int> n;
    std::string from;  // team_at_position: top | bottom
    std::string metric;
    std::string order;  // high | low | ""
    std::string venue;  // all | home | away
    std::optional<int> round, month, last_n;
    std::string period;
};

[[nodiscard]] Ask read_ask(const json& expect);

struct Expected {
    json columns;
    json rows;
    bool rows_unordered = false;    // "every team tied": any order
    bool game_rows = false;         // rows start with starts_at: order only between times
    std::vector<json> run_choices;  // longest_run: every tied run of each team
    std::optional<bool> yes;        // did_beat: the answer starts with Yes / No
};

// The answer `ask` calls for in `league`.
[[nodiscard]] Expected expected_answer(const League& league, const Ask& ask);

// Why the 200 answer `body` is not the expected one (interpretation, columns,
// rows), or "" when it is. `event_named`: the question names the event.
[[nodiscard]] std::string check_answer(const json& body, const Ask& ask, const Expected& expected,
                                       const League& league, bool event_named);

}  // namespace qa
