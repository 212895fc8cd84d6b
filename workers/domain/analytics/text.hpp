// Text handling of the analytics question parser (issue 16, docs/analytics.md):
// folding UTF-8 to lower-case ASCII (accents dropped: é -> e, ß -> ss), cutting
// it into tokens, and a bounded Damerau-Levenshtein distance for typos. Pure;
// safe on any bytes (invalid UTF-8 and control characters become separators);
// any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace domain::analytics {

// `text` with ASCII letters lower-cased, Latin-1 Supplement and Latin
// Extended-A letters folded to ASCII, typographic quotes and dashes made
// ASCII, control characters and invalid UTF-8 made spaces. Other valid code
// points are kept as they are (they end up in tokens no word matches).
[[nodiscard]] std::string fold(std::string_view utf8);

// One word of a folded text: letters and digits ("3rd", "2022/23", "wdl");
// "&" is the word "and". A possessive "'s" is dropped ("brighton's" -> "brighton"), other
// apostrophes are removed, hyphens split words except between single letters
// ("w-d-l" -> "wdl"), a slash joins digits ("2022/23").
struct Token {
    std::string text;
    bool digits = false;  // starts with a digit
};

// The tokens of `utf8` (folded first). At most `max_tokens` are returned;
// `truncated` tells whether there were more.
[[nodiscard]] std::vector<Token> tokenize(std::string_view utf8, std::size_t max_tokens,
                                          bool* truncated);

// Optimal-string-alignment distance (insertions, deletions, substitutions and
// transpositions of neighbours) between `a` and `b`, or `bound + 1` when it is
// larger than `bound` (or either string is longer than 64 bytes).
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t bound);

// Whether `abbr` is a subsequence of `word` starting with its first letter
// ("utd" of "united").
[[nodiscard]] bool is_abbreviation(std::string_view abbr, std::string_view word);

}  // namespace domain::analytics
