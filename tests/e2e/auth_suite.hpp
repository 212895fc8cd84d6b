// The shared ground of the accounts end-to-end suite (tests/e2e/auth_*.cpp):
// one harness::Stack for every test of the binary, a client that can send
// from any 127.0.0.0/8 address (nginx then sees that REMOTE_ADDR, so the
// per-IP throttle of one test does not touch another), helpers to register
// and sign in, and the registry of every secret the suite used. When the
// binary ends, the suite scans the logs of nginx and scoreline-api for them.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "http_client.hpp"
#include "stack.hpp"

namespace authtest {

harness::Stack& stack();

// The stack's mail sink file (SCORELINE_MAIL_SINK_FILE) and its text so far.
std::string mail_sink_path();
std::string mail_sink_text();

// Remembers a secret (password or token) for the final log scan.
std::string secret(const std::string& value);

// A 127.0.0.x address no other test used: its own per-IP throttle counter.
std::string fresh_ip();

// One request through nginx over TLS, sent from `source_ip` (a
// harness::HttpClient with that source address, trusting the stack's
// certificate).
harness::HttpResponse send(const std::string& method, const std::string& path,
                           const std::string& body = {},
                           const std::vector<std::string>& headers = {},
                           const std::string& source_ip = "127.0.0.1");
harness::HttpResponse post_json(const std::string& path, const nlohmann::json& body,
                                const std::string& source_ip = "127.0.0.1",
                                const std::string& bearer = {});
harness::HttpResponse get_with(const std::string& path, const std::string& bearer,
                               const std::string& source_ip = "127.0.0.1");

// A unique address and a strong, unique password (registered as a secret).
std::string fresh_email(const std::string& tag);
std::string fresh_password();

struct Account {
    std::int64_t id = 0;
    std::string email;
    std::string password;
    std::string display_name;
};
// Registers through the API; fails the test unless 201.
Account register_account(const std::string& tag);

struct Tokens {
    std::string access;
    std::string refresh;
    nlohmann::json body;
};
// Signs in; fails the test unless 200. Tokens are registered as secrets.
Tokens login(const Account& account, const std::string& source_ip = "127.0.0.1");

// Runs `scoreline-api admin ARGS…` with `stdin_text` on its standard input.
harness::RunResult admin_cli(const std::vector<std::string>& args, const std::string& stdin_text);

// psql -At on the stack's database.
std::string sql(const std::string& statement);

// Expects a problem+json answer with this status; returns the parsed body.
nlohmann::json expect_problem(const harness::HttpResponse& r, long status);
// The same problem body without request_id, for "answers look the same" checks.
nlohmann::json without_request_id(nlohmann::json body);

// Decodes one base64url segment (no padding) with libsodium; throws on error.
std::string b64url_decode(const std::string& text);
std::string b64url_encode(const std::string& bytes);

}  // namespace authtest
