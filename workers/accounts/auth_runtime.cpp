// Loading and holding the accounts runtime; see auth_runtime.hpp.
#include "accounts/auth_runtime.hpp"

#include <stdexcept>

namespace accounts {
namespace {

std::unique_ptr<AuthRuntime>& slot() {
    static std::unique_ptr<AuthRuntime> runtime;
    return runtime;
}

}  // namespace

PasswordRules load_password_rules(const config::Source& src) {
    const auth::PasswordSettings s = auth::load_password_settings(src);
    try {
        auth::PasswordPolicy policy(s.cracklib_dictionary);
        try {
            return PasswordRules{auth::PasswordHasher(s.cost), std::move(policy)};
        } catch (const std::invalid_argument&) {
            throw config::Error(
                "SCORELINE_ARGON2_OPSLIMIT / SCORELINE_ARGON2_MEMLIMIT_KIB: outside the bounds "
                "libsodium's Argon2id accepts");
        }
    } catch (const std::invalid_argument& e) {
        throw config::Error(std::string("SCORELINE_CRACKLIB_DICT: ") + e.what());
    }
}

std::unique_ptr<AuthRuntime> load_auth_runtime(const config::Source& src) {
    auto runtime = std::make_unique<AuthRuntime>(
        AuthRuntime{load_password_rules(src), auth::load_token_settings(src),
                    auth::load_throttle_policy(src), std::nullopt});
    const std::string sink = src.get_string("SCORELINE_MAIL_SINK_FILE", "");
    if (!sink.empty()) {
        if (sink.front() != '/') {
            throw config::Error("SCORELINE_MAIL_SINK_FILE: must be an absolute path");
        }
        runtime->mail_sink_file = sink;
    }
    return runtime;
}

void install_auth_runtime(std::unique_ptr<AuthRuntime> runtime) {
    slot() = std::move(runtime);
}

const AuthRuntime& auth_runtime() {
    if (!slot()) {
        throw std::logic_error("accounts::auth_runtime: not installed");
    }
    return *slot();
}

}  // namespace accounts
