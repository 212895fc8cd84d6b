// accounts::login_failures: the login_failures table (migration 0002) that
// feeds the login throttle (auth/login_throttle.hpp). Keys are the normalized
// email ("account", known or not, so the throttle says nothing about which
// accounts exist) and the client IP ("ip"). lock() serializes the attempts on
// one key so parallel requests cannot slip past the limit.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "auth/login_throttle.hpp"
#include "db/connection.hpp"

namespace accounts::login_failures {

struct Recent {
    auth::FailureStats account;
    auth::FailureStats ip;
    double now = 0;  // the database's clock, seconds since the epoch
};

// Transaction-scoped advisory locks: the account key first, then the IP,
// always in this order, so two attempts cannot deadlock.
void lock(db::Tx& tx, std::string_view account, const std::optional<std::string>& ip);
[[nodiscard]] Recent recent(db::Tx& tx, std::string_view account,
                            const std::optional<std::string>& ip, std::chrono::seconds window);
void record(db::Tx& tx, std::string_view account, const std::optional<std::string>& ip);
// After a successful login; the IP's count stays (a valid login must not
// wipe the failures an address made against other accounts).
void clear_account(db::Tx& tx, std::string_view account);
// Deletes up to a few hundred rows older than the window.
void purge_expired(db::Tx& tx, std::chrono::seconds window);

}  // namespace accounts::login_failures
