// scoreline-migrate as a black box against a real PostgreSQL: 200 concurrent
// runners, down-to-zero-and-up schema identity, failing and edited files,
// the advisory lock (timeout naming its holder, no deadlock with CREATE INDEX
// CONCURRENTLY, no lock when nothing is pending), dry runs, and the cleanup of
// an INVALID index left by a failed concurrent build.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include "db/connection.hpp"
#include "postgres.hpp"
#include "process.hpp"

namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string kMigrate = std::string(SCORELINE_BINARY_DIR) + "/migrations/scoreline-migrate";
const std::string kRealDir = std::string(SCORELINE_SOURCE_DIR) + "/migrations";
// The advisory lock key is part of the protocol between runner versions (an
// old and a new runner must exclude each other), so the test spells it out.
constexpr std::int64_t kLockKey = 0x73636f72656c696e;
// Test-only migrations are numbered from here, above every real one.
constexpr int kTestVersion = 9990;

// Versions of the real migrations, ascending.
std::vector<int> real_versions() {
    std::vector<int> out;
    for (const auto& e : fs::directory_iterator(kRealDir)) {
        const std::string f = e.path().filename().string();
        int v = 0;
        if (f.ends_with(".up.sql") &&
            std::from_chars(f.data(), f.data() + 4, v).ec == std::errc{}) {
            out.push_back(v);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
        s.pop_back();
    }
    return s;
}

// pg_dump output without what differs between two dumps of the same schema
// (comments, and the random \restrict key of newer pg_dump releases).
std::string normalize_dump(const std::string& dump) {
    std::istringstream in(dump);
    std::string line;
    std::string out;
    while (std::getline(in, line)) {
        if (line.starts_with("--") || line.starts_with("\\restrict") ||
            line.starts_with("\\unrestrict") || line.empty()) {
            continue;
        }
        out += line + "\n";
    }
    return out;
}

// The first line where two texts differ, for a readable failure message.
std::string first_difference(const std::string& a, const std::string& b) {
    std::istringstream ia(a);
    std::istringstream ib(b);
    std::string la;
    std::string lb;
    for (int n = 1;; ++n) {
        const bool ha = static_cast<bool>(std::getline(ia, la));
        const bool hb = static_cast<bool>(std::getline(ib, lb));
        if (!ha && !hb) {
            return "identical";
        }
        if (!ha || !hb || la != lb) {
            return "line " + std::to_string(n) + ": '" + (ha ? la : "<end>") + "' vs '" +
                   (hb ? lb : "<end>") + "'";
        }
    }
}

class MigrateTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        // 200 concurrent runners need 200 connections at once.
        pg_ = new harness::TempPostgres({"max_connections=300"});
    }
    static void TearDownTestSuite() {
        delete pg_;
        pg_ = nullptr;
    }
    void SetUp() override {
        std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        db_ = name;
        url_ = pg_->create_database(db_);
        versions_ = real_versions();
        ASSERT_FALSE(versions_.empty());
        ASSERT_LT(versions_.back(), kTestVersion);
    }

    [[nodiscard]] harness::Env env(harness::Env extra = {}) const {
        harness::Env e{{"SCORELINE_DATABASE_URL", url_}, {"SCORELINE_MIGRATIONS_DIR", kRealDir}};
        for (auto& [k, v] : extra) {
            e[k] = v;
        }
        return e;
    }
    [[nodiscard]] std::vector<std::string> argv(const std::string& dir,
                                                std::vector<std::string> args) const {
        std::vector<std::string> out{kMigrate, "--dir", dir};
        out.insert(out.end(), args.begin(), args.end());
        return out;
    }
    harness::RunResult migrate(std::vector<std::string> args, const std::string& dir = kRealDir,
                               harness::Env extra = {}) {
        return harness::run_process(argv(dir, std::move(args)), env(std::move(extra)),
                                    std::chrono::minutes(2));
    }
    std::string sql(const std::string& q) { return trim(pg_->psql(db_, q)); }
    int version() {
        if (sql("SELECT to_regclass('schema_migrations') IS NULL") == "t") {
            return 0;
        }
        return std::stoi(sql("SELECT coalesce(max(version), 0) FROM schema_migrations"));
    }
    std::string schema_dump() {
        harness::RunResult r =
            harness::run_process({pg_->bin("pg_dump"), "--schema-only", "--no-owner", "-d", url_});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return normalize_dump(r.out);
    }
    // A fresh directory holding copies of the real migrations plus `extra`
    // (file name -> content).
    std::unique_ptr<harness::TempDir> migrations_with(
        const std::map<std::string, std::string>& extra) {
        auto dir = std::make_unique<harness::TempDir>("migrations");
        for (const auto& e : fs::directory_iterator(kRealDir)) {
            if (e.path().extension() == ".sql") {
                fs::copy_file(e.path(), dir->path() + "/" + e.path().filename().string());
            }
        }
        for (const auto& [name, text] : extra) {
            harness::write_file(dir->path() + "/" + name, text);
        }
        return dir;
    }
    db::Connection connect(const std::string& application_name) {
        db::ConnectionOptions o;
        o.url = url_;
        o.application_name = application_name;
        o.statement_timeout = std::chrono::minutes(1);
        return db::Connection::open(o);
    }

    static harness::TempPostgres* pg_;
    std::string db_;
    std::string url_;
    std::vector<int> versions_;
};
harness::TempPostgres* MigrateTest::pg_ = nullptr;

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos;
         pos = text.find(needle, pos + needle.size())) {
        ++n;
    }
    return n;
}

TEST_F(MigrateTest, TwoHundredConcurrentRunnersApplyEveryMigrationOnce) {
    constexpr int kRunners = 200;
    harness::TempDir logs("migrate-logs");
    std::vector<std::unique_ptr<harness::Process>> runners;
    for (int i = 0; i < kRunners; ++i) {
        harness::SpawnOptions o{env(), std::nullopt, logs.path() + "/" + std::to_string(i) + ".out",
                                logs.path() + "/" + std::to_string(i) + ".err"};
        runners.push_back(std::make_unique<harness::Process>(argv(kRealDir, {"up"}), o));
    }
    std::string all_out;
    for (int i = 0; i < kRunners; ++i) {
        const auto status = runners[i]->wait(std::chrono::minutes(3));
        const std::string out = harness::read_file(logs.path() + "/" + std::to_string(i) + ".out");
        const std::string err = harness::read_file(logs.path() + "/" + std::to_string(i) + ".err");
        ASSERT_TRUE(status.has_value()) << "runner " << i << " did not finish\n" << out << err;
        EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
            << "runner " << i << " status " << *status << "\n"
            << out << err;
        all_out += out;
    }
    // Exactly one runner applied each migration; the others found it done.
    for (int v : versions_) {
        std::string label = "applied " + std::to_string(v) + "_";
        label.insert(8, 4 - std::min<std::size_t>(4, std::to_string(v).size()), '0');
        EXPECT_EQ(count_of(all_out, label), 1u) << label;
    }
    EXPECT_EQ(sql("SELECT count(*) FROM schema_migrations"), std::to_string(versions_.size()));
    EXPECT_EQ(sql("SELECT count(DISTINCT version) FROM schema_migrations"),
              std::to_string(versions_.size()));
    EXPECT_EQ(version(), versions_.back());

    harness::RunResult status = migrate({"status"});
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("0 pending, 0 problems"), std::string::npos) << status.out;
    EXPECT_EQ(count_of(status.out, "checksum ok"), versions_.size()) << status.out;
    EXPECT_EQ(migrate({"verify"}).exit_code, 0);
}

TEST_F(MigrateTest, DownToZeroThenUpGivesTheSameSchema) {
    ASSERT_EQ(migrate({"up"}).exit_code, 0);
    const std::string first = schema_dump();
    ASSERT_NE(first.find("CREATE TABLE public.users"), std::string::npos);

    harness::RunResult down = migrate({"down", "--steps", std::to_string(versions_.size())});
    ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
    EXPECT_EQ(version(), 0);
    // Nothing is left but the runner's own table.
    EXPECT_EQ(sql("SELECT string_agg(relname, ',') FROM pg_class"
                  " WHERE relnamespace = 'public'::regnamespace"
                  "   AND relname NOT LIKE 'schema_migrations%'"),
              "");
    EXPECT_EQ(sql("SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql'"), "0");
    EXPECT_EQ(sql("SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace"), "0");

    ASSERT_EQ(migrate({"up"}).exit_code, 0);
    const std::string second = schema_dump();
    EXPECT_TRUE(first == second) << first_difference(first, second);
}

TEST_F(MigrateTest, SyntaxErrorLeavesTheSchemaUntouched) {
    const std::string bad = std::to_string(kTestVersion) + "_broken.up.sql";
    auto dir = migrations_with({{bad,
                                 "-- a broken migration: the first statement is fine\n"
                                 "CREATE TABLE broken_first (id int);\n"
                                 "\n"
                                 "CREATE TABLE broken_second (\n"
                                 "    id int,\n"
                                 "    oops nonsense garbage\n"
                                 ");\n"}});
    ASSERT_EQ(migrate({"up", "--to", std::to_string(versions_.back())}, dir->path()).exit_code, 0);
    const std::string before = schema_dump();

    harness::RunResult r = migrate({"up"}, dir->path());
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    // file:line:column of "garbage", and the server's message.
    EXPECT_NE(r.err.find(bad + ":6:19: syntax error"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("stays at version " + std::to_string(versions_.back())), std::string::npos)
        << r.err;
    EXPECT_EQ(sql("SELECT to_regclass('broken_first') IS NULL"), "t");
    EXPECT_EQ(version(), versions_.back());
    const std::string after = schema_dump();
    EXPECT_TRUE(before == after) << first_difference(before, after);
}

TEST_F(MigrateTest, EditedAppliedFileIsRefusedByUpAndVerify) {
    const std::string name = std::to_string(kTestVersion) + "_edited.up.sql";
    auto dir = migrations_with({{name, "CREATE TABLE edited_t (id int);\n"}});
    ASSERT_EQ(migrate({"up"}, dir->path()).exit_code, 0);

    // Line endings do not count as an edit.
    harness::write_file(dir->path() + "/" + name, "CREATE TABLE edited_t (id int);\r\n");
    EXPECT_EQ(migrate({"verify"}, dir->path()).exit_code, 0);

    harness::write_file(dir->path() + "/" + name, "CREATE TABLE edited_t (id bigint);\n");
    const std::string later = std::to_string(kTestVersion + 1) + "_later.up.sql";
    harness::write_file(dir->path() + "/" + later, "CREATE TABLE later_t (id int);\n");

    harness::RunResult up = migrate({"up"}, dir->path());
    EXPECT_EQ(up.exit_code, 4) << up.out << up.err;
    EXPECT_NE(up.err.find(name), std::string::npos) << up.err;
    EXPECT_EQ(sql("SELECT to_regclass('later_t') IS NULL"), "t");  // nothing ran

    harness::RunResult verify = migrate({"verify"}, dir->path());
    EXPECT_EQ(verify.exit_code, 4) << verify.out << verify.err;
    EXPECT_NE(verify.err.find(name), std::string::npos) << verify.err;

    harness::RunResult status = migrate({"status"}, dir->path());
    EXPECT_EQ(status.exit_code, 0);
    EXPECT_NE(status.out.find("CHANGED"), std::string::npos) << status.out;
}

TEST_F(MigrateTest, WaitingRunnerDoesNotDeadlockWithCreateIndexConcurrently) {
    const std::string table = std::to_string(kTestVersion) + "_cic_table.up.sql";
    const std::string index = std::to_string(kTestVersion + 1) + "_cic_index.up.sql";
    auto dir =
        migrations_with({{table,
                          "CREATE TABLE cic_t (id bigint PRIMARY KEY, v int NOT NULL);\n"
                          "INSERT INTO cic_t SELECT g, g % 97 FROM generate_series(1, 10000) g;\n"},
                         {index,
                          "-- scoreline:no-transaction\n"
                          "CREATE INDEX CONCURRENTLY IF NOT EXISTS cic_t_v_idx ON cic_t (v);\n"}});
    ASSERT_EQ(migrate({"up", "--to", std::to_string(kTestVersion)}, dir->path()).exit_code, 0);

    // An open writer on the table makes the concurrent build wait for it, so
    // runner A holds the migration lock inside CREATE INDEX CONCURRENTLY
    // while runner B polls for the lock: the situation that deadlocks when
    // the waiter blocks in pg_advisory_lock.
    db::Connection writer = connect("migrate-test-writer");
    (void)writer.exec_script("BEGIN; INSERT INTO cic_t VALUES (0, 0)");

    harness::TempDir logs("migrate-cic");
    const harness::Env long_locks{{"SCORELINE_MIGRATE_LOCK_TIMEOUT_MS", "60000"}};
    harness::Process a(
        argv(dir->path(), {"up", "--lock-timeout", "60"}),
        {env(long_locks), std::nullopt, logs.path() + "/a.out", logs.path() + "/a.err"});
    ASSERT_TRUE(harness::wait_until(
        [&] {
            return sql("SELECT count(*) FROM pg_stat_activity"
                       " WHERE application_name = 'scoreline-migrate'"
                       "   AND query LIKE '%INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'") ==
                   "1";
        },
        seconds(30)))
        << harness::read_file(logs.path() + "/a.out") << harness::read_file(logs.path() + "/a.err");

    harness::Process b(
        argv(dir->path(), {"up", "--lock-timeout", "60"}),
        {env(long_locks), std::nullopt, logs.path() + "/b.out", logs.path() + "/b.err"});
    // B is connected (and a moment later asks for the lock however it does).
    ASSERT_TRUE(harness::wait_until(
        [&] {
            return sql("SELECT count(*) FROM pg_stat_activity"
                       " WHERE application_name = 'scoreline-migrate'") == "2";
        },
        seconds(30)))
        << harness::read_file(logs.path() + "/b.out") << harness::read_file(logs.path() + "/b.err");
    // Longer than deadlock_timeout (1 s): a deadlock would have been found.
    std::this_thread::sleep_for(milliseconds(1500));
    (void)writer.exec_script("COMMIT");

    const auto sa = a.wait(seconds(60));
    const auto sb = b.wait(seconds(60));
    const std::string out =
        harness::read_file(logs.path() + "/a.out") + harness::read_file(logs.path() + "/a.err") +
        harness::read_file(logs.path() + "/b.out") + harness::read_file(logs.path() + "/b.err");
    ASSERT_TRUE(sa && sb) << "a runner hung\n" << out;
    EXPECT_TRUE(WIFEXITED(*sa) && WEXITSTATUS(*sa) == 0) << out;
    EXPECT_TRUE(WIFEXITED(*sb) && WEXITSTATUS(*sb) == 0) << out;
    EXPECT_EQ(sql("SELECT indisvalid FROM pg_index WHERE indexrelid = 'cic_t_v_idx'::regclass"),
              "t");
    EXPECT_EQ(version(), kTestVersion + 1);
}

TEST_F(MigrateTest, LockTimeoutNamesTheHolder) {
    db::Connection holder = connect("migrate-test-holder");
    ASSERT_TRUE(
        holder.exec(db::Statement{"lock", "SELECT pg_try_advisory_lock($1::bigint)"}, kLockKey)
            .get<bool>(0, 0));
    const auto start = std::chrono::steady_clock::now();
    harness::RunResult r = migrate({"up", "--lock-timeout", "1"});
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find("pid " + std::to_string(holder.backend_pid())), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("migrate-test-holder"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("client 127.0.0.1"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("connected since"), std::string::npos) << r.err;
    EXPECT_GE(took, milliseconds(1000));
    EXPECT_LT(took, seconds(15));
    EXPECT_EQ(version(), 0);  // nothing ran
}

TEST_F(MigrateTest, NothingPendingDoesNotTakeTheLock) {
    ASSERT_EQ(migrate({"up"}).exit_code, 0);
    db::Connection holder = connect("migrate-test-holder");
    ASSERT_TRUE(
        holder.exec(db::Statement{"lock", "SELECT pg_try_advisory_lock($1::bigint)"}, kLockKey)
            .get<bool>(0, 0));
    harness::RunResult r = migrate({"up", "--lock-timeout", "0"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("up to date"), std::string::npos) << r.out;
    EXPECT_EQ(migrate({"status"}).exit_code, 0);
    EXPECT_EQ(migrate({"verify"}).exit_code, 0);
    // A down always needs the lock.
    EXPECT_EQ(migrate({"down", "--lock-timeout", "0"}).exit_code, 3);
}

TEST_F(MigrateTest, DryRunChangesNothing) {
    const std::string empty = schema_dump();
    harness::RunResult r = migrate({"up", "--dry-run"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("0001_initial"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("rolled back"), std::string::npos) << r.out;
    EXPECT_EQ(sql("SELECT to_regclass('schema_migrations') IS NULL"), "t");
    const std::string after_dry_up = schema_dump();
    EXPECT_TRUE(after_dry_up == empty) << first_difference(empty, after_dry_up);

    ASSERT_EQ(migrate({"up"}).exit_code, 0);
    const std::string full = schema_dump();
    r = migrate({"down", "--dry-run", "--steps", std::to_string(versions_.size())});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(version(), versions_.back());
    const std::string after_dry_down = schema_dump();
    EXPECT_TRUE(after_dry_down == full) << first_difference(full, after_dry_down);
}

TEST_F(MigrateTest, FailedConcurrentIndexIsCleanedUpOnTheNextRun) {
    const std::string table = std::to_string(kTestVersion) + "_dups.up.sql";
    const std::string index = std::to_string(kTestVersion + 1) + "_dups_key.up.sql";
    auto dir = migrations_with(
        {{table,
          "CREATE TABLE dups (v int NOT NULL);\n"
          "INSERT INTO dups SELECT g % 10 FROM generate_series(1, 100) g;\n"},
         {index,
          "-- scoreline:no-transaction\n"
          "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS dups_v_key ON dups (v);\n"}});
    harness::RunResult first = migrate({"up"}, dir->path());
    EXPECT_EQ(first.exit_code, 1) << first.out << first.err;
    EXPECT_NE(first.err.find(index), std::string::npos) << first.err;
    EXPECT_NE(first.err.find("INVALID"), std::string::npos) << first.err;
    EXPECT_EQ(sql("SELECT indisvalid FROM pg_index WHERE indexrelid = 'dups_v_key'::regclass"),
              "f");
    EXPECT_EQ(version(), kTestVersion);

    (void)sql("DELETE FROM dups WHERE ctid NOT IN (SELECT min(ctid) FROM dups GROUP BY v)");
    harness::RunResult second = migrate({"up"}, dir->path());
    EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
    EXPECT_NE(second.out.find("DROP INDEX CONCURRENTLY"), std::string::npos) << second.out;
    EXPECT_EQ(sql("SELECT indisvalid FROM pg_index WHERE indexrelid = 'dups_v_key'::regclass"),
              "t");
    EXPECT_EQ(version(), kTestVersion + 1);
}

TEST_F(MigrateTest, MissingDownFileIsAClearError) {
    const std::string name = std::to_string(kTestVersion) + "_one_way";
    auto dir = migrations_with({{name + ".up.sql", "CREATE TABLE one_way (id int);\n"}});
    ASSERT_EQ(migrate({"up"}, dir->path()).exit_code, 0);
    harness::RunResult r = migrate({"down"}, dir->path());
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(name + ".down.sql"), std::string::npos) << r.err;
    EXPECT_EQ(version(), kTestVersion);
    EXPECT_EQ(sql("SELECT to_regclass('one_way') IS NOT NULL"), "t");
}

TEST_F(MigrateTest, OlderRunnerLeavesANewerSchemaAlone) {
    // A rolling deploy or an application rollback runs the previous files
    // against a database a newer runner already migrated.
    auto newer = migrations_with(
        {{std::to_string(kTestVersion) + "_newer.up.sql", "CREATE TABLE newer_t (id int);\n"}});
    ASSERT_EQ(migrate({"up"}, newer->path()).exit_code, 0);

    harness::RunResult up = migrate({"up"});
    EXPECT_EQ(up.exit_code, 0) << up.out << up.err;
    EXPECT_NE(up.out.find("newer than the newest file"), std::string::npos) << up.out;
    EXPECT_EQ(migrate({"verify"}).exit_code, 0);
    harness::RunResult status = migrate({"status"});
    EXPECT_NE(status.out.find("newer than these files"), std::string::npos) << status.out;
    // It cannot roll back what it has no file for.
    harness::RunResult down = migrate({"down"});
    EXPECT_EQ(down.exit_code, 1) << down.out << down.err;
    EXPECT_EQ(version(), kTestVersion);
}

TEST_F(MigrateTest, BadFilesAndUsageAreRefused) {
    auto two_statements = migrations_with(
        {{std::to_string(kTestVersion) + "_two.up.sql",
          "-- scoreline:no-transaction\nCREATE TABLE a (id int);\nCREATE TABLE b (id int);\n"}});
    harness::RunResult r = migrate({"up"}, two_statements->path());
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("exactly one statement"), std::string::npos) << r.err;
    EXPECT_EQ(version(), 0);  // refused before anything ran

    auto misnamed = migrations_with({{"12_short.up.sql", "SELECT 1;\n"}});
    r = migrate({"up"}, misnamed->path());
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("12_short.up.sql"), std::string::npos) << r.err;

    EXPECT_EQ(migrate({"sideways"}).exit_code, 2);
    EXPECT_EQ(migrate({"status", "--steps", "2"}).exit_code, 2);
    EXPECT_EQ(migrate({"up", "--lock-timeout", "soon"}).exit_code, 2);
    EXPECT_EQ(
        harness::run_process({kMigrate, "status"}, {{"SCORELINE_DATABASE_URL", ""}}).exit_code, 2);
}

TEST_F(MigrateTest, FileThatEndsTheTransactionIsReported) {
    const std::string name = std::to_string(kTestVersion) + "_commits.up.sql";
    auto dir = migrations_with({{name, "CREATE TABLE half_done (id int);\nCOMMIT;\n"}});
    ASSERT_EQ(migrate({"up", "--to", std::to_string(versions_.back())}, dir->path()).exit_code, 0);

    harness::RunResult dry = migrate({"up", "--dry-run"}, dir->path());
    EXPECT_EQ(dry.exit_code, 1) << dry.out << dry.err;
    EXPECT_NE(dry.err.find(name + ": the file ended the dry run's transaction"), std::string::npos)
        << dry.err;
    EXPECT_EQ(version(), versions_.back());
    (void)sql("DROP TABLE IF EXISTS half_done");

    harness::RunResult r = migrate({"up"}, dir->path());
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(name + ": the file ended the runner's transaction"), std::string::npos)
        << r.err;
    // What ran before the COMMIT is committed, as the message says, but the
    // history does not claim the migration.
    EXPECT_EQ(sql("SELECT to_regclass('half_done') IS NOT NULL"), "t");
    EXPECT_EQ(version(), versions_.back());
}

TEST_F(MigrateTest, DeferredConstraintFailingAtCommitRollsBack) {
    const std::string name = std::to_string(kTestVersion) + "_deferred.up.sql";
    auto dir = migrations_with(
        {{name,
          "CREATE TABLE deferred_parent (id int PRIMARY KEY);\n"
          "CREATE TABLE deferred_child (\n"
          "    parent int REFERENCES deferred_parent DEFERRABLE INITIALLY DEFERRED);\n"
          "INSERT INTO deferred_child VALUES (1);\n"}});
    ASSERT_EQ(migrate({"up", "--to", std::to_string(versions_.back())}, dir->path()).exit_code, 0);
    harness::RunResult r = migrate({"up"}, dir->path());
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(name + ": COMMIT failed:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("SQLSTATE 23503"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("stays at version " + std::to_string(versions_.back())), std::string::npos)
        << r.err;
    EXPECT_EQ(sql("SELECT to_regclass('deferred_child') IS NULL"), "t");
    EXPECT_EQ(version(), versions_.back());
}

TEST_F(MigrateTest, DryRunSkipsNoTransactionFiles) {
    const std::string table = std::to_string(kTestVersion) + "_dry_t.up.sql";
    const std::string index = std::to_string(kTestVersion + 1) + "_dry_t_idx.up.sql";
    auto dir =
        migrations_with({{table, "CREATE TABLE dry_t (id int);\n"},
                         {index,
                          "-- scoreline:no-transaction\n"
                          "CREATE INDEX CONCURRENTLY IF NOT EXISTS dry_t_idx ON dry_t (id);\n"}});
    harness::RunResult r = migrate({"up", "--dry-run"}, dir->path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find(table + ": ok"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(index + ": skipped (no-transaction file"), std::string::npos) << r.out;
    EXPECT_EQ(sql("SELECT to_regclass('schema_migrations') IS NULL"), "t");
    EXPECT_EQ(sql("SELECT to_regclass('dry_t') IS NULL"), "t");
}

TEST_F(MigrateTest, ConcurrentIndexNameTakenOnAnotherTableIsAnError) {
    // IF NOT EXISTS skips when the name is taken, even by an index of another
    // table; the runner must not record an index that was never built.
    const std::string tables = std::to_string(kTestVersion) + "_clash.up.sql";
    const std::string index = std::to_string(kTestVersion + 1) + "_clash_idx.up.sql";
    auto dir =
        migrations_with({{tables,
                          "CREATE TABLE clash_a (id int);\nCREATE TABLE clash_b (id int);\n"
                          "CREATE INDEX clash_idx ON clash_a (id);\n"},
                         {index,
                          "-- scoreline:no-transaction\n"
                          "CREATE INDEX CONCURRENTLY IF NOT EXISTS clash_idx ON clash_b (id);\n"}});
    harness::RunResult r = migrate({"up"}, dir->path());
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(index + ": index clash_idx on clash_b does not exist after the statement"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(version(), kTestVersion);
    // The other table's index of that name is left alone.
    EXPECT_EQ(
        sql("SELECT indrelid::regclass FROM pg_index WHERE indexrelid = 'clash_idx'::regclass"),
        "clash_a");
}

TEST_F(MigrateTest, HistoryThatNoLongerMatchesTheFilesIsRefused) {
    const std::string v1 = std::to_string(kTestVersion);
    const std::string v2 = std::to_string(kTestVersion + 1);
    const std::string v3 = std::to_string(kTestVersion + 2);
    auto applied = migrations_with({{v1 + "_first.up.sql", "CREATE TABLE hist_first (id int);\n"},
                                    {v3 + "_third.up.sql", "CREATE TABLE hist_third (id int);\n"}});
    ASSERT_EQ(migrate({"up"}, applied->path()).exit_code, 0);
    ASSERT_EQ(version(), kTestVersion + 2);

    // A new file numbered below the applied version 9992.
    auto late = migrations_with({{v1 + "_first.up.sql", "CREATE TABLE hist_first (id int);\n"},
                                 {v2 + "_second.up.sql", "CREATE TABLE hist_second (id int);\n"},
                                 {v3 + "_third.up.sql", "CREATE TABLE hist_third (id int);\n"}});
    harness::RunResult r = migrate({"up"}, late->path());
    EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
    EXPECT_NE(r.err.find(v2 + "_second.up.sql: not applied, but the later version " + v3 +
                         " is; out-of-order migrations are refused: renumber it above " + v3),
              std::string::npos)
        << r.err;
    EXPECT_EQ(sql("SELECT to_regclass('hist_second') IS NULL"), "t");
    r = migrate({"status"}, late->path());
    EXPECT_NE(r.out.find("OUT OF ORDER (older than applied version " + v3 + ")"), std::string::npos)
        << r.out;
    EXPECT_EQ(migrate({"verify"}, late->path()).exit_code, 4);

    // An applied file renamed, and one deleted.
    auto renamed = migrations_with({{v1 + "_renamed.up.sql", "CREATE TABLE hist_first (id int);\n"},
                                    {v3 + "_third.up.sql", "CREATE TABLE hist_third (id int);\n"}});
    r = migrate({"verify"}, renamed->path());
    EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
    EXPECT_NE(r.err.find("version " + v1 +
                         " was applied as 'first' and the file is now named "
                         "'renamed'"),
              std::string::npos)
        << r.err;
    auto deleted = migrations_with({{v3 + "_third.up.sql", "CREATE TABLE hist_third (id int);\n"}});
    r = migrate({"down"}, deleted->path());
    EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
    EXPECT_NE(r.err.find(v1 + "_first is applied but " + deleted->path() +
                         " has no file for version " + v1),
              std::string::npos)
        << r.err;
    EXPECT_EQ(version(), kTestVersion + 2);
    EXPECT_EQ(sql("SELECT to_regclass('hist_third') IS NOT NULL"), "t");
}

TEST_F(MigrateTest, DownOnAnEmptyDatabaseTooManyStepsAndAFailingDownFile) {
    harness::RunResult r = migrate({"down"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("nothing to roll back: database at version 0"), std::string::npos)
        << r.out;

    // More steps than applied migrations: all of them, and it says so.
    ASSERT_EQ(migrate({"up"}).exit_code, 0);
    r = migrate({"down", "--dry-run", "--steps", "9999"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("(only " + std::to_string(versions_.size()) + " applied)"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(version(), versions_.back());

    const std::string name = std::to_string(kTestVersion) + "_bad_down";
    auto dir =
        migrations_with({{name + ".up.sql", "CREATE TABLE bad_down (id int);\n"},
                         {name + ".down.sql", "DROP TABLE bad_down;\nDROP TABLE nowhere;\n"}});
    ASSERT_EQ(migrate({"up"}, dir->path()).exit_code, 0);
    r = migrate({"down"}, dir->path());
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(name + ".down.sql: table \"nowhere\" does not exist (SQLSTATE 42P01)"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("stays at version " + std::to_string(kTestVersion)), std::string::npos)
        << r.err;
    EXPECT_EQ(sql("SELECT to_regclass('bad_down') IS NOT NULL"), "t");
    EXPECT_EQ(version(), kTestVersion);
}
}  // namespace
