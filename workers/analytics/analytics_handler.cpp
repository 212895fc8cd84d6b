// Analytics handler; see analytics_handler.hpp.
#include "analytics/analytics_handler.hpp"

#include "analytics/analytics_service.hpp"
#include "common/tournament_handler.hpp"
#include "common/validation.hpp"
#include "http/json_body.hpp"
#include "text/text_policy.hpp"

namespace api {
namespace {

constexpr std::size_t kMaxQuestionChars = 500;

// The 422 of a question the parser did not understand.
http::Response not_understood(const Context& ctx, const domain::analytics::Decline& d) {
    nlohmann::ordered_json body;
    body["type"] = "https://scoreline.dev/problems/not-understood";
    body["title"] = "Question not understood";
    body["status"] = 422;
    body["detail"] = d.detail.empty() ? "The question was not understood." : d.detail;
    body["request_id"] = ctx.req.request_id;
    body["reason"] = domain::analytics::to_string(d.reason);
    body["understood"] = tournament::understood_json(d);
    body["suggestions"] = d.suggestions;
    auto& candidates = body["candidates"] = nlohmann::ordered_json::array();
    for (const auto& c : d.candidates) {
        candidates.push_back({{"id", c.id}, {"name", c.name}});
    }
    http::Response r;
    r.status = 422;
    r.headers.emplace_back("Content-Type", "application/problem+json");
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

http::Response ask(Context& ctx) {
    const tournament::Caller caller = caller_of(ctx);
    const auto body = json_body(ctx);
    http::FieldReader fields(body);
    // Bytes first (a character is at most 4), then characters after trimming.
    auto question =
        fields.string("question", true, 1, 4 * kMaxQuestionChars, text::Kind::kMultiLine);
    auto event_id = fields.integer("event_id", false, 1, INT64_MAX);
    fields.finish();
    tournament::AskInput in;
    in.question = tournament::trimmed(*question);
    in.event_id = event_id;
    const std::size_t chars = text::utf8_length(in.question);
    if (chars == 0 || chars > kMaxQuestionChars) {
        throw http::Problem(422, "the body has invalid fields",
                            {{"question", "must have 1 to 500 characters"}});
    }
    const auto result = tournament::ask(ctx.db(), caller, in);
    if (const auto* d = std::get_if<domain::analytics::Decline>(&result)) {
        return not_understood(ctx, *d);
    }
    return json_response(ctx, 200, std::get<nlohmann::json>(result));
}

}  // namespace

void add_analytics_routes(Router& router) {
    router.add("POST", "/api/v1/analytics/ask", ask);
}

}  // namespace api
