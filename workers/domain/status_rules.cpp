// Game and event status transitions (see status_rules.hpp).
#include "domain/status_rules.hpp"

namespace domain {
namespace {

GameTransition allow(GameStatus status) noexcept {
    return {status, GameRefusal::kNone};
}

GameTransition refuse(GameStatus from, GameRefusal refusal) noexcept {
    return {from, refusal};
}

// scheduled <-> postponed, scheduled or postponed -> cancelled; staying put.
GameTransition patch(GameStatus from, GameStatus requested) noexcept {
    if (requested == from) {
        return allow(from);
    }
    switch (requested) {
        case GameStatus::kPostponed:
        case GameStatus::kCancelled:
            return from == GameStatus::kScheduled || from == GameStatus::kPostponed
                       ? allow(requested)
                       : refuse(from, GameRefusal::kOutOfOrder);
        case GameStatus::kScheduled:
            return from == GameStatus::kPostponed ? allow(requested)
                                                  : refuse(from, GameRefusal::kOutOfOrder);
        case GameStatus::kLive:
        case GameStatus::kFinal:
            return refuse(from, GameRefusal::kBadTarget);
    }
    return refuse(from, GameRefusal::kBadTarget);
}

// scheduled -> live, live -> live (the score moves on), live -> final.
GameTransition score(GameStatus from, GameStatus requested) noexcept {
    if (requested != GameStatus::kLive && requested != GameStatus::kFinal) {
        return refuse(from, GameRefusal::kBadTarget);
    }
    switch (from) {
        case GameStatus::kScheduled:
            return requested == GameStatus::kLive ? allow(requested)
                                                  : refuse(from, GameRefusal::kOutOfOrder);
        case GameStatus::kLive:
            return allow(requested);
        case GameStatus::kFinal:
            return refuse(from, GameRefusal::kAlreadyFinal);
        case GameStatus::kPostponed:
        case GameStatus::kCancelled:
            return refuse(from, GameRefusal::kNotPlayable);
    }
    return refuse(from, GameRefusal::kBadTarget);
}

int rank(EventStatus status) noexcept {
    switch (status) {
        case EventStatus::kDraft:
            return 0;
        case EventStatus::kScheduled:
            return 1;
        case EventStatus::kLive:
            return 2;
        case EventStatus::kCompleted:
            return 3;
        case EventStatus::kArchived:
            return 4;
    }
    return 0;
}

}  // namespace

GameTransition transition(GameStatus from, GameAction action, GameStatus requested) noexcept {
    switch (action) {
        case GameAction::kPatch:
            return patch(from, requested);
        case GameAction::kScore:
            return score(from, requested);
        case GameAction::kCorrect:
            return from == GameStatus::kFinal ? allow(GameStatus::kFinal)
                                              : refuse(from, GameRefusal::kNotFinal);
        case GameAction::kReset:
            return allow(GameStatus::kScheduled);
    }
    return refuse(from, GameRefusal::kBadTarget);
}

bool has_result(GameStatus status) noexcept {
    switch (status) {
        case GameStatus::kLive:
        case GameStatus::kFinal:
            return true;
        case GameStatus::kScheduled:
        case GameStatus::kPostponed:
        case GameStatus::kCancelled:
            return false;
    }
    return false;
}

EventRefusal event_transition(EventStatus from, EventStatus to_status) noexcept {
    return rank(to_status) < rank(from) ? EventRefusal::kBackwards : EventRefusal::kNone;
}

bool accepts_scores(EventStatus status) noexcept {
    return status != EventStatus::kArchived;
}

}  // namespace domain
