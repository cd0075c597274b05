// The XLSX files are reopened with openpyxl (scripts/xlsx-dump.py), a reader
// independent of the library that wrote them.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tables/tables.h"
#include "testing/paths.h"
#include "testing/process.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace duban::tables {
namespace {

// Debian's python3 has python3-openpyxl; a python3 first on PATH (pyenv)
// may not.
nlohmann::json Dump(const std::string& xlsx) {
  const std::string python =
      std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  const auto run = testing::Shell(python + " " + testing::SourcePath("scripts/xlsx-dump.py") +
                                      " " + xlsx,
                                  /*with_stderr=*/false);
  EXPECT_EQ(run.exit_code, 0) << "needs python3-openpyxl (scripts/install-deps.sh)";
  return nlohmann::json::parse(run.output, nullptr, false);
}

Table Sample() {
  Table t;
  t.title = "嘉峰镇经营性自建房问题整改“百日攻坚”行动集中摸排情况表";
  t.subtitle = "填报单位：嘉峰镇";
  t.sheet_name = "累计";
  t.columns = {{"a", "错漏排专项核查", "共核查房屋（栋）"},
               {"b", "错漏排专项核查", "错排房屋（栋）"},
               {"c", "安全鉴定专项抽查", "共核查（栋）"},
               {"d", "", "其他（栋）"}};
  t.rows = {{"v1", "嘉峰村", {42, 1, 9, 0}, ReportState::kOnTime},
            {"v2", "卧庄村", {{}, {}, {}, {}}, ReportState::kMissing}};
  t.total = {"", "总计(栋)", {42, 1, 9, 0}, std::nullopt};
  t.notes = {"未报：卧庄村。未报的村数字为空，不计入总计。"};
  return t;
}

TEST(XlsxWriterTest, HeaderIsMergedLikeThePrintedTableAndNumbersAreNumbers) {
  testing::TempDir dir;
  const std::string path = dir.File("t.xlsx");
  Table weekly = Sample();
  weekly.sheet_name = "本周新增";
  ASSERT_OK(WriteXlsx({Sample(), weekly}, path));
  const nlohmann::json j = Dump(path);
  ASSERT_TRUE(j.is_object()) << j;
  ASSERT_EQ(j["sheets"].size(), 2u);
  EXPECT_EQ(j["sheets"][0]["name"], "累计");
  EXPECT_EQ(j["sheets"][1]["name"], "本周新增");
  const auto& s = j["sheets"][0];
  // Title and subtitle across A:F; 行政村 down A3:A4; one group over B:C;
  // a one-column group has nothing to merge; no group: down E3:E4; status F.
  EXPECT_EQ(s["merged"], (nlohmann::json{"A1:F1", "A2:F2", "A3:A4", "A9:F9", "B3:C3", "E3:E4",
                                         "F3:F4"}));
  const auto& rows = s["rows"];
  EXPECT_EQ(rows[0][0], Sample().title);
  EXPECT_EQ(rows[2], (nlohmann::json{"行政村", "错漏排专项核查", nullptr, "安全鉴定专项抽查",
                                     "其他（栋）", "上报情况"}));
  EXPECT_EQ(rows[3], (nlohmann::json{nullptr, "共核查房屋（栋）", "错排房屋（栋）",
                                     "共核查（栋）", nullptr, nullptr}));
  EXPECT_EQ(rows[4], (nlohmann::json{"嘉峰村", 42, 1, 9, 0, "按时"}));
  EXPECT_EQ(rows[5], (nlohmann::json{"卧庄村", nullptr, nullptr, nullptr, nullptr, "未报"}));
  EXPECT_EQ(rows[6], (nlohmann::json{"总计(栋)", 42, 1, 9, 0, nullptr}));
  EXPECT_EQ(rows[8][0], "未报：卧庄村。未报的村数字为空，不计入总计。");
}

TEST(XlsxWriterTest, ToXlsxReturnsTheBytesAndLeavesNoTemporaryFile) {
  testing::TempDir dir;
  auto bytes = ToXlsx({Sample()}, dir.path().string());
  ASSERT_OK(bytes);
  EXPECT_EQ(bytes->substr(0, 2), "PK");  // a zip
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  EXPECT_FALSE(ToXlsx(std::vector<Table>{}, dir.path().string()).ok());
  EXPECT_FALSE(ToXlsx({Sample()}, dir.File("no/such/dir")).ok());
}

TEST(XlsxWriterTest, OverdueListReopens) {
  testing::TempDir dir;
  OverdueList list;
  list.title = "嘉峰镇逾期事项清单";
  list.subtitle = "截至 2024-05-27 09:00，共 1 项";
  list.rows = {{"郭南村", "隐患房屋", "JF-03-004", "整治中", "2024-05-20 23:59", 7, "督办",
                "王五 13800000003"}};
  auto bytes = ToXlsx(list, dir.path().string());
  ASSERT_OK(bytes);
  const std::string path = dir.Write("o.xlsx", *bytes);
  const nlohmann::json j = Dump(path);
  ASSERT_TRUE(j.is_object()) << j;
  const auto& s = j["sheets"][0];
  EXPECT_EQ(s["name"], "逾期事项");
  EXPECT_EQ(s["merged"], (nlohmann::json{"A1:H1", "A2:H2"}));
  EXPECT_EQ(s["rows"][2][0], "单位");
  EXPECT_EQ(s["rows"][3], (nlohmann::json{"郭南村", "隐患房屋", "JF-03-004", "整治中",
                                          "2024-05-20 23:59", 7, "督办", "王五 13800000003"}));
}

}  // namespace
}  // namespace duban::tables
