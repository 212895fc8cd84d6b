// docs/openapi.yaml and the routes scoreline-api registers must list the same
// (method, path) pairs: a route on one side only fails this test. Paths marked
// `x-served-by: scoreline-sse` (the stream routes nginx proxies to
// scoreline-sse) are documented there but not served by this router.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>

#include "routes.hpp"
#include "stack.hpp"

namespace {

using RouteSet = std::set<std::pair<std::string, std::string>>;

// Reads `paths:` of the spec: a path is a two-space-indented key starting with
// '/', an operation a four-space-indented HTTP method under it.
RouteSet spec_routes() {
    std::ifstream in(harness::source_dir() + "/docs/openapi.yaml");
    EXPECT_TRUE(in.good());
    RouteSet out;
    std::set<std::string> elsewhere;  // paths another process serves
    std::string line, path;
    bool in_paths = false;
    const std::regex path_re(R"(^  (/[^:]*):\s*$)");
    const std::regex method_re(R"(^    (get|put|post|patch|delete):\s*$)");
    const std::regex served_by_re(R"(^    x-served-by:\s*scoreline-sse\s*$)");
    std::smatch m;
    while (std::getline(in, line)) {
        if (line.rfind("paths:", 0) == 0) {
            in_paths = true;
            continue;
        }
        if (in_paths && !line.empty() && line[0] != ' ') {
            in_paths = false;
        }
        if (!in_paths) {
            continue;
        }
        if (std::regex_match(line, m, path_re)) {
            path = m[1];
        } else if (std::regex_match(line, served_by_re)) {
            elsewhere.insert(path);
        } else if (std::regex_match(line, m, method_re)) {
            std::string method = m[1];
            for (auto& c : method) {
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            }
            out.emplace(method, path);
        }
    }
    std::erase_if(out, [&](const auto& r) { return elsewhere.count(r.second) > 0; });
    return out;
}

TEST(OpenApi, SpecAndRouterListTheSameRoutes) {
    RouteSet code;
    for (auto& [method, pattern] : api::build_router().routes()) {
        if (pattern.rfind("/api/v1/_test/", 0) == 0) {
            continue;  // test-build only, deliberately undocumented
        }
        code.emplace(method, pattern);
    }
    const RouteSet spec = spec_routes();
    ASSERT_FALSE(spec.empty());
    for (const auto& r : code) {
        EXPECT_TRUE(spec.count(r)) << r.first << " " << r.second << " is not in docs/openapi.yaml";
    }
    for (const auto& r : spec) {
        EXPECT_TRUE(code.count(r))
            << r.first << " " << r.second << " is in docs/openapi.yaml but not served";
    }
}

}  // namespace
