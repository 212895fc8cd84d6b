// docs/openapi.yaml and the routes scoreline-api registers must list the same
// (method, path) pairs: a route on one side only fails this test.
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
    std::string line, path;
    bool in_paths = false;
    const std::regex path_re(R"(^  (/[^:]*):\s*$)");
    const std::regex method_re(R"(^    (get|put|post|patch|delete):\s*$)");
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
        } else if (std::regex_match(line, m, method_re)) {
            std::string method = m[1];
            for (auto& c : method) {
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            }
            out.emplace(method, path);
        }
    }
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
