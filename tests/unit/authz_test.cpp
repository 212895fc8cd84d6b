// authz::may: one table of (actor, action, resource) → decision, covering the
// account, audit and event rules.
#include "authz.hpp"

#include <gtest/gtest.h>

namespace {

using authz::Action;
using authz::Actor;
using authz::Decision;
using authz::EventRole;
using authz::GlobalRole;
using authz::Resource;

struct Case {
    const char* name;
    std::optional<Actor> actor;
    Action action;
    Resource resource;
    Decision expected;
};

const Actor kUser{7, GlobalRole::kUser};
const Actor kOther{8, GlobalRole::kUser};
const Actor kAdmin{1, GlobalRole::kAdmin};

TEST(Authz, DecisionTable) {
    const auto anon = std::optional<Actor>{};
    const auto publ = Resource::event(std::nullopt, false);
    const auto draft = Resource::event(std::nullopt, true);
    const auto as = [](EventRole r, bool is_draft = false) { return Resource::event(r, is_draft); };
    const std::vector<Case> cases = {
        {"own account", kUser, Action::kReadAccount, Resource::account(7), Decision::kAllow},
        {"someone else's account", kUser, Action::kReadAccount, Resource::account(8),
         Decision::kForbidden},
        {"anonymous account read", anon, Action::kReadAccount, Resource::account(7),
         Decision::kUnauthenticated},
        {"end own sessions", kOther, Action::kEndSessions, Resource::account(8), Decision::kAllow},
        {"end someone else's sessions", kOther, Action::kEndSessions, Resource::account(7),
         Decision::kForbidden},
        {"audit log: admin", kAdmin, Action::kReadAuditLog, Resource::audit_log(),
         Decision::kAllow},
        {"audit log: user", kUser, Action::kReadAuditLog, Resource::audit_log(),
         Decision::kForbidden},
        {"audit log: anonymous", anon, Action::kReadAuditLog, Resource::audit_log(),
         Decision::kUnauthenticated},
        {"alerts: admin", kAdmin, Action::kManageAlerts, Resource::alerts(), Decision::kAllow},
        {"alerts: user", kUser, Action::kManageAlerts, Resource::alerts(), Decision::kForbidden},
        {"alerts: event organizer", kUser, Action::kManageAlerts, as(EventRole::kOrganizer),
         Decision::kForbidden},
        {"alerts: anonymous", anon, Action::kManageAlerts, Resource::alerts(),
         Decision::kUnauthenticated},
        {"alerts action on the audit log", kAdmin, Action::kManageAlerts, Resource::audit_log(),
         Decision::kForbidden},
        {"role change: admin", kAdmin, Action::kChangeRole, Resource::account(7), Decision::kAllow},
        {"role change: user on self", kUser, Action::kChangeRole, Resource::account(7),
         Decision::kForbidden},
        {"audit action on an account resource", kAdmin, Action::kReadAuditLog, Resource::account(1),
         Decision::kForbidden},
        {"public event: anonymous", anon, Action::kReadEvent, publ, Decision::kAllow},
        {"draft event: anonymous", anon, Action::kReadEvent, draft, Decision::kUnauthenticated},
        {"draft event: stranger", kUser, Action::kReadEvent, draft, Decision::kForbidden},
        {"draft event: viewer", kUser, Action::kReadEvent, as(EventRole::kViewer, true),
         Decision::kAllow},
        {"draft event: admin", kAdmin, Action::kReadEvent, draft, Decision::kAllow},
        {"create event: user", kUser, Action::kCreateEvent, publ, Decision::kAllow},
        {"create event: anonymous", anon, Action::kCreateEvent, publ, Decision::kUnauthenticated},
        {"update event: organizer", kUser, Action::kUpdateEvent, as(EventRole::kOrganizer),
         Decision::kAllow},
        {"update event: scorekeeper", kUser, Action::kUpdateEvent, as(EventRole::kScorekeeper),
         Decision::kForbidden},
        {"update event: admin", kAdmin, Action::kUpdateEvent, publ, Decision::kAllow},
        {"members: organizer manages", kUser, Action::kManageMembers, as(EventRole::kOrganizer),
         Decision::kAllow},
        {"members: viewer manages", kUser, Action::kManageMembers, as(EventRole::kViewer),
         Decision::kForbidden},
        {"members: viewer reads", kUser, Action::kReadMembers, as(EventRole::kViewer),
         Decision::kAllow},
        {"members: stranger reads", kUser, Action::kReadMembers, publ, Decision::kForbidden},
        {"score: scorekeeper", kUser, Action::kRecordScore, as(EventRole::kScorekeeper),
         Decision::kAllow},
        {"score: viewer", kUser, Action::kRecordScore, as(EventRole::kViewer),
         Decision::kForbidden},
        {"score: anonymous", anon, Action::kRecordScore, publ, Decision::kUnauthenticated},
        {"correction: scorekeeper", kUser, Action::kCorrectScore, as(EventRole::kScorekeeper),
         Decision::kForbidden},
        {"correction: organizer", kUser, Action::kCorrectScore, as(EventRole::kOrganizer),
         Decision::kAllow},
        {"correction: admin", kAdmin, Action::kCorrectScore, publ, Decision::kAllow},
        {"event action on an account resource", kUser, Action::kRecordScore, Resource::account(7),
         Decision::kForbidden},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(authz::may(c.actor, c.action, c.resource), c.expected) << c.name;
    }
}

TEST(Authz, RoleNames) {
    EXPECT_EQ(authz::parse_global_role("admin"), GlobalRole::kAdmin);
    EXPECT_EQ(authz::parse_global_role("user"), GlobalRole::kUser);
    EXPECT_FALSE(authz::parse_global_role("Admin").has_value());
    EXPECT_EQ(authz::to_string(GlobalRole::kAdmin), "admin");
    EXPECT_EQ(authz::parse_event_role("scorekeeper"), EventRole::kScorekeeper);
    EXPECT_FALSE(authz::parse_event_role("owner").has_value());
}

}  // namespace
