#include <gtest/gtest.h>

#include "base/time_format.h"
#include "engine/directory.h"
#include "store/store.h"
#include "tables/tables.h"
#include "testing/paths.h"
#include "testing/status_matchers.h"
#include "workflow/workflow.h"

namespace duban::tables {
namespace {

SystemTime T(const std::string& rfc3339) { return *ParseRfc3339(rfc3339); }

constexpr const char* kCampaign = "jiafeng-2024-hundred-day";

class GatherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Diagnostics diags;
    spec_ = workflow::LoadCampaignFile(
        testing::SourcePath("workflows/jiafeng-2024-hundred-day.yaml"), {}, &diags);
    ASSERT_NE(spec_, nullptr) << diags.ToString();
    auto s = store::OpenSqlite({":memory:"}, T("2024-03-01T00:00Z"));
    ASSERT_OK(s);
    store_ = std::move(*s);
    using model::Level;
    // Ids out of the statistical codes' order: the table follows the codes.
    std::vector<model::Unit> units = {
        {"qinshui", "沁水县", Level::kCounty, "", "140521", {}},
        {"jiafeng", "嘉峰镇", Level::kTown, "qinshui", "140521104", {}},
        {"jf-b", "李庄村", Level::kVillage, "jiafeng", "140521104202", {}},
        {"jf-a", "嘉峰村", Level::kVillage, "jiafeng", "140521104201", {}},
        {"jf-c", "卧庄村", Level::kVillage, "jiafeng", "140521104208", {}},
        {"jf-market", "嘉峰市场监管所", Level::kDepartment, "jiafeng", "", Level::kTown},
        {"zhengzhuang", "郑庄镇", Level::kTown, "qinshui", "140521105", {}},
        {"zz-a", "郑庄村", Level::kVillage, "zhengzhuang", "140521105201", {}},
    };
    ASSERT_OK(store_->UpsertUnits(units));
    dir_ = engine::Directory(units, {});
  }

  // The weekly report item of `unit` due Friday `period` 12:00, submitted at
  // `at` with mis_checked = `checked` unless `at` is empty.
  void Report(const std::string& unit, const std::string& period, const std::string& at,
              int checked) {
    store::Item it;
    it.campaign = kCampaign;
    it.kind = "weekly_report";
    it.key = std::string(kCampaign) + "/weekly_report/" + period + "/" + unit;
    it.owner_unit = unit;
    it.state = "due";
    it.period = period;
    it.due_at = T(period + "T12:00+08:00");
    it.created_at = it.updated_at = it.state_entered_at = T("2024-03-25T00:00+08:00");
    auto id = store_->CreateItem(it, {}, {});
    ASSERT_OK(id);
    if (at.empty()) return;
    const bool late = T(at) >= *it.due_at;
    const std::string data =
        "{\"mis_checked\":" + std::to_string(checked) +
        ",\"mis_surveyed\":0,\"missed\":0,\"key_checked\":1,\"key_hazards\":1,"
        "\"key_rectified\":0,\"appraisal_checked\":2,\"appraisal_noncompliant\":0,"
        "\"work_summary\":\"x\",\"late\":" + (late ? "true" : "false") + "}";
    ASSERT_OK(store_->ResolveItem(*id, "submitted", data, T(at), {}));
  }

  Result<Table> Build(TableRequest req, const std::string& now) {
    return BuildAttachmentTable(*store_, dir_, *spec_, req, T(now));
  }

  std::shared_ptr<const workflow::WorkflowSpec> spec_;
  std::unique_ptr<store::Store> store_;
  engine::Directory dir_;
};

TEST_F(GatherTest, OneTownsVillagesInCodeOrderWithTheirWeek) {
  Report("jf-a", "2024-04-05", "2024-04-04T10:00+08:00", 10);
  Report("jf-a", "2024-04-12", "2024-04-11T10:00+08:00", 14);
  Report("jf-b", "2024-04-12", "2024-04-12T13:30+08:00", 5);
  Report("jf-c", "2024-04-12", "", 0);
  Report("jf-market", "2024-04-12", "2024-04-11T10:00+08:00", 0);
  Report("zz-a", "2024-04-12", "2024-04-11T10:00+08:00", 100);
  auto t = Build({"jiafeng", "2024-04-12", View::kCumulative, ""}, "2024-04-13T00:00+08:00");
  ASSERT_OK(t);
  EXPECT_EQ(t->title, "嘉峰镇经营性自建房问题整改“百日攻坚”行动集中摸排情况表");
  EXPECT_NE(t->subtitle.find("嘉峰镇"), std::string::npos);
  EXPECT_EQ(t->columns.size(), 8u);
  ASSERT_EQ(t->rows.size(), 3u);  // villages only: no department, no other town
  EXPECT_EQ(t->rows[0].name, "嘉峰村");
  EXPECT_EQ(t->rows[1].name, "李庄村");
  EXPECT_EQ(t->rows[2].name, "卧庄村");
  EXPECT_EQ(t->rows[0].cells[0], 14);
  EXPECT_EQ(t->rows[1].cells[0], 5);
  EXPECT_EQ(t->rows[1].state, ReportState::kLate);
  EXPECT_EQ(t->rows[2].state, ReportState::kMissing);
  EXPECT_EQ(t->total.cells[0], 19);
  EXPECT_EQ(t->total.cells[6], 4);
}

TEST_F(GatherTest, WeeklyViewReadsEarlierWeeksAndLatestIsTheLastWeekDue) {
  Report("jf-a", "2024-04-05", "2024-04-04T10:00+08:00", 10);
  Report("jf-a", "2024-04-12", "2024-04-11T10:00+08:00", 14);
  Report("jf-a", "2024-04-19", "", 0);
  Report("jf-c", "2024-04-05", "", 0);
  auto t = Build({"jiafeng", "latest", View::kWeekly, ""}, "2024-04-15T09:00+08:00");
  ASSERT_OK(t);
  EXPECT_NE(t->subtitle.find("2024-04-12"), std::string::npos) << t->subtitle;
  EXPECT_EQ(t->rows[0].cells[0], 4);
  // Before the first due time: the week now open, every village 待报.
  auto first = Build({"jiafeng", "latest", View::kCumulative, ""}, "2024-04-01T09:00+08:00");
  ASSERT_OK(first);
  EXPECT_NE(first->subtitle.find("2024-04-05"), std::string::npos) << first->subtitle;
  EXPECT_EQ(first->rows[1].state, ReportState::kPending);  // no item yet
  EXPECT_EQ(first->rows[2].state, ReportState::kPending);  // open, not due
}

TEST_F(GatherTest, UnderACountyVillagesAreNamedWithTheirTown) {
  Report("jf-a", "2024-04-12", "2024-04-11T10:00+08:00", 14);
  Report("zz-a", "2024-04-12", "2024-04-11T10:00+08:00", 100);
  auto t = Build({"qinshui", "2024-04-12", View::kCumulative, ""}, "2024-04-13T00:00+08:00");
  ASSERT_OK(t);
  ASSERT_EQ(t->rows.size(), 4u);
  EXPECT_EQ(t->rows[0].name, "嘉峰镇·嘉峰村");
  EXPECT_EQ(t->rows[3].name, "郑庄镇·郑庄村");
  EXPECT_EQ(t->total.cells[0], 114);
  EXPECT_EQ(t->title, "沁水县嘉峰镇经营性自建房问题整改“百日攻坚”行动集中摸排情况表");
}

TEST_F(GatherTest, BadRequestsSayWhatIsWrong) {
  Report("jf-a", "2024-04-12", "", 0);
  const std::string now = "2024-04-13T00:00+08:00";
  EXPECT_EQ(Build({"nowhere", "2024-04-12", View::kCumulative, ""}, now).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Build({"jiafeng", "04-12", View::kCumulative, ""}, now).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Build({"jiafeng", "2024-04-11", View::kCumulative, ""}, now).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Build({"jiafeng", "2024-04-12", View::kCumulative, "nope"}, now).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Build({"jf-market", "2024-04-12", View::kCumulative, ""}, now).status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace duban::tables
