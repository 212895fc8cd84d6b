// Numbers and ordinals in words and digits; see numbers.hpp.
#include "domain/analytics/numbers.hpp"

#include <array>
#include <charconv>
#include <string_view>

namespace domain::analytics {
namespace {

struct Word {
    std::string_view text;
    int value;
    bool ordinal;
};
constexpr std::array kUnits{
    Word{"zero", 0, false},        Word{"one", 1, false},        Word{"two", 2, false},
    Word{"three", 3, false},       Word{"four", 4, false},       Word{"five", 5, false},
    Word{"six", 6, false},         Word{"seven", 7, false},      Word{"eight", 8, false},
    Word{"nine", 9, false},        Word{"ten", 10, false},       Word{"eleven", 11, false},
    Word{"twelve", 12, false},     Word{"thirteen", 13, false},  Word{"fourteen", 14, false},
    Word{"fifteen", 15, false},    Word{"sixteen", 16, false},   Word{"seventeen", 17, false},
    Word{"eighteen", 18, false},   Word{"nineteen", 19, false},  Word{"first", 1, true},
    Word{"second", 2, true},       Word{"third", 3, true},       Word{"fourth", 4, true},
    Word{"fifth", 5, true},        Word{"sixth", 6, true},       Word{"seventh", 7, true},
    Word{"eighth", 8, true},       Word{"ninth", 9, true},       Word{"tenth", 10, true},
    Word{"eleventh", 11, true},    Word{"twelfth", 12, true},    Word{"thirteenth", 13, true},
    Word{"fourteenth", 14, true},  Word{"fifteenth", 15, true},  Word{"sixteenth", 16, true},
    Word{"seventeenth", 17, true}, Word{"eighteenth", 18, true}, Word{"nineteenth", 19, true},
};
constexpr std::array kTens{
    Word{"twenty", 20, false},  Word{"thirty", 30, false},   Word{"forty", 40, false},
    Word{"fifty", 50, false},   Word{"twentieth", 20, true}, Word{"thirtieth", 30, true},
    Word{"fortieth", 40, true}, Word{"fiftieth", 50, true},
};

template <std::size_t N>
const Word* find(const std::array<Word, N>& words, std::string_view text) {
    for (const Word& w : words) {
        if (w.text == text) {
            return &w;
        }
    }
    return nullptr;
}

// "3", "3rd", "17th", "21st", "22nd".
std::optional<NumberWord> read_digits(std::string_view text) {
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || value > 999 || value < 0) {
        return std::nullopt;
    }
    const std::string_view suffix(end, static_cast<std::size_t>(text.data() + text.size() - end));
    if (suffix.empty()) {
        return NumberWord{value, false, 1};
    }
    const int last = value % 10;
    const int last_two = value % 100;
    std::string_view want = "th";
    if (last_two < 11 || last_two > 13) {
        want = last == 1 ? "st" : last == 2 ? "nd" : last == 3 ? "rd" : "th";
    }
    if (suffix == want) {
        return NumberWord{value, true, 1};
    }
    return std::nullopt;
}

}  // namespace

std::optional<NumberWord> read_number(std::span<const Token> tokens) {
    if (tokens.empty()) {
        return std::nullopt;
    }
    const Token& first = tokens[0];
    if (first.digits) {
        return read_digits(first.text);
    }
    if (const Word* unit = find(kUnits, first.text)) {
        return NumberWord{unit->value, unit->ordinal, 1};
    }
    const Word* ten = find(kTens, first.text);
    if (ten == nullptr) {
        return std::nullopt;
    }
    if (!ten->ordinal && tokens.size() > 1) {
        const Word* unit = find(kUnits, tokens[1].text);
        if (unit != nullptr && unit->value >= 1 && unit->value <= 9) {
            return NumberWord{ten->value + unit->value, unit->ordinal, 2};
        }
    }
    return NumberWord{ten->value, ten->ordinal, 1};
}

}  // namespace domain::analytics
