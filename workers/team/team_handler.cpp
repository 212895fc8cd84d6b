// Team handlers; see team_handler.hpp.
#include "team/team_handler.hpp"

#include "common/tournament_handler.hpp"
#include "http/json_body.hpp"
#include "team/team_service.hpp"
#include "team/team_view.hpp"

namespace api {
namespace {

std::optional<int> read_seed(http::FieldReader& fields) {
    auto seed = fields.integer("seed", false, 1, 100000);
    return seed ? std::optional<int>(static_cast<int>(*seed)) : std::nullopt;
}

// "aliases": an array of at most 10 strings (their text is checked by the
// service); nullopt when absent.
std::optional<std::vector<std::string>> read_aliases(http::FieldReader& fields) {
    const nlohmann::json* value = fields.any("aliases", false);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_array() || value->size() > 10) {
        fields.fail("aliases", "must be an array of at most 10 strings");
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& item : *value) {
        if (!item.is_string()) {
            fields.fail("aliases", "must be an array of at most 10 strings");
            return std::nullopt;
        }
        out.push_back(item.get<std::string>());
    }
    return out;
}

http::Response create(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    const std::int64_t event_id = id_param(ctx, "id");
    const auto body = json_body(ctx);
    http::FieldReader fields(body);
    auto name = fields.string("name", true, 1, 400);
    tournament::TeamInput in;
    in.short_name = fields.string("short_name", false, 1, 64);
    in.seed = read_seed(fields);
    in.aliases = read_aliases(fields).value_or(std::vector<std::string>{});
    fields.finish();
    in.name = *name;
    const auto team = tournament::create_team(ctx.db(), caller, event_id, in);
    http::Response r = json_response(ctx, 201, tournament::to_json(team));
    r.set_header("Location", "/api/v1/events/" + std::to_string(event_id) + "/teams/" +
                                 std::to_string(team.id));
    return r;
}

http::Response list(Context& ctx) {
    return event_page(ctx, tournament::list_teams);
}

http::Response update(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    const std::int64_t event_id = id_param(ctx, "id");
    const std::int64_t team_id = id_param(ctx, "team_id");
    const auto body = json_body(ctx);
    http::FieldReader fields(body);
    tournament::TeamPatch p;
    p.name = fields.string("name", false, 1, 400);
    p.short_name_set = body.contains("short_name");
    p.short_name = fields.string("short_name", false, 1, 64);
    p.seed_set = body.contains("seed");
    p.seed = read_seed(fields);
    p.aliases = read_aliases(fields);
    fields.finish();
    const auto team = tournament::update_team(ctx.db(), caller, event_id, team_id, p);
    return json_response(ctx, 200, tournament::to_json(team));
}

http::Response remove(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    tournament::delete_team(ctx.db(), caller, id_param(ctx, "id"), id_param(ctx, "team_id"));
    return http::Response::no_content();
}

}  // namespace

void add_team_routes(Router& router) {
    router.add("POST", "/api/v1/events/{id}/teams", create);
    router.add("GET", "/api/v1/events/{id}/teams", list);
    router.add("PATCH", "/api/v1/events/{id}/teams/{team_id}", update);
    router.add("DELETE", "/api/v1/events/{id}/teams/{team_id}", remove);
}

}  // namespace api
