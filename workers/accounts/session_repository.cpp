// SQL of refresh tokens and sessions; see session_repository.hpp.
#include "accounts/session_repository.hpp"

namespace accounts::sessions {
namespace {

constexpr db::Statement kInsert{
    "sessions_insert",
    "INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at, client_ip) "
    "VALUES ($1::bytea, coalesce($2::uuid, gen_random_uuid()), $3, "
    "now() + make_interval(secs => $4), $5::inet) RETURNING id, family_id::text"};
constexpr db::Statement kFindForUpdate{
    "sessions_find_for_update",
    "SELECT id, family_id::text, user_id, revoked_at IS NOT NULL, replaced_by IS NOT NULL, "
    "expires_at <= now() FROM refresh_tokens WHERE token_hash = $1::bytea FOR UPDATE"};
constexpr db::Statement kMarkReplaced{
    "sessions_mark_replaced",
    "UPDATE refresh_tokens SET replaced_by = $2, revoked_at = coalesce(revoked_at, now()) "
    "WHERE id = $1"};
constexpr db::Statement kRevokeFamily{"sessions_revoke_family",
                                      "UPDATE refresh_tokens SET revoked_at = now() WHERE "
                                      "family_id = $1::uuid AND revoked_at IS NULL"};
constexpr db::Statement kRevokeAll{
    "sessions_revoke_all",
    "UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL"};
constexpr db::Statement kTokenOwner{
    "sessions_token_owner",
    "SELECT u.id, u.role, EXISTS (SELECT 1 FROM refresh_tokens rt WHERE rt.family_id = $2::uuid "
    "AND rt.user_id = u.id AND rt.revoked_at IS NULL AND rt.expires_at > now()) "
    "FROM users u WHERE u.id = $1"};
constexpr db::Statement kIpHadSession{
    "sessions_ip_had_session",
    "SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE user_id = $1 AND client_ip = $2::inet "
    "AND created_at > now() - make_interval(secs => $3))"};

}  // namespace

NewRow insert(db::Tx& tx, std::string_view token_hash, std::string_view family_id,
              std::int64_t user_id, std::chrono::seconds ttl,
              const std::optional<std::string>& client_ip) {
    std::optional<std::string> family;
    if (!family_id.empty()) {
        family = std::string(family_id);
    }
    db::Result r = tx.exec(kInsert, token_hash, family, user_id, ttl.count(), client_ip);
    return NewRow{r.get<std::int64_t>(0, 0), r.get<std::string>(0, 1)};
}

std::optional<StoredToken> find_for_update(db::Tx& tx, std::string_view token_hash) {
    db::Result r = tx.exec(kFindForUpdate, token_hash);
    if (r.empty()) {
        return std::nullopt;
    }
    return StoredToken{r.get<std::int64_t>(0, 0), r.get<std::string>(0, 1),
                       r.get<std::int64_t>(0, 2), r.get<bool>(0, 3),
                       r.get<bool>(0, 4),         r.get<bool>(0, 5)};
}

void mark_replaced(db::Tx& tx, std::int64_t id, std::int64_t successor_id) {
    (void)tx.exec(kMarkReplaced, id, successor_id);
}

long revoke_family(db::Tx& tx, std::string_view family_id) {
    return tx.exec(kRevokeFamily, family_id).affected();
}

long revoke_all_of_user(db::Tx& tx, std::int64_t user_id) {
    return tx.exec(kRevokeAll, user_id).affected();
}

std::optional<TokenOwner> find_token_owner(db::Connection& conn, std::int64_t user_id,
                                           std::string_view family_id) {
    db::Result r = conn.exec(kTokenOwner, user_id, family_id);
    if (r.empty()) {
        return std::nullopt;
    }
    return TokenOwner{r.get<std::int64_t>(0, 0), r.get<std::string>(0, 1), r.get<bool>(0, 2)};
}

bool ip_had_session(db::Tx& tx, std::int64_t user_id, const std::string& ip,
                    std::chrono::seconds within) {
    return tx.exec(kIpHadSession, user_id, ip, within.count()).get<bool>(0, 0);
}

}  // namespace accounts::sessions
