// nginx's micro-cache of anonymous public reads (docs/edge.md), on a stack
// rendered with MICROCACHE_TTL=2 (every other suite runs with the cache off):
// - an anonymous read of a public event's standings: MISS, then HIT with the
//   same body, its own X-Request-ID and every security header;
// - requests with Authorization, a Cookie or a ?ticket= never come from the
//   cache (BYPASS) and see a change at once; routes off the allow-list (the
//   version route) are never looked up;
// - after a score change the anonymous read shows it once the TTL is over, and
//   a deleted event's cached 200 is not served past the TTL;
// - a draft event read anonymously is 404, never cached, and the organizer's
//   200 for it never reaches an anonymous reader; a 404 is not cached;
// - If-None-Match with the cached ETag answers 304 (anonymous: nginx from the
//   cache; signed in: scoreline-api), and If-Match still reaches the API;
// - a HEAD never fills the entry a GET reads.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include "http_client.hpp"
#include "sign_up.hpp"
#include "stack.hpp"

namespace {

using nlohmann::json;

constexpr int kTtlSeconds = 2;

class EdgeCacheTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        harness::StackOptions o = harness::StackOptions::with(2);
        o.nginx_env = {{"MICROCACHE_TTL", std::to_string(kTtlSeconds)}};
        stack_ = new harness::Stack(o);
    }
    static void TearDownTestSuite() {
        delete stack_;
        stack_ = nullptr;
    }

    static harness::HttpResponse send(const std::string& method, const std::string& path,
                                      const std::string& token = {},
                                      std::vector<std::string> headers = {},
                                      const json& body = nullptr) {
        harness::HttpClient client(stack_->cert_file());
        if (!token.empty()) {
            headers.push_back("Authorization: Bearer " + token);
        }
        if (!body.is_null()) {
            headers.emplace_back("Content-Type: application/json");
        }
        return client.request(method, stack_->https_url(path), body.is_null() ? "" : body.dump(),
                              headers);
    }
    static harness::HttpResponse get(const std::string& path, const std::string& token = {},
                                     std::vector<std::string> headers = {}) {
        return send("GET", path, token, std::move(headers));
    }
    static json body_of(const harness::HttpResponse& r) {
        return json::parse(r.body, nullptr, false);
    }

    // A fresh user's access token.
    static std::string new_token() {
        static int next = 1;
        std::random_device rd;
        const std::string email =
            "cache-" + std::to_string(next++) + "-" + std::to_string(rd()) + "@example.org";
        harness::HttpClient client(stack_->cert_file());
        return harness::sign_up(client, *stack_, email, "Edge Reader").access_token;
    }

    struct Event {
        std::int64_t id = 0;
        std::string base;  // /api/v1/events/{id}
        std::vector<std::int64_t> games;
    };
    // A round robin of two teams (one game), published unless `draft`.
    static Event new_event(const std::string& token, const std::string& name, bool draft = false) {
        Event e;
        auto created = send("POST", "/api/v1/events", token, {},
                            {{"name", name},
                             {"sport", "football"},
                             {"format", "round_robin"},
                             {"starts_on", "2024-04-01"}});
        EXPECT_EQ(created.status, 201) << created.body;
        e.id = body_of(created).value("id", std::int64_t{0});
        e.base = "/api/v1/events/" + std::to_string(e.id);
        for (const char* team : {"Rovers", "Athletic"}) {
            auto t = send("POST", e.base + "/teams", token, {}, {{"name", team}});
            EXPECT_EQ(t.status, 201) << t.body;
        }
        auto sched = send("POST", e.base + "/schedule", token, {},
                          {{"first_game_at", "2024-04-06T14:00:00Z"}});
        EXPECT_EQ(sched.status, 201) << sched.body;
        json scheduled = body_of(sched);
        if (!scheduled.is_object() || !scheduled.contains("games")) {
            return e;
        }
        for (const auto& g : scheduled["games"]) {
            e.games.push_back(g["id"].get<std::int64_t>());
        }
        if (!draft) {
            auto pub = send("PATCH", e.base, token, {}, {{"status", "scheduled"}});
            EXPECT_EQ(pub.status, 200) << pub.body;
        }
        return e;
    }
    // Records a final result (live first: a game goes scheduled, live, final).
    static harness::HttpResponse put_score(const std::string& token, std::int64_t game, int home,
                                           int away) {
        const std::string path = "/api/v1/games/" + std::to_string(game);
        harness::HttpResponse r;
        for (const char* status : {"live", "final"}) {
            auto g = get(path, token);
            EXPECT_EQ(g.status, 200) << g.body;
            r = send("PUT", path + "/score", token, {"If-Match: " + g.header("etag")},
                     {{"home_score", home}, {"away_score", away}, {"status", status}});
            if (r.status != 200) {
                break;
            }
        }
        return r;
    }
    // Goals for of the team ranked first (0 before any result).
    static int top_goals(const harness::HttpResponse& standings) {
        const json b = body_of(standings);
        EXPECT_TRUE(b.is_object() && b.contains("rows")) << standings.body;
        if (!b.is_object() || !b.contains("rows") || b["rows"].empty()) {
            return -1;
        }
        return b["rows"][0]["goals_for"].get<int>();
    }

    // The status scoreline-api logged for a request id (0: not logged).
    static int api_status_of(const std::string& request_id) {
        std::istringstream lines(stack_->api_log());
        for (std::string line; std::getline(lines, line);) {
            if (line.find(request_id) == std::string::npos) {
                continue;
            }
            const json j = json::parse(line, nullptr, false);
            if (j.is_object() && j.contains("status") && j["status"].is_number()) {
                return j["status"].get<int>();
            }
        }
        return 0;
    }

    static harness::Stack* stack_;
};
harness::Stack* EdgeCacheTest::stack_ = nullptr;

void expect_security_headers(const harness::HttpResponse& r) {
    EXPECT_EQ(r.header("strict-transport-security"), "max-age=63072000; includeSubDomains");
    EXPECT_NE(r.header("content-security-policy").find("default-src 'self'"), std::string::npos);
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(r.header("x-frame-options"), "DENY");
    EXPECT_EQ(r.header("referrer-policy"), "strict-origin-when-cross-origin");
    EXPECT_NE(r.header("permissions-policy").find("camera=()"), std::string::npos);
    EXPECT_EQ(r.header("x-xss-protection"), "0");
    EXPECT_TRUE(std::regex_match(r.header("x-request-id"), std::regex("[0-9a-f]{32}")))
        << r.header("x-request-id");
    EXPECT_EQ(r.headers.count("x-request-id"), 1u);
    EXPECT_EQ(r.headers.count("x-cache"), 1u);
}

// Waits out the entry (TTL plus a margin).
void wait_for_expiry() {
    std::this_thread::sleep_for(std::chrono::milliseconds(kTtlSeconds * 1000 + 1200));
}

TEST_F(EdgeCacheTest, AnonymousStandingsAreServedFromTheCacheWithTheirOwnHeaders) {
    const std::string token = new_token();
    const Event e = new_event(token, "Cache Cup One");
    const std::string path = e.base + "/standings";

    auto first = get(path);
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(first.header("x-cache"), "MISS");
    auto second = get(path);
    ASSERT_EQ(second.status, 200) << second.body;
    EXPECT_EQ(second.header("x-cache"), "HIT");
    EXPECT_EQ(second.body, first.body);
    EXPECT_EQ(second.header("etag"), first.header("etag"));
    EXPECT_EQ(second.header("content-type"), first.header("content-type"));
    // Every answer has its own id; the stored body carries none.
    EXPECT_NE(second.header("x-request-id"), first.header("x-request-id"));
    EXPECT_EQ(second.body.find(first.header("x-request-id")), std::string::npos);
    EXPECT_EQ(second.body.find("request_id"), std::string::npos);
    expect_security_headers(first);
    expect_security_headers(second);

    // Only one of the two reached scoreline-api.
    const std::string log = stack_->api_log();
    EXPECT_NE(log.find(first.header("x-request-id")), std::string::npos);
    EXPECT_EQ(log.find(second.header("x-request-id")), std::string::npos);
}

TEST_F(EdgeCacheTest, CredentialsAndOffListRoutesBypassTheCache) {
    const std::string token = new_token();
    const Event e = new_event(token, "Cache Cup Two");
    const std::string path = e.base + "/standings";
    ASSERT_EQ(get(path).status, 200);
    ASSERT_EQ(get(path).header("x-cache"), "HIT");

    for (int i = 0; i < 2; ++i) {
        auto authed = get(path, token);
        EXPECT_EQ(authed.status, 200) << authed.body;
        EXPECT_EQ(authed.header("x-cache"), "BYPASS");
        EXPECT_NE(authed.header("cache-control").find("private"), std::string::npos);
        auto cookie = get(path, {}, {"Cookie: session=abc"});
        EXPECT_EQ(cookie.header("x-cache"), "BYPASS");
        auto ticket = get(path + "?ticket=abc");
        EXPECT_EQ(ticket.header("x-cache"), "BYPASS");
    }
    // Off the allow-list: not looked up at all, whoever asks.
    for (const std::string& off :
         {std::string("/api/v1/version"), e.base + "/members", std::string("/api/v1/me")}) {
        for (int i = 0; i < 2; ++i) {
            auto r = get(off);
            EXPECT_NE(r.header("x-cache"), "HIT") << off;
            EXPECT_NE(r.header("x-cache"), "MISS") << off;
        }
    }

    // A signed-in reader sees a change at once, the anonymous one after the TTL.
    auto cached = get(path);
    ASSERT_EQ(top_goals(cached), 0) << cached.body;
    auto score = put_score(token, e.games.at(0), 4, 1);
    ASSERT_EQ(score.status, 200) << score.body;
    EXPECT_EQ(top_goals(get(path, token)), 4);
    wait_for_expiry();
    auto fresh = get(path);
    EXPECT_EQ(top_goals(fresh), 4) << fresh.body;
    EXPECT_NE(fresh.header("x-cache"), "HIT");
    EXPECT_NE(fresh.header("x-cache"), "STALE");
    EXPECT_NE(fresh.header("etag"), cached.header("etag"));
}

TEST_F(EdgeCacheTest, AnEventReadBySlugIsCachedAndADraftsIsNot) {
    const std::string token = new_token();
    const Event e = new_event(token, "Cache Slug Cup");
    auto by_id = get(e.base);
    ASSERT_EQ(by_id.status, 200) << by_id.body;
    const std::string path = "/api/v1/events/" + body_of(by_id).value("slug", std::string());
    ASSERT_NE(path, "/api/v1/events/");
    auto first = get(path);
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(first.header("x-cache"), "MISS");
    auto second = get(path);
    EXPECT_EQ(second.header("x-cache"), "HIT");
    EXPECT_EQ(second.body, first.body);
    EXPECT_EQ(body_of(second).value("id", std::int64_t{0}), e.id);

    const Event draft = new_event(token, "Cache Slug Draft", /*draft=*/true);
    auto own = get(draft.base, token);
    ASSERT_EQ(own.status, 200) << own.body;
    const std::string draft_path = "/api/v1/events/" + body_of(own).value("slug", std::string());
    EXPECT_EQ(get(draft_path, token).header("x-cache"), "BYPASS");
    for (int i = 0; i < 3; ++i) {
        auto anon = get(draft_path);
        EXPECT_EQ(anon.status, 404) << anon.body;
        EXPECT_NE(anon.header("x-cache"), "HIT");
    }
}

TEST_F(EdgeCacheTest, DraftsAndNotFoundAreNeverCached) {
    const std::string token = new_token();
    const Event draft = new_event(token, "Cache Draft", /*draft=*/true);
    for (const std::string& path : {draft.base, draft.base + "/standings"}) {
        SCOPED_TRACE(path);
        // The organizer's 200 is never stored...
        for (int i = 0; i < 2; ++i) {
            auto own = get(path, token);
            EXPECT_EQ(own.status, 200) << own.body;
            EXPECT_EQ(own.header("x-cache"), "BYPASS");
        }
        // ...so an anonymous reader gets 404, and that 404 is not stored either.
        for (int i = 0; i < 3; ++i) {
            auto anon = get(path);
            EXPECT_EQ(anon.status, 404) << anon.body;
            EXPECT_NE(anon.header("x-cache"), "HIT");
            EXPECT_EQ(anon.body.find("Cache Draft"), std::string::npos);
        }
    }
    for (int i = 0; i < 3; ++i) {
        auto missing = get("/api/v1/events/987654321/standings");
        EXPECT_EQ(missing.status, 404) << missing.body;
        EXPECT_EQ(missing.header("x-cache"), "MISS");
    }
}

TEST_F(EdgeCacheTest, DeletedEventIsNotServedPastTheTtl) {
    const std::string token = new_token();
    const Event e = new_event(token, "Cache Gone");
    ASSERT_EQ(get(e.base).status, 200);
    ASSERT_EQ(get(e.base).header("x-cache"), "HIT");
    auto del = send("DELETE", e.base, token);
    ASSERT_EQ(del.status, 204) << del.body;
    wait_for_expiry();
    // Every read after the TTL asks scoreline-api again; none gets the old 200.
    for (int i = 0; i < 4; ++i) {
        auto r = get(e.base);
        EXPECT_EQ(r.status, 404) << i << " " << r.header("x-cache") << " " << r.body;
    }
}

TEST_F(EdgeCacheTest, ConditionalRequestsStillWork) {
    const std::string token = new_token();
    const Event e = new_event(token, "Cache Cup Three");
    const std::string path = e.base + "/standings";
    auto first = get(path);
    ASSERT_EQ(first.status, 200);
    const std::string etag = first.header("etag");
    ASSERT_FALSE(etag.empty());

    // Anonymous: nginx answers 304 from the stored 200.
    auto anon = get(path, {}, {"If-None-Match: " + etag});
    EXPECT_EQ(anon.status, 304) << anon.body;
    EXPECT_EQ(anon.header("x-cache"), "HIT");
    EXPECT_EQ(anon.header("etag"), etag);
    EXPECT_TRUE(anon.body.empty());
    expect_security_headers(anon);
    auto other = get(path, {}, {"If-None-Match: \"999\""});
    EXPECT_EQ(other.status, 200);
    EXPECT_EQ(other.body, first.body);

    EXPECT_EQ(stack_->api_log().find(anon.header("x-request-id")), std::string::npos);

    // Signed in: the header reaches scoreline-api, which answers 304 itself.
    auto authed = get(path, token, {"If-None-Match: " + etag});
    EXPECT_EQ(authed.status, 304) << authed.body;
    EXPECT_EQ(authed.header("x-cache"), "BYPASS");
    EXPECT_EQ(api_status_of(authed.header("x-request-id")), 304);

    // If-Match reaches scoreline-api on writes: a stale version is refused.
    auto stale = send("PATCH", e.base, token, {"If-Match: \"1\""}, {{"name", "Renamed"}});
    EXPECT_EQ(stale.status, 412) << stale.body;
}

TEST_F(EdgeCacheTest, HeadDoesNotFillTheEntryOfGet) {
    const std::string token = new_token();
    const Event e = new_event(token, "Cache Cup Four");
    const std::string path = e.base + "/teams";
    // scoreline-api answers HEAD with 405 today, so nothing is stored; if it
    // ever answers 200 without a body, the method in the key keeps that
    // answer away from GET.
    auto head = send("HEAD", path);
    EXPECT_TRUE(head.body.empty());
    auto got = get(path);
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(got.header("x-cache"), "MISS");
    const json b = body_of(got);
    ASSERT_TRUE(b.is_object()) << got.body;
    EXPECT_EQ(b["items"].size(), 2u) << got.body;
}

}  // namespace
