// The intents of the analytics parser (issue 16) as rules over the cues of a
// question: which cues each intent may use, which it needs, and how it reads
// its parameters. Internal to the parser (question.cpp, suggestions.cpp).
// Pure; any thread.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "domain/analytics/lexicon.hpp"
#include "domain/analytics/question.hpp"

namespace domain::analytics {

inline constexpr std::size_t kCueCount = static_cast<std::size_t>(Cue::kCount);
using CueSet = std::bitset<kCueCount>;

// What the words of a question said, names aside.
struct Cues {
    std::array<int, kCueCount> count{};
    std::vector<int> ordinals;  // "third", "4th"
    std::vector<int> numbers;   // numbers no phrase took
    std::optional<int> rank_count;
    Order rank_order = Order::kNone;
    TimeFilter time;
    int teams = 0;
    bool event_named = false;
    bool yes_no = false;  // starts with "did", "was", "is", …: asks whether, not how many

    [[nodiscard]] bool has(Cue cue) const { return count[static_cast<std::size_t>(cue)] > 0; }
    // The cues present, stop words and names left out.
    [[nodiscard]] CueSet present() const;
};

struct IntentRule {
    Intent intent;
    CueSet allowed;  // what it may use (besides stop words and names)
    CueSet keys;     // what is typical of it (ranks suggestions)
    int min_teams;
    int max_teams;
};

[[nodiscard]] std::span<const IntentRule> intent_rules();

// The standings metrics the cues name (goals scored and conceded at once are
// two).
[[nodiscard]] std::vector<Metric> metrics_of(const Cues& cues);

// Whether `rule` uses every cue of the question and finds what it needs;
// if so, fills the intent's parameters into `parse`.
[[nodiscard]] bool apply(const IntentRule& rule, const Cues& cues, Parse* parse);

}  // namespace domain::analytics
