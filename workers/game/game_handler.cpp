// Game handlers; see game_handler.hpp.
#include "game/game_handler.hpp"

#include "common/time_text.hpp"
#include "common/tournament_handler.hpp"
#include "domain/schedule.hpp"
#include "game/game_service.hpp"
#include "game/game_view.hpp"
#include "game/schedule_service.hpp"
#include "http/json_body.hpp"
#include "text/text_policy.hpp"

namespace api {
namespace {

// An instant field as UTC ISO-8601; an error on the reader when malformed.
std::optional<std::string> read_instant(http::FieldReader& fields, const char* name,
                                        bool required) {
    auto text = fields.string(name, required, 1, 64);
    if (!text) {
        return std::nullopt;
    }
    auto t = tournament::parse_instant(*text);
    if (!t) {
        fields.fail(name,
                    "must be an ISO-8601 time with Z or an offset, e.g. 2024-05-01T18:00:00Z");
        return std::nullopt;
    }
    return tournament::format_instant(*t);
}

http::Response schedule(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    const std::int64_t event_id = id_param(ctx, "id");
    const auto body = json_body(ctx);
    http::FieldReader fields(body);
    tournament::ScheduleInput in;
    auto first = read_instant(fields, "first_game_at", true);
    auto minutes = fields.integer("minutes_between_rounds", false, 1,
                                  domain::kMaxMinutesBetweenRounds.count());
    in.replace = fields.boolean("replace", false).value_or(false);
    if (const nlohmann::json* venues = fields.any("venues", false)) {
        if (!venues->is_array() || venues->size() > domain::kMaxVenues) {
            fields.fail("venues", "must be an array of at most 64 names");
        } else {
            for (const auto& v : *venues) {
                if (!v.is_string()) {
                    fields.fail("venues", "must hold strings only");
                    break;
                }
                if (auto why = text::problem(v.get_ref<const std::string&>(), text::Kind::kName)) {
                    fields.fail("venues", "a venue name " + *why);
                    break;
                }
                in.venues.push_back(v.get<std::string>());
            }
        }
    }
    fields.finish();
    in.first_game_at = *tournament::parse_instant(*first);
    if (minutes) {
        in.minutes_between_rounds = std::chrono::minutes(*minutes);
    }
    const auto result = tournament::create_schedule(ctx.db(), caller, event_id, in);
    return json_response(ctx, 201, result);
}

http::Response create(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    const std::int64_t event_id = id_param(ctx, "id");
    const auto body = json_body(ctx);
    http::FieldReader fields(body);
    auto home = fields.integer("home_team_id", true, 1, INT64_MAX);
    auto away = fields.integer("away_team_id", true, 1, INT64_MAX);
    auto starts_at = read_instant(fields, "starts_at", true);
    tournament::GameInput in;
    in.venue = fields.string("venue", false, 1, 800);
    in.round = static_cast<int>(fields.integer("round", false, 1, 10000).value_or(1));
    fields.finish();
    in.home_team_id = *home;
    in.away_team_id = *away;
    in.starts_at = *starts_at;
    const auto game = tournament::create_game(ctx.db(), caller, event_id, in);
    http::Response r = json_response(ctx, 201, tournament::to_json(game), game.version);
    r.set_header("Location", "/api/v1/games/" + std::to_string(game.id));
    return r;
}

http::Response list(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    const std::int64_t event_id = id_param(ctx, "id");
    QueryReader query(ctx.req);
    tournament::GameListQuery q;
    if (auto round = query.integer("round", 1, 10000)) {
        q.round = static_cast<int>(*round);
    }
    q.team_id = query.integer("team_id", 1, INT64_MAX);
    q.status = query.choice("status", {"scheduled", "live", "final", "postponed", "cancelled"});
    q.from = query.instant("from");
    q.to = query.instant("to");
    q.cursor = query.cursor();
    q.limit = query.limit();
    query.finish();
    return page_response(ctx, tournament::list_games(ctx.db(), caller, event_id, q));
}

http::Response get(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    const auto game = tournament::get_game(ctx.db(), caller, id_param(ctx, "id"));
    if (auto r = not_modified(ctx, game.version)) {
        return *r;
    }
    return json_response(ctx, 200, tournament::to_json(game), game.version);
}

http::Response update(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    const std::int64_t game_id = id_param(ctx, "id");
    const auto expected = if_match_version(ctx, false);
    const auto body = json_body(ctx);
    http::FieldReader fields(body);
    tournament::GamePatch p;
    p.starts_at = read_instant(fields, "starts_at", false);
    p.venue_set = body.contains("venue");
    p.venue = fields.string("venue", false, 1, 800);
    if (const auto status = fields.string("status", false, 1, 20)) {
        p.status = domain::parse_game_status(*status);
        if (p.status != domain::GameStatus::kScheduled &&
            p.status != domain::GameStatus::kPostponed &&
            p.status != domain::GameStatus::kCancelled) {
            fields.fail("status",
                        "must be scheduled, postponed or cancelled (scores move a game to "
                        "live and final)");
        }
    }
    fields.finish();
    const auto game = tournament::update_game(ctx.db(), caller, game_id, p, expected);
    return json_response(ctx, 200, tournament::to_json(game), game.version);
}

http::Response history(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    const std::int64_t game_id = id_param(ctx, "id");
    QueryReader query(ctx.req);
    auto cursor = query.cursor();
    const int limit = query.limit();
    query.finish();
    return page_response(ctx, tournament::game_history(ctx.db(), caller, game_id, cursor, limit));
}

}  // namespace

void add_game_routes(Router& router) {
    router.add("POST", "/api/v1/events/{id}/schedule", schedule);
    router.add("POST", "/api/v1/events/{id}/games", create);
    router.add("GET", "/api/v1/events/{id}/games", list);
    router.add("GET", "/api/v1/games/{id}", get);
    router.add("PATCH", "/api/v1/games/{id}", update);
    router.add("GET", "/api/v1/games/{id}/history", history);
}

}  // namespace api
