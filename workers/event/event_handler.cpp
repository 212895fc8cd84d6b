// Event handlers; see event_handler.hpp.
#include "event/event_handler.hpp"

#include "common/event_access.hpp"
#include "common/tournament_handler.hpp"
#include "event/event_service.hpp"
#include "event/event_view.hpp"
#include "http/json_body.hpp"

namespace api {
namespace {

// {win, draw, loss}; nullopt (with an error) for anything else.
std::optional<domain::Points> read_points(http::FieldReader& fields) {
    const nlohmann::json* v = fields.any("points", false);
    if (!v) {
        return std::nullopt;
    }
    auto in_range = [](const nlohmann::json& j, const char* key) {
        return j.contains(key) && j[key].is_number_integer() &&
               j[key].get<std::int64_t>() >= -100 && j[key].get<std::int64_t>() <= 100;
    };
    if (!v->is_object() || v->size() != 3 || !in_range(*v, "win") || !in_range(*v, "draw") ||
        !in_range(*v, "loss")) {
        fields.fail("points", "must be {win, draw, loss} with integers from -100 to 100");
        return std::nullopt;
    }
    return domain::Points{(*v)["win"].get<int>(), (*v)["draw"].get<int>(), (*v)["loss"].get<int>()};
}

std::optional<std::vector<std::string>> read_tiebreakers(http::FieldReader& fields) {
    const nlohmann::json* v = fields.any("tiebreakers", false);
    if (!v) {
        return std::nullopt;
    }
    if (!v->is_array() || v->size() > 10) {
        fields.fail("tiebreakers", "must be an array of at most 10 names");
        return std::nullopt;
    }
    std::vector<std::string> names;
    for (const auto& item : *v) {
        if (!item.is_string()) {
            fields.fail("tiebreakers", "must hold strings only");
            return std::nullopt;
        }
        names.push_back(item.get<std::string>());
    }
    return names;
}

http::Response create(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    (void)tournament::require_signed_in(caller);
    const auto body = json_body(ctx);
    http::FieldReader fields(body);
    tournament::EventInput in;
    auto name = fields.string("name", true, 1, 800);
    auto sport = fields.string("sport", true, 1, 200);
    auto format = fields.string("format", true, 1, 40);
    auto starts_on = fields.string("starts_on", true, 1, 10);
    in.ends_on = fields.string("ends_on", false, 1, 10);
    in.time_zone = fields.string("time_zone", false, 1, 64);
    in.slug = fields.string("slug", false, 1, 120);
    in.points = read_points(fields);
    in.tiebreakers = read_tiebreakers(fields);
    fields.finish();
    in.name = *name;
    in.sport = *sport;
    in.format = *format;
    in.starts_on = *starts_on;
    const auto event = tournament::create_event(ctx.db(), caller, in);
    http::Response r = json_response(ctx, 201, tournament::to_json(event), event.version);
    r.set_header("Location", "/api/v1/events/" + std::to_string(event.id));
    return r;
}

http::Response list(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    QueryReader query(ctx.req);
    tournament::EventListQuery q;
    q.q = query.text("q", 200);
    q.sport = query.text("sport", 50);
    q.status = query.choice("status", {"draft", "scheduled", "live", "completed", "archived"});
    q.from = query.date("from");
    q.to = query.date("to");
    q.slug = query.slug("slug");
    q.cursor = query.cursor();
    q.limit = query.limit();
    query.finish();
    return page_response(ctx, tournament::list_events(ctx.db(), caller, q));
}

// {id} is an event id when it is all digits, else a slug (a slug made of
// digits only is reachable through GET /events?slug= alone).
bool is_id_segment(std::string_view segment) {
    return !segment.empty() && segment.find_first_not_of("0123456789") == std::string_view::npos;
}

http::Response get(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    const std::string& segment = ctx.req.param("id");
    const auto event = is_id_segment(segment)
                           ? tournament::get_event(ctx.db(), caller, id_param(ctx, "id"))
                           : tournament::get_event_by_slug(ctx.db(), caller, segment);
    if (auto r = not_modified(ctx, event.version)) {
        return *r;
    }
    return json_response(ctx, 200, tournament::to_json(event), event.version);
}

http::Response update(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    const std::int64_t id = id_param(ctx, "id");
    const auto expected = if_match_version(ctx, false);
    const auto body = json_body(ctx);
    http::FieldReader fields(body);
    tournament::EventPatch p;
    p.name = fields.string("name", false, 1, 800);
    p.slug = fields.string("slug", false, 1, 120);
    p.sport = fields.string("sport", false, 1, 200);
    p.format = fields.string("format", false, 1, 40);
    p.status = fields.string("status", false, 1, 20);
    p.starts_on = fields.string("starts_on", false, 1, 10);
    p.ends_on_set = body.contains("ends_on");
    p.ends_on = fields.string("ends_on", false, 1, 10);
    p.time_zone = fields.string("time_zone", false, 1, 64);
    p.points = read_points(fields);
    p.tiebreakers = read_tiebreakers(fields);
    fields.finish();
    const auto event = tournament::update_event(ctx.db(), caller, id, p, expected);
    return json_response(ctx, 200, tournament::to_json(event), event.version);
}

http::Response remove(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    const std::int64_t id = id_param(ctx, "id");
    tournament::delete_event(ctx.db(), caller, id, if_match_version(ctx, false));
    return http::Response::no_content();
}

}  // namespace

void add_event_routes(Router& router) {
    router.add("POST", "/api/v1/events", create);
    router.add("GET", "/api/v1/events", list);
    router.add("GET", "/api/v1/events/{id}", get);
    router.add("PATCH", "/api/v1/events/{id}", update);
    router.add("DELETE", "/api/v1/events/{id}", remove);
}

}  // namespace api
