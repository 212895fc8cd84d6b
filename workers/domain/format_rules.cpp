// The rules record of each format (see format_rules.hpp).
#include "domain/format_rules.hpp"

#include <cstdlib>

namespace domain {

FormatRules rules_of(Format format) noexcept {
    switch (format) {
        case Format::kRoundRobin:
            return {.allows_draws = true,
                    .keeps_standings = true,
                    .advances_winner = false,
                    .pairing = PairingKind::kCircleOnce};
        case Format::kDoubleRoundRobin:
            return {.allows_draws = true,
                    .keeps_standings = true,
                    .advances_winner = false,
                    .pairing = PairingKind::kCircleTwice};
        case Format::kSingleElimination:
            return {.allows_draws = false,
                    .keeps_standings = false,
                    .advances_winner = true,
                    .pairing = PairingKind::kBracket};
    }
    std::abort();  // not a Format value: rows are parsed, -Wswitch-enum checks the cases
}

}  // namespace domain
