// The authorization rules; see authz.hpp. Each (action, resource) pair is
// decided in one place: account actions are one's own, the audit log and the
// integrity alerts are for admins, event actions follow the roles of API.md
// with admins allowed all.
// Reading an event is the rule shared with scoreline-sse's streams
// (shared/authz/event_read.hpp).
#include "authz.hpp"

#include "authz/event_read.hpp"

namespace authz {
namespace {

bool is_admin(const Actor& a) {
    return a.role == GlobalRole::kAdmin;
}

bool has_event_role(const Resource& r, std::initializer_list<EventRole> roles) {
    if (r.kind != Resource::Kind::kEvent || !r.actor_event_role) {
        return false;
    }
    for (EventRole role : roles) {
        if (*r.actor_event_role == role) {
            return true;
        }
    }
    return false;
}

// The event read rule for this caller: members of the event and admins are
// privileged readers; an anonymous caller is `actor` nullptr.
bool may_read(const Actor* actor, const Resource& r) {
    const bool privileged =
        actor &&
        (is_admin(*actor) ||
         has_event_role(r, {EventRole::kOrganizer, EventRole::kScorekeeper, EventRole::kViewer}));
    return r.kind == Resource::Kind::kEvent &&
           may_read_event(r.event_is_draft ? EventVisibility::kDraft : EventVisibility::kPublic,
                          privileged ? EventReader::kPrivileged : EventReader::kAnyone);
}

bool allowed(const Actor& actor, Action action, const Resource& r) {
    switch (action) {
        case Action::kReadAccount:
        case Action::kEndSessions:
            return r.kind == Resource::Kind::kAccount && r.owner_id == actor.user_id;
        case Action::kChangeRole:
            return is_admin(actor) && r.kind == Resource::Kind::kAccount;
        case Action::kReadAuditLog:
            return is_admin(actor) && r.kind == Resource::Kind::kAuditLog;
        case Action::kManageAlerts:
            return is_admin(actor) && r.kind == Resource::Kind::kAlerts;
        case Action::kCreateEvent:
            return true;
        case Action::kReadEvent:
            return may_read(&actor, r);
        case Action::kReadMembers:
            return is_admin(actor) ||
                   has_event_role(
                       r, {EventRole::kOrganizer, EventRole::kScorekeeper, EventRole::kViewer});
        case Action::kUpdateEvent:
        case Action::kManageMembers:
        case Action::kCorrectScore:
            return is_admin(actor) || has_event_role(r, {EventRole::kOrganizer});
        case Action::kRecordScore:
            return is_admin(actor) ||
                   has_event_role(r, {EventRole::kOrganizer, EventRole::kScorekeeper});
    }
    return false;
}

}  // namespace

std::optional<GlobalRole> parse_global_role(std::string_view text) noexcept {
    if (text == "user") {
        return GlobalRole::kUser;
    }
    if (text == "admin") {
        return GlobalRole::kAdmin;
    }
    return std::nullopt;
}

std::string_view to_string(GlobalRole role) noexcept {
    return role == GlobalRole::kAdmin ? "admin" : "user";
}

std::optional<EventRole> parse_event_role(std::string_view text) noexcept {
    if (text == "organizer") {
        return EventRole::kOrganizer;
    }
    if (text == "scorekeeper") {
        return EventRole::kScorekeeper;
    }
    if (text == "viewer") {
        return EventRole::kViewer;
    }
    return std::nullopt;
}

Decision may(const std::optional<Actor>& actor, Action action, const Resource& resource) noexcept {
    if (!actor) {
        // Only public event pages are open to anonymous callers.
        if (action == Action::kReadEvent && may_read(nullptr, resource)) {
            return Decision::kAllow;
        }
        return Decision::kUnauthenticated;
    }
    return allowed(*actor, action, resource) ? Decision::kAllow : Decision::kForbidden;
}

}  // namespace authz
