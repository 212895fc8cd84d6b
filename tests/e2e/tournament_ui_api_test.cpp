// The API additions of the web UI (issue 17): an event is read by its slug as
// by its id (drafts stay hidden), GET /events?slug= finds it, and audit rows
// name their actor.
#include "tournament_suite.hpp"

namespace {

using tourtest::json;

std::string ev(std::int64_t id) {
    return "/api/v1/events/" + std::to_string(id);
}

json publish(const tourtest::User& u, std::int64_t event_id) {
    auto r = tourtest::call("PATCH", ev(event_id), {{"status", "scheduled"}}, u.token);
    EXPECT_EQ(r.status, 200) << r.raw.body;
    return r.body;
}

TEST(TournamentUiApi, EventBySlugAnswersLikeById) {
    const auto u = tourtest::new_user("slug");
    const json created = tourtest::create_event(u, {{"name", "Slug Cup"},
                                                    {"slug", "ui-slug-cup-2024"},
                                                    {"sport", "football"},
                                                    {"format", "round_robin"},
                                                    {"starts_on", "2024-06-01"}});
    const auto id = created["id"].get<std::int64_t>();
    publish(u, id);

    const auto by_id = tourtest::call("GET", ev(id));
    const auto by_slug = tourtest::call("GET", "/api/v1/events/ui-slug-cup-2024");
    ASSERT_EQ(by_id.status, 200) << by_id.raw.body;
    ASSERT_EQ(by_slug.status, 200) << by_slug.raw.body;
    EXPECT_EQ(by_slug.body, by_id.body);
    EXPECT_EQ(by_slug.header("etag"), by_id.header("etag"));
    EXPECT_EQ(by_slug.body["slug"], "ui-slug-cup-2024");
    const auto again = tourtest::call("GET", "/api/v1/events/ui-slug-cup-2024", nullptr, {},
                                      {"If-None-Match: " + by_slug.header("etag")});
    EXPECT_EQ(again.status, 304);

    const auto listed = tourtest::call("GET", "/api/v1/events?slug=ui-slug-cup-2024");
    ASSERT_EQ(listed.status, 200) << listed.raw.body;
    ASSERT_EQ(listed.body["items"].size(), 1u) << listed.raw.body;
    EXPECT_EQ(listed.body["items"][0], by_id.body);

    tourtest::expect_problem(tourtest::call("GET", "/api/v1/events/ui-no-such-slug"), 404);
    tourtest::expect_problem(tourtest::call("GET", "/api/v1/events/Not_A-Slug"), 404);
    const auto none = tourtest::call("GET", "/api/v1/events?slug=ui-no-such-slug");
    ASSERT_EQ(none.status, 200) << none.raw.body;
    EXPECT_TRUE(none.body["items"].empty());
    const json bad =
        tourtest::expect_problem(tourtest::call("GET", "/api/v1/events?slug=Bad_Slug"), 422);
    EXPECT_NE(bad.dump().find("slug"), std::string::npos) << bad.dump();
}

TEST(TournamentUiApi, DraftStaysHiddenBySlug) {
    const auto owner = tourtest::new_user("slugowner");
    const auto stranger = tourtest::new_user("slugstranger");
    const json draft = tourtest::create_event(owner, {{"name", "Hidden Slug Cup"},
                                                      {"slug", "ui-hidden-slug-cup"},
                                                      {"sport", "football"},
                                                      {"format", "round_robin"},
                                                      {"starts_on", "2024-06-01"}});
    ASSERT_EQ(draft["status"], "draft");
    const std::string path = "/api/v1/events/ui-hidden-slug-cup";
    // Anonymous and a non-member get the answer of an unknown slug.
    const json anonymous = tourtest::expect_problem(tourtest::call("GET", path), 404);
    const json unknown =
        tourtest::expect_problem(tourtest::call("GET", "/api/v1/events/ui-hidden-slug-cux"), 404);
    EXPECT_EQ(anonymous["detail"], unknown["detail"]);
    tourtest::expect_problem(tourtest::call("GET", path, nullptr, stranger.token), 404);
    for (const auto& token : {std::string(), stranger.token}) {
        const auto listed =
            tourtest::call("GET", "/api/v1/events?slug=ui-hidden-slug-cup", nullptr, token);
        ASSERT_EQ(listed.status, 200) << listed.raw.body;
        EXPECT_TRUE(listed.body["items"].empty()) << listed.raw.body;
    }
    // The organizer reads it by slug and by id alike.
    const auto mine = tourtest::call("GET", path, nullptr, owner.token);
    ASSERT_EQ(mine.status, 200) << mine.raw.body;
    EXPECT_EQ(mine.body, draft);
    const auto listed =
        tourtest::call("GET", "/api/v1/events?slug=ui-hidden-slug-cup", nullptr, owner.token);
    ASSERT_EQ(listed.body["items"].size(), 1u) << listed.raw.body;
}

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
