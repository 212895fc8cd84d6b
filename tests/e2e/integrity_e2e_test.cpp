// Integrity alerts end to end (issue 15): through nginx over TLS, with
// scoreline-sse serving the admin stream. An implausible score posted by a
// scorekeeper reaches an admin on /api/v1/admin/stream as alert.created
// within a second; the admin acknowledges and resolves it (alert.updated
// each time) and the export holds it; a non-admin gets 403 on every alert
// route and on the admin stream; a score write that fails and rolls back
// leaves no alert; a resolved alert whose cause recurs opens again with its
// history kept.
#include <gtest/gtest.h>
#include <sodium.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "http_client.hpp"
#include "sign_up.hpp"
#include "sse_client.hpp"
#include "stack.hpp"

namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

struct User {
    std::int64_t id = 0;
    std::string token;
};

struct Reply {
    long status = 0;
    json body;
    harness::HttpResponse raw;
};

class IntegrityE2eTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        ASSERT_GE(sodium_init(), 0);
        // Small thresholds, so that a burst and a margin sample fit in a test;
        // the detectors themselves are tested with the defaults in
        // tests/unit/integrity_*_test.cpp.
        harness::StackOptions o = harness::StackOptions::with(
            2, {{"SCORELINE_INTEGRITY",
                 R"({"burst_writes": 6, "burst_events": 3, "margin_min_sample": 5})"}});
        o.sse_processes = 1;
        o.sse_env = {{"SCORELINE_SSE_HEARTBEAT_MS", "300"},
                     {"SCORELINE_SSE_POLL_INTERVAL_MS", "200"}};
        stack_ = new harness::Stack(o);
        organizer_ = new User(sign_in("organizer", false));
        admin_ = new User(sign_in("admin", true));
    }
    static void TearDownTestSuite() {
        delete admin_;
        delete organizer_;
        delete stack_;
    }

    static std::string tag() {
        unsigned char raw[6];
        randombytes_buf(raw, sizeof raw);
        std::string t;
        for (unsigned char b : raw) {
            t += "0123456789abcdef"[b & 15];
        }
        return t;
    }
    // A signed-in user registered through the API; made admin in the users
    // row when asked (the role is read on every request).
    static User sign_in(const std::string& who, bool admin) {
        const std::string t = tag();
        harness::HttpClient http(stack_->cert_file());
        const harness::SignedUp account =
            harness::sign_up(http, *stack_, who + "-" + t + "@example.org", who + " " + t);
        if (admin) {
            (void)sql("UPDATE users SET role = 'admin' WHERE id = " + std::to_string(account.id));
        }
        return {account.id, account.access_token};
    }
    static std::string sql(const std::string& statement) {
        std::string out = stack_->postgres().psql("scoreline", statement);
        while (!out.empty() && out.back() == '\n') {
            out.pop_back();
        }
        return out;
    }
    static Reply call(const std::string& method, const std::string& path, const json& body,
                      const std::string& token, std::vector<std::string> headers = {}) {
        harness::HttpClient http(stack_->cert_file());
        if (!body.is_null()) {
            headers.push_back("Content-Type: application/json");
        }
        if (!token.empty()) {
            headers.push_back("Authorization: Bearer " + token);
        }
        Reply r;
        r.raw = http.request(method, stack_->https_url(path), body.is_null() ? "" : body.dump(),
                             headers);
        r.status = r.raw.status;
        r.body = json::parse(r.raw.body, nullptr, false);
        return r;
    }
    static std::string iso_in(std::chrono::seconds offset) {
        const std::time_t t =
            std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + offset);
        char buf[32];
        std::tm tm{};
        gmtime_r(&t, &tm);
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return buf;
    }
    // An event of `owner`'s with two teams and one game that started an hour
    // ago (so no timing alert); returns the game id.
    static std::int64_t new_game(const User& owner, const std::string& sport = "football") {
        const std::string t = tag();
        auto event = call("POST", "/api/v1/events",
                          {{"name", "Integrity Cup " + t},
                           {"sport", sport},
                           {"format", "round_robin"},
                           {"starts_on", "2026-01-01"},
                           {"time_zone", "UTC"}},
                          owner.token);
        EXPECT_EQ(event.status, 201) << event.raw.body;
        const std::string base = "/api/v1/events/" + std::to_string(event.body["id"].get<int>());
        std::int64_t teams[2] = {};
        for (int i = 0; i < 2; ++i) {
            auto team =
                call("POST", base + "/teams", {{"name", "Side " + t + char('A' + i)}}, owner.token);
            EXPECT_EQ(team.status, 201) << team.raw.body;
            teams[i] = team.body["id"].get<std::int64_t>();
        }
        auto game = call(
            "POST", base + "/games",
            {{"home_team_id", teams[0]}, {"away_team_id", teams[1]}, {"starts_at", iso_in(-1h)}},
            owner.token);
        EXPECT_EQ(game.status, 201) << game.raw.body;
        return game.body["id"].get<std::int64_t>();
    }
    static std::string game_path(std::int64_t game) {
        return "/api/v1/games/" + std::to_string(game);
    }
    static Reply put_score(std::int64_t game, int home, int away, const std::string& status,
                           const User* writer = nullptr) {
        const std::string& token = (writer ? writer : organizer_)->token;
        const auto current = call("GET", game_path(game), nullptr, token);
        return call("PUT", game_path(game) + "/score",
                    {{"home_score", home}, {"away_score", away}, {"status", status}}, token,
                    {"If-Match: " + current.raw.header("etag")});
    }
    static Reply correct(std::int64_t game, int home, int away) {
        return call("POST", game_path(game) + "/corrections",
                    {{"home_score", home}, {"away_score", away}, {"reason", "typo " + tag()}},
                    organizer_->token);
    }
    // The alert of this kind about this game, through the admin list.
    static std::optional<json> alert_of(std::int64_t game, const std::string& kind) {
        auto list =
            call("GET", "/api/v1/admin/alerts?kind=" + kind + "&limit=200", nullptr, admin_->token);
        EXPECT_EQ(list.status, 200) << list.raw.body;
        for (const json& a : list.body["items"]) {
            if (a["game_id"] == game) {
                return a;
            }
        }
        return std::nullopt;
    }
    static Reply move(const json& alert, const std::string& status, const std::string& note) {
        return call("PATCH", "/api/v1/admin/alerts/" + std::to_string(alert["id"].get<int>()),
                    {{"status", status}, {"note", note}}, admin_->token,
                    {"If-Match: \"" + std::to_string(alert["version"].get<int>()) + "\""});
    }
    static harness::SseClientOptions admin_stream() {
        auto ticket =
            call("POST", "/api/v1/stream-tickets", {{"topics", {"admin"}}}, admin_->token);
        EXPECT_EQ(ticket.status, 200) << ticket.raw.body;
        harness::SseClientOptions o;
        o.url = stack_->https_url("/api/v1/admin/stream?ticket=" +
                                  ticket.body["ticket"].get<std::string>());
        o.ca_file = stack_->cert_file();
        return o;
    }
    // The first message of `kind` whose alert matches `pred`, waiting up to `timeout`.
    template <class Pred>
    static std::optional<json> wait_message(const harness::SseClient& client,
                                            const std::string& kind, Pred pred,
                                            std::chrono::milliseconds timeout) {
        std::optional<json> found;
        (void)harness::wait_until(
            [&] {
                for (const auto& e : client.events()) {
                    if (e.event != kind) {
                        continue;
                    }
                    const json data = json::parse(e.data, nullptr, false);
                    if (data.is_object() && data.contains("alert") && pred(data["alert"])) {
                        found = data["alert"];
                        return true;
                    }
                }
                return false;
            },
            timeout);
        return found;
    }

    static harness::Stack* stack_;
    static User* organizer_;
    static User* admin_;
};
harness::Stack* IntegrityE2eTest::stack_ = nullptr;
User* IntegrityE2eTest::organizer_ = nullptr;
User* IntegrityE2eTest::admin_ = nullptr;

TEST_F(IntegrityE2eTest, AnImplausibleScoreReachesTheAdminWhoWorksItThroughAndExportsIt) {
    const std::int64_t game = new_game(*organizer_);
    harness::SseClient stream(admin_stream());
    ASSERT_EQ(stream.wait_status(), 200) << stream.body();
    ASSERT_TRUE(stream.wait_comments(1, 5s));

    const auto posted = std::chrono::steady_clock::now();
    auto score = put_score(game, 15, 0, "live");
    ASSERT_EQ(score.status, 200) << score.raw.body;
    const auto created = wait_message(
        stream, "alert.created",
        [&](const json& a) { return a["game_id"] == game && a["kind"] == "implausible_score"; },
        5s);
    const auto waited = std::chrono::steady_clock::now() - posted;
    ASSERT_TRUE(created) << "no alert.created for game " << game;
    EXPECT_LT(waited, 1s) << std::chrono::duration_cast<std::chrono::milliseconds>(waited).count()
                          << " ms after the score was posted";
    EXPECT_EQ((*created)["severity"], "critical");
    EXPECT_EQ((*created)["status"], "open");
    EXPECT_EQ((*created)["user_id"], organizer_->id);
    EXPECT_EQ((*created)["evidence"]["home"], 15);
    EXPECT_EQ((*created)["evidence"]["max_side"], 10);

    auto ack = move(*created, "acknowledged", "looking into it");
    ASSERT_EQ(ack.status, 200) << ack.raw.body;
    EXPECT_EQ(ack.body["status"], "acknowledged");
    auto resolved = move(ack.body, "resolved", "scorekeeper confirmed the typo");
    ASSERT_EQ(resolved.status, 200) << resolved.raw.body;
    for (const std::string status : {"acknowledged", "resolved"}) {
        EXPECT_TRUE(wait_message(
            stream, "alert.updated",
            [&](const json& a) { return a["id"] == (*created)["id"] && a["status"] == status; },
            5s))
            << "no alert.updated with status " << status;
    }
    // A resolved alert takes no admin move back.
    EXPECT_EQ(move(resolved.body, "acknowledged", "").status, 409);

    const std::string id = std::to_string((*created)["id"].get<int>());
    auto csv = call("GET", "/api/v1/admin/alerts/export?format=csv&kind=implausible_score", nullptr,
                    admin_->token);
    ASSERT_EQ(csv.status, 200) << csv.raw.body;
    EXPECT_NE(csv.raw.body.find("\r\n" + id + ",implausible_score,critical,resolved,"),
              std::string::npos)
        << csv.raw.body;
    auto ndjson = call("GET", "/api/v1/admin/alerts/export?format=ndjson", nullptr, admin_->token);
    ASSERT_EQ(ndjson.status, 200) << ndjson.raw.body;
    bool listed = false;
    std::size_t start = 0;
    while (start < ndjson.raw.body.size()) {
        const std::size_t end = ndjson.raw.body.find('\n', start);
        const json line = json::parse(ndjson.raw.body.substr(start, end - start));
        listed = listed || (line["id"] == (*created)["id"] && line["status"] == "resolved");
        start = end == std::string::npos ? ndjson.raw.body.size() : end + 1;
    }
    EXPECT_TRUE(listed) << ndjson.raw.body;
}

TEST_F(IntegrityE2eTest, ANonAdminIsRefusedEveryAlertRouteAndTheAdminStream) {
    const std::int64_t game = new_game(*organizer_);
    ASSERT_EQ(put_score(game, 20, 1, "live").status, 200);
    const auto alert = alert_of(game, "implausible_score");
    ASSERT_TRUE(alert);
    const std::string one = "/api/v1/admin/alerts/" + std::to_string((*alert)["id"].get<int>());
    const User user = sign_in("user", false);
    for (const User* who : {static_cast<const User*>(organizer_), &user}) {
        EXPECT_EQ(call("GET", "/api/v1/admin/alerts", nullptr, who->token).status, 403);
        EXPECT_EQ(call("GET", one, nullptr, who->token).status, 403);
        EXPECT_EQ(call("PATCH", one, {{"status", "acknowledged"}}, who->token,
                       {"If-Match: \"" + std::to_string((*alert)["version"].get<int>()) + "\""})
                      .status,
                  403);
        EXPECT_EQ(call("GET", "/api/v1/admin/alerts/export?format=csv", nullptr, who->token).status,
                  403);
        EXPECT_EQ(
            call("POST", "/api/v1/stream-tickets", {{"topics", {"admin"}}}, who->token).status,
            403);
    }
    harness::SseClientOptions o;
    o.url = stack_->https_url("/api/v1/admin/stream");
    o.ca_file = stack_->cert_file();
    harness::SseClient no_ticket(o);
    EXPECT_EQ(no_ticket.wait_status(), 403);
    EXPECT_EQ(
        sql("SELECT status FROM alerts WHERE id = " + std::to_string((*alert)["id"].get<int>())),
        "open");
}

TEST_F(IntegrityE2eTest, AScoreWriteThatRollsBackLeavesNoAlert) {
    const std::int64_t game = new_game(*organizer_);
    const std::string g = std::to_string(game);
    const std::string version_before = sql("SELECT version FROM games WHERE id = " + g);
    // The alert's own outbox row fails: by then the alert row is written, in
    // the score's transaction.
    (void)sql(
        "CREATE FUNCTION integrity_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'planted failure'; END $$; "
        "CREATE TRIGGER integrity_test_fail BEFORE INSERT ON outbox FOR EACH ROW "
        "WHEN (NEW.kind = 'alert.created' AND (NEW.payload->'alert'->>'game_id')::bigint = " +
        g + ") EXECUTE FUNCTION integrity_test_fail()");
    auto failed = put_score(game, 30, 0, "live");
    (void)sql("DROP TRIGGER integrity_test_fail ON outbox; DROP FUNCTION integrity_test_fail()");
    EXPECT_EQ(failed.status, 500) << failed.raw.body;
    EXPECT_EQ(sql("SELECT count(*) FROM alerts WHERE game_id = " + g), "0");
    EXPECT_EQ(sql("SELECT count(*) FROM alert_transitions t JOIN alerts a ON a.id = t.alert_id "
                  "WHERE a.game_id = " +
                  g),
              "0");
    EXPECT_EQ(sql("SELECT version FROM games WHERE id = " + g), version_before);
    EXPECT_EQ(sql("SELECT count(*) FROM score_history WHERE game_id = " + g), "0");
    // The same write without the fault raises the alert.
    ASSERT_EQ(put_score(game, 30, 0, "live").status, 200);
    EXPECT_EQ(sql("SELECT count(*) FROM alerts WHERE game_id = " + g), "1");
}

TEST_F(IntegrityE2eTest, AResolvedAlertReopensWhenItsCauseRecursWithItsHistoryKept) {
    const std::int64_t game = new_game(*organizer_);
    ASSERT_EQ(put_score(game, 1, 1, "live").status, 200);
    ASSERT_EQ(put_score(game, 2, 1, "final").status, 200);
    ASSERT_EQ(correct(game, 2, 2).status, 200);
    auto alert = alert_of(game, "final_corrected");
    ASSERT_TRUE(alert);
    EXPECT_EQ((*alert)["status"], "open");
    EXPECT_EQ((*alert)["severity"], "info");
    auto ack = move(*alert, "acknowledged", "asked the organizer");
    ASSERT_EQ(ack.status, 200) << ack.raw.body;
    auto resolved = move(ack.body, "resolved", "the referee's report agrees");
    ASSERT_EQ(resolved.status, 200) << resolved.raw.body;

    ASSERT_EQ(correct(game, 3, 2).status, 200);
    auto again = call("GET", "/api/v1/admin/alerts/" + std::to_string((*alert)["id"].get<int>()),
                      nullptr, admin_->token);
    ASSERT_EQ(again.status, 200) << again.raw.body;
    EXPECT_EQ(again.body["status"], "open");
    EXPECT_EQ(again.body["occurrences"], 2);
    EXPECT_EQ(again.body["evidence"]["home"], 3);
    const json& history = again.body["history"];
    ASSERT_EQ(history.size(), 4u) << again.raw.body;
    const std::pair<json, std::string> expected[] = {{nullptr, "open"},
                                                     {"open", "acknowledged"},
                                                     {"acknowledged", "resolved"},
                                                     {"resolved", "open"}};
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(history[i]["from_status"], expected[i].first) << history[i];
        EXPECT_EQ(history[i]["to_status"], expected[i].second) << history[i];
    }
    EXPECT_EQ(history[1]["actor_id"], admin_->id);
    EXPECT_EQ(history[2]["note"], "the referee's report agrees");
    EXPECT_EQ(history[3]["actor_id"], organizer_->id);
    // Each admin move and the reopening are in the audit log.
    const std::string id = std::to_string((*alert)["id"].get<int>());
    EXPECT_EQ(sql("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log "
                  "WHERE target_type = 'alert' AND target_id = " +
                  id),
              "alert.created,alert.acknowledged,alert.resolved,alert.reopened");
}

}  // namespace

namespace {

TEST_F(IntegrityE2eTest, OneWritersBurstAcrossEventsIsOneAlertAboutTheWriter) {
    // burst_writes 6, burst_events 3 (the suite's SCORELINE_INTEGRITY).
    const User writer = sign_in("burst", false);
    const std::int64_t games[3] = {new_game(writer), new_game(writer), new_game(writer)};
    const std::string mine =
        "FROM alerts WHERE kind = 'edit_burst' AND subject = 'user:" + std::to_string(writer.id) +
        "'";
    for (int i = 0; i < 5; ++i) {
        ASSERT_EQ(put_score(games[i % 3], i, 0, "live", &writer).status, 200);
    }
    EXPECT_EQ(sql("SELECT count(*) " + mine), "0") << "five writes are not a burst of six";
    ASSERT_EQ(put_score(games[2], 9, 0, "live", &writer).status, 200);
    EXPECT_EQ(sql("SELECT count(*) " + mine), "1");
    const json evidence = json::parse(sql("SELECT evidence " + mine));
    EXPECT_EQ(evidence["writes_in_window"], 6) << evidence;
    EXPECT_EQ(evidence["events_in_window"], 3) << evidence;
    const std::string streamed =
        "SELECT count(*) FROM outbox WHERE topic = 'admin' AND (payload->'alert'->>'id')::bigint = "
        "(SELECT id " +
        mine + ")";
    EXPECT_EQ(sql(streamed), "1") << "alert.created";
    ASSERT_EQ(put_score(games[0], 9, 1, "live", &writer).status, 200);
    EXPECT_EQ(sql("SELECT count(*) " + mine), "1") << "the same writer's burst stays one alert";
    // New evidence without a status change is not streamed.
    EXPECT_EQ(sql(streamed), "1");
    EXPECT_EQ(sql("SELECT occurrences || ' ' || user_id " + mine),
              "2 " + std::to_string(writer.id));
}

TEST_F(IntegrityE2eTest, ARoutIsAMarginOutlierAgainstTheSportsResultsInTheDatabase) {
    // A sport of this test's own, so that no other test's results count;
    // margin_min_sample 5 (the suite's SCORELINE_INTEGRITY).
    const std::string sport = "e2e-football-" + tag();
    for (int i = 0; i < 5; ++i) {
        const std::int64_t game = new_game(*organizer_, sport);
        ASSERT_EQ(put_score(game, 1, 0, "live").status, 200);
        ASSERT_EQ(put_score(game, 2, 1, "final").status, 200);
        // (Writing to six events so fast is the organizer's edit burst: that
        // alert is about the writer, and follows the latest game.)
        EXPECT_EQ(sql("SELECT count(*) FROM alerts WHERE kind <> 'edit_burst' AND game_id = " +
                      std::to_string(game)),
                  "0");
    }
    const std::int64_t rout = new_game(*organizer_, sport);
    ASSERT_EQ(put_score(rout, 4, 0, "live").status, 200);
    ASSERT_EQ(put_score(rout, 9, 0, "final").status, 200);
    const auto alert = alert_of(rout, "margin_outlier");
    ASSERT_TRUE(alert);
    EXPECT_EQ((*alert)["evidence"]["margin"], 9);
    EXPECT_EQ((*alert)["evidence"]["sample_sport"], 5);
    EXPECT_EQ((*alert)["evidence"]["median_sport"], 1.0);
}

}  // namespace
