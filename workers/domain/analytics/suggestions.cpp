// Suggestions for declined questions; see suggestions.hpp.
#include "domain/analytics/suggestions.hpp"

#include <algorithm>
#include <utility>

namespace domain::analytics {
namespace {

std::string team_stat_question(const std::string& team, Metric metric) {
    switch (metric) {
        case Metric::kWins:
            return "How many games did " + team + " win?";
        case Metric::kDraws:
            return "How many games did " + team + " draw?";
        case Metric::kLosses:
            return "How many games did " + team + " lose?";
        case Metric::kRecord:
            return "What is the record of " + team + "?";
        case Metric::kGoalsFor:
            return "How many goals did " + team + " score?";
        case Metric::kGoalsAgainst:
            return "How many goals did " + team + " concede?";
        case Metric::kGoalDifference:
            return "What is the goal difference of " + team + "?";
        case Metric::kNone:
        case Metric::kPoints:
        case Metric::kGoalsPerGame:
        case Metric::kGoalsAgainstPerGame:
        case Metric::kPointsPerGame:
        case Metric::kPlayed:
        case Metric::kRemaining:
        case Metric::kUnbeaten:
        case Metric::kWinning:
            break;
    }
    return "How many points did " + team + " get?";
}

// "goals scored", "wins", … as the words of a ranking or an extreme.
std::string metric_words(Metric metric) {
    switch (metric) {
        case Metric::kWins:
            return "wins";
        case Metric::kDraws:
            return "draws";
        case Metric::kLosses:
            return "losses";
        case Metric::kGoalsFor:
            return "goals scored";
        case Metric::kGoalsAgainst:
            return "goals conceded";
        case Metric::kGoalDifference:
            return "goal difference";
        case Metric::kNone:
        case Metric::kPoints:
        case Metric::kRecord:
        case Metric::kGoalsPerGame:
        case Metric::kGoalsAgainstPerGame:
        case Metric::kPointsPerGame:
        case Metric::kPlayed:
        case Metric::kRemaining:
        case Metric::kUnbeaten:
        case Metric::kWinning:
            break;
    }
    return "points";
}

// How close `rule` is to the question: its typical cues present count most,
// cues it cannot use count against it, the right number of teams helps.
int closeness(const IntentRule& rule, const Cues* cues, int teams) {
    const CueSet present = cues == nullptr ? CueSet{} : cues->present();
    int score = 3 * static_cast<int>((present & rule.keys).count()) +
                static_cast<int>((present & rule.allowed & ~rule.keys).count()) -
                static_cast<int>((present & ~rule.allowed).count());
    if (teams >= rule.min_teams && teams <= rule.max_teams) {
        score += 2;
    }
    return score;
}

}  // namespace

std::string canonical_question(Intent intent, const std::vector<std::string>& teams,
                               Metric metric) {
    const std::string a = teams.empty() ? std::string() : teams[0];
    const std::string b = teams.size() < 2 ? std::string() : teams[1];
    switch (intent) {
        case Intent::kChampion:
            return "Who won the league?";
        case Intent::kTeamAtPosition:
            return "Who finished last?";
        case Intent::kTeamPosition:
            return "Where did " + a + " finish?";
        case Intent::kTeamStat:
            return team_stat_question(a, metric);
        case Intent::kRanking:
            return "Who are the top 3 by " + metric_words(metric) + "?";
        case Intent::kExtreme:
            return "Which team has the most " + metric_words(metric) + "?";
        case Intent::kHeadToHead:
            return "Head to head " + a + " vs " + b;
        case Intent::kDidBeat:
            return "Did " + a + " beat " + b + "?";
        case Intent::kLastGame:
            return "What was the last game of " + a + "?";
        case Intent::kNextGame:
            return "What is the next game of " + a + "?";
        case Intent::kForm:
            return "What is the form of " + a + "?";
        case Intent::kLongestRun:
            return a.empty() ? "What was the longest unbeaten run?"
                             : "What was the longest unbeaten run of " + a + "?";
        case Intent::kBiggestWin:
            return a.empty() ? "What was the biggest win?"
                             : "What was the biggest win of " + a + "?";
        case Intent::kHighestScoringGame:
            return a.empty() ? "What was the highest scoring game?"
                             : "What was the highest scoring game of " + a + "?";
        case Intent::kAverage:
            return a.empty() ? "How many goals per game were scored?"
                             : "How many goals per game did " + a + " score?";
        case Intent::kGamesCount:
            return a.empty() ? "How many games are left?" : "How many games has " + a + " played?";
        case Intent::kResults:
            return a.empty() ? "What were the results of round 1?"
                             : "What were the results of " + a + " in round 1?";
    }
    return "Who won the league?";
}

std::vector<std::string> suggest(const Cues* cues, const std::vector<Entity>& teams,
                                 const std::vector<Entity>& candidates) {
    // The teams to phrase with: those understood, else each candidate in turn.
    std::vector<std::vector<std::string>> team_sets;
    std::vector<std::string> found;
    for (const Entity& team : teams) {
        found.push_back(team.name);
    }
    if (candidates.empty()) {
        team_sets.push_back(found);
    }
    for (const Entity& candidate : candidates) {
        std::vector<std::string> set = found;
        if (std::find(set.begin(), set.end(), candidate.name) == set.end()) {
            set.insert(set.begin(), candidate.name);
            team_sets.push_back(std::move(set));
        }
    }
    if (candidates.size() >= 2) {
        team_sets.push_back({candidates[0].name, candidates[1].name});
    }

    const std::span<const IntentRule> rules = intent_rules();
    std::vector<std::pair<int, const IntentRule*>> ranked;
    const int team_count = static_cast<int>(teams.size() + (candidates.empty() ? 0 : 1));
    for (const IntentRule& rule : rules) {
        ranked.emplace_back(closeness(rule, cues, team_count), &rule);
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& x, const auto& y) { return x.first > y.first; });

    Metric metric = Metric::kPoints;
    if (cues != nullptr) {
        const std::vector<Metric> metrics = metrics_of(*cues);
        if (metrics.size() == 1) {
            metric = metrics.front();
        }
    }
    std::vector<std::string> out;
    for (const auto& [score, rule] : ranked) {
        for (const std::vector<std::string>& set : team_sets) {
            if (out.size() == kMaxSuggestions) {
                return out;
            }
            const int n = static_cast<int>(set.size());
            if (n < rule->min_teams) {
                continue;
            }
            // Extra teams are dropped: an intent for one team is phrased with the first.
            std::vector<std::string> used(set.begin(), set.begin() + std::min(n, rule->max_teams));
            std::string question = canonical_question(rule->intent, used, metric);
            if (std::find(out.begin(), out.end(), question) == out.end()) {
                out.push_back(std::move(question));
            }
        }
    }
    return out;
}

}  // namespace domain::analytics
