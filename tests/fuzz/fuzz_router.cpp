// libFuzzer target: api::Router::find over every route of scoreline-api
// (api::build_router), then the query parameters handlers read. The input is
// "METHOD PATH?QUERY" (method and target split at the first space and '?').
// A match binds every {param} to a non-empty segment; a miss is a 404 or a
// 405 with Allow; a bad query value is a 400; each Problem renders to valid
// problem+json whatever bytes the path holds. Anything else escaping is a crash.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "http/problem.hpp"
#include "router.hpp"
#include "routes.hpp"
#include "text/text_policy.hpp"

namespace {

void require(bool ok) {
    if (!ok) {
        std::abort();
    }
}

void check_problem(const http::Problem& p, int expected_status) {
    require(p.status() == expected_status);
    const http::Response r = p.to_response("fuzz");
    require(nlohmann::json::accept(r.body));
    bool has_allow = false;
    for (const auto& [name, value] : r.headers) {
        has_allow = has_allow || (name == "Allow" && !value.empty());
    }
    require(has_allow == (p.status() == 405));
}

// Names of query parameters the handlers read.
constexpr std::string_view kParams[] = {"q",      "sport", "action", "actor_id",
                                        "cursor", "limit", "ms"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const api::Router router = api::build_router();
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto space = input.find(' ');
    if (space == std::string_view::npos) {
        return 0;
    }
    http::Request req;
    req.method = std::string(input.substr(0, space));
    const std::string_view target = input.substr(space + 1);
    const auto q = target.find('?');
    req.path = std::string(target.substr(0, q));
    req.query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));

    try {
        const api::Router::Route& route = router.find(req);
        require(route.method == req.method);
        std::size_t bound = 0;
        for (const auto& seg : route.segments) {
            bound += seg.size() > 2 && seg.front() == '{' && seg.back() == '}' ? 1 : 0;
        }
        require(req.path_params.size() <= bound);
        for (const auto& [name, value] : req.path_params) {
            require(!name.empty() && !value.empty());
            require(value.find('/') == std::string::npos);
        }
    } catch (const http::Problem& p) {
        require(p.status() == 404 || p.status() == 405);
        check_problem(p, p.status());
    }

    for (std::string_view name : kParams) {
        try {
            const auto value = req.query_param(name);
            if (value) {
                require(text::valid_utf8(*value));
                require(!text::problem(*value, text::Kind::kLine));
            }
        } catch (const http::Problem& p) {
            check_problem(p, 400);
        }
    }
    return 0;
}
