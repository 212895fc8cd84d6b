// The analytics question parser (issue 16, docs/analytics.md): a question in
// plain words about an event's results -> what it asks (an intent and its
// parameters), or a refusal that says what was understood and suggests up to
// three phrasings the parser does understand. Deterministic, no I/O, never
// throws, safe on any bytes; the route (POST /api/v1/analytics/ask) picks a
// named, parameterized query by the intent. Any thread.
//
// Precision before coverage: it refuses when a name matches weakly or several
// teams, when a word is left that it did not use, when two intents fit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/analytics/catalogue.hpp"
#include "domain/analytics/names.hpp"

namespace domain::analytics {

enum class Intent {
    kChampion,            // who won / leads
    kTeamAtPosition,      // who finished N-th (from the top or the bottom)
    kTeamPosition,        // where team X finished
    kTeamStat,            // a team's points, wins, ..., record, goals, goal difference
    kRanking,             // top / bottom N by a standings column
    kExtreme,             // which team has the most / fewest of a metric
    kHeadToHead,          // the games between two teams and their aggregate
    kDidBeat,             // did X beat Y
    kLastGame,            // a team's last game and its result
    kNextGame,            // a team's next game
    kForm,                // a team's last N results
    kLongestRun,          // longest unbeaten / winning run (of a team or anyone)
    kBiggestWin,          // biggest winning margin (of a team or anyone)
    kHighestScoringGame,  // most goals in one game
    kAverage,             // goals / goals against / points per game
    kGamesCount,          // games played / remaining
    kResults,             // the games of a round, a month, a day, a week (of a team)
};
// snake_case, as in the API's interpretation: "champion", "team_at_position", …
[[nodiscard]] std::string_view to_string(Intent intent);

enum class Metric {
    kNone,
    kPoints,
    kWins,
    kDraws,
    kLosses,
    kRecord,
    kGoalsFor,
    kGoalsAgainst,
    kGoalDifference,
    kGoalsPerGame,
    kGoalsAgainstPerGame,
    kPointsPerGame,
    kPlayed,
    kRemaining,
    kUnbeaten,
    kWinning,
};
[[nodiscard]] std::string_view to_string(Metric metric);

enum class Venue { kAll, kHome, kAway };
[[nodiscard]] std::string_view to_string(Venue venue);

// kHigh: largest first, top, most, counted from the top; kLow: the other way.
enum class Order { kNone, kHigh, kLow };
[[nodiscard]] std::string_view to_string(Order order);

enum class Period { kNone, kToday, kThisWeek };
[[nodiscard]] std::string_view to_string(Period period);

struct TimeFilter {
    std::optional<int> round;   // "round 10", "matchday 10"
    std::optional<int> month;   // 1..12, "in December"
    std::optional<int> last_n;  // "in the last 5 games"
    Period period = Period::kNone;
};

// An understood question.
struct Parse {
    Intent intent = Intent::kChampion;
    std::vector<Entity> teams;    // in the question's order (did_beat: the winner first)
    std::optional<Entity> event;  // named in the question, else the caller's
    std::int64_t event_id = 0;    // the event the question is about
    std::optional<int> n;         // position, top/bottom count, form length
    Metric metric = Metric::kNone;
    Order order = Order::kNone;
    Venue venue = Venue::kAll;
    TimeFilter time;
};

enum class DeclineReason {
    kEmpty,           // no words
    kTooLong,         // too many words to be one question
    kAmbiguousName,   // a name fits several teams or events (candidates)
    kWeakName,        // a name matched too weakly to rely on (candidates)
    kUnknownWords,    // words it did not use (unused)
    kNoIntent,        // nothing it knows how to answer
    kSeveralIntents,  // two or more intents fit
    kNoEvent,         // it is not clear which event the question is about
};
[[nodiscard]] std::string_view to_string(DeclineReason reason);

// A refused question: why, what was understood, and up to three questions in
// a canonical phrasing, closest first, that the parser does understand.
struct Decline {
    DeclineReason reason = DeclineReason::kNoIntent;
    std::string detail;               // one sentence for a person
    std::vector<Entity> entities;     // names it did understand
    std::vector<Entity> candidates;   // for an ambiguous or weak name
    std::vector<std::string> unused;  // words it did not use
    std::vector<Intent> intents;      // for kSeveralIntents
    std::vector<std::string> suggestions;
};

using ParseResult = std::variant<Parse, Decline>;

// Parses `question` against `catalogue`; `event_id` is the caller's event, if
// any (an event named in the question wins). Never throws.
[[nodiscard]] ParseResult parse_question(std::string_view question, const Catalogue& catalogue,
                                         std::optional<std::int64_t> event_id) noexcept;

// At most this many words are read; a longer question is declined.
inline constexpr std::size_t kMaxQuestionTokens = 60;

}  // namespace domain::analytics
