// The one rule for reading an event, shared by the two ways to read one:
// a REST read of the event or anything under it (scoreline-api, through
// authz::may and tournament::authorize_event) and opening the event's stream
// (scoreline-sse, sse::AccessGate). A published event is public; a draft is
// for admins and the event's members only. A refused read answers 404, the
// answer for a missing event, on both paths, so a draft's existence stays
// hidden. The caller loads what the rule needs (the event's status; who reads)
// and passes it in. Pure; any thread, both processes.
#pragma once

#include <string_view>

namespace authz {

enum class EventVisibility { kPublic, kDraft };

// Who reads, as far as reading an event goes.
enum class EventReader {
    kAnyone,      // anonymous, or signed in without a role in the event
    kPrivileged,  // an admin, a member of the event, or the holder of a stream
                  // ticket for its topic (scoreline-api issued it after this rule)
};

// The visibility of an event whose events.status is `status`.
[[nodiscard]] EventVisibility event_visibility(std::string_view status) noexcept;

// True when `reader` may read an event of `visibility`.
[[nodiscard]] bool may_read_event(EventVisibility visibility, EventReader reader) noexcept;

}  // namespace authz
