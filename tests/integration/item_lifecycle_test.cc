// A hazard case walked through its whole lifecycle by the people the
// campaign names, with each wrong move refused for the right reason.
#include <gtest/gtest.h>

#include "app/campaigns.h"
#include <nlohmann/json.hpp>

#include "base/time_format.h"
#include "demo_town.h"
#include "engine/engine.h"
#include "engine/laggards.h"
#include "store/audit.h"
#include "store/store.h"
#include "testing/status_matchers.h"

namespace duban {
namespace {

using std::chrono::hours;

class ItemLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(
        testing::OpenDemoEngine(town_, now_, {}, &loaded_, &store_, &engine_));
  }
  static engine::Actor Token(const std::string& role, const std::string& unit) {
    return {"token:t_" + role, "api", role, unit, ""};
  }
  // Runs the engine as the daemon would: wake at each timer up to `until`.
  void RunUntil(SystemTime until) {
    for (int guard = 0; guard < 10000; ++guard) {
      auto wake = engine_->NextWake();
      ASSERT_OK(wake);
      if (!wake->has_value() || **wake > until) return;
      ASSERT_OK(engine_->Tick(**wake));
    }
    FAIL() << "engine did not settle";
  }
  std::string Outcomes(const std::string& prefix) {
    std::string out;
    auto fired = store_->FiredTimersForTest();
    if (!fired.ok()) return fired.status().ToString();
    for (const auto& [t, o] : *fired) {
      if (t.step.rfind(prefix, 0) == 0) out += t.step + " -> " + o + "\n";
    }
    return out;
  }
  Result<store::Item> Move(store::ItemId id, const std::string& transition,
                           workflow::FieldValues input, const engine::Actor& who) {
    now_ += hours(1);
    return engine_->Transition({id, transition, std::move(input)}, who, now_);
  }

  testing::DemoTown town_;
  app::Loaded loaded_;
  SystemTime now_ = *ParseRfc3339("2024-04-15T09:00+08:00");  // a Monday
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<engine::Engine> engine_;
  const engine::Actor liaison_ = Token("liaison", "jf-jiafeng");
  const engine::Actor other_liaison_ = Token("liaison", "jf-lizhuang");
  const engine::Actor office_ = Token("office", "jiafeng");
  const engine::Actor county_ = Token("supervisor", "qinshui");
};

TEST_F(ItemLifecycleTest, AHazardCaseGoesFromReportToCloseOut) {
  engine::NewItemRequest req{"jiafeng-2024-hundred-day", "hazard_case", "jf-jiafeng", "", "",
                             {{"house_id", std::string("H-0001")},
                              {"hazard_level", std::string("serious")}}};
  // A liaison reports only for its own village.
  engine::NewItemRequest elsewhere = req;
  elsewhere.owner_unit = "jf-lizhuang";
  EXPECT_EQ(engine_->CreateItem(elsewhere, liaison_, now_).status().code(),
            StatusCode::kPermissionDenied);
  auto created = engine_->CreateItem(req, liaison_, now_);
  ASSERT_OK(created);
  const store::ItemId id = created->id;
  EXPECT_EQ(created->state, "reported");
  EXPECT_EQ(created->severity, "warning");  // serious hazard
  EXPECT_EQ(created->sla_epoch, 1);
  // Reported on Monday: control is due in 3 working days (Thursday 09:00).
  ASSERT_TRUE(created->due_at.has_value());
  EXPECT_EQ(*created->due_at, *ParseRfc3339("2024-04-18T09:00+08:00"));

  // Wrong state: appraisal comes after control.
  auto wrong = Move(id, "appraise", {}, office_);
  EXPECT_EQ(wrong.status().code(), StatusCode::kConflict);
  EXPECT_NE(wrong.status().message().find("已上报"), std::string::npos)
      << wrong.status().message();
  // Another village's liaison cannot touch it.
  EXPECT_EQ(Move(id, "control", {{"control_measures", std::string("x")}}, other_liaison_)
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  // A missing field is named.
  auto missing = Move(id, "control", {}, liaison_);
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("control_measures"), std::string::npos);

  auto controlled =
      Move(id, "control", {{"control_measures", std::string("设置警示标志，人员撤离")}}, liaison_);
  ASSERT_OK(controlled);
  EXPECT_EQ(controlled->state, "controlled");
  EXPECT_EQ(controlled->sla_epoch, 2);
  EXPECT_NE(controlled->data.find("\"control_active\":true"), std::string::npos);

  // Only the town office records the appraisal.
  workflow::FieldValues appraisal{{"appraisal_level", std::string("D")},
                                  {"appraisal_agency", std::string("晋城市房屋安全鉴定中心")},
                                  {"appraisal_date", std::string("2024-04-16")}};
  EXPECT_EQ(Move(id, "appraise", appraisal, liaison_).status().code(),
            StatusCode::kPermissionDenied);
  auto appraised = Move(id, "appraise", appraisal, office_);
  ASSERT_OK(appraised);
  EXPECT_EQ(appraised->severity, "critical");  // D级 整幢危房

  auto rect = Move(id, "start_rectification",
                   {{"method", std::string("demolish")}, {"deadline", std::string("2024-05-31")}},
                   liaison_);
  ASSERT_OK(rect);
  EXPECT_EQ(rect->state, "rectifying");
  // Due by the end of the 限期 day, local time.
  EXPECT_EQ(*rect->due_at, *ParseRfc3339("2024-05-31T23:59:59.999+08:00"));

  // A guard with the campaign's own message.
  auto no_photos = Move(id, "submit_for_acceptance", {{"photos_uploaded", false}}, liaison_);
  EXPECT_EQ(no_photos.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(no_photos.status().message().find("请先上传整治照片"), std::string::npos)
      << no_photos.status().message();
  ASSERT_OK(Move(id, "submit_for_acceptance", {{"photos_uploaded", true}}, liaison_));

  auto closed = Move(id, "pass_acceptance",
                     {{"acceptance_date", std::string("2024-06-03")},
                      {"acceptance_parties", std::string("县住建局、镇政府、村委会、产权人、施工方")}},
                     county_);
  ASSERT_OK(closed);
  EXPECT_EQ(closed->state, "closed");
  EXPECT_FALSE(closed->open());
  EXPECT_FALSE(closed->due_at.has_value());

  // The history tells the whole story, and the chain holds.
  auto history = store_->ItemHistory(id);
  ASSERT_OK(history);
  ASSERT_EQ(history->size(), 6u);  // refused moves change nothing and record nothing
  EXPECT_EQ((*history)[0].action, "item.create");
  EXPECT_EQ((*history)[0].actor, "token:t_liaison");
  EXPECT_EQ((*history)[5].actor, "token:t_supervisor");
  EXPECT_NE((*history)[5].payload.find("pass_acceptance"), std::string::npos);
  auto v = store::VerifyAuditChain(*store_);
  ASSERT_OK(v);
  EXPECT_TRUE(v->ok()) << v->problem;
}

TEST_F(ItemLifecycleTest, LadderTimersOfALeftStateFallAway) {
  auto created = engine_->CreateItem(
      {"jiafeng-2024-hundred-day", "hazard_case", "jf-jiafeng", "", "",
       {{"house_id", std::string("H-0002")}, {"hazard_level", std::string("general")}}},
      liaison_, now_);
  ASSERT_OK(created);
  ASSERT_OK(Move(created->id, "control", {{"control_measures", std::string("警示")}}, liaison_));
  // Long after the first state's deadline: its ladder fires as obsolete and
  // nobody is told about a step the village already took.
  auto stats = engine_->Tick(now_ + hours(24 * 30));
  ASSERT_OK(stats);
  auto fired = store_->FiredTimersForTest();
  ASSERT_OK(fired);
  int obsolete = 0;
  int live = 0;
  for (const auto& [t, outcome] : *fired) {
    if (t.item_id != created->id) continue;
    if (t.step.find("/e1/") != std::string::npos) {
      EXPECT_EQ(outcome, "obsolete: the item changed state") << t.step;
      ++obsolete;
    } else {
      ++live;
    }
  }
  EXPECT_GT(obsolete, 0);
  EXPECT_GT(live, 0);  // the controlled state's own ladder ran
}

TEST_F(ItemLifecycleTest, AcknowledgeOnceAndOnlyInScope) {
  auto created = engine_->CreateItem(
      {"jiafeng-2024-hundred-day", "hazard_case", "jf-jiafeng", "", "",
       {{"house_id", std::string("H-0003")}, {"hazard_level", std::string("general")}}},
      office_, now_);
  ASSERT_OK(created);
  EXPECT_EQ(engine_->Acknowledge(created->id, other_liaison_, now_).status().code(),
            StatusCode::kPermissionDenied);
  ASSERT_OK(engine_->Acknowledge(created->id, liaison_, now_));
  EXPECT_EQ(engine_->Acknowledge(created->id, liaison_, now_).status().code(),
            StatusCode::kConflict);
  EXPECT_EQ(engine_->Acknowledge(999999, liaison_, now_).status().code(), StatusCode::kNotFound);
}

TEST_F(ItemLifecycleTest, CampaignStatusNamesThePhaseAndTheNextDeadlines) {
  auto st = engine_->StatusOf("jiafeng-2024-hundred-day", now_);
  ASSERT_OK(st);
  ASSERT_FALSE(st->current.empty());
  EXPECT_GT(st->current[0].days_left, 0);
  ASSERT_FALSE(st->next.empty());
  // The weekly report is due this Friday at 12:00.
  bool weekly = false;
  for (const auto& d : st->next) {
    EXPECT_GT(d.at, now_);
    if (d.what == "weekly_report") {
      weekly = true;
      EXPECT_EQ(d.at, *ParseRfc3339("2024-04-19T12:00+08:00"));
    }
  }
  EXPECT_TRUE(weekly);
  EXPECT_EQ(engine_->StatusOf("nope", now_).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace duban

namespace duban {
namespace {

// The June 30 milestone's intents among `intents` (the campaign also counts
// down the end of the rectification phase with the same template).
std::vector<store::Intent> JuneThirty(const std::vector<store::Intent>& intents) {
  std::vector<store::Intent> out;
  for (const auto& in : intents) {
    if (nlohmann::json::parse(in.payload).value("milestone", "") == "hundred_day_deadline") {
      out.push_back(in);
    }
  }
  return out;
}

// June 30 (a Sunday): countdowns 7, 3 and 1 working days before, to each
// village head with open cases and one summary to the town's supervisor.
TEST_F(ItemLifecycleTest, MilestoneCountdownsNameWhatIsStillOpenPerVillage) {
  now_ = *ParseRfc3339("2024-06-03T09:00+08:00");
  for (const char* village : {"jf-jiafeng", "jf-jiafeng", "jf-lizhuang"}) {
    ASSERT_OK(engine_->CreateItem(
        {"jiafeng-2024-hundred-day", "hazard_case", village, "", "",
         {{"house_id", std::string("H-") + village}, {"hazard_level", std::string("general")}}},
        office_, now_));
    now_ += std::chrono::minutes(1);
  }
  ASSERT_OK(engine_->Sync(now_));
  RunUntil(*ParseRfc3339("2024-06-29T00:00+08:00"));

  auto head = store_->OpenIntents("jf-jiafeng-head", "milestone_countdown");
  ASSERT_OK(head);
  std::vector<std::string> days;
  for (const auto& in : JuneThirty(*head)) {
    const auto p = nlohmann::json::parse(in.payload);
    EXPECT_EQ(p["open_count"], 2);
    days.push_back(std::to_string(p["days_left"].get<int>()) + "@" +
                   FormatWithOffset(in.created_at, 8 * 60).substr(0, 16));
  }
  // 7 working days before Sunday 06-30 is Thursday 06-20, 09:00 local.
  EXPECT_EQ(days, (std::vector<std::string>{"7@2024-06-20T09:00", "3@2024-06-26T09:00",
                                            "1@2024-06-28T09:00"}));
  // The town supervisor hears about both villages at each step.
  auto all = store_->OpenIntents("jiafeng-supervisor", "milestone_countdown");
  ASSERT_OK(all);
  const auto sup = JuneThirty(*all);
  ASSERT_EQ(sup.size(), 6u);
  EXPECT_EQ(nlohmann::json::parse(sup[0].payload)["unit"], "嘉峰村");
  EXPECT_EQ(nlohmann::json::parse(sup[1].payload)["unit"], "李庄村");
  // A village with nothing open is not told.
  EXPECT_TRUE(store_->OpenIntents("jf-guonan-head", "milestone_countdown")->empty());
}

TEST_F(ItemLifecycleTest, CountdownsWhoseDayPassedWhileDownAreNotSentLate) {
  ASSERT_OK(engine_->CreateItem(
      {"jiafeng-2024-hundred-day", "hazard_case", "jf-jiafeng", "", "",
       {{"house_id", std::string("H-1")}, {"hazard_level", std::string("general")}}},
      office_, now_));
  // The daemon first runs on 06-27: only the 1-day countdown is still ahead.
  const SystemTime start = *ParseRfc3339("2024-06-27T10:00+08:00");
  ASSERT_OK(engine_->Sync(start));
  RunUntil(*ParseRfc3339("2024-06-30T00:00+08:00"));
  auto all = store_->OpenIntents("jf-jiafeng-head", "milestone_countdown");
  ASSERT_OK(all);
  const auto head = JuneThirty(*all);
  ASSERT_EQ(head.size(), 1u) << Outcomes("k/");
  EXPECT_EQ(nlohmann::json::parse(head[0].payload)["days_left"], 1);
}

TEST_F(ItemLifecycleTest, ALateCountdownSupersededByALaterOneIsSkipped) {
  ASSERT_OK(engine_->CreateItem(
      {"jiafeng-2024-hundred-day", "hazard_case", "jf-jiafeng", "", "",
       {{"house_id", std::string("H-1")}, {"hazard_level", std::string("general")}}},
      office_, now_));
  ASSERT_OK(engine_->Sync(*ParseRfc3339("2024-06-01T09:00+08:00")));
  // Down from 06-19 to 06-27 10:00: the 7- and 3-day countdowns are both
  // overdue; only the 3-day one (the latest) goes out, once.
  RunUntil(*ParseRfc3339("2024-06-19T00:00+08:00"));
  ASSERT_OK(engine_->Tick(*ParseRfc3339("2024-06-27T10:00+08:00")));
  auto all = store_->OpenIntents("jf-jiafeng-head", "milestone_countdown");
  ASSERT_OK(all);
  ASSERT_EQ(JuneThirty(*all).size(), 1u) << Outcomes("k/");
  EXPECT_NE(Outcomes("k/").find("hundred_day_deadline/2024-06-30/countdown_7/r0 -> skipped"), std::string::npos) << Outcomes("k/");
}

}  // namespace
}  // namespace duban

namespace duban {
namespace {

// Transfers stuck with a department reach it once a day, as one digest.
TEST_F(ItemLifecycleTest, OverdueTransfersWaitForTheDepartmentsMorningDigest) {
  now_ += std::chrono::minutes(30);  // Monday 09:30, 12:47, 16:04: due Thursday then
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(engine_->CreateItem({"jiafeng-2024-hundred-day", "transfer",
                                   i == 2 ? "jf-lizhuang" : "jf-jiafeng", "jf-market", "",
                                   {{"problem", std::string("经营性自建房未办理消防手续")}}},
                                  office_, now_));
    now_ += std::chrono::hours(3) + std::chrono::minutes(17);  // created at odd times
  }
  // Nobody acknowledges: all three are overdue days later.
  RunUntil(*ParseRfc3339("2024-04-22T00:00+08:00"));
  auto head = store_->OpenIntents("jf-market-head", "item_overdue");
  ASSERT_OK(head);
  ASSERT_EQ(head->size(), 3u);
  for (const auto& in : *head) {
    // Each waits for the same 09:00 local window, so they leave together.
    EXPECT_EQ(FormatWithOffset(in.group_until, 8 * 60).substr(11, 5), "09:00");
    EXPECT_EQ(in.group_until, (*head)[0].group_until);
  }
}

// A failed acceptance sends the case back with a new deadline and says so.
TEST_F(ItemLifecycleTest, AReopenedCaseRestartsItsSlaAndSaysSo) {
  auto c = engine_->CreateItem(
      {"jiafeng-2024-hundred-day", "hazard_case", "jf-jiafeng", "", "",
       {{"house_id", std::string("H-9")}, {"hazard_level", std::string("serious")}}},
      liaison_, now_);
  ASSERT_OK(c);
  const auto id = c->id;
  ASSERT_OK(Move(id, "control", {{"control_measures", std::string("警示")}}, liaison_));
  ASSERT_OK(Move(id, "appraise",
                 {{"appraisal_level", std::string("C")},
                  {"appraisal_agency", std::string("鉴定中心")},
                  {"appraisal_date", std::string("2024-04-16")}},
                 office_));
  ASSERT_OK(Move(id, "start_rectification",
                 {{"method", std::string("reinforce")}, {"deadline", std::string("2024-04-30")}},
                 liaison_));
  ASSERT_OK(Move(id, "submit_for_acceptance", {{"photos_uploaded", true}}, liaison_));
  auto back = Move(id, "fail_acceptance",
                   {{"reason", std::string("加固不到位")}, {"deadline", std::string("2024-05-31")}},
                   county_);
  ASSERT_OK(back);
  EXPECT_EQ(back->state, "rectifying");
  EXPECT_EQ(*back->due_at, *ParseRfc3339("2024-05-31T23:59:59.999+08:00"));
  // The reminder a week before the new deadline says the case was reopened.
  RunUntil(*ParseRfc3339("2024-05-27T00:00+08:00"));
  auto reminders = store_->OpenIntents("jf-jiafeng-liaison", "item_due_reminder");
  ASSERT_OK(reminders);
  ASSERT_FALSE(reminders->empty()) << Outcomes("l/");
  const auto p = nlohmann::json::parse(reminders->back().payload);
  EXPECT_EQ(p.value("reopened", false), true);
  EXPECT_EQ(p.value("reentries", 0), 1);
}

}  // namespace
}  // namespace duban

namespace duban {
namespace {

// 月调度通报: on the 25th (a Saturday in May 2024: moved to Monday 27th),
// each town's and county's leaders get their subtree's month with the
// laggards named, worst first.
TEST_F(ItemLifecycleTest, MonthlySummaryRanksTheLaggardsOfEachSubtree) {
  const auto& spec = *loaded_.campaigns[0];
  auto figures_of = [&](const std::string& obligation) {
    workflow::FieldValues figures;
    for (const auto& f : spec.FindObligation(obligation)->fields.fields) {
      if (f.type == workflow::FieldType::kInt) figures[f.name] = int64_t{0};
      else if (f.type == workflow::FieldType::kText) figures[f.name] = std::string("无");
      else if (f.type == workflow::FieldType::kBool) figures[f.name] = false;
    }
    return figures;
  };
  now_ = *ParseRfc3339("2024-04-26T13:00+08:00");
  ASSERT_OK(engine_->Sync(now_));
  // Everyone reports on time (4 weekly reports and the monthly dispatch on
  // 05-20) except 郭南村 and 武安村, who report nothing.
  for (const auto& [obligation, day] : std::vector<std::pair<std::string, std::string>>{
           {"weekly_report", "2024-05-03"},
           {"weekly_report", "2024-05-10"},
           {"weekly_report", "2024-05-17"},
           {"monthly_dispatch", "2024-05-20"},
           {"weekly_report", "2024-05-24"}}) {
    const SystemTime morning = *ParseRfc3339(day + "T10:00+08:00");
    RunUntil(morning);
    for (const auto* u : engine_->directory().UnitsAt(
             {model::Level::kVillage, model::Level::kDepartment}, "jiafeng")) {
      if (u->id == "jf-guonan" || u->id == "jf-wuan") continue;
      engine::Submission sub{"jiafeng-2024-hundred-day", obligation, u->id, day,
                             figures_of(obligation), Token("office", "jiafeng")};
      ASSERT_OK(engine_->Submit(sub, morning));
    }
  }
  // And 郭南村 has a case past its deadline.
  ASSERT_OK(engine_->CreateItem(
      {"jiafeng-2024-hundred-day", "hazard_case", "jf-guonan", "", "",
       {{"house_id", std::string("H-7")}, {"hazard_level", std::string("general")}}},
      office_, *ParseRfc3339("2024-05-06T09:00+08:00")));
  RunUntil(*ParseRfc3339("2024-05-28T00:00+08:00"));

  auto sup = store_->OpenIntents("jiafeng-supervisor", "monthly_summary");
  ASSERT_OK(sup);
  ASSERT_EQ(sup->size(), 1u) << Outcomes("s/");
  EXPECT_EQ(FormatWithOffset((*sup)[0].created_at, 8 * 60).substr(0, 16), "2024-05-27T09:00");
  const auto p = nlohmann::json::parse((*sup)[0].payload);
  EXPECT_EQ(p["unit"], "嘉峰镇");
  EXPECT_EQ(p["reports_due"], 50);  // 10 owing units × (4 Fridays + the monthly dispatch)
  EXPECT_EQ(p["reports_on_time"], 40);
  EXPECT_EQ(p["reports_missing"], 10);
  EXPECT_EQ(p["on_time_rate"], 80);
  EXPECT_EQ(p["items_overdue"], 1);
  ASSERT_EQ(p["laggards"].size(), 2u);
  // 5 missing × 3, and the case 18 days overdue: 2 × 2 (7 to 29 days) = 19.
  EXPECT_EQ(p["laggards"][0]["unit"], "郭南村");
  EXPECT_EQ(p["laggards"][0]["score"], 19);
  EXPECT_EQ(p["laggards"][1]["unit"], "武安村");  // 15
  EXPECT_EQ(p["laggards_text"], "郭南村（缺报5次、逾期1项）、武安村（缺报5次）");
  // The county's task force gets the same picture one level up.
  auto county = store_->OpenIntents("qinshui-task-force", "monthly_summary");
  ASSERT_OK(county);
  ASSERT_EQ(county->size(), 1u);
  EXPECT_EQ(nlohmann::json::parse((*county)[0].payload)["reports_missing"], 10);
}

}  // namespace
}  // namespace duban
