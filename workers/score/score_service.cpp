// Score updates and corrections; see score_service.hpp.
#include "score/score_service.hpp"

#include <stdexcept>

#include "common/event_access.hpp"
#include "domain/bracket.hpp"
#include "domain/format_rules.hpp"
#include "domain/refusal.hpp"
#include "domain/status_rules.hpp"
#include "game/game_service.hpp"
#include "game/game_view.hpp"
#include "integrity/integrity_service.hpp"
#include "metrics/store.hpp"
#include "observability/metrics.hpp"
#include "outbox/outbox_repository.hpp"
#include "standings/standings_service.hpp"

namespace tournament {
namespace {

[[noreturn]] void refuse(domain::ScoreError error) {
    const std::string words(domain::describe(error));
    switch (error) {
        case domain::ScoreError::kScoreOutOfRange:
            throw domain::Refusal::invalid_fields(words,
                                                  {{"home_score", words}, {"away_score", words}});
        case domain::ScoreError::kBadStatus:
            throw domain::Refusal::invalid_fields(words, {{"status", words}});
        case domain::ScoreError::kLevelKnockout:
            throw domain::Refusal::invalid_fields(words, {{"away_score", words}});
        case domain::ScoreError::kNone:
        case domain::ScoreError::kTeamsNotSet:
        case domain::ScoreError::kNotPlayable:
        case domain::ScoreError::kAlreadyFinal:
        case domain::ScoreError::kBadTransition:
        case domain::ScoreError::kNotFinal:
            break;
    }
    // The request is well-formed but the game's state forbids it.
    throw domain::Refusal::conflict(words);
}

// 412 with the game's current ETag (check_game_version throws whenever the
// versions differ; the second throw only covers a game that vanished).
[[noreturn]] void stale(std::int64_t expected, std::int64_t current) {
    check_game_version(expected, current);
    throw domain::Refusal::stale_version("the game has changed; read it again", std::nullopt);
}

nlohmann::json score_json(const GameRow& g) {
    auto or_null = [](const std::optional<int>& v) {
        return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    return {{"home_score", or_null(g.home_score)},
            {"away_score", or_null(g.away_score)},
            {"status", domain::to_string(g.status)},
            {"version", g.version}};
}

// Writes history, audit and the score.updated row for a change of `before` to `after`.
nlohmann::json record_change_of(db::Tx& tx, const Caller& caller, const char* kind,
                                const char* action, const GameRow& before, const GameRow& after,
                                const std::optional<std::string>& reason) {
    nlohmann::json change = game_repo::record_change(
        tx, {after.id, kind, before.home_score, before.away_score, before.status, after.home_score,
             after.away_score, after.status, after.version, caller.user_id(), reason});
    nlohmann::json audit_after = score_json(after);
    if (reason) {
        audit_after["reason"] = *reason;
    }
    audit::record(tx, caller.origin,
                  {caller.user_id(), action, "game", after.id, score_json(before), audit_after});
    nlohmann::json game = to_json(after);
    game["change"] = change;
    outbox::publish(tx, after.event_id, "score.updated", "game", game);
    return change;
}

domain::BracketGame bracket_game(const GameRow& g) {
    domain::BracketGame b;
    b.id = g.id;
    b.home = g.home_team_id;
    b.away = g.away_team_id;
    b.status = g.status;
    b.winner = g.winner_team_id;
    b.next_game = g.next_game_id;
    b.next_slot = g.next_slot.value_or(domain::Slot::kHome);
    return b;
}

// A knockout winner moves on: its slot in the next game, published as game.updated.
void place_winner(db::Tx& tx, const GameRow& game) {
    if (!game.winner_team_id) {
        return;
    }
    const auto placement = domain::place_winner(bracket_game(game), *game.winner_team_id);
    if (!placement) {
        return;  // the final
    }
    (void)game_repo::set_slot(tx, placement->game, placement->slot, placement->team);
    const GameRow next = *game_repo::find(tx, placement->game, false);
    outbox::publish(tx, next.event_id, "game.updated", "game", to_json(next));
}

// Applies what a changed winner undoes downstream, recording every reset.
void apply_winner_change(db::Tx& tx, const Caller& caller, const domain::WinnerChangePlan& plan,
                         std::int64_t corrected_id) {
    const std::string why = "reset: the winner of game " + std::to_string(corrected_id) +
                            " was changed by a correction";
    for (const domain::SlotChange& c : plan.changes) {
        const GameRow before = *game_repo::find(tx, c.game, false);
        if (!c.reset_result) {
            (void)game_repo::set_slot(tx, c.game, c.slot, c.new_team);
            const GameRow after = *game_repo::find(tx, c.game, false);
            outbox::publish(tx, after.event_id, "game.updated", "game", to_json(after));
            continue;
        }
        const auto reset = domain::transition(before.status, domain::GameAction::kReset,
                                              domain::GameStatus::kScheduled);
        // The bracket is locked (lock_bracket): the version cannot have moved.
        if (!game_repo::reset_slot(tx, c.game, before.version, c.slot, c.new_team, reset.to)) {
            throw std::logic_error("a locked bracket game changed its version");
        }
        const GameRow after = *game_repo::find(tx, c.game, false);
        (void)record_change_of(tx, caller, "reset", "game.reset", before, after, why);
    }
}

// Alerts raised (created or reopened) by a committed write.
void count_alerts(const ScoreResult& result) {
    for (const domain::integrity::Kind kind : result.alerts) {
        metrics::inc(api::obs::kIntegrityAlerts, {domain::integrity::to_string(kind)});
    }
}

}  // namespace

ScoreResult record_score_in(db::Tx& tx, const Caller& caller, std::int64_t game_id,
                            std::int64_t expected_version, const domain::ScoreUpdate& update) {
    const EventAccess access =
        require_game_event(tx, caller, game_id, authz::Action::kRecordScore, Lock::kShare);
    if (!domain::accepts_scores(access.status)) {
        throw domain::Refusal::conflict("the event is archived; its scores no longer change");
    }
    const auto before = game_repo::find(tx, game_id, false);
    if (!before) {
        throw domain::Refusal::not_found("no event or game with this id");
    }
    if (before->version != expected_version) {
        stale(expected_version, before->version);
    }
    const bool teams_set = before->home_team_id && before->away_team_id;
    const auto error = domain::check_score_update(access.format, before->status, teams_set, update);
    if (error != domain::ScoreError::kNone) {
        refuse(error);
    }
    const domain::GameStatus status =
        domain::transition(before->status, domain::GameAction::kScore, update.status).to;
    const bool going_final = status == domain::GameStatus::kFinal;
    const domain::FormatRules rules = domain::rules_of(access.format);
    std::optional<std::int64_t> winner;
    if (going_final && rules.advances_winner) {
        winner = domain::winner_of(*before->home_team_id, *before->away_team_id, update.home_score,
                                   update.away_score);
    }
    // The version guard: of concurrent updates from one version, one writes.
    auto updated = game_repo::update_score(tx, game_id, expected_version, update.home_score,
                                           update.away_score, status, winner);
    if (!updated) {
        const auto now = game_repo::find(tx, game_id, false);
        stale(expected_version, now ? now->version : expected_version + 1);
    }
    ScoreResult result;
    result.game = std::move(*updated);
    result.change = record_change_of(tx, caller, "update", "game.score_updated", *before,
                                     result.game, std::nullopt);
    if (going_final && rules.advances_winner) {
        place_winner(tx, result.game);
    }
    if (going_final && rules.keeps_standings) {
        (void)refresh_standings(tx, result.game.event_id);
    }
    result.alerts = integrity::check_write(tx, caller, access, domain::integrity::WriteKind::kScore,
                                           *before, result.game);
    return result;
}

ScoreResult record_score(db::Connection& conn, const Caller& caller, std::int64_t game_id,
                         std::int64_t expected_version, const domain::ScoreUpdate& update) {
    ScoreResult result = db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
        return record_score_in(tx, caller, game_id, expected_version, update);
    });
    // Counted once committed: a retried transaction counts once.
    metrics::inc(api::obs::kScoresRecorded);
    if (result.game.status == domain::GameStatus::kFinal) {
        metrics::inc(api::obs::kGamesFinished);  // a final game takes no more updates
    }
    count_alerts(result);
    return result;
}

ScoreResult correct_score_in(db::Tx& tx, const Caller& caller, std::int64_t game_id,
                             const Correction& correction,
                             std::optional<std::int64_t> expected_version) {
    const EventAccess access =
        require_game_event(tx, caller, game_id, authz::Action::kCorrectScore, Lock::kShare);
    const domain::FormatRules rules = domain::rules_of(access.format);
    // A correction that may change a winner may reach every later game: lock
    // them all, in id order, before reading any, so the plan sees what it changes.
    std::vector<domain::BracketGame> bracket;
    if (rules.advances_winner) {
        bracket = game_repo::lock_bracket(tx, access.event_id);
    }
    const auto before = game_repo::find(tx, game_id, true);
    if (!before) {
        throw domain::Refusal::not_found("no event or game with this id");
    }
    check_game_version(expected_version, before->version);
    const auto error = domain::check_correction(access.format, before->status,
                                                correction.home_score, correction.away_score);
    if (error != domain::ScoreError::kNone) {
        refuse(error);
    }
    const domain::GameStatus status =
        domain::transition(before->status, domain::GameAction::kCorrect, domain::GameStatus::kFinal)
            .to;
    std::optional<std::int64_t> winner;
    if (rules.advances_winner) {
        winner = domain::winner_of(*before->home_team_id, *before->away_team_id,
                                   correction.home_score, correction.away_score);
    }
    // The row is locked (find with FOR UPDATE above): its version cannot have moved.
    auto updated = game_repo::update_score(tx, game_id, before->version, correction.home_score,
                                           correction.away_score, status, winner);
    if (!updated) {
        stale(before->version, before->version + 1);
    }
    ScoreResult result;
    result.game = std::move(*updated);
    result.change = record_change_of(tx, caller, "correction", "game.score_corrected", *before,
                                     result.game, correction.reason);
    if (rules.advances_winner && before->winner_team_id && winner &&
        *winner != *before->winner_team_id) {
        const auto plan =
            domain::plan_winner_change(bracket, game_id, *before->winner_team_id, *winner);
        apply_winner_change(tx, caller, plan, game_id);
    }
    if (rules.keeps_standings) {
        (void)refresh_standings(tx, result.game.event_id);
    }
    result.alerts = integrity::check_write(
        tx, caller, access, domain::integrity::WriteKind::kCorrection, *before, result.game);
    return result;
}

ScoreResult correct_score(db::Connection& conn, const Caller& caller, std::int64_t game_id,
                          const Correction& correction,
                          std::optional<std::int64_t> expected_version) {
    ScoreResult result = db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
        return correct_score_in(tx, caller, game_id, correction, expected_version);
    });
    metrics::inc(api::obs::kScoreCorrections);
    count_alerts(result);
    return result;
}

}  // namespace tournament
