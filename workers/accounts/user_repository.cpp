// SQL of the users table; see user_repository.hpp.
#include "accounts/user_repository.hpp"

#include "db/sql_utc.hpp"

namespace accounts {
namespace {

// Every statement returns the columns read_user() expects, in this order.
constexpr db::Statement kFindByEmail{
    "users_find_by_email",
    "SELECT id, email::text, display_name, role, "
    SCORELINE_SQL_UTC_S("created_at") ", password_hash "
    "FROM users WHERE email = $1"};
constexpr db::Statement kFindById{
    "users_find_by_id",
    "SELECT id, email::text, display_name, role, "
    SCORELINE_SQL_UTC_S("created_at") " "
    "FROM users WHERE id = $1"};
constexpr db::Statement kInsert{
    "users_insert",
    "INSERT INTO users (email, password_hash, display_name, role) VALUES ($1, $2, $3, $4) "
    "RETURNING id, email::text, display_name, role, " SCORELINE_SQL_UTC_S("created_at")};
constexpr db::Statement kUpdateHash{"users_update_password_hash",
                                    "UPDATE users SET password_hash = $2 WHERE id = $1"};
constexpr db::Statement kSetRole{
    "users_set_role",
    "UPDATE users u SET role = $2 FROM (SELECT id, role FROM users WHERE id = $1 FOR UPDATE) old "
    "WHERE u.id = old.id RETURNING old.role"};

User read_user(const db::Result& r, int row) {
    return User{r.get<std::int64_t>(row, 0), r.get<std::string>(row, 1), r.get<std::string>(row, 2),
                r.get<std::string>(row, 3), r.get<std::string>(row, 4)};
}

}  // namespace

nlohmann::json to_json(const User& u) {
    return {{"id", u.id},
            {"email", u.email},
            {"display_name", u.display_name},
            {"role", u.role},
            {"created_at", u.created_at}};
}

namespace users {

std::optional<Credentials> find_by_email(db::Tx& tx, std::string_view email) {
    db::Result r = tx.exec(kFindByEmail, email);
    if (r.empty()) {
        return std::nullopt;
    }
    return Credentials{read_user(r, 0), r.get<std::string>(0, 5)};
}

std::optional<User> find_by_id(db::Connection& conn, std::int64_t id) {
    db::Result r = conn.exec(kFindById, id);
    if (r.empty()) {
        return std::nullopt;
    }
    return read_user(r, 0);
}

User insert(db::Tx& tx, std::string_view email, std::string_view password_hash,
            std::string_view display_name, std::string_view role) {
    db::Result r = tx.exec(kInsert, email, password_hash, display_name, role);
    return read_user(r, 0);
}

void update_password_hash(db::Tx& tx, std::int64_t id, std::string_view password_hash) {
    (void)tx.exec(kUpdateHash, id, password_hash);
}

std::optional<std::string> set_role(db::Tx& tx, std::int64_t id, std::string_view role) {
    db::Result r = tx.exec(kSetRole, id, role);
    if (r.empty()) {
        return std::nullopt;
    }
    return r.get<std::string>(0, 0);
}

}  // namespace users
}  // namespace accounts
