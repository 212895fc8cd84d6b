// authz::may_read_event, the one rule for reading an event on REST and on
// its stream: published events are public, drafts are for privileged readers.
#include "authz/event_read.hpp"

#include <gtest/gtest.h>

namespace {

using authz::EventReader;
using authz::EventVisibility;

TEST(EventRead, VisibilityFromStatus) {
    EXPECT_EQ(authz::event_visibility("draft"), EventVisibility::kDraft);
    for (const char* status : {"scheduled", "live", "completed", "archived"}) {
        EXPECT_EQ(authz::event_visibility(status), EventVisibility::kPublic) << status;
    }
}

TEST(EventRead, DraftsAreForPrivilegedReadersOnly) {
    EXPECT_TRUE(authz::may_read_event(EventVisibility::kPublic, EventReader::kAnyone));
    EXPECT_TRUE(authz::may_read_event(EventVisibility::kPublic, EventReader::kPrivileged));
    EXPECT_FALSE(authz::may_read_event(EventVisibility::kDraft, EventReader::kAnyone));
    EXPECT_TRUE(authz::may_read_event(EventVisibility::kDraft, EventReader::kPrivileged));
}

}  // namespace
