// Numbers in questions (issue 16): digits ("3", "10"), ordinals in digits
// ("3rd", "17th") and words ("third", "seventeenth"), cardinal words ("three",
// "twenty one"). Pure; any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "domain/analytics/text.hpp"

namespace domain::analytics {

struct NumberWord {
    int value = 0;
    bool ordinal = false;    // "third", "3rd" (a position), not "three", "3" (a count)
    std::size_t tokens = 1;  // how many tokens it took ("twenty first" = 2)
};

// The number that starts at tokens[0], if any. Values above 999 are not
// numbers here (a year, a season) and give nullopt.
[[nodiscard]] std::optional<NumberWord> read_number(std::span<const Token> tokens);

}  // namespace domain::analytics
