// Password reset request and confirmation; see password_reset.hpp.
#include "accounts/password_reset.hpp"

#include "accounts/mail_sink.hpp"
#include "accounts/reset_repository.hpp"
#include "accounts/session_repository.hpp"
#include "accounts/user_repository.hpp"
#include "auth/opaque_token.hpp"
#include "auth/policy.hpp"
#include "domain/refusal.hpp"
#include "log.hpp"

namespace accounts {
namespace {

[[noreturn]] void invalid_reset_token() {
    throw domain::Refusal::invalid_fields("the reset token is invalid, expired or used",
                                          {{"token", "is invalid, expired or already used"}});
}

constexpr std::string_view kResetSubject = "Reset your Scoreline password";

std::string reset_mail_body(const std::string& display_name, const std::string& token,
                            std::chrono::seconds ttl) {
    return "Hello " + display_name +
           ",\n\n"
           "someone (hopefully you) asked to reset the password of your Scoreline account.\n"
           "This is your reset token. It works once, for " +
           std::to_string(ttl.count() / 60) + " minutes:\n\n    " + token +
           "\n\n"
           "Open this page of the Scoreline site to choose a new password:\n\n"
           "    /password-reset/confirm?token=" +
           token +
           "\n\n"
           "or send the token with your new password to POST "
           "/api/v1/auth/password-reset/confirm as\n"
           "{\"token\": \"...\", \"new_password\": \"...\"}. Every session of the account ends "
           "then.\n\n"
           "If you did not ask for this, ignore this message: your password stays as it is.\n";
}

}  // namespace

void request_password_reset(Call& call, std::string_view email_raw) {
    const std::string email = auth::normalize_email(email_raw);
    if (auto why = auth::email_problem(email)) {
        throw domain::Refusal::invalid_fields("the body has invalid fields", {{"email", *why}});
    }
    std::string mail_to;
    std::string mail_body;
    const auto mail_id = db::with_retry(call.db, call.attempts, [&](db::Tx& tx) {
        std::optional<std::int64_t> queued;
        auto account = users::find_by_email(tx, email);
        if (!account) {
            audit::record(tx, call.origin,
                          {std::nullopt, "auth.password_reset_requested", "user", std::nullopt,
                           std::nullopt, nlohmann::json{{"email", email}, {"account", false}}});
            return queued;
        }
        const auto& rules = call.auth.tokens;
        const std::int64_t user_id = account->user.id;
        // Past the account's limit nothing is created or sent; the caller gets
        // the same answer, so the route still does not tell accounts apart.
        resets::lock_account(tx, user_id);
        if (resets::count_recent(tx, user_id, rules.reset_window) >= rules.reset_limit) {
            audit::record(
                tx, call.origin,
                {std::nullopt, "auth.password_reset_requested", "user", user_id, std::nullopt,
                 nlohmann::json{{"email", email}, {"account", true}, {"limited", true}}});
            slog::info("password_reset_limited", {{"user_id", user_id}});
            return queued;
        }
        // One open reset per account: the new token replaces the old one.
        const long replaced = resets::close_open_of_user(tx, user_id);
        const auth::OpaqueToken token = auth::new_opaque_token();
        const std::int64_t reset_id =
            resets::insert(tx, token.hash_hex, user_id, rules.reset_ttl, call.origin.ip);
        mail_to = account->user.email;
        mail_body = reset_mail_body(account->user.display_name, token.text, rules.reset_ttl);
        queued = mail::queue(tx, user_id, mail_to, "password_reset", kResetSubject, mail_body);
        audit::record(tx, call.origin,
                      {std::nullopt, "auth.password_reset_requested", "user", user_id, std::nullopt,
                       nlohmann::json{{"email", email},
                                      {"account", true},
                                      {"reset_id", reset_id},
                                      {"replaced", replaced}}});
        return queued;
    });
    if (mail_id) {
        // No mailer: the body (with the token) stays in mail_outbox, and goes
        // to the local stack's mail sink when one is set; never to the log.
        slog::info("mail_queued", {{"mail_id", *mail_id}, {"kind", "password_reset"}});
        if (call.auth.mail_sink_file) {
            write_to_sink(*call.auth.mail_sink_file,
                          {*mail_id, mail_to, "password_reset", kResetSubject, mail_body});
        }
    }
}

void confirm_password_reset(Call& call, std::string_view token, std::string_view new_password) {
    const auto hash = auth::opaque_token_hash(token);
    if (!hash) {
        invalid_reset_token();
    }
    db::with_retry(call.db, call.attempts, [&](db::Tx& tx) {
        // A refusal rolls the transaction back: nothing changes.
        auto reset = resets::find_for_update(tx, *hash);
        if (!reset || reset->used || reset->expired) {
            invalid_reset_token();
        }
        if (auto why = call.auth.passwords.policy.problem(new_password, reset->email,
                                                          reset->display_name)) {
            throw domain::Refusal::invalid_fields("the new password is refused",
                                                  {{"new_password", *why}});
        }
        users::update_password_hash(tx, reset->user_id,
                                    call.auth.passwords.hasher.hash(new_password));
        (void)resets::close_open_of_user(tx, reset->user_id);
        const long revoked = sessions::revoke_all_of_user(tx, reset->user_id);
        audit::record(
            tx, call.origin,
            {reset->user_id, "auth.password_reset_completed", "user", reset->user_id, std::nullopt,
             nlohmann::json{{"reset_id", reset->id}, {"tokens_revoked", revoked}}});
    });
}

}  // namespace accounts
