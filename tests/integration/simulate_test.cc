// Issue 3: the seed campaign on a virtual clock. Exact messages of a week,
// catch-up after downtime, restart equivalence, and wall-clock steps.
#include "app/simulate.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include <algorithm>

#include "app/campaigns.h"
#include "app/runner.h"
#include "base/time_format.h"
#include "demo_town.h"
#include "schedule/schedule.h"
#include "store/store.h"
#include "testing/status_matchers.h"

namespace duban::app {
namespace {

SystemTime T(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

std::string Local(SystemTime t) {
  auto zone = schedule::Zone::Load("Asia/Shanghai");
  return zone->Format(t);
}

class SimulateTest : public ::testing::Test {
 protected:
  SimulateTest() : log_("null", std::make_shared<spdlog::sinks::null_sink_mt>()) {}

  SimulationResult Run(SystemTime from, SystemTime to, const std::string& events = "",
                       std::optional<SystemTime> restart_at = std::nullopt) {
    SimulationOptions opts;
    opts.from = from;
    opts.to = to;
    opts.database_copy = town_.File("sim.db");
    if (!events.empty()) opts.events_file = town_.Write("events.jsonl", events);
    opts.restart_at = restart_at;
    auto r = Simulate(town_.config(), opts, log_);
    EXPECT_OK(r);
    return r.ok() ? *r : SimulationResult{};
  }

  // "2024-03-28 16:02 jf-lizhuang-liaison weekly_report_reminder"
  static std::vector<std::string> Lines(const SimulationResult& r) {
    std::vector<std::string> out;
    for (const auto& m : r.messages) {
      out.push_back(Local(m.at) + " " + m.recipient + " " + m.binding);
    }
    return out;
  }
  static int Count(const SimulationResult& r, const std::string& binding) {
    return static_cast<int>(std::count_if(r.messages.begin(), r.messages.end(),
                                          [&](const auto& m) { return m.binding == binding; }));
  }

  testing::DemoTown town_;
  spdlog::logger log_;
};

TEST_F(SimulateTest, FirstWeekRemindsThenEscalatesEveryMissingUnit) {
  auto r = Run(T("2024-03-25T00:00+08:00"), T("2024-03-30T00:00+08:00"));
  // 8 villages + 2 member units owe the report.
  EXPECT_EQ(Count(r, "weekly_report_reminder"), 20);  // Thu 16:00 and Fri 09:00
  EXPECT_EQ(Count(r, "weekly_report_missing_digest"), 1);
  EXPECT_EQ(Count(r, "weekly_report_missing_notice"), 10);
  EXPECT_EQ(Count(r, "weekly_report_circular"), 0);  // first week: not "two running"
  const auto lines = Lines(r);
  EXPECT_EQ(lines.front(), "2024-03-28 16:02 jf-fire-liaison weekly_report_reminder");
  EXPECT_NE(std::find(lines.begin(), lines.end(),
                      "2024-03-29 12:02 jiafeng-office weekly_report_missing_digest"),
            lines.end());
  const auto digest = std::find_if(r.messages.begin(), r.messages.end(), [](const auto& m) {
    return m.binding == "weekly_report_missing_digest";
  });
  ASSERT_NE(digest, r.messages.end());
  for (const char* unit : {"嘉峰村", "李庄村", "郭南村", "殷庄村", "秦庄村", "武安村", "磨掌村",
                           "卧庄村", "嘉峰市场监管所", "嘉峰消防救援站"}) {
    EXPECT_NE(digest->body.find(unit), std::string::npos) << unit << "\n" << digest->body;
  }
  EXPECT_NE(digest->body.find("以下10个单位未报送"), std::string::npos) << digest->body;
}

TEST_F(SimulateTest, SubmissionsStopTheirEscalationAndLateOnesAreRecorded) {
  std::string events;
  for (const char* unit : {"jf-jiafeng", "jf-lizhuang", "jf-guonan", "jf-yinzhuang", "jf-qinzhuang",
                           "jf-wuan", "jf-market", "jf-fire"}) {
    events += std::string(R"({"at":"2024-03-28T10:00+08:00","type":"submit","obligation":"weekly_report","unit":")") +
              unit + R"(","period":"2024-03-29","fields":{"mis_checked":5,"mis_surveyed":1,"missed":0,"key_checked":3,"key_hazards":1,"key_rectified":0,"appraisal_checked":2,"appraisal_noncompliant":0,"work_summary":"本周完成摸排"}})" "\n";
  }
  // 磨掌村 reports late at 13:00; 卧庄村 never does.
  events += R"({"at":"2024-03-29T13:00+08:00","type":"submit","obligation":"weekly_report","unit":"jf-mozhang","period":"2024-03-29","fields":{"mis_checked":1,"mis_surveyed":0,"missed":0,"key_checked":0,"key_hazards":0,"key_rectified":0,"appraisal_checked":0,"appraisal_noncompliant":0,"work_summary":"补报"}})" "\n";
  auto r = Run(T("2024-03-25T00:00+08:00"), T("2024-03-30T00:00+08:00"), events);
  EXPECT_EQ(r.events_applied, 9);
  EXPECT_EQ(Lines(r), (std::vector<std::string>{
                          "2024-03-28 16:02 jf-mozhang-liaison weekly_report_reminder",
                          "2024-03-28 16:02 jf-wozhuang-liaison weekly_report_reminder",
                          "2024-03-29 09:02 jf-mozhang-liaison weekly_report_reminder",
                          "2024-03-29 09:02 jf-wozhuang-liaison weekly_report_reminder",
                          "2024-03-29 12:02 jiafeng-office weekly_report_missing_digest",
                          "2024-03-29 14:02 jf-wozhuang-head weekly_report_missing_notice",
                      }));
  EXPECT_NE(r.messages[4].body.find("以下2个单位未报送"), std::string::npos) << r.messages[4].body;
}

TEST_F(SimulateTest, RestartMidWeekSendsExactlyTheMessagesOfAnUninterruptedRun) {
  const SystemTime from = T("2024-03-25T00:00+08:00");
  const SystemTime to = T("2024-04-13T00:00+08:00");
  auto straight = Run(from, to);
  auto restarted = Run(from, to, "", T("2024-04-04T20:00+08:00"));
  ASSERT_FALSE(straight.messages.empty());
  EXPECT_EQ(Lines(restarted), Lines(straight));
  for (size_t i = 0; i < std::min(straight.messages.size(), restarted.messages.size()); ++i) {
    EXPECT_EQ(restarted.messages[i].body, straight.messages[i].body) << i;
  }
  // Two weeks running without a report: the 通报 to the town work group and
  // the county task force, once each, on the second Friday.
  EXPECT_EQ(Count(straight, "weekly_report_circular"), 2 * 2);  // weeks 2 and 3
}

// Downtime from Thursday 10:00 to Friday 13:00: the two reminders whose
// deadline has passed are skipped with a reason, the noon digest fires once.
TEST_F(SimulateTest, CatchUpAfterDowntimeSkipsStaleRemindersAndFiresEscalationsOnce) {
  Diagnostics diags;
  Loaded loaded = LoadCampaigns(town_.config(), &diags);
  ASSERT_FALSE(diags.has_errors()) << diags.ToString();
  VirtualClock clock(T("2024-03-25T00:00+08:00"));
  auto store = store::OpenSqlite({town_.database()}, clock.Now());
  ASSERT_OK(store);
  std::vector<SimulatedMessage> sent;
  RecordingChannel rec(clock, &sent);
  RunnerDeps deps{&town_.config(), store->get(), &clock, &log_, &loaded, &rec};
  auto runner = Runner::Create(deps);
  ASSERT_OK(runner);
  ASSERT_OK((*runner)->Start(clock.Now()));
  ASSERT_OK((*runner)->Tick(clock.Now()));  // materialises the week
  clock.SetNow(T("2024-03-28T10:00+08:00"));
  ASSERT_OK((*runner)->Tick(clock.Now()));
  EXPECT_TRUE(sent.empty());
  // The daemon is down until Friday 13:00, then ticks once.
  clock.SetNow(T("2024-03-29T13:00+08:00"));
  auto tick = (*runner)->Tick(clock.Now());
  ASSERT_OK(tick);
  EXPECT_EQ(tick->engine.skipped, 20);  // 10 units x (Thu 16:00, Fri 09:00)
  ASSERT_OK((*runner)->Tick(clock.Now() + std::chrono::minutes(2)));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].binding, "weekly_report_missing_digest");
  auto fired = (*store)->FiredTimersForTest();
  ASSERT_OK(fired);
  int skipped = 0;
  for (const auto& [t, outcome] : *fired) {
    if (outcome.rfind("skipped: reminder due 3月28日（周四）16:00 came after the deadline", 0) == 0) ++skipped;
  }
  EXPECT_EQ(skipped, 10);

  // NTP steps the wall clock back an hour: nothing fires twice.
  clock.SetNow(T("2024-03-29T12:01+08:00"));
  ASSERT_OK((*runner)->Tick(clock.Now()));
  ASSERT_OK((*runner)->Tick(clock.Now() + std::chrono::minutes(5)));
  EXPECT_EQ(sent.size(), 1u);
  // Forward past 14:00: the head notices fire once each, none skipped.
  clock.SetNow(T("2024-03-29T14:30+08:00"));
  ASSERT_OK((*runner)->Tick(clock.Now()));
  ASSERT_OK((*runner)->Tick(clock.Now() + std::chrono::minutes(2)));
  EXPECT_EQ(sent.size(), 11u);
  clock.SetNow(T("2024-03-29T14:40+08:00"));
  ASSERT_OK((*runner)->Tick(clock.Now()));
  EXPECT_EQ(sent.size(), 11u);
}

}  // namespace
}  // namespace duban::app
