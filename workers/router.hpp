// api::Router: method + path-pattern matching with `{name}` parameters.
// A path no route matches answers 404; a path that matches only under other
// methods answers 405 with Allow. Both as problem+json, via http::Problem.
// Every route carries its RouteClass (route_limits.hpp), derived from its
// method and pattern when it is added.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "context.hpp"
#include "http/message.hpp"
#include "route_limits.hpp"

namespace api {

using Handler = std::function<http::Response(Context&)>;

class Router {
  public:
    struct Route {
        std::string method;
        std::vector<std::string> segments;
        Handler handler;
        RouteClass route_class = RouteClass::kRead;
        std::string pattern;  // as added: the `route` label of the HTTP metrics
    };

    // pattern: "/api/v1/events/{id}/teams/{team_id}"; segments in braces bind.
    // The route's class is classify_route(method, pattern).
    void add(std::string method, std::string_view pattern, Handler handler);

    // Finds the route for req (filling req.path_params) or throws Problem.
    [[nodiscard]] const Route& find(http::Request& req) const;
    // find(req).handler.
    [[nodiscard]] const Handler& match(http::Request& req) const { return find(req).handler; }

    // Every (method, pattern) registered, in order: the OpenAPI test uses it.
    [[nodiscard]] std::vector<std::pair<std::string, std::string>> routes() const;

  private:
    std::vector<Route> routes_;
};

// Splits "/a/b/" into {"a","b"}; empty segments in the middle are kept so
// "/a//b" does not match "/a/b".
[[nodiscard]] std::vector<std::string_view> split_path(std::string_view path);

}  // namespace api
