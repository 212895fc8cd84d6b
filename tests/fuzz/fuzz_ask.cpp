// libFuzzer target: domain::analytics::parse_question, which reads every
// question of POST /api/v1/analytics/ask as the user typed it. The first
// input byte picks whether the caller named the event; the rest is the
// question. Any input is parsed without a crash, an exception or undefined
// behaviour (the build runs ASan and UBSan), a parse names the event it is
// about, and a refusal offers at most three suggestions, none empty.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <variant>

#include "domain/analytics/question.hpp"

namespace {

using namespace domain::analytics;

void require(bool ok) {
    if (!ok) {
        std::abort();
    }
}

// A small league with a derived short form ("Man"), an alias, accents and a
// name shared by two teams ("United").
const Catalogue& catalogue() {
    static const Catalogue c = [] {
        Catalogue k;
        k.events = {{1, "Premier League 2022/23", "premier-league-2022-23", "football"},
                    {2, "La Liga 2022/23", "la-liga-2022-23", "football"}};
        k.teams = {{1, 1, "Arsenal FC", "ARS", {}},
                   {2, 1, "Manchester City FC", "MCI", {}},
                   {3, 1, "Manchester United FC", "MUN", {}},
                   {4, 1, "Tottenham Hotspur FC", std::nullopt, {"Spurs"}},
                   {5, 1, "West Ham United FC", std::nullopt, {}},
                   {6, 2, "Atlético Madrid", std::nullopt, {}},
                   {7, 2, "Cádiz CF", std::nullopt, {}},
                   {8, 2, "FC Barcelona", std::nullopt, {"Barça"}}};
        return k;
    }();
    return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::optional<std::int64_t> event =
        data[0] % 3 == 0 ? std::nullopt : std::optional<std::int64_t>(data[0] % 2 + 1);
    const std::string_view question(reinterpret_cast<const char*>(data + 1), size - 1);
    const ParseResult result = parse_question(question, catalogue(), event);
    if (const auto* parse = std::get_if<Parse>(&result)) {
        require(parse->event_id == 1 || parse->event_id == 2);
        return 0;
    }
    const auto& decline = std::get<Decline>(result);
    require(decline.suggestions.size() <= 3);
    for (const auto& suggestion : decline.suggestions) {
        require(!suggestion.empty());
    }
    return 0;
}
