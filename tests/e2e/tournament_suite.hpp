// The shared ground of the tournament end-to-end suite (tests/e2e/tournament_*.cpp):
// one harness::Stack (PostgreSQL, scoreline-api, nginx) for every test of the
// binary, a JSON client that goes through nginx over TLS, accounts made
// through the API (and admins through `scoreline-api admin create`), and
// shortcuts for the tournament routes. Nothing here calls domain code: the
// tests check the API's answers against what they compute themselves.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http_client.hpp"
#include "stack.hpp"

namespace tourtest {

using nlohmann::json;

harness::Stack& stack();

struct Reply {
    long status = 0;
    json body;  // null when the body is not JSON
    harness::HttpResponse raw;
    [[nodiscard]] std::string header(const std::string& name) const { return raw.header(name); }
};

// One request through nginx; `token` adds Authorization: Bearer, `body` is sent
// as application/json unless it is null.
Reply call(const std::string& method, const std::string& path, const json& body = nullptr,
           const std::string& token = {}, const std::vector<std::string>& headers = {});

struct User {
    std::int64_t id = 0;
    std::string email;
    std::string token;
};

// Registers and signs in a fresh user through the API (fails the test otherwise).
User new_user(const std::string& tag);
// Creates an admin with the CLI, then signs in through the API.
User new_admin(const std::string& tag);

// psql -At on the stack's database; trailing newlines removed.
std::string sql(const std::string& statement);

// Checks status and problem+json shape; returns the body.
json expect_problem(const Reply& r, long status);

// Shortcuts that expect success (the test fails otherwise).
json create_event(const User& u, json fields);
json add_team(const User& u, std::int64_t event_id, const std::string& name,
              std::optional<int> seed = std::nullopt);
json schedule(const User& u, std::int64_t event_id, json fields);
json get_game(std::int64_t game_id, const std::string& token = {});
// PUT score with If-Match of the game's current version; returns the reply.
Reply put_score(const User& u, std::int64_t game_id, int home, int away, const std::string& status,
                std::optional<std::int64_t> version = std::nullopt);
// Every item of a paged list, following next_cursor.
std::vector<json> all_pages(const std::string& path, const std::string& token = {});

}  // namespace tourtest
