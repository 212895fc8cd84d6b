// The words the analytics parser knows (issue 16): each word or fixed phrase
// of a question gets a cue ("points" -> kPoints, "head to head" -> kVs,
// "the" -> kStop). Names, numbers, months and round words are read apart
// (names.hpp, numbers.hpp). Pure; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "domain/analytics/text.hpp"

namespace domain::analytics {

enum class Cue : std::uint8_t {
    kUnknown,  // a word the parser does not know: the question is declined
    kStop,     // may be ignored: "the", "did", "who", "please"
    kGame,
    kPlay,
    kResults,
    kWin,
    kWinning,
    kDraw,
    kLoss,
    kBeat,
    kPoints,
    kGoals,
    kScored,
    kConceded,
    kGoalsFor,
    kGoalsAgainst,
    kGoalDifference,
    kRecord,
    kFinish,
    kChampion,
    kLeague,
    kTop,
    kBottom,
    kLast,
    kFromBottom,
    kMost,
    kFewest,
    kVs,
    kNext,
    kForm,
    kRun,
    kUnbeaten,
    kLongest,
    kBiggest,
    kHighestScoring,
    kPer,
    kAverage,
    kHome,
    kAway,
    kPlayed,
    kRemaining,
    kToday,
    kThisWeek,
    kRoundWord,  // "round", "matchday": needs a number
    kMonthName,  // "december": month_of() says which
    // Set by the parser on what it read out of the words:
    kRound,      // "round 10"
    kMonth,      // "in december"
    kWindow,     // "the last 5 (games)"
    kRankCount,  // "top 3", "bottom five"
    kOrdinal,    // "third", "4th"
    kNumber,     // "4" (a number no phrase took)
    kName,       // a team's or an event's words
    kCount,      // (the number of cues)
};

// The cue of the fixed phrase that starts at tokens[0] ("head to head",
// "goal difference", "away from home"), and how many tokens it takes.
struct PhraseCue {
    Cue cue = Cue::kUnknown;
    std::size_t tokens = 0;
};
[[nodiscard]] std::optional<PhraseCue> phrase_cue(std::span<const Token> tokens);

// The cue of one word, kUnknown when the parser does not know it.
[[nodiscard]] Cue word_cue(std::string_view word);

// The cue of a word one typo away from exactly one known word of at least 5
// letters ("pionts" -> kPoints), else kUnknown.
[[nodiscard]] Cue typo_cue(std::string_view word);

// 1..12 for a month's name or its abbreviation ("dec"); nullopt otherwise.
[[nodiscard]] std::optional<int> month_of(std::string_view word);

// Whether `word` is one of the parser's own words (a cue, a number word, a
// month): such a word matches a team or event name only exactly.
[[nodiscard]] bool is_vocabulary(std::string_view word);

}  // namespace domain::analytics
