// The libpq wrapper against a real PostgreSQL: parameters, NULLs, rollback by
// RAII, error classes by SQLSTATE, statement timeout, retry of serialization
// failures, reconnect after the server restarted, a connection that died while
// idle seen before a statement is sent, class 53 (insufficient resources), and
// the statement timeout through a real PgBouncer configured like the
// pgbouncer role's (it drops the startup packet's `options`).
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "db/connection.hpp"
#include "db/observer.hpp"
#include "postgres.hpp"

namespace {

class DbTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        pg_ = new harness::TempPostgres();
        url_ = pg_->create_database("dbtest");
    }
    static void TearDownTestSuite() {
        delete pg_;
        pg_ = nullptr;
    }
    db::Connection connect(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
        return db::Connection::open({url_, "db-test", timeout});
    }
    static harness::TempPostgres* pg_;
    static std::string url_;
};
harness::TempPostgres* DbTest::pg_ = nullptr;
std::string DbTest::url_;

constexpr db::Statement kEcho{"echo", "SELECT $1::text, $2::bigint, $3::boolean"};
constexpr db::Statement kCreate{"create_t",
                                "CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY, v text)"};
constexpr db::Statement kInsert{"insert_t", "INSERT INTO t (id, v) VALUES ($1, $2)"};
constexpr db::Statement kCount{"count_t", "SELECT count(*) FROM t WHERE id = $1"};
constexpr db::Statement kSleep{"sleep", "SELECT pg_sleep($1)"};
constexpr db::Statement kAppName{"app_name", "SELECT current_setting('application_name')"};

TEST_F(DbTest, ParametersAndNulls) {
    auto conn = connect();
    std::optional<std::int64_t> none;
    auto r = conn.exec(kEcho, "it's \"quoted\"; DROP TABLE x", none, true);
    EXPECT_EQ(r.get<std::string>(0, 0), "it's \"quoted\"; DROP TABLE x");
    EXPECT_FALSE(r.get_opt<std::int64_t>(0, 1).has_value());
    EXPECT_TRUE(r.get<bool>(0, 2));
    EXPECT_THROW((void)r.get<std::int64_t>(0, 1), std::runtime_error);
    EXPECT_EQ(conn.exec(kAppName).get<std::string>(0, 0), "db-test");
}

// Counts the round trips of this process's connections.
class RoundTrips : public db::Observer {
  public:
    RoundTrips() { db::install_observer(this); }
    ~RoundTrips() override { db::install_observer(nullptr); }
    RoundTrips(const RoundTrips&) = delete;
    RoundTrips& operator=(const RoundTrips&) = delete;
    void on_statement(std::string_view, std::chrono::nanoseconds,
                      const db::Error*) noexcept override {
        ++count;
    }
    void on_reconnect() noexcept override {}
    void on_retry() noexcept override {}
    int count = 0;
};

TEST_F(DbTest, ApplicationNameRidesWithTheNextStatement) {
    auto conn = connect();
    conn.set_application_name("db-test/warm-up");  // prepares both statements
    EXPECT_EQ(conn.exec(kAppName).get<std::string>(0, 0), "db-test/warm-up");
    RoundTrips trips;
    conn.set_application_name("db-test/trace-1");
    EXPECT_EQ(conn.exec(kAppName).get<std::string>(0, 0), "db-test/trace-1");
    EXPECT_EQ(trips.count, 1);
    conn.set_application_name("db-test/trace-1");  // unchanged: nothing more to send
    EXPECT_EQ(conn.exec(kAppName).get<std::string>(0, 0), "db-test/trace-1");
    EXPECT_EQ(trips.count, 2);
}

TEST_F(DbTest, ApplicationNameWaitsOutATransactionAndRidesWithTheNextBegin) {
    auto conn = connect();
    {
        db::Tx tx(conn);
        conn.set_application_name("db-test/trace-2");
        EXPECT_EQ(tx.exec(kAppName).get<std::string>(0, 0), "db-test");
        tx.commit();
    }
    db::Tx tx(conn);
    EXPECT_EQ(tx.exec(kAppName).get<std::string>(0, 0), "db-test/trace-2");
    tx.commit();
}

TEST_F(DbTest, AFailingStatementKeepsItsErrorAndTheNameStays) {
    auto conn = connect();
    (void)conn.exec(kCreate);
    (void)conn.exec(kInsert, 3, "a");
    conn.set_application_name("db-test/trace-3");
    EXPECT_THROW((void)conn.exec(kInsert, 3, "b"), db::UniqueViolation);
    EXPECT_TRUE(conn.ok());
    // The name committed on its own Sync, before the statement failed.
    EXPECT_EQ(conn.exec(kAppName).get<std::string>(0, 0), "db-test/trace-3");
    // The same within a transaction whose first statement fails.
    conn.set_application_name("db-test/trace-4");
    {
        db::Tx tx(conn);
        EXPECT_THROW((void)tx.exec(kInsert, 3, "c"), db::UniqueViolation);
    }
    EXPECT_EQ(conn.exec(kAppName).get<std::string>(0, 0), "db-test/trace-4");
}

TEST_F(DbTest, TxRollsBackUnlessCommitted) {
    auto conn = connect();
    (void)conn.exec(kCreate);
    {
        db::Tx tx(conn);
        (void)tx.exec(kInsert, 1, "rolled back");
    }
    EXPECT_EQ(conn.exec(kCount, 1).get<int>(0, 0), 0);
    {
        db::Tx tx(conn);
        (void)tx.exec(kInsert, 1, "kept");
        tx.commit();
    }
    EXPECT_EQ(conn.exec(kCount, 1).get<int>(0, 0), 1);
}

TEST_F(DbTest, UniqueViolationCarriesConstraint) {
    auto conn = connect();
    (void)conn.exec(kCreate);
    (void)conn.exec(kInsert, 2, "a");
    try {
        (void)conn.exec(kInsert, 2, "b");
        FAIL();
    } catch (const db::UniqueViolation& e) {
        EXPECT_EQ(e.sqlstate(), "23505");
        EXPECT_EQ(e.constraint(), "t_pkey");
    }
}

TEST_F(DbTest, StatementTimeoutIsClassified) {
    auto conn = connect(std::chrono::milliseconds(100));
    EXPECT_THROW((void)conn.exec(kSleep, 2.0), db::Timeout);
    // The connection stays usable after a timeout.
    EXPECT_EQ(conn.exec(kEcho, "x", 1, false).get<std::string>(0, 0), "x");
}

// PgBouncer 1.18 as the Ansible role runs it: session mode, the startup
// parameter `options` ignored. The timeout must still reach the session.
TEST_F(DbTest, StatementTimeoutHoldsThroughPgBouncer) {
    const std::string pgbouncer = "/usr/sbin/pgbouncer";
    ASSERT_TRUE(std::filesystem::exists(pgbouncer)) << "apt-get install pgbouncer";
    harness::TempDir dir("pgbouncer");
    const auto user = harness::unprivileged_user();
    if (user) {
        harness::chown_to(dir.path(), *user);  // PgBouncer refuses to run as root
    }
    const int port = harness::free_port();
    {
        std::ofstream ini(dir.path() + "/pgbouncer.ini");
        ini << "[databases]\n"
            << "dbtest = host=" << pg_->socket_dir() << " port=" << pg_->port()
            << " dbname=dbtest user=scoreline\n"
            << "[pgbouncer]\n"
            << "listen_addr = 127.0.0.1\nlisten_port = " << port << "\n"
            << "unix_socket_dir =\nauth_type = any\npool_mode = session\n"
            << "ignore_startup_parameters = extra_float_digits,options\n";
    }
    harness::Process bouncer(
        {pgbouncer, dir.path() + "/pgbouncer.ini"},
        {{}, user, dir.path() + "/pgbouncer.log", dir.path() + "/pgbouncer.log"});
    const std::string url = "postgresql://scoreline@127.0.0.1:" + std::to_string(port) + "/dbtest";
    ASSERT_TRUE(harness::wait_until([&] { return PQping(url.c_str()) == PQPING_OK; },
                                    std::chrono::seconds(10)))
        << harness::read_file(dir.path() + "/pgbouncer.log");

    auto conn = db::Connection::open({url, "db-test", std::chrono::milliseconds(1234)});
    constexpr db::Statement kTimeout{"timeout", "SHOW statement_timeout"};
    EXPECT_EQ(conn.exec(kTimeout).get<std::string>(0, 0), "1234ms");
    auto short_timeout = db::Connection::open({url, "db-test", std::chrono::milliseconds(100)});
    EXPECT_THROW((void)short_timeout.exec(kSleep, 2.0), db::Timeout);
}

TEST_F(DbTest, SerializationFailureIsRetried) {
    auto a = connect();
    auto b = connect();
    (void)a.exec_script("CREATE TABLE IF NOT EXISTS counter (id int PRIMARY KEY, n int)");
    (void)a.exec_script("INSERT INTO counter VALUES (1, 0) ON CONFLICT DO NOTHING");
    constexpr db::Statement kRead{"read_counter", "SELECT n FROM counter WHERE id = 1"};
    constexpr db::Statement kBump{"bump_counter", "UPDATE counter SET n = $1 WHERE id = 1"};
    int attempts = 0;
    db::with_retry(
        a, 3,
        [&](db::Tx& tx) {
            ++attempts;
            const int n = tx.exec(kRead).get<int>(0, 0);
            if (attempts == 1) {
                // A concurrent writer commits between our read and our write.
                db::with_retry(b, 1, [&](db::Tx& other) { (void)other.exec(kBump, n + 100); });
            }
            (void)tx.exec(kBump, n + 1);
        },
        db::Isolation::kRepeatableRead);
    EXPECT_EQ(attempts, 2);
    EXPECT_EQ(a.exec(kRead).get<int>(0, 0), 101);
}

TEST_F(DbTest, LostConnectionIsClassifiedAndReconnectWorks) {
    auto conn = connect();
    const int pid = conn.backend_pid();
    auto killer = connect();
    constexpr db::Statement kTerminate{"terminate", "SELECT pg_terminate_backend($1)"};
    (void)killer.exec(kTerminate, pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_THROW((void)conn.exec(kEcho, "x", 1, true), db::ConnectionLost);
    conn.reconnect();
    EXPECT_NE(conn.backend_pid(), pid);
    // Statements are prepared again on the new connection.
    EXPECT_EQ(conn.exec(kEcho, "y", 2, true).get<std::string>(0, 0), "y");
}

TEST_F(DbTest, IdleConnectionWhoseServerRestartedIsNotAlive) {
    auto conn = connect();
    EXPECT_TRUE(conn.alive());
    pg_->restart();
    // libpq alone still believes in the socket; alive() reads the EOF.
    EXPECT_TRUE(conn.ok());
    EXPECT_FALSE(conn.alive());
    conn.reconnect();
    EXPECT_TRUE(conn.alive());
    EXPECT_EQ(conn.exec(kEcho, "z", 3, false).get<std::string>(0, 0), "z");
}

TEST_F(DbTest, TerminatedIdleBackendIsNotAlive) {
    auto conn = connect();
    auto killer = connect();
    constexpr db::Statement kTerminate{"terminate", "SELECT pg_terminate_backend($1)"};
    (void)killer.exec(kTerminate, conn.backend_pid());
    // Bounded wait for the backend's EOF to reach the socket.
    bool dead = false;
    for (int i = 0; i < 100 && !dead; ++i) {
        dead = !conn.alive();
        if (!dead) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    EXPECT_TRUE(dead);
}

TEST_F(DbTest, TxOnAConnectionWhoseServerRestartedBeginsOnAFreshSession) {
    db::ConnectionOptions options{url_, "db-test"};
    options.stateless = true;
    auto conn = db::Connection::open(options);
    (void)conn.exec(kCreate);
    const int pid = conn.backend_pid();
    pg_->restart();
    {
        db::Tx tx(conn);
        (void)tx.exec(kInsert, 31, "after restart");
        tx.commit();
    }
    EXPECT_NE(conn.backend_pid(), pid);
    EXPECT_EQ(conn.exec(kCount, 31).get<int>(0, 0), 1);
}

// The session may hold state a fresh one would lack (the migration runner's
// advisory lock): the loss is reported, not papered over.
TEST_F(DbTest, TxOnAStatefulConnectionWhoseServerRestartedReportsTheLoss) {
    auto conn = connect();
    pg_->restart();
    EXPECT_THROW(db::Tx tx(conn), db::ConnectionLost);
}

TEST_F(DbTest, ReconnectInsideATransactionIsRefused) {
    auto conn = connect();
    db::Tx tx(conn);
    EXPECT_THROW(conn.reconnect(), db::ConnectionLost);
}

TEST_F(DbTest, InsufficientResourcesAreClassified) {
    auto conn = connect();
    try {
        (void)conn.exec_script(
            "DO $$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; "
            "END $$");
        ADD_FAILURE() << "no error";
    } catch (const db::DiskFull& e) {
        EXPECT_EQ(e.sqlstate(), "53100");
    }
    try {
        (void)conn.exec_script(
            "DO $$ BEGIN RAISE EXCEPTION 'out of memory' USING ERRCODE = 'out_of_memory'; END $$");
        ADD_FAILURE() << "no error";
    } catch (const db::DiskFull&) {
        ADD_FAILURE() << "53200 is not disk full";
    } catch (const db::InsufficientResources& e) {
        EXPECT_EQ(e.sqlstate(), "53200");
    }
    // The connection stays usable after either.
    EXPECT_EQ(conn.exec(kEcho, "ok", 1, true).get<std::string>(0, 0), "ok");
}

TEST_F(DbTest, ConnectFailureIsConnectionLost) {
    EXPECT_THROW((void)db::Connection::open({"postgresql://scoreline@127.0.0.1:1/none", "t"}),
                 db::ConnectionLost);
}

}  // namespace
