// RFC 4180 reading as Excel and WPS write CSV: quoting, line ends, blank
// lines, and recovery from a malformed row.
#include "importer/csv_reader.h"

#include <gtest/gtest.h>

namespace duban::importer {
namespace {

using Fields = std::vector<std::string>;

std::vector<int> Rows(const CsvTable& t) {
  std::vector<int> rows;
  for (const auto& r : t.records) rows.push_back(r.row);
  return rows;
}

TEST(CsvReaderTest, QuotedFieldsHoldCommasAndDoubledQuotes) {
  const CsvTable t = ReadCsv("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"\"\n");
  ASSERT_TRUE(t.errors.empty());
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_EQ(t.records[1].fields, (Fields{"x, y", "say \"hi\"", ""}));
}

TEST(CsvReaderTest, EmbeddedLineBreakKeepsOneSpreadsheetRow) {
  const CsvTable t = ReadCsv("a,b\n1,\"two\nlines\"\n2,x\n");
  ASSERT_TRUE(t.errors.empty());
  ASSERT_EQ(t.records.size(), 3u);
  EXPECT_EQ(t.records[1].fields, (Fields{"1", "two\nlines"}));
  EXPECT_EQ(Rows(t), (std::vector<int>{1, 2, 3}));
}

TEST(CsvReaderTest, AcceptsCrLfLfAndCr) {
  for (const char* text : {"a,b\r\n1,2\r\n3,4\r\n", "a,b\n1,2\n3,4\n", "a,b\r1,2\r3,4\r",
                           "a,b\r\n1,2\n3,4"}) {
    const CsvTable t = ReadCsv(text);
    ASSERT_TRUE(t.errors.empty()) << text;
    ASSERT_EQ(t.records.size(), 3u) << text;
    EXPECT_EQ(t.records[2].fields, (Fields{"3", "4"})) << text;
  }
}

TEST(CsvReaderTest, CrLfInsideQuotesIsKept) {
  const CsvTable t = ReadCsv("a\r\n\"x\r\ny\"\r\n");
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_EQ(t.records[1].fields, (Fields{"x\r\ny"}));
}

TEST(CsvReaderTest, TrailingEmptyLinesAreBlankRecords) {
  const CsvTable t = ReadCsv("a,b\n1,2\n\n\n");
  ASSERT_TRUE(t.errors.empty());
  ASSERT_EQ(t.records.size(), 4u);
  EXPECT_FALSE(t.records[1].blank());
  EXPECT_TRUE(t.records[2].blank());
  EXPECT_TRUE(t.records[3].blank());
}

TEST(CsvReaderTest, RowOfEmptyFieldsIsBlank) {
  const CsvTable t = ReadCsv("a,b\n , \n");
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_TRUE(t.records[1].blank());
}

TEST(CsvReaderTest, TrailingCommaIsAnEmptyLastField) {
  const CsvTable t = ReadCsv("a,b,\n1,2,");
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_EQ(t.records[0].fields, (Fields{"a", "b", ""}));
  EXPECT_EQ(t.records[1].fields, (Fields{"1", "2", ""}));
}

TEST(CsvReaderTest, QuoteInsideAnUnquotedFieldIsLiteral) {
  const CsvTable t = ReadCsv("a,b\n5\"3,x\n");
  ASSERT_TRUE(t.errors.empty());
  EXPECT_EQ(t.records[1].fields, (Fields{"5\"3", "x"}));
}

TEST(CsvReaderTest, UnterminatedQuoteCostsOneRow) {
  const CsvTable t = ReadCsv("a,b\n1,\"open\n2,y\n3,z\n");
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].row, 2);
  EXPECT_EQ(t.errors[0].reason,
            "引号未闭合 (unterminated quote: a field opened with \" never closes)");
  EXPECT_EQ(Rows(t), (std::vector<int>{1, 3, 4}));
  EXPECT_EQ(t.records[1].fields, (Fields{"2", "y"}));
}

TEST(CsvReaderTest, UnterminatedQuoteClosedByALaterRowsQuote) {
  // The stray quote on row 2 pairs with the opening quote of row 3; the
  // reader blames row 2 and still reads row 3.
  const CsvTable t = ReadCsv("a,b\n1,\"open\n2,\"y\"\n3,z\n");
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].row, 2);
  EXPECT_EQ(t.errors[0].reason,
            "引号未闭合 (unterminated quote: a field opened with \" never closes)");
  EXPECT_EQ(Rows(t), (std::vector<int>{1, 3, 4}));
  EXPECT_EQ(t.records[1].fields, (Fields{"2", "y"}));
}

TEST(CsvReaderTest, TextAfterClosingQuoteRejectsTheRow) {
  const CsvTable t = ReadCsv("a,b\n\"x\"y,1\n2,3\n");
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].row, 2);
  EXPECT_EQ(t.errors[0].reason,
            "结束引号后还有其他字符 (text after the closing quote of a field)");
  EXPECT_EQ(Rows(t), (std::vector<int>{1, 3}));
}

TEST(CsvReaderTest, EmptyTextHasNoRecords) {
  const CsvTable t = ReadCsv("");
  EXPECT_TRUE(t.records.empty());
  EXPECT_TRUE(t.errors.empty());
}

}  // namespace
}  // namespace duban::importer
