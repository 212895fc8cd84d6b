// The words of the analytics parser; see lexicon.hpp.
#include "domain/analytics/lexicon.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <vector>

#include "domain/analytics/numbers.hpp"

namespace domain::analytics {
namespace {

struct WordCue {
    std::string_view word;
    Cue cue;
};

// clang-format off
constexpr std::array kWords{
    // Words that may be ignored.
    WordCue{"the", Cue::kStop}, WordCue{"a", Cue::kStop}, WordCue{"an", Cue::kStop},
    WordCue{"of", Cue::kStop}, WordCue{"in", Cue::kStop}, WordCue{"on", Cue::kStop},
    WordCue{"at", Cue::kStop}, WordCue{"by", Cue::kStop}, WordCue{"for", Cue::kStop},
    WordCue{"to", Cue::kStop}, WordCue{"from", Cue::kStop}, WordCue{"me", Cue::kStop},
    WordCue{"show", Cue::kStop}, WordCue{"list", Cue::kStop}, WordCue{"tell", Cue::kStop},
    WordCue{"give", Cue::kStop}, WordCue{"please", Cue::kStop}, WordCue{"what", Cue::kStop},
    WordCue{"whats", Cue::kStop}, WordCue{"which", Cue::kStop}, WordCue{"who", Cue::kStop},
    WordCue{"whose", Cue::kStop}, WordCue{"where", Cue::kStop}, WordCue{"when", Cue::kStop},
    WordCue{"how", Cue::kStop}, WordCue{"many", Cue::kStop}, WordCue{"much", Cue::kStop},
    WordCue{"number", Cue::kStop}, WordCue{"did", Cue::kStop}, WordCue{"do", Cue::kStop},
    WordCue{"does", Cue::kStop}, WordCue{"is", Cue::kStop}, WordCue{"are", Cue::kStop},
    WordCue{"was", Cue::kStop}, WordCue{"were", Cue::kStop}, WordCue{"be", Cue::kStop},
    WordCue{"has", Cue::kStop}, WordCue{"have", Cue::kStop}, WordCue{"had", Cue::kStop},
    WordCue{"get", Cue::kStop}, WordCue{"got", Cue::kStop}, WordCue{"team", Cue::kStop},
    WordCue{"teams", Cue::kStop}, WordCue{"side", Cue::kStop}, WordCue{"sides", Cue::kStop},
    WordCue{"club", Cue::kStop}, WordCue{"clubs", Cue::kStop}, WordCue{"this", Cue::kStop},
    WordCue{"season", Cue::kStop}, WordCue{"table", Cue::kStop}, WordCue{"up", Cue::kStop},
    WordCue{"so", Cue::kStop}, WordCue{"far", Cue::kStop}, WordCue{"their", Cue::kStop},
    WordCue{"its", Cue::kStop}, WordCue{"it", Cue::kStop}, WordCue{"they", Cue::kStop},
    WordCue{"there", Cue::kStop}, WordCue{"and", Cue::kStop},
    WordCue{"total", Cue::kStop}, WordCue{"overall", Cue::kStop}, WordCue{"all", Cue::kStop},
    WordCue{"i", Cue::kStop}, WordCue{"you", Cue::kStop}, WordCue{"can", Cue::kStop},
    WordCue{"during", Cue::kStop}, WordCue{"over", Cue::kStop}, WordCue{"with", Cue::kStop},
    WordCue{"whole", Cue::kStop}, WordCue{"s", Cue::kStop}, WordCue{"suffer", Cue::kStop},
    WordCue{"suffered", Cue::kStop},
    // Games and results.
    WordCue{"game", Cue::kGame}, WordCue{"games", Cue::kGame}, WordCue{"match", Cue::kGame},
    WordCue{"matches", Cue::kGame}, WordCue{"play", Cue::kPlay}, WordCue{"plays", Cue::kPlay},
    WordCue{"playing", Cue::kPlay}, WordCue{"result", Cue::kResults},
    WordCue{"results", Cue::kResults}, WordCue{"fixture", Cue::kResults},
    WordCue{"fixtures", Cue::kResults}, WordCue{"scores", Cue::kResults},
    WordCue{"scorelines", Cue::kResults},
    // Standings columns.
    WordCue{"win", Cue::kWin}, WordCue{"wins", Cue::kWin}, WordCue{"won", Cue::kWin},
    WordCue{"victory", Cue::kWin}, WordCue{"victories", Cue::kWin},
    WordCue{"winning", Cue::kWinning}, WordCue{"draw", Cue::kDraw}, WordCue{"draws", Cue::kDraw},
    WordCue{"drew", Cue::kDraw}, WordCue{"drawn", Cue::kDraw}, WordCue{"tie", Cue::kDraw},
    WordCue{"ties", Cue::kDraw}, WordCue{"tied", Cue::kDraw}, WordCue{"lose", Cue::kLoss},
    WordCue{"loses", Cue::kLoss}, WordCue{"lost", Cue::kLoss}, WordCue{"losing", Cue::kLoss},
    WordCue{"loss", Cue::kLoss}, WordCue{"losses", Cue::kLoss}, WordCue{"defeat", Cue::kLoss},
    WordCue{"defeats", Cue::kLoss}, WordCue{"beat", Cue::kBeat}, WordCue{"beats", Cue::kBeat},
    WordCue{"beaten", Cue::kBeat}, WordCue{"defeated", Cue::kBeat},
    WordCue{"points", Cue::kPoints}, WordCue{"point", Cue::kPoints}, WordCue{"pts", Cue::kPoints},
    WordCue{"goals", Cue::kGoals}, WordCue{"goal", Cue::kGoals}, WordCue{"scored", Cue::kScored},
    WordCue{"score", Cue::kScored}, WordCue{"scoring", Cue::kScored},
    WordCue{"netted", Cue::kScored}, WordCue{"conceded", Cue::kConceded},
    WordCue{"concede", Cue::kConceded}, WordCue{"concedes", Cue::kConceded},
    WordCue{"conceding", Cue::kConceded}, WordCue{"gd", Cue::kGoalDifference},
    WordCue{"record", Cue::kRecord}, WordCue{"wdl", Cue::kRecord},
    // Positions.
    WordCue{"finish", Cue::kFinish}, WordCue{"finished", Cue::kFinish},
    WordCue{"finishing", Cue::kFinish}, WordCue{"came", Cue::kFinish},
    WordCue{"come", Cue::kFinish}, WordCue{"end", Cue::kFinish}, WordCue{"ended", Cue::kFinish},
    WordCue{"place", Cue::kFinish}, WordCue{"placed", Cue::kFinish},
    WordCue{"position", Cue::kFinish}, WordCue{"rank", Cue::kFinish},
    WordCue{"ranked", Cue::kFinish}, WordCue{"champion", Cue::kChampion},
    WordCue{"champions", Cue::kChampion}, WordCue{"winner", Cue::kChampion},
    WordCue{"winners", Cue::kChampion}, WordCue{"leader", Cue::kChampion},
    WordCue{"leaders", Cue::kChampion}, WordCue{"leads", Cue::kChampion},
    WordCue{"leading", Cue::kChampion}, WordCue{"league", Cue::kLeague},
    WordCue{"title", Cue::kLeague}, WordCue{"championship", Cue::kLeague},
    WordCue{"top", Cue::kTop}, WordCue{"bottom", Cue::kBottom}, WordCue{"last", Cue::kLast},
    WordCue{"past", Cue::kLast}, WordCue{"most", Cue::kMost}, WordCue{"highest", Cue::kMost},
    WordCue{"best", Cue::kMost}, WordCue{"fewest", Cue::kFewest}, WordCue{"least", Cue::kFewest},
    WordCue{"lowest", Cue::kFewest}, WordCue{"worst", Cue::kFewest},
    // Games between two teams, runs, records of a game.
    WordCue{"vs", Cue::kVs}, WordCue{"v", Cue::kVs}, WordCue{"versus", Cue::kVs},
    WordCue{"against", Cue::kVs}, WordCue{"h2h", Cue::kVs}, WordCue{"between", Cue::kVs},
    WordCue{"meetings", Cue::kVs}, WordCue{"next", Cue::kNext}, WordCue{"upcoming", Cue::kNext},
    WordCue{"form", Cue::kForm}, WordCue{"run", Cue::kRun}, WordCue{"streak", Cue::kRun},
    WordCue{"sequence", Cue::kRun}, WordCue{"unbeaten", Cue::kUnbeaten},
    WordCue{"undefeated", Cue::kUnbeaten}, WordCue{"longest", Cue::kLongest},
    WordCue{"biggest", Cue::kBiggest}, WordCue{"largest", Cue::kBiggest},
    WordCue{"heaviest", Cue::kBiggest}, WordCue{"per", Cue::kPer},
    WordCue{"average", Cue::kAverage}, WordCue{"avg", Cue::kAverage},
    WordCue{"mean", Cue::kAverage},
    // Venue and time.
    WordCue{"home", Cue::kHome}, WordCue{"away", Cue::kAway}, WordCue{"played", Cue::kPlayed},
    WordCue{"left", Cue::kRemaining}, WordCue{"remaining", Cue::kRemaining},
    WordCue{"remain", Cue::kRemaining}, WordCue{"today", Cue::kToday},
    WordCue{"tonight", Cue::kToday}, WordCue{"round", Cue::kRoundWord},
    WordCue{"matchday", Cue::kRoundWord}, WordCue{"gameweek", Cue::kRoundWord},
    WordCue{"md", Cue::kRoundWord}, WordCue{"gw", Cue::kRoundWord},
    WordCue{"jornada", Cue::kRoundWord},
};

struct Phrase {
    std::array<std::string_view, 3> words;  // empty words at the end are unused
    Cue cue;
};
// Longest first where one starts another.
constexpr std::array kPhrases{
    Phrase{{"head", "to", "head"}, Cue::kVs},
    Phrase{{"away", "from", "home"}, Cue::kAway},
    Phrase{{"on", "the", "road"}, Cue::kAway},
    Phrase{{"from", "the", "bottom"}, Cue::kFromBottom},
    Phrase{{"from", "bottom", ""}, Cue::kFromBottom},
    Phrase{{"from", "the", "top"}, Cue::kTop},
    Phrase{{"from", "top", ""}, Cue::kTop},
    Phrase{{"goal", "difference", ""}, Cue::kGoalDifference},
    Phrase{{"goal", "diff", ""}, Cue::kGoalDifference},
    Phrase{{"goals", "for", ""}, Cue::kGoalsFor},
    Phrase{{"goals", "against", ""}, Cue::kGoalsAgainst},
    Phrase{{"let", "in", ""}, Cue::kConceded},
    Phrase{{"this", "week", ""}, Cue::kThisWeek},
    Phrase{{"highest", "scoring", ""}, Cue::kHighestScoring},
    Phrase{{"in", "a", "row"}, Cue::kRun},
};
// clang-format on

// Words about football the parser cannot answer about; they are never read as
// a typo of a word it knows ("player" is not "played").
constexpr std::array<std::string_view, 20> kOutOfDomain{
    "player",  "players", "scorer",     "scorers", "manager", "managers", "coach",
    "stadium", "referee", "transfer",   "injury",  "injured", "cards",    "assist",
    "assists", "fans",    "attendance", "salary",  "tickets", "weather",
};

constexpr std::array<std::string_view, 12> kMonths{
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december",
};
constexpr std::array<std::string_view, 12> kMonthAbbreviations{
    "jan", "feb", "mar", "apr", "", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
};

}  // namespace

std::optional<PhraseCue> phrase_cue(std::span<const Token> tokens) {
    for (const Phrase& phrase : kPhrases) {
        std::size_t length = 0;
        bool match = true;
        for (const std::string_view word : phrase.words) {
            if (word.empty()) {
                break;
            }
            if (length >= tokens.size() || tokens[length].text != word) {
                match = false;
                break;
            }
            ++length;
        }
        if (match) {
            return PhraseCue{phrase.cue, length};
        }
    }
    return std::nullopt;
}

Cue word_cue(std::string_view word) {
    static const std::unordered_map<std::string_view, Cue> cues = [] {
        std::unordered_map<std::string_view, Cue> map;
        for (const WordCue& entry : kWords) {
            map.emplace(entry.word, entry.cue);
        }
        return map;
    }();
    if (const auto it = cues.find(word); it != cues.end()) {
        return it->second;
    }
    if (month_of(word)) {
        return Cue::kMonthName;
    }
    return Cue::kUnknown;
}

Cue typo_cue(std::string_view word) {
    if (word.size() < 5 ||
        std::find(kOutOfDomain.begin(), kOutOfDomain.end(), word) != kOutOfDomain.end()) {
        return Cue::kUnknown;
    }
    Cue found = Cue::kUnknown;
    for (const WordCue& entry : kWords) {
        if (entry.word.size() < 5 || edit_distance(word, entry.word, 1) != 1) {
            continue;
        }
        if (found != Cue::kUnknown && found != entry.cue) {
            return Cue::kUnknown;  // near two different words: no guess
        }
        found = entry.cue;
    }
    return found;
}

std::optional<int> month_of(std::string_view word) {
    for (std::size_t m = 0; m < kMonths.size(); ++m) {
        if (word == kMonths[m] ||
            (!kMonthAbbreviations[m].empty() && word == kMonthAbbreviations[m])) {
            return static_cast<int>(m) + 1;
        }
    }
    return std::nullopt;
}

bool is_vocabulary(std::string_view word) {
    if (word_cue(word) != Cue::kUnknown) {
        return true;
    }
    const Token token{std::string(word),
                      !word.empty() && word.front() >= '0' && word.front() <= '9'};
    return read_number(std::span<const Token>(&token, 1)).has_value();
}

}  // namespace domain::analytics
