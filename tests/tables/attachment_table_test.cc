#include <gtest/gtest.h>

#include "base/time_format.h"
#include "tables/tables.h"
#include "testing/paths.h"
#include "workflow/workflow.h"

namespace duban::tables {
namespace {

SystemTime T(const std::string& rfc3339) { return *ParseRfc3339(rfc3339); }

std::vector<Column> Form() {
  return {{"a", "甲组", "共核查（栋）"}, {"b", "甲组", "发现（栋）"}, {"c", "乙组", "共核查（栋）"}};
}

Report Submitted(const std::string& unit, const std::string& period, const std::string& fields,
                 bool late = false) {
  Report r;
  r.unit_id = unit;
  r.period = period;
  r.due_at = T(period + "T12:00+08:00");
  r.resolved_at = T(period + (late ? "T13:30+08:00" : "T09:00+08:00"));
  r.data = "{" + fields + (late ? ",\"late\":true" : ",\"late\":false") + "}";
  return r;
}

Report Open(const std::string& unit, const std::string& period) {
  Report r;
  r.unit_id = unit;
  r.period = period;
  r.due_at = T(period + "T12:00+08:00");
  return r;
}

AttachmentInput Input() {
  AttachmentInput in;
  in.title = "嘉峰镇集中摸排情况表";
  in.unit_name = "嘉峰镇";
  in.period = "2024-04-12";
  in.since = "2024-03-25";
  in.columns = Form();
  in.villages = {{"v1", "一村"}, {"v2", "二村"}, {"v3", "三村"}, {"v4", "四村"}};
  in.reports = {
      Submitted("v1", "2024-04-05", R"("a":10,"b":1,"c":2)"),
      Submitted("v1", "2024-04-12", R"("a":14,"b":1,"c":5)"),
      Submitted("v2", "2024-04-12", R"("a":7,"b":0,"c":3)", /*late=*/true),
      Open("v3", "2024-04-12"),
      Submitted("v4", "2024-03-29", R"("a":4,"b":0,"c":1)"),
      Submitted("v4", "2024-04-12", R"("a":9,"b":2,"c":1)"),
      // Another week's report must not leak into this one.
      Submitted("v3", "2024-04-19", R"("a":99,"b":9,"c":9)"),
  };
  in.now = T("2024-04-13T00:00+08:00");
  return in;
}

TEST(AttachmentTableTest, GroupsAndColumnsComeFromTheLabels) {
  Diagnostics diags;
  auto spec = workflow::LoadCampaignFile(
      testing::SourcePath("workflows/jiafeng-2024-hundred-day.yaml"), {}, &diags);
  ASSERT_NE(spec, nullptr) << diags.ToString();
  const auto cols = ColumnsOf(*spec->FindObligation("weekly_report"));
  ASSERT_EQ(cols.size(), 8u);  // the two text fields are not columns
  EXPECT_EQ(cols[0].field, "mis_checked");
  EXPECT_EQ(cols[0].group, "错漏排专项核查");
  EXPECT_EQ(cols[0].name, "共核查房屋（栋）");
  EXPECT_EQ(cols[3].group, "“三类重点”全面复核");
  EXPECT_EQ(cols[5].name, "整改完成（栋）");
  EXPECT_EQ(cols[7].group, "安全鉴定专项抽查");
  EXPECT_EQ(cols[7].name, "发现安全鉴定不合格（栋）");
  // No '·': a column without a group.
  workflow::Obligation ob;
  workflow::FieldSpec f;
  f.name = "n";
  f.label = "总数（栋）";
  f.type = workflow::FieldType::kInt;
  ob.fields.fields.push_back(f);
  EXPECT_EQ(ColumnsOf(ob)[0].group, "");
  EXPECT_EQ(ColumnsOf(ob)[0].name, "总数（栋）");
}

TEST(AttachmentTableTest, CumulativeTotalsAreTheColumnSumsOfTheVillagesThatReported) {
  const Table t = ComputeAttachmentTable(Input());
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.rows[0].name, "一村");
  EXPECT_EQ(t.rows[0].cells, (std::vector<std::optional<int64_t>>{14, 1, 5}));
  EXPECT_EQ(t.rows[1].cells, (std::vector<std::optional<int64_t>>{7, 0, 3}));
  EXPECT_EQ(t.rows[2].cells, (std::vector<std::optional<int64_t>>{{}, {}, {}}));
  EXPECT_EQ(t.rows[3].cells, (std::vector<std::optional<int64_t>>{9, 2, 1}));
  for (size_t c = 0; c < t.columns.size(); ++c) {
    int64_t sum = 0;
    for (const auto& r : t.rows) sum += r.cells[c].value_or(0);
    EXPECT_EQ(t.total.cells[c], sum) << c;
  }
  EXPECT_EQ(t.total.name, "总计(栋)");
  EXPECT_FALSE(t.total.state.has_value());
  EXPECT_EQ(t.sheet_name, "累计");
}

TEST(AttachmentTableTest, LateAndMissingVillagesAreMarkedAndNamedInTheNotes) {
  const Table t = ComputeAttachmentTable(Input());
  EXPECT_EQ(t.rows[0].state, ReportState::kOnTime);
  EXPECT_EQ(t.rows[1].state, ReportState::kLate);
  EXPECT_EQ(t.rows[2].state, ReportState::kMissing);
  EXPECT_EQ(t.rows[3].state, ReportState::kOnTime);
  EXPECT_EQ(t.on_time, 2);
  EXPECT_EQ(t.late, 1);
  EXPECT_EQ(t.missing, 1);
  EXPECT_EQ(t.pending, 0);
  ASSERT_GE(t.notes.size(), 3u);
  EXPECT_EQ(t.notes[0], "按时上报 2 个，迟报 1 个，未报 1 个。");
  EXPECT_EQ(t.notes[1], "迟报：二村。");
  EXPECT_EQ(t.notes[2], "未报：三村。未报的村数字为空，不计入总计。");
  EXPECT_EQ(t.notes.back(), "数字为各村周报所报的累计数（自2024-03-25起）。");
  EXPECT_STREQ(ReportStateLabel(ReportState::kMissing), "未报");
}

TEST(AttachmentTableTest, ANotYetDueReportIsPendingNotMissing) {
  AttachmentInput in = Input();
  in.now = T("2024-04-12T10:00+08:00");
  const Table t = ComputeAttachmentTable(in);
  EXPECT_EQ(t.rows[2].state, ReportState::kPending);
  EXPECT_EQ(t.pending, 1);
  EXPECT_EQ(t.missing, 0);
  EXPECT_EQ(t.notes[0], "按时上报 2 个，迟报 1 个，未报 0 个，待报（未到截止时间）1 个。");
}

TEST(AttachmentTableTest, AVillageWithNoItemThatWeekIsMissing) {
  AttachmentInput in = Input();
  in.villages.push_back({"v5", "五村"});
  const Table t = ComputeAttachmentTable(in);
  EXPECT_EQ(t.rows[4].state, ReportState::kMissing);
  EXPECT_EQ(t.missing, 2);
}

TEST(AttachmentTableTest, WeeklyViewIsTheIncreaseOverEachVillagesPreviousReport) {
  AttachmentInput in = Input();
  in.view = View::kWeekly;
  const Table t = ComputeAttachmentTable(in);
  EXPECT_EQ(t.sheet_name, "本周新增");
  // 一村: 14-10, 1-1, 5-2 against 04-05.
  EXPECT_EQ(t.rows[0].cells, (std::vector<std::optional<int64_t>>{4, 0, 3}));
  // 二村 reports for the first time: everything is new.
  EXPECT_EQ(t.rows[1].cells, (std::vector<std::optional<int64_t>>{7, 0, 3}));
  EXPECT_EQ(t.rows[2].cells, (std::vector<std::optional<int64_t>>{{}, {}, {}}));
  // 四村 skipped 04-05: against its 03-29 report.
  EXPECT_EQ(t.rows[3].cells, (std::vector<std::optional<int64_t>>{5, 2, 0}));
  EXPECT_EQ(t.total.cells, (std::vector<std::optional<int64_t>>{16, 2, 6}));
  EXPECT_NE(std::find(t.notes.begin(), t.notes.end(),
                      "上周（04-05）未报的村按其上一次周报计算：二村（无）、四村（03-29）。"),
            t.notes.end())
      << ::testing::PrintToString(t.notes);
}

TEST(AttachmentTableTest, NobodyReportedLeavesTheTotalEmpty) {
  AttachmentInput in = Input();
  in.reports = {Open("v1", "2024-04-12")};
  const Table t = ComputeAttachmentTable(in);
  EXPECT_EQ(t.total.cells, (std::vector<std::optional<int64_t>>{{}, {}, {}}));
  EXPECT_EQ(t.missing, 4);
}

}  // namespace
}  // namespace duban::tables

namespace duban::tables {
namespace {

TEST(ReportStateTest, TheStoredLateFlagDecidesOverTheTimes) {
  Report r;
  r.due_at = *ParseRfc3339("2024-04-12T12:00+08:00");
  const SystemTime before = *ParseRfc3339("2024-04-12T11:00+08:00");
  const SystemTime after = *ParseRfc3339("2024-04-12T13:00+08:00");
  EXPECT_EQ(ReportStateOf(r, before), ReportState::kPending);
  EXPECT_EQ(ReportStateOf(r, after), ReportState::kMissing);
  r.resolved_at = *r.due_at;  // at the instant: late unless due_inclusive
  EXPECT_EQ(ReportStateOf(r, after), ReportState::kLate);
  r.data = R"({"late":false})";  // Submit knew the obligation is due_inclusive
  EXPECT_EQ(ReportStateOf(r, after), ReportState::kOnTime);
  r.resolved_at = before;
  r.data = "{}";
  EXPECT_EQ(ReportStateOf(r, after), ReportState::kOnTime);
}

TEST(StepLabelTest, NamesTheLadderAndTheStepsLevel) {
  Diagnostics diags;
  auto spec = workflow::LoadCampaignFile(
      testing::SourcePath("workflows/jiafeng-2024-hundred-day.yaml"), {}, &diags);
  ASSERT_NE(spec, nullptr) << diags.ToString();
  EXPECT_EQ(StepLabel(*spec, "l/weekly_report/two_weeks_circular/e0/r0"), "周报催报 · 通报");
  EXPECT_EQ(StepLabel(*spec, "l/weekly_report/thursday_reminder/e0/r0"), "周报催报 · 提醒");
  EXPECT_EQ(StepLabel(*spec, "l/weekly_report/gone/e0/r0"), "gone");
  EXPECT_EQ(StepLabel(*spec, "m/weekly_report/2024-04-12"), "m/weekly_report/2024-04-12");
}

}  // namespace
}  // namespace duban::tables
