// The admin audit-log handler; see audit.hpp.
#include "handlers/audit.hpp"

#include <charconv>

#include "audit/audit_repository.hpp"
#include "auth/base64url.hpp"
#include "common/time_text.hpp"
#include "handlers/authenticate.hpp"
#include "http/problem.hpp"

namespace api {
namespace {

constexpr std::string_view kCursorPrefix = "audit:";

std::optional<std::int64_t> positive_int(std::string_view s) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v < 1) {
        return std::nullopt;
    }
    return v;
}

http::Response list_audit(Context& ctx) {
    authorize(ctx, authz::Action::kReadAuditLog, authz::Resource::audit_log());
    audit::Filter filter;
    std::vector<http::FieldError> errors;
    if (auto v = ctx.req.query_param("actor_id")) {
        filter.actor_id = positive_int(*v);
        if (!filter.actor_id) {
            errors.push_back({"actor_id", "must be a positive integer"});
        }
    }
    if (auto v = ctx.req.query_param("action")) {
        if (v->empty() || v->size() > 100) {
            errors.push_back({"action", "must be 1 to 100 characters"});
        } else {
            filter.action = *v;
        }
    }
    for (const char* name : {"from", "to"}) {
        if (auto v = ctx.req.query_param(name)) {
            auto ts = parse_timestamp_filter(*v);
            if (!ts) {
                errors.push_back({name, "must be an ISO-8601 date or time with Z or an offset"});
            }
            (std::string_view(name) == "from" ? filter.from : filter.to) = ts;
        }
    }
    if (auto v = ctx.req.query_param("limit")) {
        auto n = positive_int(*v);
        if (!n || *n > 200) {
            errors.push_back({"limit", "must be an integer from 1 to 200"});
        } else {
            filter.limit = static_cast<int>(*n);
        }
    }
    if (auto v = ctx.req.query_param("cursor")) {
        filter.before_id = decode_audit_cursor(*v);
        if (!filter.before_id) {
            errors.push_back({"cursor", "is not a cursor this list returned"});
        }
    }
    if (!errors.empty()) {
        throw http::Problem(422, "the query has invalid parameters", errors);
    }
    audit::Page page = audit::list(ctx.db(), filter);
    nlohmann::json body = {{"items", std::move(page.items)}, {"next_cursor", nullptr}};
    if (page.next_before_id) {
        body["next_cursor"] = encode_audit_cursor(*page.next_before_id);
    }
    http::Response r = http::Response::json(200, body.dump());
    r.set_header("Cache-Control", "no-store");
    return r;
}

}  // namespace

void add_audit_routes(Router& router) {
    router.add("GET", "/api/v1/admin/audit", list_audit);
}

std::optional<std::string> parse_timestamp_filter(std::string_view s) {
    if (auto date = tournament::parse_date(s)) {
        return tournament::format_date(*date) + "T00:00:00Z";
    }
    if (auto instant = tournament::parse_instant(s)) {
        return tournament::format_instant(*instant);
    }
    return std::nullopt;
}

std::string encode_audit_cursor(std::int64_t before_id) {
    return auth::base64url_encode(std::string(kCursorPrefix) + std::to_string(before_id));
}

std::optional<std::int64_t> decode_audit_cursor(std::string_view cursor) {
    if (cursor.size() > 64) {
        return std::nullopt;
    }
    auto text = auth::base64url_decode(cursor);
    if (!text || !std::string_view(*text).starts_with(kCursorPrefix)) {
        return std::nullopt;
    }
    return positive_int(std::string_view(*text).substr(kCursorPrefix.size()));
}

}  // namespace api
