// "Did you mean" for a declined analytics question (issue 16): up to three
// questions in the canonical phrasing the parser reads back, built from the
// intents closest to the question's cues and the names it found. Internal to
// the parser (question.cpp). Pure; any thread.
#pragma once

#include <string>
#include <vector>

#include "domain/analytics/intents.hpp"

namespace domain::analytics {

inline constexpr std::size_t kMaxSuggestions = 3;

// Suggestions for a question with `cues` (nullptr: nothing was read) that
// named `teams`, or a name that fits `candidates`; closest first, distinct.
[[nodiscard]] std::vector<std::string> suggest(const Cues* cues, const std::vector<Entity>& teams,
                                               const std::vector<Entity>& candidates);

// The canonical question for `intent` about `teams` (as many as it takes),
// with `metric` where the intent takes one. Parsing it gives `intent` back.
[[nodiscard]] std::string canonical_question(Intent intent, const std::vector<std::string>& teams,
                                             Metric metric);

}  // namespace domain::analytics
