// Authorization of tournament operations: every event action of a caller is
// decided by authz::may (the one authorization function) from the event's
// state and the caller's membership, loaded inside the operation's
// transaction. Drafts are hidden: a caller who may not read a draft gets 404
// for every route of it, as if it did not exist.
#pragma once

#include <cstdint>
#include <span>

#include "authz.hpp"
#include "common/caller.hpp"
#include "db/connection.hpp"
#include "event/event_repository.hpp"

namespace tournament {

// Throws domain::Refusal not_found (no event, or a draft the caller may not read),
// unauthenticated (anonymous, the action needs a sign-in) or forbidden (signed in, not allowed).
void authorize_event(const Caller& caller, authz::Action action, const EventAccess& access);

// Loads the caller's access to event `event_id` (taking `lock` on the event
// row) and authorizes `action`; returns the access.
[[nodiscard]] EventAccess require_event(db::Tx& tx, const Caller& caller, std::int64_t event_id,
                                        authz::Action action, Lock lock = Lock::kNone);

// The same for the event of game `game_id` (404 when there is no such game).
[[nodiscard]] EventAccess require_game_event(db::Tx& tx, const Caller& caller, std::int64_t game_id,
                                             authz::Action action, Lock lock = Lock::kNone);

// Authorizes reading every event of `event_ids` in one transaction, with
// require_event's answers: the REST reads of an event and the stream tickets
// of its topic (handlers/stream_tickets.cpp) decide alike, from membership
// only (events.owner_id grants nothing), and a draft the caller may not read
// is a 404 like a missing event.
void require_readable_events(db::Connection& conn, const Caller& caller,
                             std::span<const std::int64_t> event_ids);

// The caller, or an unauthenticated refusal for an anonymous one.
[[nodiscard]] const authz::Actor& require_signed_in(const Caller& caller);

}  // namespace tournament
