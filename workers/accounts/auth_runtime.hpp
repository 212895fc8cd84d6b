// accounts::AuthRuntime: everything accounts need that is fixed at start —
// the password hasher (with its dummy hash), the password policy, the token
// keys and lifetimes, the login throttle. The master loads it before forking,
// so every worker inherits the keys; afterwards it is read-only.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "auth/password.hpp"
#include "auth/policy.hpp"
#include "auth/settings.hpp"
#include "config.hpp"

namespace accounts {

struct PasswordRules {
    auth::PasswordHasher hasher;
    auth::PasswordPolicy policy;
};

struct AuthRuntime {
    PasswordRules passwords;
    auth::TokenSettings tokens;
    auth::ThrottlePolicy throttle;
    // SCORELINE_MAIL_SINK_FILE (accounts/mail_sink.hpp); unset in production.
    std::optional<std::string> mail_sink_file;
};

// Throws config::Error naming the setting at fault.
[[nodiscard]] PasswordRules load_password_rules(const config::Source& src);
[[nodiscard]] std::unique_ptr<AuthRuntime> load_auth_runtime(const config::Source& src);

// The process-wide runtime: installed once by main() before the workers fork.
void install_auth_runtime(std::unique_ptr<AuthRuntime> runtime);
// Throws std::logic_error when nothing was installed (a 500 for the request).
[[nodiscard]] const AuthRuntime& auth_runtime();

}  // namespace accounts
