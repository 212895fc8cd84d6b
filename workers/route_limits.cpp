// Route classes and their limits; see route_limits.hpp.
#include "route_limits.hpp"

#include "ratelimit/limit_setting.hpp"

namespace api {
namespace {

bool is_ops_path(std::string_view pattern) {
    return pattern == "/healthz" || pattern == "/readyz" || pattern == "/metrics" ||
           pattern == "/api/v1/version";
}

const std::optional<ratelimit::Limit> kNoLimit;

// POSTs that change nothing: a question is a read (the read rate limit and
// body size), though its text travels in a body.
bool is_read_post(std::string_view method, std::string_view pattern) {
    return method == "POST" && pattern == "/api/v1/analytics/ask";
}

}  // namespace

std::string_view to_string(RouteClass c) noexcept {
    switch (c) {
        case RouteClass::kOps:
            return "ops";
        case RouteClass::kAuth:
            return "auth";
        case RouteClass::kRead:
            return "read";
        case RouteClass::kWrite:
            return "write";
        case RouteClass::kExport:
            return "export";
        case RouteClass::kTest:
            return "test";
    }
    return "unknown";
}

RouteClass classify_route(std::string_view method, std::string_view pattern) noexcept {
    if (is_ops_path(pattern)) {
        return RouteClass::kOps;
    }
    if (pattern.starts_with("/api/v1/_test/")) {
        return RouteClass::kTest;
    }
    if (pattern.starts_with("/api/v1/auth/")) {
        return RouteClass::kAuth;
    }
    const bool reads = method == "GET" || method == "HEAD" || is_read_post(method, pattern);
    if (reads && pattern.ends_with("/export")) {
        return RouteClass::kExport;
    }
    return reads ? RouteClass::kRead : RouteClass::kWrite;
}

const std::optional<ratelimit::Limit>& RouteLimits::rate(RouteClass c) const noexcept {
    switch (c) {
        case RouteClass::kAuth:
            return auth;
        case RouteClass::kRead:
            return read;
        case RouteClass::kWrite:
            return write;
        case RouteClass::kExport:
            return export_;
        case RouteClass::kOps:
        case RouteClass::kTest:
            break;
    }
    return kNoLimit;
}

std::size_t RouteLimits::max_body(RouteClass c) const noexcept {
    switch (c) {
        case RouteClass::kAuth:
            return auth_body_bytes;
        case RouteClass::kWrite:
        case RouteClass::kTest:
            return write_body_bytes;
        case RouteClass::kRead:
        case RouteClass::kExport:
        case RouteClass::kOps:
            break;
    }
    return read_body_bytes;
}

bool RouteLimits::any_rate_limit() const noexcept {
    return auth || read || write || export_;
}

RouteLimits load_route_limits(const config::Source& src) {
    RouteLimits l;
    const auto limit = [&](std::string_view name, std::string_view fallback) {
        return ratelimit::parse_limit(name, src.get_string(name, fallback));
    };
    l.auth = limit("SCORELINE_RATE_LIMIT_AUTH", "5/s burst 20");
    l.read = limit("SCORELINE_RATE_LIMIT_READ", "50/s burst 100");
    l.write = limit("SCORELINE_RATE_LIMIT_WRITE", "10/s burst 30");
    l.export_ = limit("SCORELINE_RATE_LIMIT_EXPORT", "1/s burst 5");
    l.slots = static_cast<std::size_t>(
        src.get_int("SCORELINE_RATE_LIMIT_SLOTS", 65536, 64, 4 * 1024 * 1024));
    l.write_body_bytes =
        static_cast<std::size_t>(src.get_int("SCORELINE_MAX_BODY_BYTES", 1 << 20, 1024, 64 << 20));
    l.auth_body_bytes = static_cast<std::size_t>(
        src.get_int("SCORELINE_MAX_AUTH_BODY_BYTES", 16 << 10, 1024, 1 << 20));
    l.read_body_bytes =
        static_cast<std::size_t>(src.get_int("SCORELINE_MAX_READ_BODY_BYTES", 4 << 10, 0, 1 << 20));
    return l;
}

std::string rate_key(RouteClass c, std::optional<std::int64_t> user_id,
                     std::string_view remote_addr) {
    std::string key(to_string(c));
    if (user_id) {
        key += "|u:" + std::to_string(*user_id);
    } else {
        key += "|a:";
        key += remote_addr;
    }
    return key;
}

}  // namespace api
