// Game operations other than scores; see game_service.hpp.
#include "game/game_service.hpp"

#include <stdexcept>

#include "common/cursor.hpp"
#include "common/event_access.hpp"
#include "common/preconditions.hpp"
#include "common/time_text.hpp"
#include "common/validation.hpp"
#include "domain/refusal.hpp"
#include "domain/status_rules.hpp"
#include "game/game_view.hpp"
#include "outbox/outbox_repository.hpp"
#include "team/team_repository.hpp"

namespace tournament {
namespace {

constexpr std::string_view kGameCursor = "gm";
constexpr std::string_view kHistoryCursor = "hs";

[[noreturn]] void no_game() {
    throw domain::Refusal::not_found("no event or game with this id");
}

void publish_game(db::Tx& tx, const Caller& caller, const char* action,
                  const std::optional<GameRow>& before, const GameRow& after) {
    const nlohmann::json json = to_json(after);
    audit::record(tx, caller.origin,
                  {caller.user_id(), action, "game", after.id,
                   before ? std::optional<nlohmann::json>(to_json(*before)) : std::nullopt, json});
    outbox::publish(tx, after.event_id, "game.updated", "game", json);
}

}  // namespace

void check_game_version(std::optional<std::int64_t> expected, std::int64_t current) {
    if (expected && *expected != current) {
        throw domain::Refusal::stale_version("the game has changed since version " +
                                                 std::to_string(*expected) + " (it is at version " +
                                                 std::to_string(current) + "); read it again",
                                             current);
    }
}

GameRow create_game_in(db::Tx& tx, const Caller& caller, std::int64_t event_id,
                       const GameInput& in) {
    (void)require_event(tx, caller, event_id, authz::Action::kUpdateEvent, Lock::kShare);
    FieldErrors errors;
    if (!team_repo::find(tx, event_id, in.home_team_id, false)) {
        errors.add("home_team_id", "is not a team of this event");
    }
    if (!team_repo::find(tx, event_id, in.away_team_id, false)) {
        errors.add("away_team_id", "is not a team of this event");
    }
    if (in.home_team_id == in.away_team_id) {
        errors.add("away_team_id", "must differ from home_team_id");
    }
    if (in.venue) {
        errors.check_text("venue", *in.venue, 1, 200);
    }
    errors.throw_if_any("the game cannot be created as sent");
    const std::int64_t id = game_repo::insert(
        tx, {event_id, in.round, in.home_team_id, in.away_team_id, in.venue, in.starts_at});
    GameRow created = *game_repo::find(tx, id, false);
    publish_game(tx, caller, "game.created", std::nullopt, created);
    return created;
}

GameRow create_game(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                    const GameInput& input) {
    return db::with_retry(conn, caller.attempts,
                          [&](db::Tx& tx) { return create_game_in(tx, caller, event_id, input); });
}

GameRow get_game(db::Connection& conn, const Caller& caller, std::int64_t game_id) {
    return db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
        (void)require_game_event(tx, caller, game_id, authz::Action::kReadEvent);
        auto game = game_repo::find(tx, game_id, false);
        if (!game) {
            no_game();
        }
        return *game;
    });
}

Page list_games(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                const GameListQuery& q) {
    game_repo::GameFilter f;
    f.event_id = event_id;
    f.round = q.round;
    f.team_id = q.team_id;
    f.status = q.status;
    f.from = q.from;
    f.to = q.to;
    f.limit = q.limit;
    if (q.cursor) {
        const Cursor c = client_cursor(kGameCursor, q.cursor, [](std::string_view key) {
            return parse_instant(key).has_value();
        });
        f.after_starts_at = c.key;
        f.after_id = c.id;
    }
    auto rows = db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
        (void)require_event(tx, caller, event_id, authz::Action::kReadEvent);
        return game_repo::list(tx, f);
    });
    Page page;
    if (rows.size() > static_cast<std::size_t>(q.limit)) {
        rows.resize(static_cast<std::size_t>(q.limit));
        page.next_cursor = encode_cursor(kGameCursor, rows.back().starts_at, rows.back().id);
    }
    for (const auto& g : rows) {
        page.items.push_back(to_json(g));
    }
    return page;
}

GameRow update_game_in(db::Tx& tx, const Caller& caller, std::int64_t game_id,
                       const GamePatch& patch, std::optional<std::int64_t> expected_version) {
    (void)require_game_event(tx, caller, game_id, authz::Action::kUpdateEvent, Lock::kShare);
    const auto before = game_repo::find(tx, game_id, true);
    if (!before) {
        no_game();
    }
    check_game_version(expected_version, before->version);
    const std::string starts_at = patch.starts_at.value_or(before->starts_at);
    const std::optional<std::string> venue = patch.venue_set ? patch.venue : before->venue;
    const domain::GameStatus requested = patch.status.value_or(before->status);
    FieldErrors errors;
    if (venue && patch.venue_set) {
        errors.check_text("venue", *venue, 1, 200);
    }
    errors.throw_if_any("the game cannot be changed as sent");
    const auto move = domain::transition(before->status, domain::GameAction::kPatch, requested);
    if (!move.allowed()) {
        const std::string from(domain::to_string(before->status));
        throw domain::Refusal::conflict(
            "a game moves between scheduled and postponed, and to cancelled from either; this "
            "game is " +
                from,
            {{"status",
              "cannot go from " + from + " to " + std::string(domain::to_string(requested))}});
    }
    // The row is locked (find with FOR UPDATE above): its version cannot have moved.
    if (!game_repo::update_details(tx, game_id, before->version, starts_at, venue, move.to)) {
        throw std::logic_error("a locked game changed its version");
    }
    GameRow after = *game_repo::find(tx, game_id, false);
    publish_game(tx, caller, "game.updated", before, after);
    return after;
}

GameRow update_game(db::Connection& conn, const Caller& caller, std::int64_t game_id,
                    const GamePatch& patch, std::optional<std::int64_t> expected_version) {
    return db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
        return update_game_in(tx, caller, game_id, patch, expected_version);
    });
}

Page game_history(db::Connection& conn, const Caller& caller, std::int64_t game_id,
                  const std::optional<std::string>& cursor, int limit) {
    const std::int64_t after = client_cursor(kHistoryCursor, cursor).id;
    Page page;
    page.items = db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
        (void)require_game_event(tx, caller, game_id, authz::Action::kReadEvent);
        return game_repo::history(tx, game_id, after, limit);
    });
    if (page.items.size() > static_cast<std::size_t>(limit)) {
        page.items.erase(page.items.size() - 1);
        page.next_cursor =
            encode_cursor(kHistoryCursor, "", page.items.back()["id"].get<std::int64_t>());
    }
    return page;
}

}  // namespace tournament
