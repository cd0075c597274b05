// Engine::SubmitBatch on the demo town: each submission is judged exactly as
// Submit judges it, and the accepted ones are committed together.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/campaigns.h"
#include "base/time_format.h"
#include "demo_town.h"
#include "engine/engine.h"
#include "store/audit.h"
#include "store/store.h"
#include "testing/status_matchers.h"

namespace duban {
namespace {

constexpr const char* kCampaign = "jiafeng-2024-hundred-day";

class SubmitBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(
        testing::OpenDemoEngine(town_, now_, {}, &loaded_, &store_, &engine_));
    // This week's report items (due Friday 2024-04-19 12:00).
    ASSERT_OK(engine_->Sync(now_));
    for (int guard = 0; guard < 100; ++guard) {
      auto wake = engine_->NextWake();
      ASSERT_OK(wake);
      if (!wake->has_value() || **wake > now_) break;
      ASSERT_OK(engine_->Tick(**wake));
    }
  }
  static engine::Actor Token(const std::string& role, const std::string& unit) {
    return {"token:t_" + role, "api", role, unit, ""};
  }
  static engine::Submission Report(const std::string& unit, const engine::Actor& actor,
                                   const std::string& period = "2024-04-19") {
    workflow::FieldValues f = {{"mis_checked", int64_t{12}},
                               {"mis_surveyed", int64_t{1}},
                               {"missed", int64_t{0}},
                               {"key_checked", int64_t{30}},
                               {"key_hazards", int64_t{2}},
                               {"key_rectified", int64_t{1}},
                               {"appraisal_checked", int64_t{5}},
                               {"appraisal_noncompliant", int64_t{0}},
                               {"work_summary", std::string("完成本周入户核查")}};
    return {kCampaign, "weekly_report", unit, period, std::move(f), actor};
  }
  std::string State(const std::string& unit, const std::string& period = "2024-04-19") {
    auto it =
        store_->FindItemByKey(std::string(kCampaign) + "/weekly_report/" + period + "/" + unit);
    if (!it.ok() || !it->has_value()) return "none";
    return (**it).state;
  }

  testing::DemoTown town_;
  app::Loaded loaded_;
  SystemTime now_ = *ParseRfc3339("2024-04-15T09:00+08:00");  // a Monday
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<engine::Engine> engine_;
  const engine::Actor liaison_ = Token("liaison", "jf-jiafeng");
  const engine::Actor office_ = Token("office", "jiafeng");
};

TEST_F(SubmitBatchTest, EachSubmissionGetsSubmitsAnswerAndTheAcceptedOnesAreCommitted) {
  ASSERT_EQ(State("jf-jiafeng"), "due") << "the week's items were not materialised";
  engine::Submission invalid = Report("jf-guonan", office_);
  invalid.fields.erase("work_summary");
  engine::Submission no_campaign = Report("jf-wuan", office_);
  no_campaign.campaign = "nope";
  const std::vector<engine::Submission> batch = {
      Report("jf-jiafeng", liaison_),            // accepted
      Report("jf-lizhuang", liaison_),           // another village
      invalid,                                   // a missing field
      Report("jf-jiafeng", office_),             // accepted just before
      Report("jf-wuan", office_, "2024-12-27"),  // nothing owed
      no_campaign,
      Report("jf-lizhuang", office_),  // accepted
  };
  auto r = engine_->SubmitBatch(batch, now_);
  ASSERT_OK(r);
  ASSERT_EQ(r->size(), batch.size());
  const std::vector<StatusCode> want = {
      StatusCode::kOk,       StatusCode::kPermissionDenied, StatusCode::kInvalidArgument,
      StatusCode::kConflict, StatusCode::kNotFound,         StatusCode::kNotFound,
      StatusCode::kOk};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ((*r)[i].status().code(), want[i]) << i << ": " << (*r)[i].status().ToString();
  }
  EXPECT_NE((*r)[2].status().message().find("work_summary"), std::string::npos);
  EXPECT_EQ((*r)[0]->owner_unit, "jf-jiafeng");
  EXPECT_EQ((*r)[0]->state, "submitted");
  EXPECT_EQ((*r)[6]->owner_unit, "jf-lizhuang");
  EXPECT_EQ(State("jf-jiafeng"), "submitted");
  EXPECT_EQ(State("jf-lizhuang"), "submitted");
  EXPECT_EQ(State("jf-guonan"), "due");
  // Submit now finds them done, as the batch's own duplicate did.
  EXPECT_EQ(engine_->Submit(Report("jf-lizhuang", office_), now_).status().code(),
            StatusCode::kConflict);
}

TEST_F(SubmitBatchTest, AcceptedSubmissionsAreStoredAndAuditedAsSubmitStoresThem) {
  const SystemTime late = *ParseRfc3339("2024-04-19T12:30+08:00");
  auto one = engine_->Submit(Report("jf-jiafeng", office_), late);
  ASSERT_OK(one);
  auto many = engine_->SubmitBatch({Report("jf-lizhuang", office_)}, late);
  ASSERT_OK(many);
  ASSERT_OK((*many)[0]);
  const store::Item& two = *(*many)[0];
  EXPECT_EQ(two.data, one->data);  // fields, late, late_minutes, submitted_by
  EXPECT_EQ(nlohmann::json::parse(two.data)["late_minutes"], 30);
  EXPECT_EQ(two.state, one->state);
  EXPECT_EQ(two.resolved_at, one->resolved_at);
  auto h1 = store_->ItemHistory(one->id);
  auto h2 = store_->ItemHistory(two.id);
  ASSERT_OK(h1);
  ASSERT_OK(h2);
  const store::AuditEntry& a1 = h1->back();
  const store::AuditEntry& a2 = h2->back();
  EXPECT_EQ(a2.action, a1.action);
  EXPECT_EQ(a2.actor, a1.actor);
  EXPECT_EQ(a2.via, a1.via);
  EXPECT_EQ(a2.at, a1.at);
  auto p1 = nlohmann::json::parse(a1.payload);
  auto p2 = nlohmann::json::parse(a2.payload);
  EXPECT_EQ(p2["unit"], "jf-lizhuang");
  p1.erase("unit");
  p2.erase("unit");
  EXPECT_EQ(p2, p1);
  auto chain = store::VerifyAuditChain(*store_);
  ASSERT_OK(chain);
  EXPECT_TRUE(chain->ok()) << chain->problem;
}

TEST_F(SubmitBatchTest, ABatchWithNothingAcceptedWritesNothing) {
  auto before = store_->AuditAfter(0, 100000);
  ASSERT_OK(before);
  auto r =
      engine_->SubmitBatch({Report("jf-lizhuang", liaison_), Report("qinshui", office_)}, now_);
  ASSERT_OK(r);
  EXPECT_EQ((*r)[0].status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ((*r)[1].status().code(), StatusCode::kNotFound);
  auto after = store_->AuditAfter(0, 100000);
  ASSERT_OK(after);
  EXPECT_EQ(after->size(), before->size());
  auto empty = engine_->SubmitBatch({}, now_);
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace duban
