// Standings handler; see standings_handler.hpp.
#include "standings/standings_handler.hpp"

#include "common/tournament_handler.hpp"
#include "standings/standings_service.hpp"

namespace api {
namespace {

http::Response get(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    const auto view = tournament::read_standings(ctx.db(), caller, id_param(ctx, "id"));
    if (auto r = not_modified(ctx, view.version)) {
        return *r;
    }
    return json_response(ctx, 200, view.body, view.version);
}

}  // namespace

void add_standings_routes(Router& router) {
    router.add("GET", "/api/v1/events/{id}/standings", get);
}

}  // namespace api
