// Router matching; see router.hpp.
#include "router.hpp"

#include <algorithm>
#include <set>

#include "http/problem.hpp"

namespace api {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.starts_with('/')) {
        path.remove_prefix(1);
    }
    if (path.ends_with('/')) {
        path.remove_suffix(1);
    }
    if (path.empty()) {
        return out;
    }
    while (true) {
        const auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) {
            break;
        }
        path.remove_prefix(slash + 1);
    }
    return out;
}

void Router::add(std::string method, std::string_view pattern, Handler handler) {
    const RouteClass route_class = classify_route(method, pattern);
    Route r{std::move(method), {}, std::move(handler), route_class, std::string(pattern)};
    for (auto s : split_path(pattern)) {
        r.segments.emplace_back(s);
    }
    routes_.push_back(std::move(r));
}

std::vector<std::pair<std::string, std::string>> Router::routes() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& r : routes_) {
        std::string pattern;
        for (const auto& seg : r.segments) {
            pattern += "/" + seg;
        }
        out.emplace_back(r.method, pattern.empty() ? "/" : pattern);
    }
    return out;
}

const Router::Route& Router::find(http::Request& req) const {
    const auto parts = split_path(req.path);
    std::set<std::string> allowed;
    for (const auto& route : routes_) {
        if (route.segments.size() != parts.size()) {
            continue;
        }
        std::map<std::string, std::string> params;
        bool ok = true;
        for (std::size_t i = 0; i < parts.size() && ok; ++i) {
            const auto& seg = route.segments[i];
            if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
                if (parts[i].empty()) {
                    ok = false;
                } else {
                    params[seg.substr(1, seg.size() - 2)] = std::string(parts[i]);
                }
            } else {
                ok = seg == parts[i];
            }
        }
        if (!ok) {
            continue;
        }
        if (route.method == req.method) {
            req.path_params = std::move(params);
            return route;
        }
        allowed.insert(route.method);
    }
    if (allowed.empty()) {
        throw http::Problem(404, "no resource at " + req.path);
    }
    std::string allow;
    for (const auto& m : allowed) {
        allow += (allow.empty() ? "" : ", ") + m;
    }
    throw http::Problem(405, req.method + " is not allowed here; allowed: " + allow)
        .with_header("Allow", allow);
}

}  // namespace api
