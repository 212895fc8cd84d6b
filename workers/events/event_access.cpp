// Authorization of event actions through authz::may; see event_access.hpp.
#include "events/event_access.hpp"

#include "http/problem.hpp"

namespace tournament {
namespace {

[[noreturn]] void not_found() {
    throw http::Problem(404, "no event or game with this id");
}

[[noreturn]] void unauthenticated() {
    throw http::Problem(401,
                        "sign in first: this route needs an access token "
                        "(Authorization: Bearer <token>)")
        .with_header("WWW-Authenticate", "Bearer realm=\"scoreline\"");
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
            throw http::Problem(403,
                                "you are signed in but your role in this event does not "
                                "allow this");
    }
    throw http::Problem(403, "not allowed");
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
