// accounts::users: the SQL of the users table. Emails are citext, so lookups
// ignore case; callers pass normalized addresses anyway. Password hashes leave
// this file only inside Credentials, for the login check.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "db/connection.hpp"

namespace accounts {

struct User {
    std::int64_t id = 0;
    std::string email;
    std::string display_name;
    std::string role;        // user | admin
    std::string created_at;  // ISO-8601 UTC
};

// The public shape of a user in responses.
[[nodiscard]] nlohmann::json to_json(const User& user);

struct Credentials {
    User user;
    std::string password_hash;
};

namespace users {

[[nodiscard]] std::optional<Credentials> find_by_email(db::Tx& tx, std::string_view email);
[[nodiscard]] std::optional<User> find_by_id(db::Connection& conn, std::int64_t id);
// Throws db::UniqueViolation when the email is taken.
[[nodiscard]] User insert(db::Tx& tx, std::string_view email, std::string_view password_hash,
                          std::string_view display_name, std::string_view role);
void update_password_hash(db::Tx& tx, std::int64_t id, std::string_view password_hash);
// Sets the role and returns the previous one; nullopt when no such user.
[[nodiscard]] std::optional<std::string> set_role(db::Tx& tx, std::int64_t id,
                                                  std::string_view role);

}  // namespace users
}  // namespace accounts
