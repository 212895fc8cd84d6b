// Loading the account and token settings; see settings.hpp.
#include "auth/settings.hpp"

#include <stdexcept>

#include "auth/policy.hpp"

namespace auth {
namespace {

std::string printable(const config::Source& src, std::string_view name, std::string_view fallback) {
    std::string v = src.get_string(name, fallback);
    bool ok = !v.empty() && v.size() <= 256;
    for (char c : v) {
        ok = ok && c > 0x20 && c < 0x7F;
    }
    if (!ok) {
        throw config::Error(std::string(name) +
                            ": must be 1 to 256 printable ASCII characters without spaces");
    }
    return v;
}

std::chrono::seconds seconds(const config::Source& src, std::string_view name, std::int64_t def,
                             std::int64_t min, std::int64_t max) {
    return std::chrono::seconds(src.get_int(name, def, min, max));
}

}  // namespace

PasswordSettings load_password_settings(const config::Source& src) {
    PasswordSettings s;
    s.cost.opslimit =
        static_cast<std::uint64_t>(src.get_int("SCORELINE_ARGON2_OPSLIMIT", 2, 1, 100));
    s.cost.memlimit_bytes =
        static_cast<std::size_t>(src.get_int("SCORELINE_ARGON2_MEMLIMIT_KIB", 65536, 8, 4 << 20)) *
        1024;
    s.cracklib_dictionary =
        src.get_string("SCORELINE_CRACKLIB_DICT", default_cracklib_dictionary());
    return s;
}

TokenSettings load_token_settings(const config::Source& src) {
    TokenSettings s;
    s.access.issuer = printable(src, "SCORELINE_JWT_ISSUER", "scoreline");
    s.access.audience = printable(src, "SCORELINE_JWT_AUDIENCE", "scoreline-api");
    s.access.ttl = seconds(src, "SCORELINE_ACCESS_TOKEN_TTL_S", 900, 60, 86400);
    s.access.leeway = seconds(src, "SCORELINE_JWT_LEEWAY_S", 30, 0, 300);
    s.refresh_ttl =
        seconds(src, "SCORELINE_REFRESH_TOKEN_TTL_S", 30 * 24 * 3600, 60, 366 * 24 * 3600);
    s.reset_ttl = seconds(src, "SCORELINE_PASSWORD_RESET_TTL_S", 1800, 60, 86400);
    s.reset_limit =
        static_cast<int>(src.get_int("SCORELINE_PASSWORD_RESET_MAX_PER_WINDOW", 3, 1, 1000));
    s.reset_window = seconds(src, "SCORELINE_PASSWORD_RESET_WINDOW_S", 3600, 60, 7 * 86400);
    const std::string signing = src.require_string("SCORELINE_JWT_SIGNING_KEY");
    try {
        s.keys.set_signing_key(load_signing_key("SCORELINE_JWT_SIGNING_KEY", signing));
        if (auto verify = src.find("SCORELINE_JWT_VERIFY_KEYS")) {
            for (const auto& [kid, key] : load_verify_keys("SCORELINE_JWT_VERIFY_KEYS", *verify)) {
                s.keys.add_verify_key(kid, key);
            }
        }
    } catch (const std::invalid_argument& e) {
        throw config::Error(std::string("SCORELINE_JWT_VERIFY_KEYS: ") + e.what());
    }
    return s;
}

ThrottlePolicy load_throttle_policy(const config::Source& src) {
    ThrottlePolicy p;
    p.max_failures = static_cast<int>(src.get_int("SCORELINE_LOGIN_MAX_FAILURES", 5, 1, 1000));
    p.window = seconds(src, "SCORELINE_LOGIN_FAILURE_WINDOW_S", 900, 10, 86400);
    p.base_delay = seconds(src, "SCORELINE_LOGIN_DELAY_BASE_S", 2, 1, 3600);
    p.max_delay = seconds(src, "SCORELINE_LOGIN_DELAY_MAX_S", 900, 1, 86400);
    if (p.max_delay < p.base_delay) {
        throw config::Error(
            "SCORELINE_LOGIN_DELAY_MAX_S: must not be below SCORELINE_LOGIN_DELAY_BASE_S");
    }
    return p;
}

}  // namespace auth
