// Event members: organizers (and admins) give users a role in an event —
// organizer, scorekeeper or viewer — or take it away; members (and admins)
// list them. An event always keeps at least one organizer. Changes are audited.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/caller.hpp"
#include "db/connection.hpp"
#include "event/event_service.hpp"

namespace tournament {

struct MemberChange {
    bool created = false;   // a new membership (201) rather than a role change (200)
    nlohmann::json member;  // {user_id, display_name, role, added_at}
};

// role: organizer | scorekeeper | viewer (checked by the caller).
[[nodiscard]] MemberChange put_member_in(db::Tx& tx, const Caller& caller, std::int64_t event_id,
                                         std::int64_t user_id, const std::string& role);
[[nodiscard]] MemberChange put_member(db::Connection& conn, const Caller& caller,
                                      std::int64_t event_id, std::int64_t user_id,
                                      const std::string& role);
void remove_member(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                   std::int64_t user_id);
[[nodiscard]] Page list_members(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                                const std::optional<std::string>& cursor, int limit);

}  // namespace tournament
