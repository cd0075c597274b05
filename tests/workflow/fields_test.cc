// Validate() and transition checks, driven through the shipped Jiafeng
// campaign: what the API answers (422 + field) for a weekly report or a
// case transition.
#include "workflow/fields.h"

#include <gtest/gtest.h>

#include "testing/paths.h"
#include "workflow/workflow.h"

namespace duban::workflow {
namespace {

class JiafengFieldsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Diagnostics diags;
    spec_ = LoadCampaignFile(
        testing::SourcePath("workflows/jiafeng-2024-hundred-day.yaml"),
        LoadOptions{}, &diags);
    ASSERT_NE(spec_, nullptr) << diags.ToString();
    weekly_ = spec_->FindObligation("weekly_report");
    ASSERT_NE(weekly_, nullptr);
    cases_ = spec_->FindItemKind("hazard_case");
    ASSERT_NE(cases_, nullptr);
  }

  static FieldValues GoodReport() {
    return {{"mis_checked", int64_t{40}},
            {"mis_surveyed", int64_t{2}},
            {"missed", int64_t{1}},
            {"key_checked", int64_t{12}},
            {"key_hazards", int64_t{3}},
            {"key_rectified", int64_t{1}},
            {"appraisal_checked", int64_t{5}},
            {"appraisal_noncompliant", int64_t{0}},
            {"work_summary", std::string("本周完成错漏排核查40栋。")}};
  }

  std::shared_ptr<const WorkflowSpec> spec_;
  const Obligation* weekly_ = nullptr;
  const ItemKind* cases_ = nullptr;
};

TEST_F(JiafengFieldsTest, AcceptsAConsistentWeeklyReport) {
  EXPECT_TRUE(Validate(weekly_->fields, GoodReport()).empty());
}

TEST_F(JiafengFieldsTest, NamesTheFieldThatBreaksACheck) {
  FieldValues v = GoodReport();
  v["mis_surveyed"] = int64_t{41};
  const auto errors = Validate(weekly_->fields, v);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            (FieldError{"mis_surveyed", "错排房屋不能多于共核查房屋"}));
}

TEST_F(JiafengFieldsTest, ReportsMissingWrongTypedOutOfRangeAndUnknownFields) {
  FieldValues v = GoodReport();
  v.erase("work_summary");
  v["key_checked"] = std::string("twelve");
  v["missed"] = int64_t{-1};
  v["colour"] = std::string("red");
  const auto errors = Validate(weekly_->fields, v);
  EXPECT_EQ(errors, (std::vector<FieldError>{
                        {"colour", "is not a field of this form"},
                        {"missed", "must be at least 0"},
                        {"key_checked", "must be a whole number"},
                        {"work_summary", "is required"},
                    }));
}

TEST_F(JiafengFieldsTest, ChecksSkipFieldsThatAreAlreadyWrong) {
  FieldValues v = GoodReport();
  v["key_hazards"] =
      std::string("many");  // key_rectified <= key_hazards cannot be judged
  const auto errors = Validate(weekly_->fields, v);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "key_hazards");
}

TEST_F(JiafengFieldsTest, TextLengthCountsCharactersNotBytes) {
  FieldValues v = GoodReport();
  v["work_summary"] = std::string();
  for (int i = 0; i < 2000; ++i)
    std::get<std::string>(v["work_summary"]) += "字";
  EXPECT_TRUE(Validate(weekly_->fields, v).empty());
  std::get<std::string>(v["work_summary"]) += "字";
  EXPECT_EQ(Validate(weekly_->fields, v),
            (std::vector<FieldError>{
                {"work_summary", "must be at most 2000 characters"}}));
}

TEST_F(JiafengFieldsTest, StartingRectificationNeedsLevelCOrDAndADeadline) {
  const int start = cases_->FindTransition("start_rectification");
  ASSERT_GE(start, 0);
  const FieldValues input = {{"method", std::string("reinforce")},
                             {"deadline", std::string("2024-06-15")}};
  EXPECT_TRUE(cases_
                  ->ValidateTransition(
                      start, {{"appraisal_level", std::string("D")}}, input)
                  .empty());
  const auto b = cases_->ValidateTransition(
      start, {{"appraisal_level", std::string("B")}}, input);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].field, "appraisal_level");
  EXPECT_EQ(b[0].message, "只有C、D级房屋进入整治；A、B级请走“鉴定无隐患”销号");
  const auto missing =
      cases_->ValidateTransition(start, {{"appraisal_level", std::string("C")}},
                                 {{"method", std::string("repair")}});
  EXPECT_EQ(missing, (std::vector<FieldError>{{"deadline", "is required"}}));
  const auto bad_date =
      cases_->ValidateTransition(start, {{"appraisal_level", std::string("C")}},
                                 {{"method", std::string("repair")},
                                  {"deadline", std::string("2024-06-31")}});
  EXPECT_EQ(bad_date, (std::vector<FieldError>{
                          {"deadline", "must be a date like 2024-06-30"}}));
}

TEST_F(JiafengFieldsTest, ControlCanBeLiftedOnlyFromClosed) {
  const int lift = cases_->FindTransition("lift_control");
  ASSERT_GE(lift, 0);
  for (const char* state :
       {"reported", "controlled", "appraised", "transferred", "rectifying",
        "awaiting_acceptance"}) {
    EXPECT_FALSE(cases_->AllowedFrom(lift, cases_->FindState(state))) << state;
  }
  EXPECT_TRUE(cases_->AllowedFrom(lift, cases_->FindState("closed")));
  EXPECT_TRUE(
      cases_->ValidateTransition(lift, {{"control_active", true}}, {}).empty());
  EXPECT_EQ(
      cases_->ValidateTransition(lift, {}, {}),
      (std::vector<FieldError>{
          {"control_active", "has no value, but 'control_active' must hold"}}));
}

TEST_F(JiafengFieldsTest, CollapseRiskAndLevelDAreCritical) {
  EXPECT_EQ(
      cases_->SeverityOf({{"hazard_level", std::string("collapse_risk")}}),
      Severity::kCritical);
  EXPECT_EQ(cases_->SeverityOf({{"hazard_level", std::string("general")},
                                {"appraisal_level", std::string("D")}}),
            Severity::kCritical);
  EXPECT_EQ(cases_->SeverityOf({{"hazard_level", std::string("serious")}}),
            Severity::kWarning);
  EXPECT_EQ(cases_->SeverityOf({{"hazard_level", std::string("general")}}),
            Severity::kInfo);
}

TEST(ConditionEvaluateTest, ComparesDatesAndEnumsAndIgnoresMissingValues) {
  Condition c;
  c.field = "deadline";
  c.field_type = FieldType::kDate;
  c.op = Condition::Op::kGe;
  c.rhs = Operand{Operand::Kind::kText, "2024-06-01", 0, false};
  EXPECT_EQ(Evaluate(c, {{"deadline", std::string("2024-06-30")}}), true);
  EXPECT_EQ(Evaluate(c, {{"deadline", std::string("2024-05-31")}}), false);
  EXPECT_EQ(Evaluate(c, {}), std::nullopt);
  EXPECT_EQ(Evaluate(c, {{"deadline", int64_t{3}}}), std::nullopt);
}

}  // namespace
}  // namespace duban::workflow
