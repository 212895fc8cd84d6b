// Shared handler helpers of the tournament routes; see tournament_handler.hpp.
#include "common/tournament_handler.hpp"

#include <charconv>

#include "common/preconditions.hpp"
#include "common/time_text.hpp"
#include "common/validation.hpp"
#include "event/slug.hpp"
#include "handlers/authenticate.hpp"
#include "http/json_body.hpp"
#include "text/text_policy.hpp"

namespace api {

tournament::Caller caller_of(Context& ctx) {
    tournament::Caller caller;
    caller.actor = authenticate(ctx);
    caller.origin = origin_of(ctx.req);
    caller.attempts = ctx.config.db_retry_attempts;
    caller.integrity = &ctx.config.integrity;
    return caller;
}

std::int64_t id_param(const Context& ctx, const std::string& name) {
    const std::string& text = ctx.req.param(name);
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || p != text.data() + text.size() || v < 1) {
        throw http::Problem(404, "no resource at this path");
    }
    return v;
}

std::optional<std::string> QueryReader::text(const char* name, std::size_t max_chars) {
    auto v = req_.query_param(name);
    if (!v) {
        return std::nullopt;
    }
    if (v->empty() || text::utf8_length(*v) > max_chars) {
        errors_.push_back({name, "must be 1 to " + std::to_string(max_chars) + " characters"});
        return std::nullopt;
    }
    return v;
}

std::optional<std::int64_t> QueryReader::integer(const char* name, std::int64_t min,
                                                 std::int64_t max) {
    auto v = req_.query_param(name);
    if (!v) {
        return std::nullopt;
    }
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || p != v->data() + v->size() || n < min || n > max) {
        errors_.push_back({name, "must be an integer from " + std::to_string(min) + " to " +
                                     std::to_string(max)});
        return std::nullopt;
    }
    return n;
}

std::optional<std::string> QueryReader::choice(const char* name,
                                               std::initializer_list<const char*> allowed) {
    auto v = req_.query_param(name);
    if (!v) {
        return std::nullopt;
    }
    std::string list;
    for (const char* a : allowed) {
        if (*v == a) {
            return v;
        }
        list += list.empty() ? "" : ", ";
        list += a;
    }
    errors_.push_back({name, "must be one of " + list});
    return std::nullopt;
}

std::optional<std::string> QueryReader::date(const char* name) {
    auto v = req_.query_param(name);
    if (!v) {
        return std::nullopt;
    }
    if (!tournament::parse_date(*v)) {
        errors_.push_back({name, "must be a date as YYYY-MM-DD"});
        return std::nullopt;
    }
    return v;
}

std::optional<std::string> QueryReader::slug(const char* name) {
    auto v = req_.query_param(name);
    if (!v) {
        return std::nullopt;
    }
    if (!tournament::is_valid_slug(*v)) {
        errors_.push_back({name,
                           "must be a slug: lower-case letters and digits in groups joined by "
                           "single '-', at most 120 characters"});
        return std::nullopt;
    }
    return v;
}

std::optional<std::string> QueryReader::instant(const char* name) {
    auto v = req_.query_param(name);
    if (!v) {
        return std::nullopt;
    }
    if (auto t = tournament::parse_instant(*v)) {
        return tournament::format_instant(*t);
    }
    if (auto d = tournament::parse_date(*v)) {
        return tournament::format_date(*d) + "T00:00:00Z";
    }
    errors_.push_back({name, "must be an ISO-8601 time with Z or an offset, or a date"});
    return std::nullopt;
}

int QueryReader::limit() {
    return static_cast<int>(integer("limit", 1, 200).value_or(50));
}

void QueryReader::finish() const {
    if (!errors_.empty()) {
        throw http::Problem(422, "the query has invalid parameters", errors_);
    }
}

std::optional<std::int64_t> if_match_version(const Context& ctx, bool required) {
    const auto parsed = tournament::parse_if_match(ctx.req.header("if-match"));
    switch (parsed.kind) {
        case tournament::IfMatch::Kind::kVersion:
            return parsed.version;
        case tournament::IfMatch::Kind::kInvalid:
            throw http::Problem(400,
                                "If-Match must carry one version as an entity tag, e.g. "
                                "If-Match: \"3\" (the ETag of the resource)");
        case tournament::IfMatch::Kind::kAbsent:
        case tournament::IfMatch::Kind::kAny:
            break;
    }
    if (required) {
        throw http::Problem(428,
                            "this write needs If-Match with the version you read, e.g. "
                            "If-Match: \"3\" (the ETag of the resource)");
    }
    return std::nullopt;
}

namespace {

// A JSON response with ETag `etag` when it is set.
http::Response tagged_json(const Context& ctx, int status, const nlohmann::json& body,
                           const std::optional<std::string>& etag) {
    http::Response r = http::Response::json(
        status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    if (etag) {
        r.set_header("ETag", *etag);
    }
    if (ctx.req.method == "GET") {
        // Anonymous answers never hold drafts; answers to a token may.
        r.set_header("Cache-Control",
                     ctx.req.header("authorization") ? "private, no-cache" : "no-cache");
    } else {
        r.set_header("Cache-Control", "no-store");
    }
    return r;
}

// The 304 answer for `etag`.
http::Response not_modified_answer(const Context& ctx, const std::string& etag) {
    http::Response r;
    r.status = 304;
    r.set_header("ETag", etag);
    r.set_header("Cache-Control",
                 ctx.req.header("authorization") ? "private, no-cache" : "no-cache");
    return r;
}

}  // namespace

http::Response json_response(const Context& ctx, int status, const nlohmann::json& body,
                             std::optional<std::int64_t> version) {
    return tagged_json(ctx, status, body,
                       version ? std::optional(tournament::etag_of(*version)) : std::nullopt);
}

http::Response json_response(const Context& ctx, int status, const nlohmann::json& body,
                             const std::string& etag) {
    return tagged_json(ctx, status, body, etag);
}

std::optional<http::Response> not_modified(const Context& ctx, std::int64_t version) {
    if (!tournament::if_none_match_hits(ctx.req.header("if-none-match"), version)) {
        return std::nullopt;
    }
    return not_modified_answer(ctx, tournament::etag_of(version));
}

std::optional<http::Response> not_modified(const Context& ctx, const std::string& etag) {
    if (!tournament::if_none_match_lists(ctx.req.header("if-none-match"), etag)) {
        return std::nullopt;
    }
    return not_modified_answer(ctx, etag);
}

http::Response page_response(const Context& ctx, tournament::Page page) {
    nlohmann::json body = {{"items", std::move(page.items)},
                           {"next_cursor", page.next_cursor ? nlohmann::json(*page.next_cursor)
                                                            : nlohmann::json(nullptr)}};
    return json_response(ctx, 200, body);
}

http::Response event_page(Context& ctx, EventLister list) {
    const tournament::Caller caller = caller_of(ctx);
    const std::int64_t event_id = id_param(ctx, "id");
    QueryReader query(ctx.req);
    auto cursor = query.cursor();
    const int limit = query.limit();
    query.finish();
    return page_response(ctx, list(ctx.db(), caller, event_id, cursor, limit));
}

nlohmann::json json_body(const Context& ctx) {
    return http::parse_json_body(ctx.req, ctx.config.body_limits);
}

}  // namespace api
