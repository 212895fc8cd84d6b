// scoreline-migrate's migrations directory (migration_set.hpp): which file
// names load, what a badly named, duplicated or orphaned file does, the
// no-transaction header rules, line-ending normalization and checksums.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "migration_set.hpp"

namespace {

namespace fs = std::filesystem;
using migrate::LoadError;
using migrate::MigrationSet;

// A fresh directory under the temp dir, removed again by the destructor.
class MigrationDir {
  public:
    MigrationDir() {
        static int counter = 0;
        path_ = fs::temp_directory_path() / ("scoreline-migset-" + std::to_string(::getpid()) +
                                             "-" + std::to_string(++counter));
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~MigrationDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    MigrationDir(const MigrationDir&) = delete;
    MigrationDir& operator=(const MigrationDir&) = delete;

    void write(const std::string& name, const std::string& text) const {
        std::ofstream(path_ / name, std::ios::binary) << text;
    }
    [[nodiscard]] std::string str() const { return path_.string(); }

  private:
    fs::path path_;
};

// The LoadError message of loading `dir`, or "" when it loads.
std::string load_error(const MigrationDir& dir) {
    try {
        (void)MigrationSet::load(dir.str());
    } catch (const LoadError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, std::string_view part) {
    return s.find(part) != std::string::npos;
}

TEST(MigrateMigrationSet, LabelsAndLineEndings) {
    EXPECT_EQ(migrate::migration_label(3, "games_index"), "0003_games_index");
    EXPECT_EQ(migrate::migration_label(1234, "x"), "1234_x");
    EXPECT_EQ(migrate::migration_label(12345, "x"), "12345_x");
    EXPECT_EQ(migrate::normalize_line_endings("a\r\nb\rc\r\n\r"), "a\nb\rc\n\r");
    EXPECT_EQ(migrate::normalize_line_endings(""), "");
}

TEST(MigrateMigrationSet, Sha256KnownVectors) {
    EXPECT_EQ(migrate::sha256_hex(""),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(migrate::sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(MigrateMigrationSet, LoadsUpAndDownFilesInVersionOrder) {
    MigrationDir d;
    d.write("0010_late.up.sql", "SELECT 10;\n");
    d.write("0002_teams.up.sql", "CREATE TABLE t (x int);\r\n");
    d.write("0002_teams.down.sql", "DROP TABLE t;\n");
    d.write("0001_init.up.sql", "SELECT 1;\n");
    d.write("README.md", "not a migration");
    d.write("CMakeLists.txt", "");
    fs::create_directories(d.str() + "/runner.sql");  // a directory, ignored

    const MigrationSet set = MigrationSet::load(d.str());
    ASSERT_EQ(set.all().size(), 3u);  // a gap (3..9) is allowed
    EXPECT_EQ(set.dir(), d.str());
    EXPECT_EQ(set.all()[0].label(), "0001_init");
    EXPECT_EQ(set.all()[1].label(), "0002_teams");
    EXPECT_EQ(set.all()[2].label(), "0010_late");
    EXPECT_FALSE(set.all()[0].down);
    ASSERT_TRUE(set.all()[1].down);
    EXPECT_EQ(set.all()[1].down->file_name, "0002_teams.down.sql");
    EXPECT_EQ(set.all()[1].down->text, "DROP TABLE t;\n");

    // CRLF is normalized before hashing: the checksum is that of the LF text.
    EXPECT_EQ(set.all()[1].up.text, "CREATE TABLE t (x int);\n");
    EXPECT_EQ(set.all()[1].checksum, migrate::sha256_hex("CREATE TABLE t (x int);\n"));
    EXPECT_FALSE(set.all()[1].up.no_transaction);

    ASSERT_NE(set.find(10), nullptr);
    EXPECT_EQ(set.find(10)->name, "late");
    EXPECT_EQ(set.find(3), nullptr);
}

TEST(MigrateMigrationSet, ChecksumChangesWithTheFileButNotWithLineEndings) {
    MigrationDir a, b, c;
    a.write("0001_x.up.sql", "SELECT 1;\nSELECT 2;\n");
    b.write("0001_x.up.sql", "SELECT 1;\r\nSELECT 2;\r\n");
    c.write("0001_x.up.sql", "SELECT 1;\nSELECT 3;\n");
    const std::string sum = MigrationSet::load(a.str()).all()[0].checksum;
    EXPECT_EQ(sum.size(), 64u);
    EXPECT_EQ(MigrationSet::load(b.str()).all()[0].checksum, sum);
    EXPECT_NE(MigrationSet::load(c.str()).all()[0].checksum, sum);
}

TEST(MigrateMigrationSet, MissingOrEmptyDirectory) {
    EXPECT_THROW((void)MigrationSet::load("/nonexistent/scoreline/migrations"), LoadError);
    MigrationDir d;
    d.write("0001_x.up.sql", "SELECT 1;");
    EXPECT_THROW((void)MigrationSet::load(d.str() + "/0001_x.up.sql"), LoadError);  // a file
    MigrationDir empty;
    empty.write("notes.txt", "");
    EXPECT_TRUE(contains(load_error(empty), "no migrations"));
}

TEST(MigrateMigrationSet, BadlyNamedSqlFilesAreErrors) {
    for (const char* name :
         {"1_init.up.sql", "001_init.up.sql", "0000_init.up.sql", "0001_Init.up.sql",
          "0001-init.up.sql", "0001_.up.sql", "abcd_init.up.sql", "0001_init.sql",
          "0001_init.UP.sql", "-001_init.up.sql", "0001_in-it.down.sql", "0001_init.upsql.sql"}) {
        MigrationDir d;
        d.write("0002_ok.up.sql", "SELECT 1;");
        d.write(name, "SELECT 1;");
        const std::string error = load_error(d);
        EXPECT_TRUE(contains(error, name)) << name << ": " << error;
        EXPECT_TRUE(contains(error, "not a migration name")) << name << ": " << error;
    }
}

TEST(MigrateMigrationSet, DuplicateVersions) {
    MigrationDir d;
    d.write("0001_a.up.sql", "SELECT 1;");
    d.write("0001_b.up.sql", "SELECT 2;");
    const std::string error = load_error(d);
    EXPECT_TRUE(contains(error, "0001_b.up.sql: version 1 is taken by 0001_a.up.sql")) << error;

    MigrationDir downs;
    downs.write("0001_a.up.sql", "SELECT 1;");
    downs.write("0001_a.down.sql", "SELECT 1;");
    downs.write("0001_b.down.sql", "SELECT 2;");
    EXPECT_TRUE(contains(load_error(downs), "already has a down file, 0001_a.down.sql"))
        << load_error(downs);
}

TEST(MigrateMigrationSet, DownFileNeedsItsUpFile) {
    MigrationDir orphan;
    orphan.write("0001_a.up.sql", "SELECT 1;");
    orphan.write("0002_b.down.sql", "SELECT 1;");
    EXPECT_TRUE(contains(load_error(orphan), "0002_b.down.sql: no matching up file"));

    MigrationDir renamed;  // same version, other name
    renamed.write("0001_a.up.sql", "SELECT 1;");
    renamed.write("0001_b.down.sql", "SELECT 1;");
    EXPECT_TRUE(contains(load_error(renamed), "0001_b.down.sql: no matching up file"));
}

TEST(MigrateMigrationSet, NoTransactionHeader) {
    MigrationDir d;
    d.write("0001_a.up.sql",
            "-- scoreline:no-transaction  \r\n"
            "-- builds the index without blocking writes; a ; in a comment\r\n"
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS games_idx ON games (id);\r\n");
    d.write("0002_b.up.sql", "-- scoreline:no-transaction\nVACUUM games;\n");
    const MigrationSet set = MigrationSet::load(d.str());
    const auto& a = set.all()[0].up;
    EXPECT_TRUE(a.no_transaction);
    ASSERT_TRUE(a.index);
    EXPECT_EQ(a.index->index_name, "games_idx");
    EXPECT_EQ(a.index->table, "games");
    EXPECT_TRUE(set.all()[1].up.no_transaction);
    EXPECT_FALSE(set.all()[1].up.index);
}

TEST(MigrateMigrationSet, NoTransactionFileHoldsExactlyOneStatement) {
    MigrationDir two;
    two.write("0001_a.up.sql", "-- scoreline:no-transaction\nVACUUM a;\nVACUUM b;\n");
    EXPECT_TRUE(contains(load_error(two), "exactly one statement, this one holds 2"))
        << load_error(two);

    MigrationDir none;
    none.write("0001_a.up.sql", "-- scoreline:no-transaction\n-- nothing here\n");
    EXPECT_TRUE(contains(load_error(none), "this one holds 0")) << load_error(none);

    MigrationDir quoted;  // the semicolons are inside a function body
    quoted.write("0001_a.up.sql",
                 "-- scoreline:no-transaction\nDO $$ BEGIN PERFORM 1; PERFORM 2; END $$;\n");
    EXPECT_EQ(load_error(quoted), "");
}

TEST(MigrateMigrationSet, ConcurrentIndexMustBeNamed) {
    MigrationDir d;
    d.write("0001_a.up.sql", "-- scoreline:no-transaction\nCREATE INDEX CONCURRENTLY ON t (x);\n");
    EXPECT_TRUE(contains(load_error(d), "must name its index")) << load_error(d);
}

TEST(MigrateMigrationSet, UnknownOrMisplacedDirectives) {
    MigrationDir unknown;
    unknown.write("0001_a.up.sql", "-- scoreline:no-transactions\nVACUUM a;\n");
    const std::string e1 = load_error(unknown);
    EXPECT_TRUE(contains(e1, "0001_a.up.sql:1: unknown or misplaced")) << e1;

    MigrationDir late;  // the header below the first line would be silently ignored
    late.write("0001_a.up.sql", "VACUUM a;\n-- scoreline:no-transaction\n");
    EXPECT_TRUE(contains(load_error(late), "0001_a.up.sql:2: unknown or misplaced"))
        << load_error(late);

    MigrationDir down;  // directives are checked in down files too
    down.write("0001_a.up.sql", "SELECT 1;");
    down.write("0001_a.down.sql", "SELECT 1;\n\n-- scoreline:oops\n");
    EXPECT_TRUE(contains(load_error(down), "0001_a.down.sql:3:")) << load_error(down);

    MigrationDir other;  // an ordinary comment mentioning scoreline is fine
    other.write("0001_a.up.sql", "-- scoreline tables\nSELECT 1;\n");
    EXPECT_EQ(load_error(other), "");
}

}  // namespace
