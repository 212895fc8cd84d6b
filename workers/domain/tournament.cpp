// Spellings of the domain enums in the API and the database (see tournament.hpp).
#include "domain/tournament.hpp"

namespace domain {

std::optional<Format> parse_format(std::string_view text) noexcept {
    if (text == "round_robin") {
        return Format::kRoundRobin;
    }
    if (text == "double_round_robin") {
        return Format::kDoubleRoundRobin;
    }
    if (text == "single_elimination") {
        return Format::kSingleElimination;
    }
    return std::nullopt;
}

std::string_view to_string(Format format) noexcept {
    switch (format) {
        case Format::kRoundRobin:
            return "round_robin";
        case Format::kDoubleRoundRobin:
            return "double_round_robin";
        case Format::kSingleElimination:
            return "single_elimination";
    }
    return "round_robin";
}

std::optional<Slot> parse_slot(std::string_view text) noexcept {
    if (text == "home") {
        return Slot::kHome;
    }
    if (text == "away") {
        return Slot::kAway;
    }
    return std::nullopt;
}

std::string_view to_string(Slot slot) noexcept {
    return slot == Slot::kHome ? "home" : "away";
}

std::optional<GameStatus> parse_game_status(std::string_view text) noexcept {
    if (text == "scheduled") {
        return GameStatus::kScheduled;
    }
    if (text == "live") {
        return GameStatus::kLive;
    }
    if (text == "final") {
        return GameStatus::kFinal;
    }
    if (text == "postponed") {
        return GameStatus::kPostponed;
    }
    if (text == "cancelled") {
        return GameStatus::kCancelled;
    }
    return std::nullopt;
}

std::string_view to_string(GameStatus status) noexcept {
    switch (status) {
        case GameStatus::kScheduled:
            return "scheduled";
        case GameStatus::kLive:
            return "live";
        case GameStatus::kFinal:
            return "final";
        case GameStatus::kPostponed:
            return "postponed";
        case GameStatus::kCancelled:
            return "cancelled";
    }
    return "scheduled";
}

std::optional<EventStatus> parse_event_status(std::string_view text) noexcept {
    if (text == "draft") {
        return EventStatus::kDraft;
    }
    if (text == "scheduled") {
        return EventStatus::kScheduled;
    }
    if (text == "live") {
        return EventStatus::kLive;
    }
    if (text == "completed") {
        return EventStatus::kCompleted;
    }
    if (text == "archived") {
        return EventStatus::kArchived;
    }
    return std::nullopt;
}

std::string_view to_string(EventStatus status) noexcept {
    switch (status) {
        case EventStatus::kDraft:
            return "draft";
        case EventStatus::kScheduled:
            return "scheduled";
        case EventStatus::kLive:
            return "live";
        case EventStatus::kCompleted:
            return "completed";
        case EventStatus::kArchived:
            return "archived";
    }
    return "draft";
}

}  // namespace domain
