// The analytics question parser; see question.hpp and docs/analytics.md.
#include "domain/analytics/question.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <utility>

#include "domain/analytics/intents.hpp"
#include "domain/analytics/lexicon.hpp"
#include "domain/analytics/numbers.hpp"
#include "domain/analytics/suggestions.hpp"

namespace domain::analytics {
namespace {

constexpr int kMaxRound = 200;
constexpr int kMaxWindow = 100;

// One word (or phrase) of the question after names were taken out.
struct Item {
    Cue cue = Cue::kUnknown;
    int value = 0;  // a number's value, a month
    bool ordinal = false;
    std::string text;
};

Decline make_decline(DeclineReason reason, std::string detail, const Cues* cues,
                     std::vector<Entity> entities, std::vector<Entity> candidates = {}) {
    Decline decline;
    decline.reason = reason;
    decline.detail = std::move(detail);
    std::vector<Entity> teams;
    for (const Entity& e : entities) {
        if (e.kind == EntityKind::kTeam) {
            teams.push_back(e);
        }
    }
    std::vector<Entity> team_candidates;
    for (const Entity& e : candidates) {
        if (e.kind == EntityKind::kTeam) {
            team_candidates.push_back(e);
        }
    }
    decline.suggestions = suggest(cues, teams, team_candidates);
    decline.entities = std::move(entities);
    decline.candidates = std::move(candidates);
    return decline;
}

std::string names_of(const std::vector<Entity>& entities) {
    std::string out;
    for (std::size_t i = 0; i < entities.size(); ++i) {
        out += (i == 0 ? "" : i + 1 == entities.size() ? " or " : ", ") + entities[i].name;
    }
    return out;
}

// Reads the words left after the names into items: phrases, numbers, words.
std::vector<Item> read_items(const std::vector<Token>& tokens, const std::vector<bool>& used,
                             const std::optional<Entity>& event, const Catalogue& catalogue,
                             std::int64_t event_id) {
    std::vector<Item> items;
    std::size_t i = 0;
    while (i < tokens.size()) {
        if (used[i]) {
            if (items.empty() || items.back().cue != Cue::kName) {
                items.push_back(Item{Cue::kName, 0, false, tokens[i].text});
            }
            ++i;
            continue;
        }
        std::size_t free = 0;
        while (i + free < tokens.size() && !used[i + free]) {
            ++free;
        }
        const std::span<const Token> rest(tokens.data() + i, free);
        if (const std::optional<PhraseCue> phrase = phrase_cue(rest)) {
            items.push_back(Item{phrase->cue, 0, false, tokens[i].text});
            i += phrase->tokens;
            continue;
        }
        if (const std::optional<NumberWord> number = read_number(rest)) {
            items.push_back(Item{Cue::kNumber, number->value, number->ordinal, tokens[i].text});
            i += number->tokens;
            continue;
        }
        const std::string& word = tokens[i].text;
        Cue cue = word_cue(word);
        if (cue == Cue::kUnknown && tokens[i].digits) {
            // A season ("2022/23") may be said if it is the event's own.
            for (const CatalogueEvent& e : catalogue.events) {
                if (e.id != (event ? event->id : event_id)) {
                    continue;
                }
                for (const Token& name_word : tokenize(e.name, kMaxQuestionTokens, nullptr)) {
                    if (name_word.text == word) {
                        cue = Cue::kStop;
                    }
                }
            }
        }
        if (cue == Cue::kUnknown) {
            cue = typo_cue(word);
        }
        items.push_back(Item{cue, month_of(word).value_or(0), false, word});
        ++i;
    }
    return items;
}

// Turns number phrases into slots ("round 10", "last 5", "top 3", "in
// December"); what stays unread becomes kUnknown.
Cues read_cues(std::vector<Item>& items, int teams, bool event_named) {
    Cues cues;
    cues.teams = teams;
    cues.event_named = event_named;
    constexpr std::array<std::string_view, 10> kYesNo{"did", "does", "do",  "was",  "were",
                                                      "is",  "are",  "has", "have", "had"};
    cues.yes_no = !items.empty() &&
                  std::find(kYesNo.begin(), kYesNo.end(), items.front().text) != kYesNo.end();
    const auto is_number = [&](std::size_t k, bool ordinal_ok) {
        return k < items.size() && items[k].cue == Cue::kNumber &&
               (ordinal_ok || !items[k].ordinal);
    };
    for (std::size_t k = 0; k < items.size(); ++k) {
        Item& item = items[k];
        if (item.cue == Cue::kRoundWord && is_number(k + 1, true) && !cues.time.round &&
            items[k + 1].value >= 1 && items[k + 1].value <= kMaxRound) {
            cues.time.round = items[k + 1].value;
            item.cue = items[k + 1].cue = Cue::kRound;
        } else if (item.cue == Cue::kNumber && item.ordinal && k + 1 < items.size() &&
                   items[k + 1].cue == Cue::kRoundWord && !cues.time.round && item.value >= 1 &&
                   item.value <= kMaxRound) {
            cues.time.round = item.value;
            item.cue = items[k + 1].cue = Cue::kRound;
        } else if (item.cue == Cue::kLast && is_number(k + 1, false) && !cues.time.last_n &&
                   items[k + 1].value >= 1 && items[k + 1].value <= kMaxWindow) {
            cues.time.last_n = items[k + 1].value;
            item.cue = items[k + 1].cue = Cue::kWindow;
        } else if ((item.cue == Cue::kTop || item.cue == Cue::kBottom) && is_number(k + 1, false) &&
                   !cues.rank_count && items[k + 1].value >= 1) {
            cues.rank_count = items[k + 1].value;
            cues.rank_order = item.cue == Cue::kTop ? Order::kHigh : Order::kLow;
            item.cue = items[k + 1].cue = Cue::kRankCount;
        } else if (item.cue == Cue::kMonthName) {
            // "may" is a month only after "in", "during" or "of".
            const bool after_in =
                k > 0 && (items[k - 1].text == "in" || items[k - 1].text == "during" ||
                          items[k - 1].text == "of");
            if (!cues.time.month && (item.text != "may" || after_in)) {
                cues.time.month = item.value;
                item.cue = Cue::kMonth;
            } else {
                item.cue = Cue::kUnknown;
            }
        } else if (item.cue == Cue::kBeat && k + 1 < items.size() && items[k + 1].text == "by") {
            item.cue = Cue::kUnknown;  // "beaten by": the other way round; not read
        } else if (item.cue == Cue::kLeague && k > 0 && items[k - 1].cue != Cue::kStop) {
            item.cue = Cue::kUnknown;  // "Champions League": a competition it does not know
        }
    }
    for (Item& item : items) {
        if (item.cue == Cue::kNumber) {
            (item.ordinal ? cues.ordinals : cues.numbers).push_back(item.value);
            item.cue = item.ordinal ? Cue::kOrdinal : Cue::kNumber;
        } else if (item.cue == Cue::kRoundWord) {
            item.cue = Cue::kUnknown;
        } else if (item.cue == Cue::kToday) {
            cues.time.period = Period::kToday;
        } else if (item.cue == Cue::kThisWeek) {
            cues.time.period = Period::kThisWeek;
        }
        ++cues.count[static_cast<std::size_t>(item.cue)];
    }
    if (cues.has(Cue::kToday) && cues.has(Cue::kThisWeek)) {
        cues.count[static_cast<std::size_t>(Cue::kUnknown)] += 1;
    }
    return cues;
}

std::size_t teams_of_event(const Catalogue& catalogue, std::int64_t event_id) {
    return static_cast<std::size_t>(
        std::count_if(catalogue.teams.begin(), catalogue.teams.end(),
                      [&](const CatalogueTeam& t) { return t.event_id == event_id; }));
}

ParseResult parse_words(std::string_view question, const Catalogue& catalogue,
                        std::optional<std::int64_t> event_id) {
    bool truncated = false;
    const std::vector<Token> tokens = tokenize(question, kMaxQuestionTokens, &truncated);
    if (truncated) {
        return make_decline(DeclineReason::kTooLong, "The question has too many words.", nullptr,
                            {});
    }
    if (tokens.empty()) {
        return make_decline(DeclineReason::kEmpty, "The question has no words.", nullptr, {});
    }
    std::vector<bool> used(tokens.size(), false);
    const auto vocabulary = [](std::string_view word) { return is_vocabulary(word); };

    // Events first, then teams of the named event (or the caller's).
    std::optional<Entity> event;
    for (NameMatch& match : NameIndex::of_events(catalogue, vocabulary).find(tokens, used)) {
        if (match.candidates.size() > 1) {
            return make_decline(DeclineReason::kAmbiguousName,
                                "\"" + match.candidates.front().matched_text + "\" could be " +
                                    names_of(match.candidates) + ".",
                                nullptr, {}, match.candidates);
        }
        const Entity& found = match.candidates.front();
        if (found.confidence < kMinConfidence) {
            return make_decline(
                DeclineReason::kWeakName,
                "\"" + found.matched_text + "\" is not close enough to " + found.name + ".",
                nullptr, {}, match.candidates);
        }
        if (event && event->id != found.id) {
            return make_decline(DeclineReason::kAmbiguousName, "The question names two events.",
                                nullptr, {*event, found});
        }
        event = found;
    }
    const std::optional<std::int64_t> scope = event ? std::optional(event->id) : event_id;
    std::vector<Entity> teams;
    const NameIndex team_index =
        NameIndex::of_teams(catalogue, scope ? &*scope : nullptr, vocabulary);
    std::vector<Entity> understood;
    if (event) {
        understood.push_back(*event);
    }
    // A doubtful name (ambiguous or weak) declines the question, but only after
    // the other words are read: they rank the suggestions.
    std::optional<Decline> doubtful;
    for (NameMatch& match : team_index.find(tokens, used)) {
        if (doubtful) {
            break;
        }
        const Entity& found = match.candidates.front();
        if (match.candidates.size() > 1) {
            doubtful = Decline{};
            doubtful->reason = DeclineReason::kAmbiguousName;
            doubtful->detail =
                "\"" + found.matched_text + "\" could be " + names_of(match.candidates) + ".";
            doubtful->candidates = match.candidates;
            continue;
        }
        if (found.confidence < kMinConfidence) {
            doubtful = Decline{};
            doubtful->reason = DeclineReason::kWeakName;
            doubtful->detail =
                "\"" + found.matched_text + "\" is not close enough to " + found.name + ".";
            doubtful->candidates = match.candidates;
            continue;
        }
        for (const Entity& other : teams) {
            if (other.id == found.id) {
                return make_decline(DeclineReason::kNoIntent,
                                    "The question names " + found.name + " twice.", nullptr,
                                    understood);
            }
        }
        teams.push_back(found);
        understood.push_back(found);
    }

    // The event the question is about.
    std::optional<std::int64_t> about = scope;
    for (const Entity& team : teams) {
        if (about && *about != team.event_id) {
            return make_decline(DeclineReason::kNoEvent, "The teams play in different events.",
                                nullptr, understood);
        }
        about = team.event_id;
    }
    if (!about && catalogue.events.size() == 1) {
        about = catalogue.events.front().id;
    }

    std::vector<Item> items = read_items(tokens, used, event, catalogue, about.value_or(0));
    Cues cues = read_cues(items, static_cast<int>(teams.size()), event.has_value());
    if (doubtful) {
        return make_decline(doubtful->reason, std::move(doubtful->detail), &cues, understood,
                            std::move(doubtful->candidates));
    }
    std::vector<std::string> unused;
    for (const Item& item : items) {
        if (item.cue == Cue::kUnknown) {
            unused.push_back(item.text);
        }
    }
    if (!unused.empty()) {
        Decline decline = make_decline(DeclineReason::kUnknownWords, "", &cues, understood);
        std::string words;
        for (const std::string& w : unused) {
            words += (words.empty() ? "\"" : ", \"") + w + "\"";
        }
        decline.detail = "Not understood: " + words + ".";
        decline.unused = std::move(unused);
        return decline;
    }
    if (!about) {
        return make_decline(DeclineReason::kNoEvent, "Which event is the question about?", &cues,
                            understood);
    }

    std::vector<Parse> fits;
    for (const IntentRule& rule : intent_rules()) {
        Parse parse;
        if (!apply(rule, cues, &parse)) {
            continue;
        }
        if (parse.intent == Intent::kTeamAtPosition && parse.n == 1 &&
            parse.order == Order::kHigh) {
            parse = Parse{};  // first from the top: the champion
            parse.intent = Intent::kChampion;
        }
        const bool seen = std::any_of(fits.begin(), fits.end(),
                                      [&](const Parse& p) { return p.intent == parse.intent; });
        if (!seen) {
            fits.push_back(std::move(parse));
        }
    }
    if (fits.empty()) {
        return make_decline(DeclineReason::kNoIntent, "It is not clear what is asked.", &cues,
                            understood);
    }
    if (fits.size() > 1) {
        Decline decline = make_decline(DeclineReason::kSeveralIntents,
                                       "The question could ask several things.", &cues, understood);
        for (const Parse& p : fits) {
            decline.intents.push_back(p.intent);
        }
        return decline;
    }
    Parse parse = std::move(fits.front());
    const std::size_t event_teams = teams_of_event(catalogue, *about);
    if (parse.n && event_teams > 0 &&
        (parse.intent == Intent::kTeamAtPosition || parse.intent == Intent::kRanking) &&
        static_cast<std::size_t>(*parse.n) > event_teams) {
        return make_decline(DeclineReason::kNoIntent,
                            "The event has " + std::to_string(event_teams) + " teams.", &cues,
                            understood);
    }
    parse.teams = std::move(teams);
    parse.event = event;
    parse.event_id = *about;
    return parse;
}

}  // namespace

std::string_view to_string(Intent intent) {
    switch (intent) {
        case Intent::kChampion:
            return "champion";
        case Intent::kTeamAtPosition:
            return "team_at_position";
        case Intent::kTeamPosition:
            return "team_position";
        case Intent::kTeamStat:
            return "team_stat";
        case Intent::kRanking:
            return "ranking";
        case Intent::kExtreme:
            return "extreme";
        case Intent::kHeadToHead:
            return "head_to_head";
        case Intent::kDidBeat:
            return "did_beat";
        case Intent::kLastGame:
            return "last_game";
        case Intent::kNextGame:
            return "next_game";
        case Intent::kForm:
            return "form";
        case Intent::kLongestRun:
            return "longest_run";
        case Intent::kBiggestWin:
            return "biggest_win";
        case Intent::kHighestScoringGame:
            return "highest_scoring_game";
        case Intent::kAverage:
            return "average";
        case Intent::kGamesCount:
            return "games_count";
        case Intent::kResults:
            return "results";
    }
    return "unknown";
}

std::string_view to_string(Metric metric) {
    switch (metric) {
        case Metric::kNone:
            return "";
        case Metric::kPoints:
            return "points";
        case Metric::kWins:
            return "wins";
        case Metric::kDraws:
            return "draws";
        case Metric::kLosses:
            return "losses";
        case Metric::kRecord:
            return "record";
        case Metric::kGoalsFor:
            return "goals_for";
        case Metric::kGoalsAgainst:
            return "goals_against";
        case Metric::kGoalDifference:
            return "goal_difference";
        case Metric::kGoalsPerGame:
            return "goals_per_game";
        case Metric::kGoalsAgainstPerGame:
            return "goals_against_per_game";
        case Metric::kPointsPerGame:
            return "points_per_game";
        case Metric::kPlayed:
            return "played";
        case Metric::kRemaining:
            return "remaining";
        case Metric::kUnbeaten:
            return "unbeaten";
        case Metric::kWinning:
            return "winning";
    }
    return "";
}

std::string_view to_string(Venue venue) {
    switch (venue) {
        case Venue::kAll:
            return "all";
        case Venue::kHome:
            return "home";
        case Venue::kAway:
            return "away";
    }
    return "all";
}

std::string_view to_string(Order order) {
    switch (order) {
        case Order::kNone:
            return "";
        case Order::kHigh:
            return "high";
        case Order::kLow:
            return "low";
    }
    return "";
}

std::string_view to_string(Period period) {
    switch (period) {
        case Period::kNone:
            return "";
        case Period::kToday:
            return "today";
        case Period::kThisWeek:
            return "this_week";
    }
    return "";
}

std::string_view to_string(DeclineReason reason) {
    switch (reason) {
        case DeclineReason::kEmpty:
            return "empty";
        case DeclineReason::kTooLong:
            return "too_long";
        case DeclineReason::kAmbiguousName:
            return "ambiguous_name";
        case DeclineReason::kWeakName:
            return "weak_name";
        case DeclineReason::kUnknownWords:
            return "unknown_words";
        case DeclineReason::kNoIntent:
            return "no_intent";
        case DeclineReason::kSeveralIntents:
            return "several_intents";
        case DeclineReason::kNoEvent:
            return "no_event";
    }
    return "";
}

ParseResult parse_question(std::string_view question, const Catalogue& catalogue,
                           std::optional<std::int64_t> event_id) noexcept {
    try {
        return parse_words(question, catalogue, event_id);
    } catch (const std::exception&) {
        // Only allocation can fail here; a refusal is the safe answer.
        Decline decline;
        decline.reason = DeclineReason::kNoIntent;
        decline.detail = "The question could not be read.";
        return decline;
    }
}

}  // namespace domain::analytics
