// Login, refresh, logout; see sign_in.hpp.
#include "accounts/sign_in.hpp"

#include <chrono>

#include "accounts/login_failure_repository.hpp"
#include "accounts/session_repository.hpp"
#include "auth/jwt.hpp"
#include "auth/opaque_token.hpp"
#include "auth/policy.hpp"
#include "domain/refusal.hpp"
#include "log.hpp"
#include "metrics/store.hpp"
#include "observability/metrics.hpp"

namespace accounts {
namespace {

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// What a successful login or refresh hands out, once its transaction committed.
TokenPair issue(const AuthRuntime& rt, const User& user, const std::string& family_id,
                std::string refresh_token) {
    const auth::AccessClaims claims =
        auth::new_access_claims(rt.tokens.access, user.id, user.role, family_id, unix_now());
    TokenPair pair;
    pair.access_token = auth::sign_access_token(*rt.tokens.keys.signing_key(), claims);
    pair.expires_in = rt.tokens.access.ttl.count();
    pair.refresh_token = std::move(refresh_token);
    pair.refresh_expires_in = rt.tokens.refresh_ttl.count();
    pair.user = user;
    return pair;
}

struct LoginOutcome {
    enum class Status { kOk, kBadCredentials, kThrottled } status = Status::kBadCredentials;
    std::int64_t retry_after = 0;
    std::optional<User> user;
    std::string family_id;
    std::string refresh_token;
    // A refused attempt: why, and the account it named (if any), for the audit row.
    std::string failure_reason;
    std::optional<std::int64_t> failed_account;
};

// The auth.login_failed row, in a transaction of its own that runs after the
// failure count committed: whatever happens to this write, the throttle has
// already counted the attempt. A failed write is logged, not raised: the
// client is still refused.
void audit_login_failure(Call& call, const std::string& email, const LoginOutcome& o) {
    try {
        db::with_retry(call.db, call.attempts, [&](db::Tx& tx) {
            audit::record(
                tx, call.origin,
                {std::nullopt, "auth.login_failed", "user", o.failed_account, std::nullopt,
                 nlohmann::json{{"email", email}, {"reason", o.failure_reason}}});
        });
    } catch (const std::exception& e) {
        slog::error(
            "audit_write_failed",
            {{"action", "auth.login_failed"}, {"reason", o.failure_reason}, {"error", e.what()}});
    }
}

}  // namespace

nlohmann::json to_json(const TokenPair& p) {
    return {{"access_token", p.access_token},
            {"token_type", "Bearer"},
            {"expires_in", p.expires_in},
            {"refresh_token", p.refresh_token},
            {"refresh_expires_in", p.refresh_expires_in},
            {"user", to_json(p.user)}};
}

TokenPair login(Call& call, std::string_view email_raw, std::string_view password) {
    const AuthRuntime& rt = call.auth;
    // A blank email still gets the full treatment (throttle, dummy hash) under
    // a key of its own: login_failures.key cannot be empty.
    std::string email = auth::normalize_email(email_raw);
    if (email.empty()) {
        email = "-";
    }
    const auto& ip = call.origin.ip;
    LoginOutcome out = db::with_retry(call.db, call.attempts, [&](db::Tx& tx) {
        LoginOutcome o;
        login_failures::lock(tx, email, ip);
        const login_failures::Recent recent =
            login_failures::recent(tx, email, ip, rt.throttle.window);
        const std::optional<Credentials> account = users::find_by_email(tx, email);

        auto wait_ip = auth::throttle_retry_after(rt.throttle, recent.ip, recent.now);
        auto wait_account = auth::throttle_retry_after(rt.throttle, recent.account, recent.now);
        // The account's usual client is not locked out by failures made elsewhere.
        if (wait_account && account && ip &&
            sessions::ip_had_session(tx, account->user.id, *ip, rt.tokens.refresh_ttl)) {
            wait_account.reset();
        }
        if (account) {
            o.failed_account = account->user.id;
        }
        if (wait_ip || wait_account) {
            o.status = LoginOutcome::Status::kThrottled;
            o.retry_after = std::max(wait_ip.value_or(0), wait_account.value_or(0));
            o.failure_reason = "throttled";
            return o;
        }
        // Unknown email: verify against the dummy hash so the answer takes as long.
        const bool match =
            rt.passwords.hasher.verify(
                account ? account->password_hash : rt.passwords.hasher.dummy_hash(), password) &&
            account.has_value();
        if (!match) {
            login_failures::record(tx, email, ip);
            login_failures::purge_expired(tx, rt.throttle.window);
            o.failure_reason = account ? "wrong_password" : "unknown_email";
            return o;
        }
        login_failures::clear_account(tx, email);
        if (rt.passwords.hasher.needs_rehash(account->password_hash)) {
            users::update_password_hash(tx, account->user.id, rt.passwords.hasher.hash(password));
            slog::info("password_rehashed", {{"user_id", account->user.id}});
        }
        auth::OpaqueToken refresh = auth::new_opaque_token();
        const sessions::NewRow row =
            sessions::insert(tx, refresh.hash_hex, "", account->user.id, rt.tokens.refresh_ttl, ip);
        audit::record(tx, call.origin,
                      {account->user.id, "auth.login", "user", account->user.id, std::nullopt,
                       nlohmann::json{{"session_id", row.family_id}}});
        o.status = LoginOutcome::Status::kOk;
        o.user = account->user;
        o.family_id = row.family_id;
        o.refresh_token = std::move(refresh.text);
        return o;
    });
    if (!out.failure_reason.empty()) {
        audit_login_failure(call, email, out);
    }
    metrics::inc(api::obs::kLogins, {out.status == LoginOutcome::Status::kOk          ? "success"
                                     : out.status == LoginOutcome::Status::kThrottled ? "throttled"
                                                                                      : "failure"});
    switch (out.status) {
        case LoginOutcome::Status::kOk:
            return issue(rt, *out.user, out.family_id, std::move(out.refresh_token));
        case LoginOutcome::Status::kThrottled:
            throw domain::Refusal::too_many("too many failed sign-ins; wait before trying again",
                                            out.retry_after);
        case LoginOutcome::Status::kBadCredentials:
            break;
    }
    throw domain::Refusal::unauthenticated(domain::Refusal::Credentials::kBadSecret,
                                           "the email or the password is wrong");
}

namespace {

// Unknown, expired, revoked and reused tokens all look the same to the client.
[[noreturn]] void refuse_refresh_token() {
    throw domain::Refusal::unauthenticated(
        domain::Refusal::Credentials::kBadSecret,
        "the refresh token is invalid, expired or revoked; sign in again");
}

}  // namespace

TokenPair refresh(Call& call, std::string_view refresh_token) {
    const auto hash = auth::opaque_token_hash(refresh_token);
    if (!hash) {
        refuse_refresh_token();
    }
    struct Rotation {
        enum class Status { kOk, kInvalid, kReused } status = Status::kInvalid;
        std::optional<User> user;
        std::string family_id;
        std::string token;
    };
    Rotation rot = db::with_retry(call.db, call.attempts, [&](db::Tx& tx) {
        Rotation r;
        auto stored = sessions::find_for_update(tx, *hash);
        if (!stored) {
            return r;
        }
        if (stored->replaced) {
            // A rotated token came back: someone holds a copy. End the session.
            const long revoked = sessions::revoke_family(tx, stored->family_id);
            audit::record(
                tx, call.origin,
                {stored->user_id, "auth.refresh_token_reused", "session", std::nullopt,
                 std::nullopt,
                 nlohmann::json{{"session_id", stored->family_id}, {"tokens_revoked", revoked}}});
            slog::warn("refresh_token_reused", {{"user_id", stored->user_id}});
            r.status = Rotation::Status::kReused;
            return r;
        }
        if (stored->revoked || stored->expired) {
            return r;
        }
        r.user = users::find_by_id(tx.connection(), stored->user_id);
        if (!r.user) {
            return r;
        }
        auth::OpaqueToken next = auth::new_opaque_token();
        const sessions::NewRow row =
            sessions::insert(tx, next.hash_hex, stored->family_id, stored->user_id,
                             call.auth.tokens.refresh_ttl, call.origin.ip);
        sessions::mark_replaced(tx, stored->id, row.id);
        r.status = Rotation::Status::kOk;
        r.family_id = row.family_id;
        r.token = std::move(next.text);
        return r;
    });
    // A reused token's revocation committed above; only then is the caller refused.
    if (rot.status != Rotation::Status::kOk) {
        refuse_refresh_token();
    }
    return issue(call.auth, *rot.user, rot.family_id, std::move(rot.token));
}

void logout(Call& call, const authz::Actor& actor, std::string_view refresh_token) {
    const auto hash = auth::opaque_token_hash(refresh_token);
    db::with_retry(call.db, call.attempts, [&](db::Tx& tx) {
        long revoked = 0;
        std::optional<std::string> family;
        if (hash) {
            auto stored = sessions::find_for_update(tx, *hash);
            if (stored && stored->user_id == actor.user_id) {
                family = stored->family_id;
                revoked = sessions::revoke_family(tx, stored->family_id);
            }
        }
        audit::record(tx, call.origin,
                      {actor.user_id, "auth.logout", "user", actor.user_id, std::nullopt,
                       nlohmann::json{{"session_id", family ? nlohmann::json(*family) : nullptr},
                                      {"tokens_revoked", revoked}}});
    });
}

void logout_all(Call& call, const authz::Actor& actor) {
    db::with_retry(call.db, call.attempts, [&](db::Tx& tx) {
        const long revoked = sessions::revoke_all_of_user(tx, actor.user_id);
        audit::record(tx, call.origin,
                      {actor.user_id, "auth.logout_all", "user", actor.user_id, std::nullopt,
                       nlohmann::json{{"tokens_revoked", revoked}}});
    });
}

}  // namespace accounts
