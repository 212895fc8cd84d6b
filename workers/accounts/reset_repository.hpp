// accounts::resets: the password_resets table (single-use tokens, stored as
// hashes; at most one open per account) and accounts::mail: the mail_outbox rows a mailer would
// send. The mail body is the only place a reset token exists after the response.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "db/connection.hpp"

namespace accounts {
namespace resets {

// Locks the account's user row until the transaction ends, so that reset
// requests of one account run one at a time (the limit count and the single
// open reset hold under concurrency).
void lock_account(db::Tx& tx, std::int64_t user_id);
// Resets of the user created inside the last `window`, used or not.
[[nodiscard]] std::int64_t count_recent(db::Tx& tx, std::int64_t user_id,
                                        std::chrono::seconds window);

// The caller closes the user's open reset first (close_open_of_user): the
// schema allows one open reset per user.
[[nodiscard]] std::int64_t insert(db::Tx& tx, std::string_view token_hash, std::int64_t user_id,
                                  std::chrono::seconds ttl,
                                  const std::optional<std::string>& requested_ip);

struct StoredReset {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    bool used = false;
    bool expired = false;
    std::string email;  // of the account, for the password policy
    std::string display_name;
};
// Locks the reset row until the transaction ends.
[[nodiscard]] std::optional<StoredReset> find_for_update(db::Tx& tx, std::string_view token_hash);
// Marks every unused reset of the user used: the confirmed one and any
// other on confirmation, the one a new request replaces. Returns how many.
long close_open_of_user(db::Tx& tx, std::int64_t user_id);

}  // namespace resets

namespace mail {

[[nodiscard]] std::int64_t queue(db::Tx& tx, std::int64_t user_id, std::string_view to,
                                 std::string_view kind, std::string_view subject,
                                 std::string_view body);

}  // namespace mail
}  // namespace accounts
