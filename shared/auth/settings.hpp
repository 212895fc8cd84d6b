// The SCORELINE_* settings of accounts and tokens, read and validated once at
// start (docs/configuration.md, docs/auth.md). Each loader throws config::Error
// naming the setting. The admin CLI needs only the password settings; the
// server needs all of them.
#pragma once

#include <chrono>
#include <string>

#include "auth/jwt.hpp"
#include "auth/keys.hpp"
#include "auth/login_throttle.hpp"
#include "auth/password.hpp"
#include "config.hpp"

namespace auth {

struct PasswordSettings {
    PasswordCost cost;
    std::string cracklib_dictionary;
};

struct TokenSettings {
    TokenPolicy access;
    KeyRing keys;  // holds the signing key
    std::chrono::seconds refresh_ttl{30 * 24 * 3600};
    std::chrono::seconds reset_ttl{30 * 60};
    // At most reset_limit reset tokens (and mails) per account inside
    // reset_window; further requests answer as usual but send nothing.
    int reset_limit = 3;
    std::chrono::seconds reset_window{3600};
};

[[nodiscard]] PasswordSettings load_password_settings(const config::Source& src);
// Reads the key files; SCORELINE_JWT_SIGNING_KEY is required.
[[nodiscard]] TokenSettings load_token_settings(const config::Source& src);
[[nodiscard]] ThrottlePolicy load_throttle_policy(const config::Source& src);

}  // namespace auth
