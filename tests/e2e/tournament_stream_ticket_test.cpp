// Stream tickets (POST /api/v1/stream-tickets) are authorized like REST reads
// of the same event (issue 12, findings 4 and 5): membership decides, never
// events.owner_id, so an owner removed from a draft gets no ticket for it;
// and a draft the caller may not read answers the same 404 as a missing
// event, on both paths, with the same problem body.
#include "tournament_suite.hpp"

namespace {

using tourtest::json;

tourtest::Reply ticket(const tourtest::User& u, const std::string& topic) {
    return tourtest::call("POST", "/api/v1/stream-tickets", {{"topics", {topic}}}, u.token);
}

std::string topic_of(std::int64_t event_id) {
    return "event:" + std::to_string(event_id);
}

std::string path_of(std::int64_t event_id) {
    return "/api/v1/events/" + std::to_string(event_id);
}

// The problem body of a 404 without its request id, for "same answer" checks.
json not_found(const tourtest::Reply& r) {
    if (r.status != 404) {
        // expect_problem reads fields a success body lacks.
        ADD_FAILURE() << "expected 404, got " << r.status << ": " << r.raw.body;
        return r.raw.body;
    }
    json body = tourtest::expect_problem(r, 404);
    if (body.is_object()) {
        body.erase("request_id");
    }
    return body;
}

std::int64_t new_draft(const tourtest::User& owner, const std::string& name) {
    return tourtest::create_event(owner, {{"name", name},
                                          {"sport", "hockey"},
                                          {"format", "round_robin"},
                                          {"starts_on", "2024-10-01"}})["id"]
        .get<std::int64_t>();
}

TEST(TournamentStreamTicket, RemovedOwnerGetsTheAnswerRestGivesHim) {
    const tourtest::User owner = tourtest::new_user("ticket-owner");
    const tourtest::User partner = tourtest::new_user("ticket-partner");
    const std::int64_t id = new_draft(owner, "Ticket Draft Cup");
    const std::string members = path_of(id) + "/members";
    // While a member, the owner reads the draft and gets a ticket for it.
    EXPECT_EQ(tourtest::call("GET", path_of(id), nullptr, owner.token).status, 200);
    auto before = ticket(owner, topic_of(id));
    EXPECT_EQ(before.status, 200) << before.raw.body;

    auto add = tourtest::call("POST", members, {{"user_id", partner.id}, {"role", "organizer"}},
                              owner.token);
    ASSERT_EQ(add.status, 201) << add.raw.body;
    auto removed =
        tourtest::call("DELETE", members + "/" + std::to_string(owner.id), nullptr, partner.token);
    ASSERT_EQ(removed.status, 204) << removed.raw.body;
    ASSERT_EQ(tourtest::sql("SELECT owner_id FROM events WHERE id = " + std::to_string(id)),
              std::to_string(owner.id));

    // REST hides the draft from him; the ticket route answers the same.
    const json rest = not_found(tourtest::call("GET", path_of(id), nullptr, owner.token));
    EXPECT_EQ(not_found(ticket(owner, topic_of(id))), rest);
    // Also when the topic comes with one he may follow.
    const std::int64_t his = new_draft(owner, "His Own Draft");
    auto mixed = tourtest::call("POST", "/api/v1/stream-tickets",
                                {{"topics", {topic_of(his), topic_of(id)}}}, owner.token);
    EXPECT_EQ(not_found(mixed), rest);
    // The remaining organizer still gets one.
    auto partners = ticket(partner, topic_of(id));
    EXPECT_EQ(partners.status, 200) << partners.raw.body;
}

TEST(TournamentStreamTicket, ADraftAndAMissingEventAnswerAlikeAsOnRest) {
    const tourtest::User owner = tourtest::new_user("ticket-draft");
    const tourtest::User outsider = tourtest::new_user("ticket-outsider");
    const tourtest::User viewer = tourtest::new_user("ticket-viewer");
    const tourtest::User admin = tourtest::new_admin("ticket-admin");
    const std::int64_t draft = new_draft(owner, "Hidden Ticket Draft");
    const std::int64_t missing =
        std::stoll(tourtest::sql("SELECT coalesce(max(id), 0) + 1000000 FROM events"));

    const json rest_draft =
        not_found(tourtest::call("GET", path_of(draft), nullptr, outsider.token));
    const json rest_missing =
        not_found(tourtest::call("GET", path_of(missing), nullptr, outsider.token));
    EXPECT_EQ(rest_draft, rest_missing);
    EXPECT_EQ(not_found(ticket(outsider, topic_of(draft))), rest_draft);
    EXPECT_EQ(not_found(ticket(outsider, topic_of(missing))), rest_missing);

    // Members and admins follow the draft; everyone follows it once published.
    auto add = tourtest::call("POST", path_of(draft) + "/members",
                              {{"user_id", viewer.id}, {"role", "viewer"}}, owner.token);
    ASSERT_EQ(add.status, 201) << add.raw.body;
    EXPECT_EQ(ticket(viewer, topic_of(draft)).status, 200);
    EXPECT_EQ(ticket(admin, topic_of(draft)).status, 200);
    auto publish = tourtest::call("PATCH", path_of(draft), {{"status", "scheduled"}}, owner.token);
    ASSERT_EQ(publish.status, 200) << publish.raw.body;
    EXPECT_EQ(tourtest::call("GET", path_of(draft), nullptr, outsider.token).status, 200);
    auto open = ticket(outsider, topic_of(draft));
    EXPECT_EQ(open.status, 200) << open.raw.body;
    EXPECT_EQ(open.body["topics"], json::array({topic_of(draft)}));
}

}  // namespace
