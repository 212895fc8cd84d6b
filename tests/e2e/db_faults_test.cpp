// Database faults through the whole stack (nginx, scoreline-api, PostgreSQL):
// a PostgreSQL restart fails no request of the idle workers; a statement
// timeout on a locked row and a transaction out of retries answer 503
// problem+json with Retry-After and change nothing. A disk that fills up is
// db_disk_full_test.cpp (it needs a mount namespace of its own).
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "db/connection.hpp"
#include "http_client.hpp"
#include "sign_up.hpp"
#include "stack.hpp"

namespace {

using nlohmann::json;

struct Account {
    std::string email;
    std::string token;
};

class DbFaultsTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        // Several workers, each with its own idle connection to go stale; a
        // short statement timeout so a held lock turns into db::Timeout fast.
        stack_ = new harness::Stack(
            harness::StackOptions::with(4, {{"SCORELINE_STATEMENT_TIMEOUT_MS", "500"}}));
    }
    static void TearDownTestSuite() {
        delete stack_;
        stack_ = nullptr;
    }

    static harness::HttpResponse call(harness::HttpClient& client, const std::string& method,
                                      const std::string& path, const json& body = nullptr,
                                      const std::string& token = {}) {
        std::vector<std::string> headers;
        if (!body.is_null()) {
            headers.emplace_back("Content-Type: application/json");
        }
        if (!token.empty()) {
            headers.push_back("Authorization: Bearer " + token);
        }
        return client.request(method, stack_->https_url(path), body.is_null() ? "" : body.dump(),
                              headers);
    }

    // Registers and signs in a fresh account through the API.
    static Account new_account(const std::string& tag) {
        static int next = 0;
        harness::HttpClient client;
        Account a{tag + "-" + std::to_string(++next) + "@example.org", {}};
        a.token = harness::sign_up(client, *stack_, a.email, "Fault " + tag).access_token;
        return a;
    }

    static json event_fields(const std::string& name) {
        return {{"name", name},
                {"sport", "football"},
                {"format", "round_robin"},
                {"starts_on", "2024-04-01"},
                {"time_zone", "Europe/London"}};
    }

    // A connection of the test's own, beside the API's.
    static db::Connection side_connection() {
        return db::Connection::open({stack_->database_url(), "db-faults-test"});
    }

    static long count_events(db::Connection& conn) {
        constexpr db::Statement kCount{"count_events", "SELECT count(*) FROM events"};
        return conn.exec(kCount).get<long>(0, 0);
    }

    // A 503 problem with a Retry-After of at least one second.
    static void expect_unavailable(const harness::HttpResponse& r) {
        EXPECT_EQ(r.status, 503) << r.body;
        EXPECT_EQ(r.header("content-type"), "application/problem+json");
        ASSERT_TRUE(r.has_header("retry-after"));
        EXPECT_GE(std::stoi(r.header("retry-after")), 1);
        const json body = json::parse(r.body, nullptr, false);
        ASSERT_TRUE(body.is_object()) << r.body;
        EXPECT_EQ(body["status"], 503);
        EXPECT_TRUE(body.contains("request_id"));
        // Never the server's text.
        EXPECT_EQ(r.body.find("could not extend"), std::string::npos) << r.body;
        EXPECT_EQ(r.body.find("statement timeout"), std::string::npos) << r.body;
    }

    static harness::Stack* stack_;
};
harness::Stack* DbFaultsTest::stack_ = nullptr;

TEST_F(DbFaultsTest, IdleWorkersFailNoRequestAfterPostgresRestart) {
    const Account a = new_account("restart");
    ASSERT_FALSE(a.token.empty());
    // Every worker connected at start; now the server goes away and comes
    // back while they are idle.
    stack_->postgres().restart();
    constexpr int kThreads = 8;
    constexpr int kPerThread = 5;
    std::atomic<int> ok{0};
    std::vector<std::string> failures[kThreads];
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            harness::HttpClient client;
            for (int i = 0; i < kPerThread; ++i) {
                // An authenticated read: never served from nginx's cache, and
                // its first statement runs outside a transaction.
                auto r = call(client, "GET", "/api/v1/me", nullptr, a.token);
                if (r.status == 200) {
                    ++ok;
                } else {
                    failures[t].push_back(std::to_string(r.status) + " " + r.body);
                }
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    EXPECT_EQ(ok.load(), kThreads * kPerThread);
    for (const auto& f : failures) {
        for (const auto& line : f) {
            ADD_FAILURE() << line;
        }
    }
}

TEST_F(DbFaultsTest, RowLockedPastTheStatementTimeoutIs503AndChangesNothing) {
    const Account a = new_account("lock");
    harness::HttpClient client;
    auto created = call(client, "POST", "/api/v1/events", event_fields("Locked Cup"), a.token);
    ASSERT_EQ(created.status, 201) << created.body;
    const json event = json::parse(created.body);
    const std::string path = "/api/v1/events/" + std::to_string(event["id"].get<long>());

    auto holder = side_connection();
    {
        db::Tx lock(holder);
        constexpr db::Statement kLock{"lock_event",
                                      "SELECT id FROM events WHERE id = $1 FOR UPDATE"};
        ASSERT_EQ(lock.exec(kLock, event["id"].get<long>()).rows(), 1);
        // The API's UPDATE waits for our lock until its statement_timeout (500 ms).
        expect_unavailable(call(client, "PATCH", path, {{"name", "Renamed Cup"}}, a.token));
    }  // rolled back: the lock is released

    auto after = call(client, "GET", path, nullptr, a.token);
    ASSERT_EQ(after.status, 200) << after.body;
    const json unchanged = json::parse(after.body);
    EXPECT_EQ(unchanged["name"], "Locked Cup");
    EXPECT_EQ(unchanged["version"], event["version"]);
    // Without the lock the same write goes through.
    EXPECT_EQ(call(client, "PATCH", path, {{"name", "Renamed Cup"}}, a.token).status, 200);
}

TEST_F(DbFaultsTest, TransactionOutOfRetriesIs503AndChangesNothing) {
    const Account a = new_account("retry");
    harness::HttpClient client;
    auto side = side_connection();
    // Every attempt fails as if a concurrent writer had won.
    (void)side.exec_script(
        "CREATE FUNCTION test_conflict() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'could not serialize access' USING ERRCODE = 'serialization_failure'; "
        "END $$; "
        "CREATE TRIGGER test_conflict BEFORE INSERT ON events "
        "FOR EACH ROW EXECUTE FUNCTION test_conflict()");
    const long before = count_events(side);
    expect_unavailable(call(client, "POST", "/api/v1/events", event_fields("Busy Cup"), a.token));
    EXPECT_EQ(count_events(side), before);
    (void)side.exec_script("DROP TRIGGER test_conflict ON events; DROP FUNCTION test_conflict()");
}

}  // namespace
