// Validation of score updates and corrections (see score_rules.hpp).
#include "domain/score_rules.hpp"

#include "domain/format_rules.hpp"
#include "domain/status_rules.hpp"

namespace domain {
namespace {

[[nodiscard]] bool in_range(int score) noexcept {
    return score >= 0 && score <= kMaxScore;
}

}  // namespace

std::string_view describe(ScoreError error) noexcept {
    switch (error) {
        case ScoreError::kNone:
            return "ok";
        case ScoreError::kScoreOutOfRange:
            return "scores must be between 0 and 999";
        case ScoreError::kBadStatus:
            return "status must be live or final";
        case ScoreError::kTeamsNotSet:
            return "both teams of the game must be known";
        case ScoreError::kNotPlayable:
            return "the game is postponed or cancelled";
        case ScoreError::kAlreadyFinal:
            return "the game is final; use a correction";
        case ScoreError::kBadTransition:
            return "a game goes scheduled, then live, then final";
        case ScoreError::kLevelKnockout:
            return "a knockout game cannot end level";
        case ScoreError::kNotFinal:
            return "only a final game can be corrected";
    }
    return "invalid score";
}

ScoreError check_score_update(Format format, GameStatus current, bool teams_set,
                              const ScoreUpdate& update) noexcept {
    const GameTransition move = transition(current, GameAction::kScore, update.status);
    switch (move.refusal) {
        case GameRefusal::kBadTarget:
            return ScoreError::kBadStatus;
        case GameRefusal::kAlreadyFinal:
            return ScoreError::kAlreadyFinal;
        case GameRefusal::kNotPlayable:
        case GameRefusal::kNotFinal:
            return ScoreError::kNotPlayable;
        case GameRefusal::kNone:
        case GameRefusal::kOutOfOrder:
            break;
    }
    if (!teams_set) {
        return ScoreError::kTeamsNotSet;
    }
    if (!move.allowed()) {
        return ScoreError::kBadTransition;
    }
    if (!in_range(update.home_score) || !in_range(update.away_score)) {
        return ScoreError::kScoreOutOfRange;
    }
    if (move.to == GameStatus::kFinal && !rules_of(format).allows_draws &&
        update.home_score == update.away_score) {
        return ScoreError::kLevelKnockout;
    }
    return ScoreError::kNone;
}

ScoreError check_correction(Format format, GameStatus current, int home_score,
                            int away_score) noexcept {
    if (!transition(current, GameAction::kCorrect, GameStatus::kFinal).allowed()) {
        return ScoreError::kNotFinal;
    }
    if (!in_range(home_score) || !in_range(away_score)) {
        return ScoreError::kScoreOutOfRange;
    }
    if (!rules_of(format).allows_draws && home_score == away_score) {
        return ScoreError::kLevelKnockout;
    }
    return ScoreError::kNone;
}

std::optional<TeamId> winner_of(TeamId home, TeamId away, int home_score, int away_score) noexcept {
    if (home_score == away_score) {
        return std::nullopt;
    }
    return home_score > away_score ? home : away;
}

}  // namespace domain
