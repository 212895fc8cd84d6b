// sse::parse_stream_request: the three routes, their topics, Last-Event-ID
// from the header or the parameter, tickets, and every refusal.
#include <gtest/gtest.h>

#include "stream_request.hpp"

namespace {

sse::HttpRequest get(const std::string& target,
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
    sse::HttpRequest r;
    r.method = "GET";
    r.target = target;
    const auto q = target.find('?');
    r.path = target.substr(0, q);
    r.query = q == std::string::npos ? "" : target.substr(q + 1);
    r.headers = std::move(headers);
    r.headers.emplace_back("host", "x");
    return r;
}

sse::StreamRequest ok(const sse::HttpRequest& r) {
    auto v = sse::parse_stream_request(r, 4);
    if (auto* refusal = std::get_if<sse::Refusal>(&v)) {
        ADD_FAILURE() << r.target << ": " << refusal->status << " " << refusal->detail;
        return {};
    }
    return std::get<sse::StreamRequest>(v);
}

int refused(const sse::HttpRequest& r) {
    auto v = sse::parse_stream_request(r, 4);
    auto* refusal = std::get_if<sse::Refusal>(&v);
    return refusal ? refusal->status : 200;
}

TEST(SseStreamRequest, EventStream) {
    auto s = ok(get("/api/v1/events/42/stream"));
    EXPECT_EQ(s.topics, std::vector<std::string>{"event:42"});
    EXPECT_FALSE(s.last_event_id);
    EXPECT_FALSE(s.ticket);
}

TEST(SseStreamRequest, MultiTopicStreamDeduplicates) {
    auto s = ok(get("/api/v1/stream?topics=event:1,event:2,event:1"));
    EXPECT_EQ(s.topics, (std::vector<std::string>{"event:1", "event:2"}));
    auto encoded = ok(get("/api/v1/stream?topics=event%3A7%2Cevent%3A8"));
    EXPECT_EQ(encoded.topics, (std::vector<std::string>{"event:7", "event:8"}));
}

TEST(SseStreamRequest, AdminStreamWithTicket) {
    auto s = ok(get("/api/v1/admin/stream?ticket=abc.def.ghi&other=1"));
    EXPECT_EQ(s.topics, std::vector<std::string>{"admin"});
    EXPECT_EQ(s.ticket, "abc.def.ghi");
}

TEST(SseStreamRequest, LastEventIdFromHeaderWinsOverParameter) {
    EXPECT_EQ(ok(get("/api/v1/events/1/stream?last_event_id=5")).last_event_id, 5);
    EXPECT_EQ(
        ok(get("/api/v1/events/1/stream?last_event_id=5", {{"last-event-id", "9"}})).last_event_id,
        9);
    EXPECT_EQ(
        ok(get("/api/v1/events/1/stream?last_event_id=5", {{"last-event-id", ""}})).last_event_id,
        5);
    EXPECT_EQ(ok(get("/api/v1/events/1/stream?last_event_id=0")).last_event_id, 0);
}

TEST(SseStreamRequest, Refusals) {
    EXPECT_EQ(refused(get("/api/v1/nope")), 404);
    EXPECT_EQ(refused(get("/api/v1/events/0/stream")), 404);
    EXPECT_EQ(refused(get("/api/v1/events/007/stream")), 404);
    EXPECT_EQ(refused(get("/api/v1/events/-1/stream")), 404);
    EXPECT_EQ(refused(get("/api/v1/events/99999999999999999999/stream")), 404);
    EXPECT_EQ(refused(get("/api/v1/events//stream")), 404);
    EXPECT_EQ(refused(get("/api/v1/events/1/stream/")), 404);
    EXPECT_EQ(refused(get("/api/v1/stream")), 400);
    EXPECT_EQ(refused(get("/api/v1/stream?topics=")), 400);
    EXPECT_EQ(refused(get("/api/v1/stream?topics=admin")), 400);
    EXPECT_EQ(refused(get("/api/v1/stream?topics=event:1,")), 400);
    EXPECT_EQ(refused(get("/api/v1/stream?topics=event:1,event:2,event:3,event:4,event:5")), 400);
    EXPECT_EQ(refused(get("/api/v1/stream?topics=event:1&topics=event:2")), 400);
    EXPECT_EQ(refused(get("/api/v1/stream?topics=event:1%zz")), 400);
    EXPECT_EQ(refused(get("/api/v1/events/1/stream?topics=event:2")), 400);
    EXPECT_EQ(refused(get("/api/v1/events/1/stream?last_event_id=x")), 400);
    EXPECT_EQ(refused(get("/api/v1/events/1/stream", {{"last-event-id", "-1"}})), 400);
    EXPECT_EQ(
        refused(get("/api/v1/events/1/stream", {{"last-event-id", "1"}, {"last-event-id", "2"}})),
        400);
    auto post = get("/api/v1/admin/stream");
    post.method = "POST";
    EXPECT_EQ(refused(post), 405);
    auto body = get("/api/v1/admin/stream");
    body.content_length = 3;
    EXPECT_EQ(refused(body), 400);
}

}  // namespace
