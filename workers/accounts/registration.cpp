// Registration and role changes; see registration.hpp.
#include "accounts/registration.hpp"

#include "auth/policy.hpp"
#include "log.hpp"

namespace accounts {

RegisterResult register_account(Call& call, const NewAccount& input, std::string_view role) {
    RegisterResult result;
    const std::string email = auth::normalize_email(input.email);
    const std::string name = auth::normalize_display_name(input.display_name);
    if (auto why = auth::email_problem(email)) {
        result.errors.push_back({"email", *why});
    }
    if (auto why = auth::display_name_problem(name)) {
        result.errors.push_back({"display_name", *why});
    }
    if (auto why = call.auth.passwords.policy.problem(input.password, email, name)) {
        result.errors.push_back({"password", *why});
    }
    if (!result.errors.empty()) {
        return result;
    }
    const std::string hash = call.auth.passwords.hasher.hash(input.password);
    try {
        result.user = db::with_retry(call.db, call.attempts, [&](db::Tx& tx) {
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
        result.status = RegisterResult::Status::kEmailTaken;
        return result;
    }
    result.status = RegisterResult::Status::kCreated;
    slog::info("account_registered", {{"user_id", result.user->id}, {"role", result.user->role}});
    return result;
}

RoleChange set_role(Call& call, std::string_view email_raw, std::string_view role) {
    const std::string email = auth::normalize_email(email_raw);
    return db::with_retry(call.db, call.attempts, [&](db::Tx& tx) {
        RoleChange change;
        auto found = users::find_by_email(tx, email);
        if (!found) {
            return change;
        }
        change.user_id = found->user.id;
        auto old_role = users::set_role(tx, found->user.id, role);
        if (!old_role) {
            return change;
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
