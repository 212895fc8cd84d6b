// Folding, tokens and edit distance of the analytics parser; see text.hpp.
#include "domain/analytics/text.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

namespace domain::analytics {
namespace {

// ASCII spelling of the code points U+00C0..U+017F (Latin-1 Supplement
// letters and Latin Extended-A); ranges share one spelling.
struct FoldRange {
    char32_t first;
    char32_t last;
    const char* ascii;
};
constexpr std::array kFoldRanges{
    FoldRange{0xC0, 0xC5, "a"},   FoldRange{0xC6, 0xC6, "ae"},  FoldRange{0xC7, 0xC7, "c"},
    FoldRange{0xC8, 0xCB, "e"},   FoldRange{0xCC, 0xCF, "i"},   FoldRange{0xD0, 0xD0, "d"},
    FoldRange{0xD1, 0xD1, "n"},   FoldRange{0xD2, 0xD6, "o"},   FoldRange{0xD7, 0xD7, " "},
    FoldRange{0xD8, 0xD8, "o"},   FoldRange{0xD9, 0xDC, "u"},   FoldRange{0xDD, 0xDD, "y"},
    FoldRange{0xDE, 0xDE, "th"},  FoldRange{0xDF, 0xDF, "ss"},  FoldRange{0xE0, 0xE5, "a"},
    FoldRange{0xE6, 0xE6, "ae"},  FoldRange{0xE7, 0xE7, "c"},   FoldRange{0xE8, 0xEB, "e"},
    FoldRange{0xEC, 0xEF, "i"},   FoldRange{0xF0, 0xF0, "d"},   FoldRange{0xF1, 0xF1, "n"},
    FoldRange{0xF2, 0xF6, "o"},   FoldRange{0xF7, 0xF7, " "},   FoldRange{0xF8, 0xF8, "o"},
    FoldRange{0xF9, 0xFC, "u"},   FoldRange{0xFD, 0xFD, "y"},   FoldRange{0xFE, 0xFE, "th"},
    FoldRange{0xFF, 0xFF, "y"},   FoldRange{0x100, 0x105, "a"}, FoldRange{0x106, 0x10D, "c"},
    FoldRange{0x10E, 0x111, "d"}, FoldRange{0x112, 0x11B, "e"}, FoldRange{0x11C, 0x123, "g"},
    FoldRange{0x124, 0x127, "h"}, FoldRange{0x128, 0x131, "i"}, FoldRange{0x132, 0x133, "ij"},
    FoldRange{0x134, 0x135, "j"}, FoldRange{0x136, 0x138, "k"}, FoldRange{0x139, 0x142, "l"},
    FoldRange{0x143, 0x14B, "n"}, FoldRange{0x14C, 0x151, "o"}, FoldRange{0x152, 0x153, "oe"},
    FoldRange{0x154, 0x159, "r"}, FoldRange{0x15A, 0x161, "s"}, FoldRange{0x162, 0x167, "t"},
    FoldRange{0x168, 0x173, "u"}, FoldRange{0x174, 0x175, "w"}, FoldRange{0x176, 0x178, "y"},
    FoldRange{0x179, 0x17E, "z"}, FoldRange{0x17F, 0x17F, "s"},
};

// The ASCII spelling of `cp`, or nullptr when it is kept as it is.
const char* fold_code_point(char32_t cp) {
    if (cp >= 0x80 && cp < 0xC0) {
        return " ";  // C1 controls and Latin-1 symbols (no-break space, ¿, ¡, «, »)
    }
    for (const FoldRange& range : kFoldRanges) {
        if (cp >= range.first && cp <= range.last) {
            return range.ascii;
        }
    }
    switch (cp) {
        case 0x2018:
        case 0x2019:
        case 0x02BC:
            return "'";
        case 0x2010:
        case 0x2011:
        case 0x2013:
        case 0x2014:
            return "-";
        default:
            return nullptr;
    }
}

// Decodes one UTF-8 sequence at `s[i]`; returns its length, or 0 when the
// bytes there are not a valid, shortest-form sequence.
std::size_t decode(std::string_view s, std::size_t i, char32_t* cp) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    char32_t value = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        value = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        value = b0 & 0x0F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        value = b0 & 0x07;
    } else {
        return 0;
    }
    if (i + len > s.size()) {
        return 0;
    }
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) {
            return 0;
        }
        value = (value << 6) | (b & 0x3F);
    }
    const char32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
        return 0;
    }
    *cp = value;
    return len;
}

bool is_word_byte(char c) {
    const auto u = static_cast<unsigned char>(c);
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || u >= 0x80;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_letter(char c) {
    return c >= 'a' && c <= 'z';
}

}  // namespace

std::string fold(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    std::size_t i = 0;
    while (i < utf8.size()) {
        const char c = utf8[i];
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x80) {
            if (u < 0x20 || u == 0x7F) {
                out.push_back(' ');
            } else if (c >= 'A' && c <= 'Z') {
                out.push_back(static_cast<char>(c - 'A' + 'a'));
            } else {
                out.push_back(c);
            }
            ++i;
            continue;
        }
        char32_t cp = 0;
        const std::size_t len = decode(utf8, i, &cp);
        if (len == 0) {
            out.push_back(' ');
            ++i;
            continue;
        }
        if (const char* ascii = fold_code_point(cp)) {
            out.append(ascii);
        } else {
            out.append(utf8.substr(i, len));
        }
        i += len;
    }
    return out;
}

std::vector<Token> tokenize(std::string_view utf8, std::size_t max_tokens, bool* truncated) {
    const std::string text = fold(utf8);
    std::vector<Token> tokens;
    if (truncated != nullptr) {
        *truncated = false;
    }
    std::string word;
    auto flush = [&] {
        if (word.empty()) {
            return;
        }
        if (tokens.size() == max_tokens) {
            if (truncated != nullptr) {
                *truncated = true;
            }
        } else {
            tokens.push_back(Token{word, is_digit(word.front())});
        }
        word.clear();
    };
    const std::size_t n = text.size();
    for (std::size_t i = 0; i < n; ++i) {
        const char c = text[i];
        const char prev = i > 0 ? text[i - 1] : ' ';
        const char next = i + 1 < n ? text[i + 1] : ' ';
        if (is_word_byte(c)) {
            word.push_back(c);
        } else if (c == '\'') {
            // "brighton's" -> "brighton"; "o'neil" -> "oneil"; a quote alone separates.
            if (!word.empty() && next == 's' && (i + 2 >= n || !is_word_byte(text[i + 2]))) {
                ++i;
            } else if (word.empty() || !is_word_byte(next)) {
                flush();
            }
        } else if (c == '/' && is_digit(prev) && is_digit(next) && !word.empty()) {
            word.push_back(c);
        } else if (c == '-' && is_letter(prev) && (i < 2 || !is_word_byte(text[i - 2])) &&
                   is_letter(next) && (i + 2 >= n || !is_word_byte(text[i + 2]))) {
            continue;  // "w-d-l": single letters joined by hyphens stay one word
        } else if (c == '&') {
            flush();
            word = "and";  // "Brighton & Hove" is "Brighton and Hove"
            flush();
        } else {
            flush();
        }
        if (tokens.size() == max_tokens && truncated != nullptr && *truncated) {
            break;
        }
    }
    flush();
    return tokens;
}

std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t bound) {
    constexpr std::size_t kMax = 64;
    if (a.size() > kMax || b.size() > kMax) {
        return bound + 1;
    }
    const std::size_t diff = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
    if (diff > bound) {
        return bound + 1;
    }
    // Three rows of the OSA table: two before and the current one.
    std::array<std::array<std::size_t, kMax + 1>, 3> rows{};
    std::size_t* before = rows[0].data();
    std::size_t* prev = rows[1].data();
    std::size_t* cur = rows[2].data();
    for (std::size_t j = 0; j <= b.size(); ++j) {
        prev[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        std::size_t row_min = cur[0];
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            std::size_t best = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                best = std::min(best, before[j - 2] + 1);
            }
            cur[j] = best;
            row_min = std::min(row_min, best);
        }
        if (row_min > bound) {
            return bound + 1;
        }
        std::swap(before, prev);
        std::swap(prev, cur);
    }
    return std::min(prev[b.size()], bound + 1);
}

bool is_abbreviation(std::string_view abbr, std::string_view word) {
    if (abbr.empty() || word.empty() || abbr.front() != word.front()) {
        return false;
    }
    std::size_t k = 0;
    for (const char c : word) {
        if (k < abbr.size() && abbr[k] == c) {
            ++k;
        }
    }
    return k == abbr.size();
}

}  // namespace domain::analytics
