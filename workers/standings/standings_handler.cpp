// Standings handler; see standings_handler.hpp.
#include "standings/standings_handler.hpp"

#include "common/preconditions.hpp"
#include "common/tournament_handler.hpp"
#include "standings/standings_service.hpp"

namespace api {
namespace {

// The official table: its version is the ETag.
http::Response official(Context& ctx, std::int64_t event_id) {
    const auto view = tournament::read_standings(ctx.db(), caller_of(ctx), event_id);
    if (auto r = not_modified(ctx, view.version)) {
        return *r;
    }
    return json_response(ctx, 200, view.body, view.version);
}

// The live table: it changes with every live score, which bumps no version,
// so its ETag is a hash of the body ("live-…", never a version's tag).
http::Response live(Context& ctx, std::int64_t event_id) {
    const auto view = tournament::read_live_standings(ctx.db(), caller_of(ctx), event_id);
    const std::string etag = tournament::content_etag(
        "live", view.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    if (auto r = not_modified(ctx, etag)) {
        return *r;
    }
    return json_response(ctx, 200, view.body, etag);
}

http::Response get(Context& ctx) {
    const std::int64_t event_id = id_param(ctx, "id");
    QueryReader query(ctx.req);
    const auto live_param = query.choice("live", {"true", "false"});
    query.finish();
    return live_param == "true" ? live(ctx, event_id) : official(ctx, event_id);
}

}  // namespace

void add_standings_routes(Router& router) {
    router.add("GET", "/api/v1/events/{id}/standings", get);
}

}  // namespace api
