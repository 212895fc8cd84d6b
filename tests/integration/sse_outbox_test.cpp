// scoreline-sse's outbox reader against a real PostgreSQL: rows committed out
// of id order go out in id order, never skipped nor repeated (also when the
// higher id's transaction got its transaction id first); Last-Event-ID
// replays exactly what was missed, an old one gets event: reset; a replay of
// thousands of rows (megabytes) reaches a client on one connection while live
// rows keep coming; the stream survives a PostgreSQL restart and a
// scoreline-sse kill -9 without losing a row, and opens (200) while
// PostgreSQL is stopped, for events seen before and never seen, sending the
// changes once it is back (a draft admitted so is closed then, never sent).
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "sse_fixture.hpp"

namespace {

using namespace std::chrono_literals;
using harness::SseClient;

class SseOutboxTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { world_ = new ssetest::SseWorld(); }
    static void TearDownTestSuite() {
        delete world_;
        world_ = nullptr;
    }
    void SetUp() override {
        sse_ = world_->start_sse("sse-" + std::to_string(++instance_),
                                 {{"SCORELINE_SSE_REPLAY_WINDOW_S", "3600"}});
        writer_ = std::make_unique<ssetest::Writer>(world_->db_url());
        event_ = writer_->make_event();
        topic_ = "event:" + std::to_string(event_);
        path_ = "/api/v1/events/" + std::to_string(event_) + "/stream";
    }
    void TearDown() override {
        writer_.reset();
        sse_.reset();
    }
    std::unique_ptr<SseClient> subscribe(std::vector<std::string> headers = {}) {
        auto c = std::make_unique<SseClient>(sse_->client(path_, std::move(headers)));
        EXPECT_EQ(c->wait_status(), 200) << c->body();
        return c;
    }
    std::int64_t insert(ssetest::Writer& w, const std::string& note = "x") {
        return w.insert(topic_, "score.updated",
                        nlohmann::json({{"event_id", event_}, {"note", note}}).dump());
    }

    static ssetest::SseWorld* world_;
    static int instance_;
    std::unique_ptr<ssetest::SseProcess> sse_;
    std::unique_ptr<ssetest::Writer> writer_;
    std::int64_t event_ = 0;
    std::string topic_;
    std::string path_;
};
ssetest::SseWorld* SseOutboxTest::world_ = nullptr;
int SseOutboxTest::instance_ = 0;

// BEGIN on a raw connection, kept open by the test.
void begin(db::Connection& c) {
    (void)c.exec_script("BEGIN");
}
void commit(db::Connection& c) {
    (void)c.exec_script("COMMIT");
}

// The value of a metric without labels of a process, from its /metrics.
double metric_of(const ssetest::SseProcess& p, const std::string& metric) {
    const auto [status, body] = p.ops_get("/metrics");
    const std::string name = "\n" + metric + " ";
    const auto at = body.find(name);
    EXPECT_EQ(status, 200);
    EXPECT_NE(at, std::string::npos) << metric << "\n" << body;
    return at == std::string::npos ? -1 : std::stod(body.substr(at + name.size()));
}

std::uint64_t probes_of(const ssetest::SseProcess& p) {
    return static_cast<std::uint64_t>(metric_of(p, "scoreline_sse_outbox_probes_total"));
}

// Waits until the process has fanned out every row up to `id`: rows it has
// not read yet would reach a new subscriber live instead of by replay.
bool delivered_past(const ssetest::SseProcess& p, std::int64_t id) {
    return harness::wait_until(
        [&] {
            return metric_of(p, "scoreline_sse_outbox_delivered_id") >= static_cast<double>(id);
        },
        10s);
}

// A stream of commits costs the database one probe per gap, not one per
// commit, and still delivers every row in order.
TEST_F(SseOutboxTest, ProbesAreSpacedByTheGapUnderAStreamOfCommits) {
    constexpr auto kGap = 250ms;
    auto spaced = world_->start_sse(
        "sse-gap-" + std::to_string(instance_),
        {{"SCORELINE_SSE_PROBE_GAP_MS", "250"}, {"SCORELINE_SSE_POLL_INTERVAL_MS", "60000"}});
    SseClient client(spaced->client(path_));
    ASSERT_EQ(client.wait_status(), 200) << client.body();
    ASSERT_TRUE(harness::wait_until([&] { return probes_of(*spaced) >= 1; }, 10s));
    std::this_thread::sleep_for(kGap * 2);  // the start-up probes are over

    constexpr int kRows = 40;
    const std::uint64_t before = probes_of(*spaced);
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::int64_t> ids;
    for (int i = 0; i < kRows; ++i) {
        ids.push_back(insert(*writer_, std::to_string(i)));  // one commit and NOTIFY each
    }
    ASSERT_TRUE(client.wait_events(kRows, 10s));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    const std::uint64_t probes = probes_of(*spaced) - before;

    EXPECT_EQ(ssetest::ids_of(client.events()), ids);
    // The first probe goes at once, every later one waits for the gap.
    const auto allowed = static_cast<std::uint64_t>(elapsed / kGap) + 2;
    EXPECT_LE(probes, allowed) << kRows << " commits in "
                               << std::chrono::duration<double>(elapsed).count() << " s";
    EXPECT_GE(probes, 1u);
}

TEST_F(SseOutboxTest, ALowerIdCommittedLaterIsNeitherSkippedNorReordered) {
    auto client = subscribe();
    ssetest::Writer slow(world_->db_url());
    ssetest::Writer fast(world_->db_url());
    begin(slow.connection());
    const auto low = insert(slow, "slow");   // drawn first, commits last
    const auto high = insert(fast, "fast");  // autocommit
    ASSERT_LT(low, high);
    std::this_thread::sleep_for(1500ms);  // several polls and notifications
    EXPECT_EQ(client->event_count(), 0u)
        << "id " << high << " went out while id " << low << " could still commit";
    commit(slow.connection());
    ASSERT_TRUE(client->wait_events(2, 10s));
    EXPECT_EQ(ssetest::ids_of(client->events()), (std::vector<std::int64_t>{low, high}));
}

TEST_F(SseOutboxTest, AnOlderTransactionIdWithAHigherOutboxIdWaitsForTheLowerId) {
    // T2 takes its transaction id first, T1 then draws the lower outbox id,
    // T2 draws the higher one and commits: T2's txid is below every running
    // transaction's, which the naive "txid < xmin" rule would send at once.
    auto client = subscribe();
    ssetest::Writer t1(world_->db_url());
    ssetest::Writer t2(world_->db_url());
    begin(t2.connection());
    (void)t2.connection().exec_script("SELECT pg_current_xact_id()");
    begin(t1.connection());
    const auto low = insert(t1, "t1");
    const auto high = insert(t2, "t2");
    ASSERT_LT(low, high);
    commit(t2.connection());
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(client->event_count(), 0u);
    commit(t1.connection());
    ASSERT_TRUE(client->wait_events(2, 10s));
    EXPECT_EQ(ssetest::ids_of(client->events()), (std::vector<std::int64_t>{low, high}));
}

TEST_F(SseOutboxTest, RolledBackRowsLeaveAGapThatDoesNotStall) {
    auto client = subscribe();
    ssetest::Writer rolled(world_->db_url());
    begin(rolled.connection());
    (void)insert(rolled, "never");
    (void)rolled.connection().exec_script("ROLLBACK");
    const auto after = insert(*writer_, "after");
    ASSERT_TRUE(client->wait_events(1, 10s));
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(ssetest::ids_of(client->events()), std::vector<std::int64_t>{after});
}

TEST_F(SseOutboxTest, LastEventIdReplaysExactlyTheMissedRows) {
    std::vector<std::int64_t> ids;
    auto first = subscribe();
    for (int i = 0; i < 3; ++i) {
        ids.push_back(insert(*writer_));
    }
    ASSERT_TRUE(first->wait_events(3, 10s));
    const std::string last = first->last_event_id();
    ASSERT_EQ(last, std::to_string(ids[2]));
    first->stop();
    std::int64_t newest = 0;
    for (int i = 0; i < 4; ++i) {
        ids.push_back(insert(*writer_));
        newest = writer_->insert("event:424242", "score.updated", "{}");  // another topic
    }
    ASSERT_TRUE(delivered_past(*sse_, newest));
    auto again = subscribe({"Last-Event-ID: " + last});
    ids.push_back(insert(*writer_));  // live, after the replay
    ASSERT_TRUE(again->wait_events(5, 10s));
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(ssetest::ids_of(again->events()),
              std::vector<std::int64_t>(ids.begin() + 3, ids.end()));
    // The query parameter works the same way (for a first EventSource connection).
    SseClient param(sse_->client(path_ + "?last_event_id=" + std::to_string(ids[5])));
    ASSERT_EQ(param.wait_status(), 200);
    ASSERT_TRUE(param.wait_events(2, 10s));
    EXPECT_EQ(ssetest::ids_of(param.events()), (std::vector<std::int64_t>{ids[6], ids[7]}));
    auto [status, metrics] = sse_->ops_get("/metrics");
    EXPECT_NE(metrics.find("scoreline_sse_replays_total 2"), std::string::npos) << metrics;
}

TEST_F(SseOutboxTest, ALastEventIdOlderThanTheWindowGetsAReset) {
    const auto old_id = writer_->insert(topic_, "score.updated", "{}");
    (void)writer_->connection().exec_script(
        "UPDATE outbox SET created_at = now() - interval '2 hours' WHERE id = " +
        std::to_string(old_id));
    const auto newer = insert(*writer_);
    // Once the process has delivered them, the rows can only come by replay.
    ASSERT_TRUE(delivered_past(*sse_, newer));
    auto client = subscribe({"Last-Event-ID: " + std::to_string(old_id - 1)});
    ASSERT_TRUE(client->wait_events(1, 10s));
    const auto e = client->events()[0];
    EXPECT_EQ(e.event, "reset");
    EXPECT_EQ(nlohmann::json::parse(e.data)["reason"], "window");
    // The reset's id is where the stream continues: every later row follows live.
    const std::int64_t from = std::stoll(e.id);
    EXPECT_GE(from, old_id);
    const auto live = insert(*writer_);
    std::vector<std::int64_t> expected = {from};
    for (auto id : {newer, live}) {
        if (id > from) {
            expected.push_back(id);
        }
    }
    ASSERT_TRUE(client->wait_events(expected.size(), 10s));
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(ssetest::ids_of(client->events()), expected);
}

TEST_F(SseOutboxTest, SurvivesAPostgresRestartWithoutLosingARow) {
    auto client = subscribe();
    std::vector<std::int64_t> ids = {insert(*writer_)};
    ASSERT_TRUE(client->wait_events(1, 10s));
    writer_.reset();
    world_->pg().restart();
    writer_ = std::make_unique<ssetest::Writer>(world_->db_url());
    for (int i = 0; i < 5; ++i) {
        ids.push_back(insert(*writer_));
    }
    ASSERT_TRUE(client->wait_events(6, 20s)) << sse_->log();
    EXPECT_EQ(ssetest::ids_of(client->events()), ids);
    EXPECT_TRUE(harness::wait_until(
        [&] {
            return sse_->ops_get("/metrics").second.find("scoreline_sse_db_reconnects_total 1") !=
                   std::string::npos;
        },
        5s));
}

TEST_F(SseOutboxTest, AClientCatchesUpAfterScorelineSseWasKilled) {
    auto client = subscribe();
    std::vector<std::int64_t> ids = {insert(*writer_)};
    ASSERT_TRUE(client->wait_events(1, 10s));
    sse_->kill(SIGKILL);
    EXPECT_TRUE(client->wait_finished(5s));
    const std::string last = client->last_event_id();
    for (int i = 0; i < 3; ++i) {
        ids.push_back(insert(*writer_));
    }
    sse_->start();
    // Like an EventSource, retry while the restarted process answers 503
    // because its database connection is not up yet (slow under ASan).
    std::unique_ptr<SseClient> again;
    ASSERT_TRUE(harness::wait_until(
        [&] {
            again = std::make_unique<SseClient>(sse_->client(path_, {"Last-Event-ID: " + last}));
            return again->wait_status() == 200;
        },
        10s))
        << again->body();
    ids.push_back(insert(*writer_));
    ASSERT_TRUE(again->wait_events(4, 10s)) << sse_->log();
    std::vector<std::int64_t> got = ssetest::ids_of(client->events());
    const auto more = ssetest::ids_of(again->events());
    got.insert(got.end(), more.begin(), more.end());
    EXPECT_EQ(got, ids);
}

// Issue 12, reliability 1: a client 8,000 messages (about 3 MB) behind gets
// every one of them on one connection, exactly once and in order, followed by
// the live rows that writers commit meanwhile: the backlog limit (1 MiB) is
// for live output, the replay is paged out as the socket drains.
TEST_F(SseOutboxTest, AClientFarBehindCatchesUpOnOneConnectionWhileWritersWrite) {
    constexpr int kBehind = 8000;
    static constexpr db::Statement kBulk{
        "sse_test_bulk",
        "INSERT INTO outbox (topic, kind, payload) "
        "SELECT $1, 'score.updated', jsonb_build_object('event_id', $2::bigint, 'n', g, "
        "'pad', repeat('x', 300)) FROM generate_series(1, $3::int) AS g RETURNING id"};
    static constexpr db::Statement kIds{
        "sse_test_ids", "SELECT id FROM outbox WHERE topic = $1 AND id > $2 ORDER BY id"};
    const std::int64_t last_seen = insert(*writer_, "seen");
    const auto bulk = writer_->connection().exec(kBulk, topic_, event_, kBehind);
    ASSERT_EQ(bulk.rows(), kBehind);
    ASSERT_TRUE(delivered_past(*sse_, last_seen + kBehind));

    std::atomic<bool> writing{true};
    std::atomic<int> live{0};
    std::thread writer([&] {
        ssetest::Writer w(world_->db_url());
        const auto until = std::chrono::steady_clock::now() + 60s;
        while (writing && std::chrono::steady_clock::now() < until) {
            (void)w.insert(
                topic_, "score.updated",
                nlohmann::json({{"event_id", event_}, {"pad", std::string(300, 'y')}}).dump());
            ++live;
            std::this_thread::sleep_for(2ms);
        }
    });
    auto client = subscribe({"Last-Event-ID: " + std::to_string(last_seen)});
    // Until it has the replay and some live rows, or its stream ended.
    const bool caught_up =
        harness::wait_until(
            [&] { return client->event_count() >= kBehind + 50 || client->finished(); }, 60s) &&
        !client->finished();
    writing = false;
    writer.join();
    ASSERT_TRUE(caught_up) << client->event_count() << " of " << kBehind << " + live; finished "
                           << client->finished() << "\n"
                           << sse_->log().substr(0, 4000);
    const auto all = writer_->connection().exec(kIds, topic_, last_seen);
    std::vector<std::int64_t> expected;
    for (int i = 0; i < all.rows(); ++i) {
        expected.push_back(all.get<std::int64_t>(i, 0));
    }
    ASSERT_GT(live.load(), 50);
    ASSERT_TRUE(client->wait_events(expected.size(), 20s));
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(client->finished()) << client->error();
    EXPECT_EQ(ssetest::ids_of(client->events()), expected);
    const auto metrics = sse_->ops_get("/metrics").second;
    EXPECT_EQ(metrics.find("scoreline_sse_closed_total{reason=\"backlog\"} 1"), std::string::npos)
        << metrics;
}

// Issue 12, reliability 2: with PostgreSQL stopped, a reconnecting stream is
// admitted (200) from the last known status of its event, a stream of an
// event this process never saw is admitted unverified, and each gets the
// changes once PostgreSQL is back; an unverified draft gets nothing and its
// stream closes, and the next request answers 404 as for any draft.
TEST_F(SseOutboxTest, StreamsOpenWhilePostgresIsStoppedAndCatchUpWhenItIsBack) {
    auto client = subscribe();
    const std::int64_t first = insert(*writer_, "before");
    ASSERT_TRUE(client->wait_events(1, 10s));
    const std::string last = client->last_event_id();
    const auto unseen = writer_->make_event();
    const auto draft = writer_->make_event("draft");
    client->stop();
    writer_.reset();
    world_->pg().stop();
    ASSERT_TRUE(harness::wait_until(
        [&] {
            return sse_->ops_get("/healthz").second.find("\"database\":\"down\"") !=
                   std::string::npos;
        },
        10s));
    std::this_thread::sleep_for(400ms);  // past SCORELINE_SSE_ACCESS_CACHE_MS (200)

    auto again = subscribe({"Last-Event-ID: " + last});
    SseClient fresh(sse_->client("/api/v1/events/" + std::to_string(unseen) + "/stream"));
    SseClient hidden(sse_->client("/api/v1/events/" + std::to_string(draft) + "/stream"));
    EXPECT_EQ(fresh.wait_status(), 200) << fresh.body();
    EXPECT_EQ(hidden.wait_status(), 200) << hidden.body();

    world_->pg().start();
    writer_ = std::make_unique<ssetest::Writer>(world_->db_url());
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 3; ++i) {
        ids.push_back(insert(*writer_, "after"));
    }
    const auto unseen_id =
        writer_->insert("event:" + std::to_string(unseen), "score.updated", "{}");
    const auto draft_id = writer_->insert("event:" + std::to_string(draft), "score.updated", "{}");
    ASSERT_TRUE(again->wait_events(3, 20s)) << sse_->log();
    ASSERT_TRUE(fresh.wait_events(1, 10s)) << sse_->log();
    EXPECT_TRUE(hidden.wait_finished(10s));
    ASSERT_TRUE(delivered_past(*sse_, draft_id));
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(ssetest::ids_of(again->events()), ids);
    EXPECT_GT(ids.front(), first);
    EXPECT_EQ(ssetest::ids_of(fresh.events()), std::vector<std::int64_t>{unseen_id});
    EXPECT_TRUE(hidden.events().empty());
    SseClient refused(sse_->client("/api/v1/events/" + std::to_string(draft) + "/stream"));
    EXPECT_EQ(refused.wait_status(), 404) << refused.body();
}

}  // namespace
