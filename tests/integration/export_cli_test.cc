// `duban export table` and `duban export overdue` on the demo town: three
// weeks of the demo's own reports (03-25 … 04-12, 卧庄村's 04-12 report left
// out) through `duban simulate`'s code path, then the real binary writes the
// files and they are read back: CSV as text, XLSX through openpyxl.
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/simulate.h"
#include "base/time_format.h"
#include "demo_town.h"
#include "testing/paths.h"
#include "testing/process.h"
#include "testing/status_matchers.h"

namespace duban::app {
namespace {

constexpr const char* kFields[] = {"mis_checked", "mis_surveyed",  "missed",
                                   "key_checked", "key_hazards",   "key_rectified",
                                   "appraisal_checked", "appraisal_noncompliant"};
// The demo's villages in their statistical-code order (config/demo/units.csv).
constexpr const char* kVillages[][2] = {
    {"jf-jiafeng", "嘉峰村"}, {"jf-lizhuang", "李庄村"}, {"jf-guonan", "郭南村"},
    {"jf-yinzhuang", "殷庄村"}, {"jf-qinzhuang", "秦庄村"}, {"jf-wuan", "武安村"},
    {"jf-mozhang", "磨掌村"}, {"jf-wozhuang", "卧庄村"}};

SystemTime T(const std::string& rfc3339) { return *ParseRfc3339(rfc3339); }

class ExportCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    town_ = new testing::DemoTown();
    // The demo's events up to 04-12, without 卧庄村's report for that week;
    // the figures each village submitted, by (unit, period).
    std::istringstream in(
        testing::ReadFileOrDie(testing::SourcePath("config/demo/events-2024.jsonl")));
    std::string line, events;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      const auto e = nlohmann::json::parse(line);
      if (e["at"].get<std::string>() >= "2024-04-13") continue;
      if (e["type"] == "submit" && e["obligation"] == "weekly_report") {
        if (e["unit"] == "jf-wozhuang" && e["period"] == "2024-04-12") continue;
        figures_[{e["unit"].get<std::string>(), e["period"].get<std::string>()}] = e["fields"];
      }
      events += line + "\n";
    }
    spdlog::logger log("null", std::make_shared<spdlog::sinks::null_sink_mt>());
    SimulationOptions opts;
    opts.from = T("2024-03-25T00:00+08:00");
    opts.to = T("2024-04-13T00:00+08:00");
    opts.database_copy = town_->File("sim.db");
    opts.events_file = town_->Write("events.jsonl", events);
    auto r = Simulate(town_->config(), opts, log);
    ASSERT_OK(r);
    // The CLI reads the simulated database.
    std::string cfg = testing::ReadFileOrDie(town_->File("duban.yaml"));
    cfg.replace(cfg.find(town_->database()), town_->database().size(), town_->File("sim.db"));
    config_ = town_->Write("export.yaml", cfg);
  }
  static void TearDownTestSuite() { delete town_; }

  static testing::ShellRun Export(const std::string& args) {
    return testing::Duban("export " + args + " --config " + config_ +
                          " --campaign jiafeng-2024-hundred-day");
  }
  static int64_t Figure(const std::string& unit, const std::string& period, int field) {
    return figures_.at({unit, period})[kFields[field]].get<int64_t>();
  }

  static testing::DemoTown* town_;
  static std::string config_;
  static std::map<std::pair<std::string, std::string>, nlohmann::json> figures_;
};

testing::DemoTown* ExportCliTest::town_ = nullptr;
std::string ExportCliTest::config_;
std::map<std::pair<std::string, std::string>, nlohmann::json> ExportCliTest::figures_;

TEST_F(ExportCliTest, CsvTableHasEveryVillageTheirFiguresAndTheTotals) {
  const std::string out = town_->File("week.csv");
  auto r = Export("table --week 2024-04-12 --unit jiafeng --format csv -o " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("wrote 8 villages + 总计 to " + out + "（按时 6，迟报 1，未报 1）"),
            std::string::npos)
      << r.output;
  const std::string csv = testing::ReadFileOrDie(out);
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  std::istringstream lines(csv.substr(3));
  std::vector<std::string> rows;
  for (std::string l; std::getline(lines, l);) rows.push_back(l.substr(0, l.size() - 1));  // CR
  ASSERT_GE(rows.size(), 11u) << csv;
  EXPECT_EQ(rows[0], "行政村,错漏排专项核查,,,“三类重点”全面复核,,,安全鉴定专项抽查,,上报情况");
  EXPECT_EQ(rows[1], ",共核查房屋（栋）,错排房屋（栋）,漏排房屋（栋）,共核查房屋（栋）,"
                     "发现隐患房屋（栋）,整改完成（栋）,共核查（栋）,发现安全鉴定不合格（栋）,");
  std::vector<int64_t> total(8, 0);
  for (size_t v = 0; v < 8; ++v) {
    const std::string unit = kVillages[v][0];
    std::string want = kVillages[v][1];
    if (unit == "jf-wozhuang") {
      want += ",,,,,,,,,未报";
    } else {
      for (int f = 0; f < 8; ++f) {
        want += "," + std::to_string(Figure(unit, "2024-04-12", f));
        total[static_cast<size_t>(f)] += Figure(unit, "2024-04-12", f);
      }
      want += unit == "jf-mozhang" ? ",迟报" : ",按时";
    }
    EXPECT_EQ(rows[2 + v], want);
  }
  std::string want_total = "总计(栋)";
  for (int64_t t : total) want_total += "," + std::to_string(t);
  EXPECT_EQ(rows[10], want_total + ",");
  EXPECT_NE(csv.find("未报：卧庄村。未报的村数字为空，不计入总计。"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(out + ".tmp"));
}

TEST_F(ExportCliTest, XlsxHasBothViewsWithMergedHeadersAndNumbers) {
  const std::string out = town_->File("week.xlsx");
  auto r = Export("table --week 2024-04-12 --unit jiafeng --view both -o " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string python =
      std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  auto dump = testing::Shell(python + " " + testing::SourcePath("scripts/xlsx-dump.py") + " " +
                                 out, false);
  ASSERT_EQ(dump.exit_code, 0) << "needs python3-openpyxl";
  const auto j = nlohmann::json::parse(dump.output);
  ASSERT_EQ(j["sheets"].size(), 2u);
  for (int sheet = 0; sheet < 2; ++sheet) {
    const auto& s = j["sheets"][sheet];
    EXPECT_EQ(s["name"], sheet == 0 ? "累计" : "本周新增");
    const auto& merged = s["merged"];
    for (const char* range : {"A1:J1", "A3:A4", "B3:D3", "E3:G3", "H3:I3", "J3:J4"}) {
      EXPECT_NE(std::find(merged.begin(), merged.end(), range), merged.end()) << range;
    }
    const auto& rows = s["rows"];
    EXPECT_EQ(rows[0][0], "嘉峰镇经营性自建房问题整改“百日攻坚”行动集中摸排情况表");
    EXPECT_EQ(rows[2][1], "错漏排专项核查");
    EXPECT_EQ(rows[2][4], "“三类重点”全面复核");
    EXPECT_EQ(rows[3][8], "发现安全鉴定不合格（栋）");
    std::vector<int64_t> total(8, 0);
    for (size_t v = 0; v < 8; ++v) {
      const auto& row = rows[4 + v];
      const std::string unit = kVillages[v][0];
      EXPECT_EQ(row[0], kVillages[v][1]);
      for (int f = 0; f < 8; ++f) {
        if (unit == "jf-wozhuang") {
          EXPECT_TRUE(row[static_cast<size_t>(f + 1)].is_null());
          continue;
        }
        int64_t want = Figure(unit, "2024-04-12", f);
        if (sheet == 1) want -= Figure(unit, "2024-04-05", f);
        EXPECT_EQ(row[static_cast<size_t>(f + 1)], want) << unit << " " << kFields[f];
        total[static_cast<size_t>(f)] += want;
      }
    }
    EXPECT_EQ(rows[12][0], "总计(栋)");
    for (size_t f = 0; f < 8; ++f) EXPECT_EQ(rows[12][f + 1], total[f]) << kFields[f];
  }
}

TEST_F(ExportCliTest, BadArgumentsAreNamedAndAnExistingFileIsKept) {
  const std::string out = town_->Write("keep.csv", "old");
  auto r = Export("table --week 04-12 -o " + out);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--week"), std::string::npos) << r.output;
  r = Export("table --week 2024-04-12 --format pdf -o " + out);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--format"), std::string::npos) << r.output;
  r = Export("table --week 2024-04-12 --unit nowhere -o " + out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("--unit"), std::string::npos) << r.output;
  r = Export("table --week 2024-04-11 -o " + out);  // a Thursday: no report due
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("2024-04-11"), std::string::npos) << r.output;
  r = Export("table --view both -o " + out);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(testing::ReadFileOrDie(out), "old");
  EXPECT_FALSE(std::filesystem::exists(out + ".tmp"));
  r = testing::Duban("export table --config " + config_ + " --campaign nope -o " + out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("--campaign"), std::string::npos) << r.output;
}

TEST_F(ExportCliTest, OverdueListNamesTheOpenItemsPastDue) {
  // The real clock is long past the simulated April: every open report is
  // overdue, among them 卧庄村's for 04-12.
  const std::string out = town_->File("overdue.csv");
  auto r = Export("overdue --unit jiafeng -o " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("overdue items to " + out), std::string::npos) << r.output;
  const std::string csv = testing::ReadFileOrDie(out);
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBF单位,事项类型,编号,当前环节,应完成时间,逾期天数,督办进度,责任人\r\n", 0),
            0u)
      << csv;
  const size_t at = csv.find("卧庄村,百日攻坚工作周报,2024-04-12,未报,2024-04-12 12:00,");
  ASSERT_NE(at, std::string::npos) << csv;
  // Its ladder reached the head's notice at 14:00 (a reminder-level step).
  const std::string line = csv.substr(at, csv.find("\r\n", at) - at);
  EXPECT_NE(line.find(",周报催报 · 提醒,"), std::string::npos) << line;
  const std::string xlsx = town_->File("overdue.xlsx");
  r = Export("overdue --unit jiafeng --format xlsx -o " + xlsx);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(testing::ReadFileOrDie(xlsx).substr(0, 2), "PK");
}

}  // namespace
}  // namespace duban::app
