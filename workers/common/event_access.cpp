// Authorization of event actions through authz::may; see event_access.hpp.
#include "common/event_access.hpp"

#include "domain/refusal.hpp"

namespace tournament {
namespace {

[[noreturn]] void not_found() {
    throw domain::Refusal::not_found("no event or game with this id");
}

[[noreturn]] void unauthenticated() {
    throw domain::Refusal::unauthenticated(domain::Refusal::Credentials::kNone,
                                           "sign in first: this route needs an access token "
                                           "(Authorization: Bearer <token>)");
}

}  // namespace

void authorize_event(const Caller& caller, authz::Action action, const EventAccess& access) {
    const authz::Resource resource = authz::Resource::event(access.role, access.draft());
    if (authz::may(caller.actor, authz::Action::kReadEvent, resource) != authz::Decision::kAllow) {
        not_found();  // only drafts are unreadable; their existence stays hidden
    }
    switch (authz::may(caller.actor, action, resource)) {
        case authz::Decision::kAllow:
            return;
        case authz::Decision::kUnauthenticated:
            unauthenticated();
        case authz::Decision::kForbidden:
            throw domain::Refusal::forbidden(
                "you are signed in but your role in this event does not allow this");
    }
    throw domain::Refusal::forbidden("not allowed");
}

EventAccess require_event(db::Tx& tx, const Caller& caller, std::int64_t event_id,
                          authz::Action action, Lock lock) {
    auto access = event_repo::access(tx, event_id, caller.user_id(), lock);
    if (!access) {
        not_found();
    }
    authorize_event(caller, action, *access);
    return *access;
}

EventAccess require_game_event(db::Tx& tx, const Caller& caller, std::int64_t game_id,
                               authz::Action action, Lock lock) {
    auto access = event_repo::access_by_game(tx, game_id, caller.user_id(), lock);
    if (!access) {
        not_found();
    }
    authorize_event(caller, action, *access);
    return *access;
}

void require_readable_events(db::Connection& conn, const Caller& caller,
                             std::span<const std::int64_t> event_ids) {
    if (event_ids.empty()) {
        return;
    }
    db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
        for (const std::int64_t id : event_ids) {
            (void)require_event(tx, caller, id, authz::Action::kReadEvent);
        }
    });
}

const authz::Actor& require_signed_in(const Caller& caller) {
    if (!caller.actor) {
        unauthenticated();
    }
    return *caller.actor;
}

}  // namespace tournament
