// SQL of password resets and the mail outbox; see reset_repository.hpp.
#include "accounts/reset_repository.hpp"

namespace accounts {
namespace {

// FOR NO KEY UPDATE: serializes reset requests of the account without
// blocking the foreign-key checks of rows that reference the user.
constexpr db::Statement kLockAccount{"resets_lock_account",
                                     "SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE"};
constexpr db::Statement kCountRecent{
    "resets_count_recent",
    "SELECT count(*) FROM password_resets "
    "WHERE user_id = $1 AND created_at > now() - make_interval(secs => $2)"};
constexpr db::Statement kInsertReset{
    "resets_insert",
    "INSERT INTO password_resets (token_hash, user_id, expires_at, requested_ip) "
    "VALUES ($1::bytea, $2, now() + make_interval(secs => $3), $4::inet) RETURNING id"};
constexpr db::Statement kFindReset{
    "resets_find_for_update",
    "SELECT pr.id, pr.user_id, pr.used_at IS NOT NULL, pr.expires_at <= now(), u.email::text, "
    "u.display_name FROM password_resets pr JOIN users u ON u.id = pr.user_id "
    "WHERE pr.token_hash = $1::bytea FOR UPDATE OF pr"};
constexpr db::Statement kCloseOpen{
    "resets_close_open_of_user",
    "UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL"};
constexpr db::Statement kQueueMail{
    "mail_queue",
    "INSERT INTO mail_outbox (user_id, to_address, kind, subject, body) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id"};

}  // namespace

namespace resets {

void lock_account(db::Tx& tx, std::int64_t user_id) {
    (void)tx.exec(kLockAccount, user_id);
}

std::int64_t count_recent(db::Tx& tx, std::int64_t user_id, std::chrono::seconds window) {
    return tx.exec(kCountRecent, user_id, window.count()).get<std::int64_t>(0, 0);
}

std::int64_t insert(db::Tx& tx, std::string_view token_hash, std::int64_t user_id,
                    std::chrono::seconds ttl, const std::optional<std::string>& requested_ip) {
    return tx.exec(kInsertReset, token_hash, user_id, ttl.count(), requested_ip)
        .get<std::int64_t>(0, 0);
}

std::optional<StoredReset> find_for_update(db::Tx& tx, std::string_view token_hash) {
    db::Result r = tx.exec(kFindReset, token_hash);
    if (r.empty()) {
        return std::nullopt;
    }
    return StoredReset{r.get<std::int64_t>(0, 0), r.get<std::int64_t>(0, 1),
                       r.get<bool>(0, 2),         r.get<bool>(0, 3),
                       r.get<std::string>(0, 4),  r.get<std::string>(0, 5)};
}

long close_open_of_user(db::Tx& tx, std::int64_t user_id) {
    return tx.exec(kCloseOpen, user_id).affected();
}

}  // namespace resets

namespace mail {

std::int64_t queue(db::Tx& tx, std::int64_t user_id, std::string_view to, std::string_view kind,
                   std::string_view subject, std::string_view body) {
    return tx.exec(kQueueMail, user_id, to, kind, subject, body).get<std::int64_t>(0, 0);
}

}  // namespace mail
}  // namespace accounts
