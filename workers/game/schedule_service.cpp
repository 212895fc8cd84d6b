// Schedule generation and storage; see schedule_service.hpp.
#include "game/schedule_service.hpp"

#include "common/event_access.hpp"
#include "common/time_text.hpp"
#include "domain/refusal.hpp"
#include "domain/schedule.hpp"
#include "game/game_repository.hpp"
#include "game/game_view.hpp"
#include "outbox/outbox_repository.hpp"
#include "team/team_repository.hpp"

namespace tournament {
namespace {

// The request field a schedule error is about.
std::string field_of(domain::ScheduleError error) {
    switch (error) {
        case domain::ScheduleError::kBadInterval:
            return "minutes_between_rounds";
        case domain::ScheduleError::kTooManyVenues:
        case domain::ScheduleError::kBadVenue:
        case domain::ScheduleError::kDuplicateVenue:
            return "venues";
        case domain::ScheduleError::kNone:
        case domain::ScheduleError::kTooFewTeams:
        case domain::ScheduleError::kTooManyTeams:
        case domain::ScheduleError::kDuplicateTeam:
        case domain::ScheduleError::kDuplicateSeed:
        case domain::ScheduleError::kBadSeed:
            break;
    }
    return "teams";
}

}  // namespace

nlohmann::json create_schedule_in(db::Tx& tx, const Caller& caller, std::int64_t event_id,
                                  const ScheduleInput& input) {
    // The event row lock serializes schedule runs of one event.
    const EventAccess access =
        require_event(tx, caller, event_id, authz::Action::kUpdateEvent, Lock::kUpdate);
    const auto existing = game_repo::counts(tx, event_id);
    if (existing.games > 0 && !input.replace) {
        throw domain::Refusal::conflict(
            "the event has games already; send replace:true to replace an "
            "unplayed schedule");
    }
    if (existing.played > 0) {
        throw domain::Refusal::conflict(
            "games of this event have been played; the schedule cannot be "
            "replaced");
    }

    domain::ScheduleRequest request;
    request.format = access.format;
    request.teams = team_repo::all(tx, event_id);
    request.first_game_at = input.first_game_at;
    request.minutes_between_rounds = input.minutes_between_rounds;
    request.venues = input.venues;
    const domain::Schedule schedule = domain::make_schedule(request);
    if (!schedule.ok()) {
        throw domain::Refusal::invalid_fields(
            "the event cannot be scheduled: " + std::string(domain::describe(schedule.error)),
            {{field_of(schedule.error), std::string(domain::describe(schedule.error))}});
    }
    if (existing.games > 0) {
        game_repo::remove_all(tx, event_id);
    }

    // Insert in schedule order, then link: a winner's next game is inserted later.
    std::vector<std::int64_t> ids;
    ids.reserve(schedule.games.size());
    for (const domain::ScheduledGame& g : schedule.games) {
        ids.push_back(game_repo::insert(
            tx, {event_id, g.round, g.home, g.away, g.venue, format_instant(g.starts_at)}));
    }
    for (std::size_t i = 0; i < schedule.games.size(); ++i) {
        if (const auto& next = schedule.games[i].winner_to) {
            game_repo::link(tx, ids[i], ids.at(next->game), next->slot);
        }
    }

    nlohmann::json games = nlohmann::json::array();
    for (const GameRow& g : game_repo::all(tx, event_id)) {
        nlohmann::json json = to_json(g);
        outbox::publish(tx, event_id, "game.updated", "game", json);
        games.push_back(std::move(json));
    }
    nlohmann::json byes = nlohmann::json::array();
    for (const domain::Bye& b : schedule.byes) {
        byes.push_back({{"round", b.round}, {"team_id", b.team}});
    }
    const nlohmann::json summary = {
        {"rounds", schedule.rounds},
        {"games", schedule.games.size()},
        {"replaced", existing.games > 0},
        {"first_game_at", format_instant(input.first_game_at)},
        {"minutes_between_rounds", input.minutes_between_rounds.count()},
        {"venues", input.venues}};
    audit::record(tx, caller.origin,
                  {caller.user_id(), "schedule.created", "event", event_id, std::nullopt, summary});
    outbox::publish(tx, event_id, "schedule.updated", "schedule", summary);
    return {{"event_id", event_id},
            {"format", std::string(domain::to_string(access.format))},
            {"rounds", schedule.rounds},
            {"games", std::move(games)},
            {"byes", std::move(byes)}};
}

nlohmann::json create_schedule(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                               const ScheduleInput& input) {
    return db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
        return create_schedule_in(tx, caller, event_id, input);
    });
}

}  // namespace tournament
