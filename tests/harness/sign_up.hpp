// harness::sign_up: a fresh account, registered and signed in through the
// stack's API (POST /api/v1/auth/register, then /api/v1/auth/login), which
// every end-to-end suite needs. It sends with the caller's client, so the
// source address (and with it nginx's per-address limits) stays the caller's
// choice. Failures are gtest failures (EXPECT), and leave id or token empty.
#pragma once

#include <cstdint>
#include <string>

#include "http_client.hpp"
#include "stack.hpp"

namespace harness {

struct SignedUp {
    std::int64_t id = 0;
    std::string email;
    std::string password;
    std::string access_token;
};

// 20 random letters and digits around fixed punctuation: strong for any
// password policy the stack runs with.
[[nodiscard]] std::string strong_password();

[[nodiscard]] SignedUp sign_up(HttpClient& client, const Stack& stack, const std::string& email,
                               const std::string& display_name,
                               const std::string& password = strong_password());

}  // namespace harness
