// accounts::sessions: the refresh_tokens table. A login starts a family (its
// family_id is the session id, "sid", in access tokens); every refresh
// inserts the successor and marks the old row replaced and revoked; a family
// with no live row is a dead session. Only token hashes are stored.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "db/connection.hpp"

namespace accounts::sessions {

struct NewRow {
    std::int64_t id = 0;
    std::string family_id;
};

// family_id empty: a new family (a login).
[[nodiscard]] NewRow insert(db::Tx& tx, std::string_view token_hash, std::string_view family_id,
                            std::int64_t user_id, std::chrono::seconds ttl,
                            const std::optional<std::string>& client_ip);

struct StoredToken {
    std::int64_t id = 0;
    std::string family_id;
    std::int64_t user_id = 0;
    bool revoked = false;
    bool replaced = false;  // rotated already: presenting it again is reuse
    bool expired = false;
};

// Locks the row until the transaction ends.
[[nodiscard]] std::optional<StoredToken> find_for_update(db::Tx& tx, std::string_view token_hash);
void mark_replaced(db::Tx& tx, std::int64_t id, std::int64_t successor_id);
// Returns how many live rows were revoked.
[[nodiscard]] long revoke_family(db::Tx& tx, std::string_view family_id);
[[nodiscard]] long revoke_all_of_user(db::Tx& tx, std::int64_t user_id);

// The user behind an access token, with whether its session is still live.
struct TokenOwner {
    std::int64_t user_id = 0;
    std::string role;
    bool session_live = false;
};
[[nodiscard]] std::optional<TokenOwner> find_token_owner(db::Connection& conn, std::int64_t user_id,
                                                         std::string_view family_id);

// True when this IP was given a session for this user within `within`:
// such a client is the account's usual one and skips the account throttle.
[[nodiscard]] bool ip_had_session(db::Tx& tx, std::int64_t user_id, const std::string& ip,
                                  std::chrono::seconds within);

}  // namespace accounts::sessions
