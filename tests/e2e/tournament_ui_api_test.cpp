// The API additions of the web UI (issue 17): audit rows name their actor.
#include "tournament_suite.hpp"

namespace {

using tourtest::json;

TEST(TournamentUiApi, AuditRowsNameTheirActor) {
    const auto u = tourtest::new_user("auditwho");
    const auto admin = tourtest::new_admin("auditreader");
    (void)tourtest::create_event(u, {{"name", "Audited Cup"},
                                     {"sport", "football"},
                                     {"format", "round_robin"},
                                     {"starts_on", "2024-06-01"}});
    const auto mine = tourtest::call("GET", "/api/v1/admin/audit?actor_id=" + std::to_string(u.id),
                                     nullptr, admin.token);
    ASSERT_EQ(mine.status, 200) << mine.raw.body;
    ASSERT_FALSE(mine.body["items"].empty()) << mine.raw.body;
    for (const json& row : mine.body["items"]) {
        EXPECT_EQ(row["actor_id"], u.id) << row.dump();
        ASSERT_TRUE(row.contains("actor_display_name")) << row.dump();
        EXPECT_EQ(row["actor_display_name"], "Player auditwho") << row.dump();
    }

    // A row without an actor (a reset request is anonymous) names nobody.
    const auto reset = tourtest::call("POST", "/api/v1/auth/password-reset", {{"email", u.email}});
    ASSERT_EQ(reset.status, 202) << reset.raw.body;
    const auto system =
        tourtest::call("GET", "/api/v1/admin/audit?action=auth.password_reset_requested&limit=1",
                       nullptr, admin.token);
    ASSERT_EQ(system.status, 200) << system.raw.body;
    ASSERT_EQ(system.body["items"].size(), 1u) << system.raw.body;
    EXPECT_TRUE(system.body["items"][0]["actor_id"].is_null()) << system.raw.body;
    ASSERT_TRUE(system.body["items"][0].contains("actor_display_name")) << system.raw.body;
    EXPECT_TRUE(system.body["items"][0]["actor_display_name"].is_null()) << system.raw.body;
}

}  // namespace
