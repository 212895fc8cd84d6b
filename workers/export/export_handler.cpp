// Export handler; see export_handler.hpp.
#include "export/export_handler.hpp"

#include "common/tournament_handler.hpp"
#include "export/export_service.hpp"

namespace api {
namespace {

http::Response get(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    const std::int64_t event_id = id_param(ctx, "id");
    QueryReader query(ctx.req);
    const auto format = query.choice("format", {"csv", "json"}).value_or("csv");
    query.finish();
    auto file = tournament::export_event(ctx.db(), caller, event_id, format);
    http::Response r;
    r.status = 200;
    r.set_header("Content-Type", file.content_type);
    // Slugs are [a-z0-9-]: safe inside the quoted filename.
    r.set_header("Content-Disposition", "attachment; filename=\"" + file.filename + "\"");
    r.set_header("Cache-Control",
                 ctx.req.header("authorization") ? "private, no-cache" : "no-cache");
    r.body = std::move(file.body);
    return r;
}

}  // namespace

void add_export_routes(Router& router) {
    router.add("GET", "/api/v1/events/{id}/export", get);
}

}  // namespace api
