// Score handlers; see score_handler.hpp.
#include "score/score_handler.hpp"

#include "common/tournament_handler.hpp"
#include "common/validation.hpp"
#include "game/game_view.hpp"
#include "http/json_body.hpp"
#include "score/score_service.hpp"
#include "text/text_policy.hpp"

namespace api {
namespace {

// {game, change}: the game with its new version, and the history entry.
http::Response answer(const Context& ctx, const tournament::ScoreResult& result) {
    nlohmann::json body = tournament::to_json(result.game);
    body["change"] = result.change;
    return json_response(ctx, 200, body, result.game.version);
}

http::Response put_score(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    const std::int64_t game_id = id_param(ctx, "id");
    const auto body = json_body(ctx);
    http::FieldReader fields(body);
    auto home = fields.integer("home_score", true, 0, domain::kMaxScore);
    auto away = fields.integer("away_score", true, 0, domain::kMaxScore);
    auto status = fields.string("status", true, 1, 20);
    std::optional<domain::GameStatus> parsed;
    if (status) {
        parsed = domain::parse_game_status(*status);
        if (parsed != domain::GameStatus::kLive && parsed != domain::GameStatus::kFinal) {
            fields.fail("status", "must be live or final");
        }
    }
    fields.finish();
    const std::int64_t expected = *if_match_version(ctx, true);
    const domain::ScoreUpdate update{static_cast<int>(*home), static_cast<int>(*away), *parsed};
    return answer(ctx, tournament::record_score(ctx.db(), caller, game_id, expected, update));
}

http::Response correct(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    const std::int64_t game_id = id_param(ctx, "id");
    const auto expected = if_match_version(ctx, false);
    const auto body = json_body(ctx);
    http::FieldReader fields(body);
    auto home = fields.integer("home_score", true, 0, domain::kMaxScore);
    auto away = fields.integer("away_score", true, 0, domain::kMaxScore);
    auto reason = fields.string("reason", true, 1, 4000, text::Kind::kMultiLine);
    if (reason && (text::utf8_length(*reason) > 1000 ||
                   reason->find_first_not_of(" \t\r\n") == std::string::npos)) {
        fields.fail("reason", "must be 1 to 1000 characters, not only blanks");
    }
    fields.finish();
    const tournament::Correction c{static_cast<int>(*home), static_cast<int>(*away), *reason};
    return answer(ctx, tournament::correct_score(ctx.db(), caller, game_id, c, expected));
}

}  // namespace

void add_score_routes(Router& router) {
    router.add("PUT", "/api/v1/games/{id}/score", put_score);
    router.add("POST", "/api/v1/games/{id}/corrections", correct);
}

}  // namespace api
