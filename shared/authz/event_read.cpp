// The event read rule; see event_read.hpp.
#include "authz/event_read.hpp"

namespace authz {

EventVisibility event_visibility(std::string_view status) noexcept {
    return status == "draft" ? EventVisibility::kDraft : EventVisibility::kPublic;
}

bool may_read_event(EventVisibility visibility, EventReader reader) noexcept {
    switch (visibility) {
        case EventVisibility::kPublic:
            return true;
        case EventVisibility::kDraft:
            return reader == EventReader::kPrivileged;
    }
    return false;
}

}  // namespace authz
