// Creating accounts and changing roles: the registration route, and the
// admin CLI's `admin create` and `admin set-role`. Validation collects every
// field error (email, display_name, password) before anything is written.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "accounts/call.hpp"
#include "accounts/user_repository.hpp"

namespace accounts {

struct NewAccount {
    std::string email;         // as sent; normalized here
    std::string display_name;  // as sent; trimmed here
    std::string password;
};

// Validates, hashes and inserts; audits auth.register. `role` is "user" for
// the HTTP route and "admin" only for the CLI. Refuses (domain::Refusal) with
// invalid_fields naming every bad field, or conflict when the email is taken.
[[nodiscard]] User register_account(Call& call, const NewAccount& input,
                                    std::string_view role = "user");

struct RoleChange {
    enum class Status { kChanged, kUnchanged } status = Status::kChanged;
    std::int64_t user_id = 0;
    std::string old_role;
};

// Sets the global role of the account with this email; audits user.role_changed.
// Refuses with not_found when no account has this email.
[[nodiscard]] RoleChange set_role(Call& call, std::string_view email, std::string_view role);

}  // namespace accounts
