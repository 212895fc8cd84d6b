// SQL of event_members: who holds which role in an event. Named statements,
// run inside the caller's transaction.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "db/connection.hpp"

namespace tournament::member_repo {

enum class Upsert { kAdded, kChanged, kUnchanged };

// Gives `user_id` the role in the event (adding the membership when missing).
// Throws db::ForeignKeyViolation when the user does not exist.
[[nodiscard]] Upsert put(db::Tx& tx, std::int64_t event_id, std::int64_t user_id,
                         const std::string& role);

// The user's role in the event, if a member.
[[nodiscard]] std::optional<std::string> role_of(db::Tx& tx, std::int64_t event_id,
                                                 std::int64_t user_id);

[[nodiscard]] int count_organizers(db::Tx& tx, std::int64_t event_id);

void remove(db::Tx& tx, std::int64_t event_id, std::int64_t user_id);

// {user_id, display_name, role, added_at} of one member; null when not a member.
[[nodiscard]] nlohmann::json find(db::Tx& tx, std::int64_t event_id, std::int64_t user_id);

// Members by user id after `after_user_id`, at most limit + 1 of them.
[[nodiscard]] nlohmann::json list(db::Tx& tx, std::int64_t event_id, std::int64_t after_user_id,
                                  int limit);

}  // namespace tournament::member_repo
