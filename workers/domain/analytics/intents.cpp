// The intent rules of the analytics parser; see intents.hpp.
#include "domain/analytics/intents.hpp"

#include <algorithm>
#include <initializer_list>

namespace domain::analytics {
namespace {

CueSet set_of(std::initializer_list<Cue> cues) {
    CueSet set;
    for (const Cue cue : cues) {
        set.set(static_cast<std::size_t>(cue));
    }
    return set;
}

CueSet metric_cues() {
    return set_of({Cue::kPoints, Cue::kWin, Cue::kDraw, Cue::kLoss, Cue::kRecord, Cue::kGoals,
                   Cue::kScored, Cue::kConceded, Cue::kGoalsFor, Cue::kGoalsAgainst,
                   Cue::kGoalDifference});
}
CueSet time_cues() {
    return set_of({Cue::kRound, Cue::kMonth, Cue::kWindow, Cue::kToday, Cue::kThisWeek});
}
CueSet venue_cues() {
    return set_of({Cue::kHome, Cue::kAway});
}

std::vector<IntentRule> make_rules() {
    const CueSet metric = metric_cues();
    const CueSet time = time_cues();
    const CueSet venue = venue_cues();
    const CueSet average_metrics = set_of({Cue::kGoals, Cue::kScored, Cue::kConceded,
                                           Cue::kGoalsFor, Cue::kGoalsAgainst, Cue::kPoints});
    using enum Cue;
    return {
        {Intent::kChampion, set_of({kChampion, kWin, kLeague}), set_of({kChampion, kWin, kLeague}),
         0, 0},
        {Intent::kTeamAtPosition,
         set_of({kFinish, kOrdinal, kNumber, kLast, kBottom, kTop, kFromBottom, kLeague}),
         set_of({kFinish, kOrdinal, kLast, kBottom, kFromBottom}), 0, 0},
        {Intent::kTeamPosition, set_of({kFinish, kLeague}), set_of({kFinish}), 1, 1},
        {Intent::kTeamStat, metric | time | venue | set_of({kGame}), metric, 1, 1},
        {Intent::kRanking, metric | venue | set_of({kRankCount, kGame, kLeague, kFinish}),
         set_of({kRankCount, kTop, kBottom}), 0, 0},
        {Intent::kExtreme, metric | venue | time | set_of({kMost, kFewest, kGame, kLeague}),
         set_of({kMost, kFewest}), 0, 0},
        {Intent::kHeadToHead, set_of({kVs, kRecord, kResults, kGame}), set_of({kVs}), 2, 2},
        {Intent::kDidBeat, venue | set_of({kBeat, kWin, kVs, kGame}), set_of({kBeat}), 2, 2},
        {Intent::kLastGame, set_of({kLast, kGame, kResults, kScored, kPlay}), set_of({kLast}), 1,
         1},
        {Intent::kNextGame, set_of({kNext, kGame, kResults, kPlay}), set_of({kNext}), 1, 1},
        {Intent::kForm, set_of({kForm, kWindow, kGame, kResults}), set_of({kForm}), 1, 1},
        {Intent::kLongestRun, set_of({kLongest, kMost, kRun, kUnbeaten, kWinning, kWin, kGame}),
         set_of({kLongest, kRun, kUnbeaten, kWinning}), 0, 1},
        {Intent::kBiggestWin, time | venue | set_of({kBiggest, kWin, kGame}), set_of({kBiggest}), 0,
         1},
        {Intent::kHighestScoringGame,
         time | venue | set_of({kHighestScoring, kMost, kGoals, kGame}), set_of({kHighestScoring}),
         0, 1},
        {Intent::kAverage, average_metrics | time | venue | set_of({kPer, kAverage, kGame}),
         set_of({kPer, kAverage}), 0, 1},
        {Intent::kGamesCount, venue | set_of({kPlayed, kRemaining, kGame, kPlay}),
         set_of({kPlayed, kRemaining}), 0, 1},
        {Intent::kResults, time | venue | set_of({kResults, kGame, kPlay}),
         set_of({kResults, kRound, kMonth, kToday, kThisWeek}), 0, 1},
    };
}

bool orderable(Metric metric) {
    return metric != Metric::kRecord && metric != Metric::kNone;
}

// The one metric of the cues, or nullopt when there is none or more than one.
std::optional<Metric> one_metric(const Cues& cues) {
    const std::vector<Metric> metrics = metrics_of(cues);
    if (metrics.size() != 1) {
        return std::nullopt;
    }
    return metrics.front();
}

Venue venue_of(const Cues& cues, bool* conflict) {
    *conflict = cues.has(Cue::kHome) && cues.has(Cue::kAway);
    return cues.has(Cue::kHome) ? Venue::kHome : cues.has(Cue::kAway) ? Venue::kAway : Venue::kAll;
}

// "third", "second from bottom", "second last", "bottom", "last", "finished 4".
bool read_position(const Cues& cues, Parse* parse) {
    const bool bottom =
        cues.has(Cue::kFromBottom) || cues.has(Cue::kLast) || cues.has(Cue::kBottom);
    if (bottom && cues.has(Cue::kTop)) {
        return false;
    }
    if (cues.ordinals.size() + cues.numbers.size() > 1) {
        return false;
    }
    int n = 1;
    if (cues.ordinals.size() == 1) {
        if (!cues.has(Cue::kFinish) && !bottom && !cues.has(Cue::kTop)) {
            return false;
        }
        n = cues.ordinals.front();
    } else if (cues.numbers.size() == 1) {
        if (!cues.has(Cue::kFinish)) {
            return false;
        }
        n = cues.numbers.front();
    } else if (!bottom && !cues.has(Cue::kTop)) {
        return false;
    }
    if (n < 1) {
        return false;
    }
    parse->n = n;
    parse->order = bottom ? Order::kLow : Order::kHigh;
    return true;
}

// "Most goals in a game": goals, a game, and nothing that makes the goals a
// team's (scored, conceded, for, against).
bool goals_in_a_game(const Cues& cues) {
    return cues.has(Cue::kGoals) && cues.has(Cue::kGame) && !cues.has(Cue::kScored) &&
           !cues.has(Cue::kConceded) && !cues.has(Cue::kGoalsFor) && !cues.has(Cue::kGoalsAgainst);
}

}  // namespace

CueSet Cues::present() const {
    CueSet set;
    for (std::size_t i = 0; i < kCueCount; ++i) {
        if (count[i] > 0) {
            set.set(i);
        }
    }
    set.reset(static_cast<std::size_t>(Cue::kStop));
    set.reset(static_cast<std::size_t>(Cue::kName));
    return set;
}

std::span<const IntentRule> intent_rules() {
    static const std::vector<IntentRule> rules = make_rules();
    return rules;
}

std::vector<Metric> metrics_of(const Cues& cues) {
    std::vector<Metric> metrics;
    const auto add = [&](Cue cue, Metric metric) {
        if (cues.has(cue)) {
            metrics.push_back(metric);
        }
    };
    add(Cue::kPoints, Metric::kPoints);
    add(Cue::kWin, Metric::kWins);
    add(Cue::kDraw, Metric::kDraws);
    add(Cue::kLoss, Metric::kLosses);
    add(Cue::kRecord, Metric::kRecord);
    add(Cue::kGoalDifference, Metric::kGoalDifference);
    const bool scored = cues.has(Cue::kScored) || cues.has(Cue::kGoalsFor);
    const bool conceded = cues.has(Cue::kConceded) || cues.has(Cue::kGoalsAgainst);
    if (scored) {
        metrics.push_back(Metric::kGoalsFor);
    }
    if (conceded) {
        metrics.push_back(Metric::kGoalsAgainst);
    }
    if (!scored && !conceded && cues.has(Cue::kGoals)) {
        metrics.push_back(Metric::kGoalsFor);
    }
    return metrics;
}

bool apply(const IntentRule& rule, const Cues& cues, Parse* parse) {
    if (cues.teams < rule.min_teams || cues.teams > rule.max_teams) {
        return false;
    }
    if ((cues.present() & ~rule.allowed).any()) {
        return false;
    }
    bool venue_conflict = false;
    parse->intent = rule.intent;
    parse->venue = venue_of(cues, &venue_conflict);
    parse->time = cues.time;
    if (venue_conflict) {
        return false;
    }
    const auto has = [&](Cue cue) { return cues.has(cue); };
    switch (rule.intent) {
        case Intent::kChampion:
            return has(Cue::kChampion) ||
                   (has(Cue::kWin) && (has(Cue::kLeague) || cues.event_named));
        case Intent::kTeamAtPosition:
            return read_position(cues, parse);
        case Intent::kTeamPosition:
            return has(Cue::kFinish);
        case Intent::kTeamStat: {
            // "Did Arsenal win?" asks about a game, not how many.
            if (cues.yes_no) {
                return false;
            }
            const std::optional<Metric> metric = one_metric(cues);
            parse->metric = metric.value_or(Metric::kNone);
            return metric.has_value();
        }
        case Intent::kRanking: {
            const std::vector<Metric> metrics = metrics_of(cues);
            if (!cues.rank_count || metrics.size() > 1) {
                return false;
            }
            parse->metric = metrics.empty() ? Metric::kPoints : metrics.front();
            parse->n = cues.rank_count;
            parse->order = cues.rank_order;
            return orderable(parse->metric);
        }
        case Intent::kExtreme: {
            const std::optional<Metric> metric = one_metric(cues);
            if (!metric || !orderable(*metric) || has(Cue::kMost) == has(Cue::kFewest)) {
                return false;
            }
            if (goals_in_a_game(cues)) {
                return false;  // "which game had the most goals": a game, not a team
            }
            parse->metric = *metric;
            parse->order = has(Cue::kMost) ? Order::kHigh : Order::kLow;
            return true;
        }
        case Intent::kHeadToHead:
            return has(Cue::kVs);
        case Intent::kDidBeat:
            // "Did X win against Y", not "who won between X and Y".
            return has(Cue::kBeat) || (has(Cue::kWin) && has(Cue::kVs) && cues.yes_no);
        case Intent::kLastGame:
            return has(Cue::kLast) && (has(Cue::kGame) || has(Cue::kResults) || has(Cue::kPlay));
        case Intent::kNextGame:
            return has(Cue::kNext);
        case Intent::kForm:
            parse->n = cues.time.last_n.value_or(5);
            parse->time.last_n.reset();
            return has(Cue::kForm);
        case Intent::kLongestRun: {
            const bool winning = has(Cue::kWinning) || has(Cue::kWin);
            if (!has(Cue::kRun) || winning == has(Cue::kUnbeaten)) {
                return false;
            }
            parse->metric = winning ? Metric::kWinning : Metric::kUnbeaten;
            return true;
        }
        case Intent::kBiggestWin:
            return has(Cue::kBiggest) && has(Cue::kWin);
        case Intent::kHighestScoringGame:
            if (has(Cue::kHighestScoring)) {
                return has(Cue::kGame) && !has(Cue::kMost) && !has(Cue::kGoals);
            }
            return has(Cue::kMost) && goals_in_a_game(cues);
        case Intent::kAverage: {
            const std::optional<Metric> metric = one_metric(cues);
            if (!metric || !(has(Cue::kPer) || has(Cue::kAverage))) {
                return false;
            }
            if (*metric == Metric::kGoalsFor) {
                parse->metric = Metric::kGoalsPerGame;
            } else if (*metric == Metric::kGoalsAgainst) {
                parse->metric = Metric::kGoalsAgainstPerGame;
            } else if (*metric == Metric::kPoints) {
                parse->metric = Metric::kPointsPerGame;
            } else {
                return false;
            }
            return true;
        }
        case Intent::kGamesCount:
            if (has(Cue::kPlayed) == has(Cue::kRemaining)) {
                return false;
            }
            parse->metric = has(Cue::kPlayed) ? Metric::kPlayed : Metric::kRemaining;
            return true;
        case Intent::kResults: {
            const TimeFilter& t = cues.time;
            const bool when = t.round || t.month || t.last_n || t.period != Period::kNone;
            return (has(Cue::kResults) || has(Cue::kGame) || has(Cue::kPlay)) &&
                   (has(Cue::kResults) || when);
        }
    }
    return false;
}

}  // namespace domain::analytics
