// Registration and role changes; see registration.hpp.
#include "accounts/registration.hpp"

#include "auth/policy.hpp"
#include "domain/refusal.hpp"
#include "log.hpp"
#include "metrics/store.hpp"
#include "observability/metrics.hpp"

namespace accounts {

User register_account(Call& call, const NewAccount& input, std::string_view role) {
    std::vector<domain::FieldError> errors;
    const std::string email = auth::normalize_email(input.email);
    const std::string name = auth::normalize_display_name(input.display_name);
    if (auto why = auth::email_problem(email)) {
        errors.push_back({"email", *why});
    }
    if (auto why = auth::display_name_problem(name)) {
        errors.push_back({"display_name", *why});
    }
    if (auto why = call.auth.passwords.policy.problem(input.password, email, name)) {
        errors.push_back({"password", *why});
    }
    if (!errors.empty()) {
        throw domain::Refusal::invalid_fields("the account cannot be created as sent",
                                              std::move(errors));
    }
    const std::string hash = call.auth.passwords.hasher.hash(input.password);
    std::optional<User> created;
    try {
        created = db::with_retry(call.db, call.attempts, [&](db::Tx& tx) {
            User user = users::insert(tx, email, hash, name, role);
            audit::record(tx, call.origin,
                          {user.id, "auth.register", "user", user.id, std::nullopt,
                           nlohmann::json{{"email", user.email},
                                          {"display_name", user.display_name},
                                          {"role", user.role},
                                          {"via", call.origin.request_id ? "api" : "cli"}}});
            return user;
        });
    } catch (const db::UniqueViolation&) {
        throw domain::Refusal::conflict("an account with this email already exists",
                                        {{"email", "is already registered"}});
    }
    metrics::inc(api::obs::kRegistrations);
    slog::info("account_registered", {{"user_id", created->id}, {"role", created->role}});
    return *created;
}

RoleChange set_role(Call& call, std::string_view email_raw, std::string_view role) {
    const std::string email = auth::normalize_email(email_raw);
    return db::with_retry(call.db, call.attempts, [&](db::Tx& tx) {
        RoleChange change;
        auto found = users::find_by_email(tx, email);
        if (!found) {
            throw domain::Refusal::not_found("no account with this email");
        }
        change.user_id = found->user.id;
        auto old_role = users::set_role(tx, found->user.id, role);
        if (!old_role) {
            throw domain::Refusal::not_found("no account with this email");
        }
        change.old_role = *old_role;
        if (*old_role == role) {
            change.status = RoleChange::Status::kUnchanged;
            return change;
        }
        audit::record(tx, call.origin,
                      {std::nullopt, "user.role_changed", "user", found->user.id,
                       nlohmann::json{{"role", *old_role}},
                       nlohmann::json{{"role", std::string(role)}, {"via", "cli"}}});
        change.status = RoleChange::Status::kChanged;
        return change;
    });
}

}  // namespace accounts
