#include <gtest/gtest.h>

#include "tables/tables.h"

namespace duban::tables {
namespace {

Table Sample() {
  Table t;
  t.title = "集中摸排情况表";
  t.columns = {{"a", "甲组", "共核查（栋）"}, {"b", "甲组", "发现（栋）"}, {"c", "乙组", "共核查（栋）"}};
  t.rows = {{"v1", "一村", {14, 1, 5}, ReportState::kOnTime},
            {"v2", "二村", {{}, {}, {}}, ReportState::kMissing},
            {"v3", "三村", {-2, 0, 1}, ReportState::kLate}};
  t.total = {"", "总计(栋)", {12, 1, 6}, std::nullopt};
  t.notes = {"未报：二村。"};
  return t;
}

TEST(CsvWriterTest, StartsWithABomAndHasTwoHeaderLines) {
  const std::string csv = ToCsv(Sample());
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(csv.substr(3),
            "行政村,甲组,,乙组,上报情况\r\n"
            ",共核查（栋）,发现（栋）,共核查（栋）,\r\n"
            "一村,14,1,5,按时\r\n"
            "二村,,,,未报\r\n"
            // A negative number is a number, not text to defuse.
            "三村,-2,0,1,迟报\r\n"
            "总计(栋),12,1,6,\r\n"
            "\r\n"
            "未报：二村。\r\n");
}

TEST(CsvWriterTest, QuotesCommasQuotesAndLineBreaks) {
  Table t = Sample();
  t.rows[0].name = "一村,东";
  t.rows[1].name = "二\"村\"";
  t.rows[2].name = "三\n村";
  const std::string csv = ToCsv(t);
  EXPECT_NE(csv.find("\r\n\"一村,东\",14,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\n\"二\"\"村\"\"\",,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\n\"三\n村\",-2,"), std::string::npos) << csv;
}

TEST(CsvWriterTest, TextThatASpreadsheetWouldRunAsAFormulaIsDefused) {
  Table t = Sample();
  t.rows[0].name = "=HYPERLINK(\"http://x\",\"点我\")";
  t.rows[1].name = "+1";
  t.rows[2].name = "-2+3";
  t.notes = {"@SUM(A1)", "\tTAB"};
  const std::string csv = ToCsv(t);
  EXPECT_NE(csv.find("\r\n\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",14,"), std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\r\n'+1,,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\n'-2+3,-2,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\n'@SUM(A1)\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\n'\tTAB\r\n"), std::string::npos) << csv;
}

TEST(CsvWriterTest, OverdueListHasOneLinePerItem) {
  OverdueList list;
  list.rows = {{"郭南村", "隐患房屋", "JF-03-004", "整治中", "2024-05-20 23:59", 7, "督办",
                "王五 13800000003"},
               {"=cmd", "移送问题", "T-1", "已移送", "2024-04-18 00:00", 0, "", ""}};
  const std::string csv = ToCsv(list);
  EXPECT_EQ(csv,
            "\xEF\xBB\xBF"
            "单位,事项类型,编号,当前环节,应完成时间,逾期天数,督办进度,责任人\r\n"
            "郭南村,隐患房屋,JF-03-004,整治中,2024-05-20 23:59,7,督办,王五 13800000003\r\n"
            "'=cmd,移送问题,T-1,已移送,2024-04-18 00:00,0,,\r\n");
}

}  // namespace
}  // namespace duban::tables
