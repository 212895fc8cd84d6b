// Event member operations; see member_service.hpp.
#include "member/member_service.hpp"

#include "common/cursor.hpp"
#include "common/event_access.hpp"
#include "domain/refusal.hpp"
#include "member/member_repository.hpp"

namespace tournament {
namespace {

constexpr std::string_view kMemberCursor = "mb";

void keep_an_organizer(db::Tx& tx, std::int64_t event_id) {
    if (member_repo::count_organizers(tx, event_id) == 0) {
        throw domain::Refusal::conflict(
            "an event keeps at least one organizer; make another member "
            "organizer first");
    }
}

}  // namespace

MemberChange put_member_in(db::Tx& tx, const Caller& caller, std::int64_t event_id,
                           std::int64_t user_id, const std::string& role) {
    // The event row lock serializes member changes, so the organizer count holds.
    (void)require_event(tx, caller, event_id, authz::Action::kManageMembers, Lock::kUpdate);
    const auto old_role = member_repo::role_of(tx, event_id, user_id);
    const auto result = member_repo::put(tx, event_id, user_id, role);
    keep_an_organizer(tx, event_id);
    MemberChange change;
    change.created = result == member_repo::Upsert::kAdded;
    change.member = member_repo::find(tx, event_id, user_id);
    if (result != member_repo::Upsert::kUnchanged) {
        audit::record(
            tx, caller.origin,
            {caller.user_id(), change.created ? "event.member_added" : "event.member_changed",
             "event", event_id,
             old_role ? std::optional<nlohmann::json>(
                            nlohmann::json{{"user_id", user_id}, {"role", *old_role}})
                      : std::nullopt,
             nlohmann::json{{"user_id", user_id}, {"role", role}}});
    }
    return change;
}

MemberChange put_member(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                        std::int64_t user_id, const std::string& role) {
    try {
        return db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
            return put_member_in(tx, caller, event_id, user_id, role);
        });
    } catch (const db::ForeignKeyViolation&) {
        throw domain::Refusal::invalid_fields("the body has invalid fields",
                                              {{"user_id", "no such user"}});
    }
}

void remove_member(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                   std::int64_t user_id) {
    db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
        (void)require_event(tx, caller, event_id, authz::Action::kManageMembers, Lock::kUpdate);
        const auto old_role = member_repo::role_of(tx, event_id, user_id);
        if (!old_role) {
            throw domain::Refusal::not_found("this user is not a member of the event");
        }
        member_repo::remove(tx, event_id, user_id);
        keep_an_organizer(tx, event_id);
        audit::record(tx, caller.origin,
                      {caller.user_id(), "event.member_removed", "event", event_id,
                       nlohmann::json{{"user_id", user_id}, {"role", *old_role}}, std::nullopt});
    });
}

Page list_members(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                  const std::optional<std::string>& cursor, int limit) {
    const std::int64_t after = client_cursor(kMemberCursor, cursor).id;
    Page page;
    page.items = db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
        (void)require_event(tx, caller, event_id, authz::Action::kReadMembers);
        return member_repo::list(tx, event_id, after, limit);
    });
    if (page.items.size() > static_cast<std::size_t>(limit)) {
        page.items.erase(page.items.size() - 1);
        page.next_cursor =
            encode_cursor(kMemberCursor, "", page.items.back()["user_id"].get<std::int64_t>());
    }
    return page;
}

}  // namespace tournament
