// Member handlers; see member_handler.hpp.
#include "member/member_handler.hpp"

#include "common/tournament_handler.hpp"
#include "http/json_body.hpp"
#include "member/member_service.hpp"

namespace api {
namespace {

// 201 for a new member, 200 when an existing member's role changed (or not).
http::Response put(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    const std::int64_t event_id = id_param(ctx, "id");
    const auto body = json_body(ctx);
    http::FieldReader fields(body);
    auto user_id = fields.integer("user_id", true, 1, INT64_MAX);
    auto role = fields.string("role", true, 1, 20);
    if (role && !authz::parse_event_role(*role)) {
        fields.fail("role", "must be organizer, scorekeeper or viewer");
    }
    fields.finish();
    const auto change = tournament::put_member(ctx.db(), caller, event_id, *user_id, *role);
    return json_response(ctx, change.created ? 201 : 200, change.member);
}

http::Response list(Context& ctx) {
    return event_page(ctx, tournament::list_members);
}

http::Response remove(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    tournament::remove_member(ctx.db(), caller, id_param(ctx, "id"), id_param(ctx, "user_id"));
    return http::Response::no_content();
}

}  // namespace

void add_member_routes(Router& router) {
    router.add("POST", "/api/v1/events/{id}/members", put);
    router.add("GET", "/api/v1/events/{id}/members", list);
    router.add("DELETE", "/api/v1/events/{id}/members/{user_id}", remove);
}

}  // namespace api
