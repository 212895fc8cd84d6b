// scoreline-migrate's SQL tokenizer (sql_text.hpp): statement counting across
// quotes, dollar quoting and comments; recognizing CREATE INDEX CONCURRENTLY;
// mapping the server's error position to line:column.
#include <gtest/gtest.h>

#include "sql_text.hpp"

namespace {

using migrate::count_statements;
using migrate::inspect_concurrent_index;
using migrate::line_column;
using migrate::SqlToken;
using migrate::tokenize_sql;

TEST(MigrateSqlText, CountsTopLevelStatements) {
    EXPECT_EQ(count_statements("SELECT 1; SELECT 2;"), 2);
    EXPECT_EQ(count_statements("SELECT 1; SELECT 2"), 2);
    EXPECT_EQ(count_statements(""), 0);
    EXPECT_EQ(count_statements(" ;; \n ;"), 0);
    EXPECT_EQ(count_statements("-- only a comment; really\n/* and; this */"), 0);
}

TEST(MigrateSqlText, SemicolonsInsideStringsAndIdentifiersDoNotSplit) {
    EXPECT_EQ(count_statements("SELECT 'a;b';"), 1);
    EXPECT_EQ(count_statements("SELECT 'it''s; fine';"), 1);
    // Standard strings: a backslash is an ordinary character.
    EXPECT_EQ(count_statements("SELECT 'a\\'; SELECT 2;"), 2);
    // E'' strings: \' escapes the quote.
    EXPECT_EQ(count_statements("SELECT E'a\\';b'; SELECT 2;"), 2);
    EXPECT_EQ(count_statements("SELECT e'\\\\'; SELECT 2;"), 2);
    EXPECT_EQ(count_statements("SELECT 1 AS \"x;y\"; SELECT 2"), 2);
}

TEST(MigrateSqlText, DollarQuotedBodiesAreOneLiteral) {
    EXPECT_EQ(count_statements("DO $$ BEGIN PERFORM 1; PERFORM 2; END $$;"), 1);
    const char* fn =
        "CREATE FUNCTION f() RETURNS int AS $fn$\n"
        "  SELECT $$;$$::text; -- inner $$ does not close $fn$\n"
        "  SELECT 1;\n"
        "$fn$ LANGUAGE sql;\n"
        "SELECT f();";
    EXPECT_EQ(count_statements(fn), 2);
    // A tag differing only in name does not close the body.
    EXPECT_EQ(count_statements("SELECT $a$ x; $b$ y; $a$; SELECT 2"), 2);
    // $1 is a parameter and a$b a word, not quote openers.
    EXPECT_EQ(count_statements("PREPARE p AS SELECT $1; SELECT a$b;"), 2);
    const auto t = tokenize_sql("$q$ 'x' $q$");
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].kind, SqlToken::Kind::kLiteral);
    EXPECT_EQ(t[0].text, "$q$ 'x' $q$");
}

TEST(MigrateSqlText, CommentsNestAndLineCommentsEndAtNewline) {
    EXPECT_EQ(count_statements("/* a /* b; */ still; comment */ SELECT 1;"), 1);
    EXPECT_EQ(count_statements("SELECT 1 -- ; not a split\n; SELECT 2"), 2);
    EXPECT_EQ(count_statements("SELECT 1; -- trailing; comment"), 1);
    const auto t = tokenize_sql("SELECT/**/1--x");
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].text, "select");
    EXPECT_EQ(t[1].text, "1");
}

TEST(MigrateSqlText, UnterminatedQuotesRunToTheEnd) {
    EXPECT_EQ(count_statements("SELECT 'abc; SELECT 2;"), 1);
    EXPECT_EQ(count_statements("SELECT $$ abc; SELECT 2;"), 1);
    EXPECT_EQ(count_statements("SELECT \"abc; SELECT 2;"), 1);
    EXPECT_EQ(count_statements("SELECT /* abc; SELECT 2;"), 1);
    EXPECT_EQ(count_statements("SELECT E'abc\\"), 1);
}

TEST(MigrateSqlText, TokenKindsAndFolding) {
    const auto t = tokenize_sql("CREATE TABLE \"My\"\"Tbl\" (Id int); x.y");
    ASSERT_EQ(t.size(), 11u);
    EXPECT_EQ(t[0].kind, SqlToken::Kind::kWord);
    EXPECT_EQ(t[0].text, "create");
    EXPECT_EQ(t[2].kind, SqlToken::Kind::kQuotedIdent);
    EXPECT_EQ(t[2].text, "My\"Tbl");
    EXPECT_EQ(t[3].kind, SqlToken::Kind::kOther);
    EXPECT_EQ(t[3].text, "(");
    EXPECT_EQ(t[4].text, "id");
    EXPECT_EQ(t[7].kind, SqlToken::Kind::kSemicolon);
    EXPECT_EQ(t[9].text, ".");
}

TEST(MigrateSqlText, RecognizesNamedConcurrentIndex) {
    const auto c = inspect_concurrent_index(
        "-- scoreline:no-transaction\n"
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS Games_Idx ON ONLY public.\"Games\" (id);");
    EXPECT_TRUE(c.is_create_index_concurrently);
    ASSERT_TRUE(c.target);
    EXPECT_EQ(c.target->index_name, "games_idx");
    EXPECT_EQ(c.target->table, "public.\"Games\"");

    const auto q = inspect_concurrent_index("create index concurrently \"Ix\" on \"a\"\"b\" (x)");
    ASSERT_TRUE(q.target);
    EXPECT_EQ(q.target->index_name, "Ix");
    EXPECT_EQ(q.target->table, "\"a\"\"b\"");
}

TEST(MigrateSqlText, ConcurrentIndexWithoutNameHasNoTarget) {
    for (const char* sql :
         {"CREATE INDEX CONCURRENTLY ON t (x)", "CREATE INDEX CONCURRENTLY IF NOT EXISTS ON t (x)",
          "CREATE INDEX CONCURRENTLY ix USING btree (x)", "CREATE INDEX CONCURRENTLY ix ON (x)",
          "CREATE INDEX CONCURRENTLY"}) {
        const auto c = inspect_concurrent_index(sql);
        EXPECT_TRUE(c.is_create_index_concurrently) << sql;
        EXPECT_FALSE(c.target) << sql;
    }
}

TEST(MigrateSqlText, OtherStatementsAreNotConcurrentIndexes) {
    for (const char* sql : {"CREATE INDEX ix ON t (x)", "CREATE UNIQUE INDEX ix ON t (x)",
                            "CREATE TABLE concurrently (x int)", "VACUUM t", "",
                            "SELECT 'CREATE INDEX CONCURRENTLY ix ON t'"}) {
        const auto c = inspect_concurrent_index(sql);
        EXPECT_FALSE(c.is_create_index_concurrently) << sql;
        EXPECT_FALSE(c.target) << sql;
    }
}

TEST(MigrateSqlText, LineColumnFromCharacterPosition) {
    const std::string_view text = "ab\ncd\n";
    EXPECT_EQ(line_column(text, 1).line, 1);
    EXPECT_EQ(line_column(text, 1).column, 1);
    EXPECT_EQ(line_column(text, 3).column, 3);  // the newline itself
    EXPECT_EQ(line_column(text, 4).line, 2);
    EXPECT_EQ(line_column(text, 4).column, 1);
    EXPECT_EQ(line_column(text, 5).column, 2);
    EXPECT_EQ(line_column(text, 0).line, 0);
    EXPECT_EQ(line_column(text, -3).line, 0);
    EXPECT_EQ(line_column(text, 7).line, 0);  // past the end
    EXPECT_EQ(line_column("", 1).line, 0);
}

TEST(MigrateSqlText, LineColumnCountsUtf8Characters) {
    // "é" is two bytes but one character, as the server counts.
    const std::string_view text = "\xC3\xA9x\n\xE2\x82\xAC y";
    EXPECT_EQ(line_column(text, 2).line, 1);
    EXPECT_EQ(line_column(text, 2).column, 2);
    EXPECT_EQ(line_column(text, 4).line, 2);
    EXPECT_EQ(line_column(text, 4).column, 1);
    EXPECT_EQ(line_column(text, 6).column, 3);
    EXPECT_EQ(line_column(text, 7).line, 0);
}

}  // namespace
