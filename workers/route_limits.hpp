// api::RouteClass and api::RouteLimits: the one place that decides which class
// a route belongs to, and what each class may do — its per-caller token bucket
// (SCORELINE_RATE_LIMIT_*) and its largest request body. The router stamps
// every route with its class; the worker applies the limits before a handler
// runs (docs/configuration.md, docs/edge.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config.hpp"
#include "ratelimit/shared_buckets.hpp"

namespace api {

enum class RouteClass {
    kOps,     // /healthz, /readyz, /metrics, /api/v1/version: never rate-limited
    kAuth,    // /api/v1/auth/*: register, login, refresh, logout, password reset
    kRead,    // GET and HEAD
    kWrite,   // every other method
    kExport,  // GET …/export: whole-event downloads, heavier than a read
    kTest,    // /api/v1/_test/* (test builds only): never rate-limited
};

[[nodiscard]] std::string_view to_string(RouteClass c) noexcept;

// The class of a route from its method and pattern ("/api/v1/events/{id}").
[[nodiscard]] RouteClass classify_route(std::string_view method, std::string_view pattern) noexcept;

struct RouteLimits {
    // Token buckets per caller; nullopt = off.
    std::optional<ratelimit::Limit> auth, read, write, export_;
    // Buckets in the shared table (SCORELINE_RATE_LIMIT_SLOTS).
    std::size_t slots = 65536;
    // Largest request body per class.
    std::size_t auth_body_bytes = 16 << 10;
    std::size_t read_body_bytes = 4 << 10;   // read, export and ops routes
    std::size_t write_body_bytes = 1 << 20;  // write and test routes

    // The bucket limit of a class; nullopt when it is not rate-limited.
    [[nodiscard]] const std::optional<ratelimit::Limit>& rate(RouteClass c) const noexcept;
    [[nodiscard]] std::size_t max_body(RouteClass c) const noexcept;
    // True when any class is rate-limited (the master then maps the table).
    [[nodiscard]] bool any_rate_limit() const noexcept;
};

// Reads SCORELINE_RATE_LIMIT_{AUTH,READ,WRITE,EXPORT,SLOTS} and
// SCORELINE_MAX_{AUTH_,READ_,}BODY_BYTES; throws config::Error on a bad one.
[[nodiscard]] RouteLimits load_route_limits(const config::Source& src);

// The bucket key of one caller of one class: the authenticated user when the
// request carries a valid access token, else the client address.
// "read|u:42", "auth|a:127.0.0.1".
[[nodiscard]] std::string rate_key(RouteClass c, std::optional<std::int64_t> user_id,
                                   std::string_view remote_addr);

}  // namespace api
