// tournament::CsvWriter: RFC 4180 quoting and line ends, and the escaping of
// cells a spreadsheet would evaluate as a formula.
#include "export/csv_writer.hpp"

#include <gtest/gtest.h>

namespace {

using tournament::CsvWriter;

TEST(CsvWriter, PlainFieldsAndCrlfRecords) {
    CsvWriter csv;
    csv.add("game_id").add("home_team").end_row();
    csv.add(std::int64_t{42}).add("Rovers").end_row();
    EXPECT_EQ(csv.text(), "game_id,home_team\r\n42,Rovers\r\n");
}

TEST(CsvWriter, QuotesFieldsWithSeparatorsQuotesAndLineBreaks) {
    EXPECT_EQ(CsvWriter::field("a,b"), "\"a,b\"");
    EXPECT_EQ(CsvWriter::field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(CsvWriter::field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(CsvWriter::field("cr\rhere"), "\"cr\rhere\"");
    EXPECT_EQ(CsvWriter::field(""), "");
    EXPECT_EQ(CsvWriter::field("Straße 1"), "Straße 1");
}

TEST(CsvWriter, EscapesFormulaInjection) {
    EXPECT_EQ(CsvWriter::field("=1+1"), "'=1+1");
    EXPECT_EQ(CsvWriter::field("+33 1 23"), "'+33 1 23");
    EXPECT_EQ(CsvWriter::field("-2"), "'-2");
    EXPECT_EQ(CsvWriter::field("@SUM(A1)"), "'@SUM(A1)");
    EXPECT_EQ(CsvWriter::field("\tTab"), "'\tTab");
    EXPECT_EQ(CsvWriter::field("\r=x"), "\"'\r=x\"");
    // Escaped and quoted at once: the quote goes inside the quoted field.
    EXPECT_EQ(CsvWriter::field("=HYPERLINK(\"http://x\",\"y\")"),
              "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    // Only the first character matters; numbers written as numbers stay as they are.
    EXPECT_EQ(CsvWriter::field("a=b"), "a=b");
    CsvWriter csv;
    csv.add(std::int64_t{-3}).add_empty().add("x").end_row();
    EXPECT_EQ(csv.text(), "-3,,x\r\n");
}

TEST(CsvWriter, TakeHandsOverEachPageAndStartsAfresh) {
    CsvWriter csv;
    csv.add("id").add("name").end_row();
    EXPECT_EQ(csv.take(), "id,name\r\n");
    EXPECT_TRUE(csv.text().empty());
    csv.add(std::int64_t{1}).add("=x").end_row();
    EXPECT_EQ(csv.take(), "1,'=x\r\n");
    // A record taken in the middle ends the record: the next field starts a new one.
    csv.add("a");
    EXPECT_EQ(csv.take(), "a");
    csv.add("b").end_row();
    EXPECT_EQ(csv.take(), "b\r\n");
}

}  // namespace
