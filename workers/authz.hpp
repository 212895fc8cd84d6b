// authz::may: the one answer to "may this actor do this action on this
// resource". Pure: the caller loads what the rule needs (the actor's global
// role, the actor's role in the event, the event's state) and passes it in;
// nothing here touches the database, so every rule is unit-tested.
// Anonymous callers are an empty std::optional<Actor>: a rule that needs an
// identity then answers kUnauthenticated (401), one that needs more kForbidden (403).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace authz {

enum class GlobalRole { kUser, kAdmin };
// Per-event roles (event_members.role); used by the event rules.
enum class EventRole { kOrganizer, kScorekeeper, kViewer };

[[nodiscard]] std::optional<GlobalRole> parse_global_role(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(GlobalRole role) noexcept;
[[nodiscard]] std::optional<EventRole> parse_event_role(std::string_view text) noexcept;

struct Actor {
    std::int64_t user_id = 0;
    GlobalRole role = GlobalRole::kUser;
};

enum class Action {
    // accounts
    kReadAccount,  // GET /me
    kEndSessions,  // logout, logout-all
    kChangeRole,   // admin CLI today; an admin route later
    // audit
    kReadAuditLog,  // GET /admin/audit
    // integrity alerts
    kManageAlerts,  // GET/PATCH /admin/alerts, the alerts export
    // events (the tournament issue wires these to routes)
    kCreateEvent,
    kReadEvent,
    kUpdateEvent,  // PATCH/DELETE event, teams, schedule, games
    kManageMembers,
    kReadMembers,
    kRecordScore,
    kCorrectScore,
};

struct Resource {
    enum class Kind { kAccount, kAuditLog, kAlerts, kEvent } kind = Kind::kAccount;
    std::int64_t owner_id = 0;                  // kAccount: whose account
    std::optional<EventRole> actor_event_role;  // kEvent: the actor's membership, if any
    bool event_is_draft = false;                // kEvent: drafts are visible to members only

    [[nodiscard]] static Resource account(std::int64_t user_id) {
        return Resource{Kind::kAccount, user_id, std::nullopt, false};
    }
    [[nodiscard]] static Resource audit_log() {
        return Resource{Kind::kAuditLog, 0, std::nullopt, false};
    }
    [[nodiscard]] static Resource alerts() {
        return Resource{Kind::kAlerts, 0, std::nullopt, false};
    }
    [[nodiscard]] static Resource event(std::optional<EventRole> actor_role, bool draft) {
        return Resource{Kind::kEvent, 0, actor_role, draft};
    }
};

enum class Decision { kAllow, kUnauthenticated, kForbidden };

[[nodiscard]] Decision may(const std::optional<Actor>& actor, Action action,
                           const Resource& resource) noexcept;

}  // namespace authz
