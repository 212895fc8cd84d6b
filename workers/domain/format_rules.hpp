// What a tournament format means for the rest of the code: whether a game may
// end level, whether the event keeps a standings table, whether a game's
// winner moves on to a next game, and how the schedule pairs the teams.
// Every caller asks the one question it needs; a new format is one more case
// in rules_of() (checked by -Wswitch-enum). Pure; callable from any thread.
#pragma once

#include "domain/tournament.hpp"

namespace domain {

// How make_schedule pairs the teams of a format.
enum class PairingKind {
    kCircleOnce,   // every pair meets once (circle method)
    kCircleTwice,  // every pair meets twice, home and away swapped
    kBracket,      // single-elimination bracket with byes for the top seeds
};

struct FormatRules {
    bool allows_draws = false;     // a game may go final level
    bool keeps_standings = false;  // the event has a standings table
    bool advances_winner = false;  // a final game's winner is placed in the next game
    PairingKind pairing = PairingKind::kCircleOnce;
};

[[nodiscard]] FormatRules rules_of(Format format) noexcept;

}  // namespace domain
