// Issue 7, item 8: whole weeks of the seed campaign on the demo town (8
// villages, 2 member units) on the virtual clock, through `duban simulate`'s
// own code path with scripted events. Each scenario asserts the exact
// sequence of messages: local time, channel, recipient and template, and the
// names and counts in the text.
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "app/simulate.h"
#include "base/time_format.h"
#include "demo_town.h"
#include "schedule/schedule.h"
#include "store/store.h"
#include "testing/status_matchers.h"

namespace duban::app {
namespace {

constexpr const char* kUnits[] = {"jf-jiafeng", "jf-lizhuang", "jf-guonan", "jf-yinzhuang",
                                  "jf-qinzhuang", "jf-wuan",    "jf-mozhang", "jf-wozhuang",
                                  "jf-market",  "jf-fire"};
constexpr const char* kNames[] = {"嘉峰村", "李庄村", "郭南村", "殷庄村", "秦庄村",
                                  "武安村", "磨掌村", "卧庄村", "嘉峰市场监管所",
                                  "嘉峰消防救援站"};

SystemTime T(const std::string& rfc3339) { return *ParseRfc3339(rfc3339); }

// Scripted events, one JSON object per line, as `duban simulate --events`.
class Script {
 public:
  // `unit` reports for the week due Friday `period` at local time `at`.
  Script& Submit(const std::string& at, const std::string& unit, const std::string& period) {
    nlohmann::json fields = {{"mis_checked", 3},     {"mis_surveyed", 0}, {"missed", 0},
                             {"key_checked", 1},     {"key_hazards", 0},  {"key_rectified", 0},
                             {"appraisal_checked", 0}, {"appraisal_noncompliant", 0},
                             {"work_summary", "本周正常推进"}};
    return Add({{"at", at + "+08:00"}, {"type", "submit"}, {"obligation", "weekly_report"},
                {"unit", unit}, {"period", period}, {"fields", fields}});
  }
  // Every owing unit but `except` reports at `at`.
  Script& AllSubmitExcept(const std::string& at, const std::string& period,
                          std::set<std::string> except = {}) {
    for (const char* u : kUnits) {
      if (!except.contains(u)) Submit(at, u, period);
    }
    return *this;
  }
  Script& Add(const nlohmann::json& event) {
    text_ += event.dump() + "\n";
    return *this;
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

class EscalationScenarioTest : public ::testing::Test {
 protected:
  EscalationScenarioTest() : log_("null", std::make_shared<spdlog::sinks::null_sink_mt>()) {}

  SimulationResult Run(const std::string& from, const std::string& to, const Script& script,
                       std::optional<SystemTime> restart_at = std::nullopt) {
    SimulationOptions opts;
    opts.from = T(from);
    opts.to = T(to);
    opts.database_copy = town_.File("sim.db");
    opts.events_file = town_.Write("events.jsonl", script.text());
    opts.restart_at = restart_at;
    auto r = Simulate(town_.config(), opts, log_);
    EXPECT_OK(r);
    return r.ok() ? *r : SimulationResult{};
  }

  // "03-29 12:02 sms jiafeng-office weekly_report_missing_digest"
  static std::vector<std::string> Lines(const SimulationResult& r) {
    static const auto zone = *schedule::Zone::Load("Asia/Shanghai");
    std::vector<std::string> out;
    for (const auto& m : r.messages) {
      out.push_back(zone.Format(m.at).substr(5) + " " + m.channel + " " + m.recipient + " " +
                    m.binding);
    }
    return out;
  }
  static const SimulatedMessage& Find(const SimulationResult& r, const std::string& binding,
                                      const std::string& recipient) {
    static const SimulatedMessage kNone;
    auto it = std::find_if(r.messages.begin(), r.messages.end(), [&](const auto& m) {
      return m.binding == binding && m.recipient == recipient;
    });
    EXPECT_NE(it, r.messages.end()) << binding << " to " << recipient;
    return it == r.messages.end() ? kNone : *it;
  }
  // The names of the owing units that `body` mentions.
  static std::vector<std::string> Named(const std::string& body) {
    std::vector<std::string> out;
    for (const char* n : kNames) {
      if (body.find(n) != std::string::npos) out.push_back(n);
    }
    return out;
  }

  testing::DemoTown town_;
  spdlog::logger log_;
};

// Everyone reports on Thursday morning: nobody is reminded, nothing climbs,
// and every report is on time.
TEST_F(EscalationScenarioTest, AllVillagesReportOnTimeAndNobodyHearsAnything) {
  Script s;
  s.AllSubmitExcept("2024-04-18T10:00", "2024-04-19");
  auto r = Run("2024-04-15T00:00+08:00", "2024-04-20T00:00+08:00", s);
  EXPECT_EQ(r.events_applied, 10);
  EXPECT_EQ(Lines(r), std::vector<std::string>{});
  auto store = store::OpenSqlite({town_.File("sim.db")}, T("2024-04-20T00:00+08:00"));
  ASSERT_OK(store);
  auto stats = (*store)->StatsByOwner("jiafeng-2024-hundred-day", {"weekly_report"},
                                      T("2024-04-15T00:00+08:00"), T("2024-04-20T00:00+08:00"),
                                      T("2024-04-20T00:00+08:00"));
  ASSERT_OK(stats);
  ASSERT_EQ(stats->size(), 10u);
  for (const auto& s : *stats) {
    EXPECT_EQ(s.on_time, 1) << s.owner;
    EXPECT_EQ(s.late + s.missing, 0) << s.owner;
  }
}

// 李庄村, 武安村 and 卧庄村 never report: their liaisons are reminded Thursday
// 16:00 and Friday 09:00, the town office gets one digest at noon naming
// exactly those three, and each head is told at 14:00.
TEST_F(EscalationScenarioTest, ThreeMissAndTheNoonDigestNamesExactlyThoseThree) {
  Script s;
  s.AllSubmitExcept("2024-04-18T10:00", "2024-04-19", {"jf-lizhuang", "jf-wuan", "jf-wozhuang"});
  auto r = Run("2024-04-15T00:00+08:00", "2024-04-20T00:00+08:00", s);
  EXPECT_EQ(r.events_applied, 7);
  EXPECT_EQ(Lines(r), (std::vector<std::string>{
                          "04-18 16:02 sms jf-lizhuang-liaison weekly_report_reminder",
                          "04-18 16:02 sms jf-wozhuang-liaison weekly_report_reminder",
                          "04-18 16:02 sms jf-wuan-liaison weekly_report_reminder",
                          "04-19 09:02 sms jf-lizhuang-liaison weekly_report_reminder",
                          "04-19 09:02 sms jf-wozhuang-liaison weekly_report_reminder",
                          "04-19 09:02 sms jf-wuan-liaison weekly_report_reminder",
                          "04-19 12:02 sms jiafeng-office weekly_report_missing_digest",
                          "04-19 14:02 sms jf-lizhuang-head weekly_report_missing_notice",
                          "04-19 14:02 sms jf-wozhuang-head weekly_report_missing_notice",
                          "04-19 14:02 sms jf-wuan-head weekly_report_missing_notice",
                      }));
  const auto& digest = Find(r, "weekly_report_missing_digest", "jiafeng-office");
  EXPECT_EQ(Named(digest.body), (std::vector<std::string>{"李庄村", "武安村", "卧庄村"}))
      << digest.body;
  EXPECT_NE(digest.body.find("以下3个单位未报送"), std::string::npos) << digest.body;
  EXPECT_EQ(Named(Find(r, "weekly_report_missing_notice", "jf-wuan-head").body),
            std::vector<std::string>{"武安村"});
}

// 磨掌村 reports at 13:00, an hour late: no 14:00 notice for it, the report
// is recorded as 60 minutes late; 卧庄村's head still hears at 14:00.
TEST_F(EscalationScenarioTest, ALateReportAtOnePmStopsItsTwoPmNoticeAndIsRecordedLate) {
  Script s;
  s.AllSubmitExcept("2024-04-18T10:00", "2024-04-19", {"jf-mozhang", "jf-wozhuang"});
  s.Submit("2024-04-19T13:00", "jf-mozhang", "2024-04-19");
  auto r = Run("2024-04-15T00:00+08:00", "2024-04-20T00:00+08:00", s);
  EXPECT_EQ(r.events_applied, 9);
  EXPECT_EQ(Lines(r), (std::vector<std::string>{
                          "04-18 16:02 sms jf-mozhang-liaison weekly_report_reminder",
                          "04-18 16:02 sms jf-wozhuang-liaison weekly_report_reminder",
                          "04-19 09:02 sms jf-mozhang-liaison weekly_report_reminder",
                          "04-19 09:02 sms jf-wozhuang-liaison weekly_report_reminder",
                          "04-19 12:02 sms jiafeng-office weekly_report_missing_digest",
                          "04-19 14:02 sms jf-wozhuang-head weekly_report_missing_notice",
                      }));
  EXPECT_EQ(Named(Find(r, "weekly_report_missing_digest", "jiafeng-office").body),
            (std::vector<std::string>{"磨掌村", "卧庄村"}));
  auto store = store::OpenSqlite({town_.File("sim.db")}, T("2024-04-20T00:00+08:00"));
  ASSERT_OK(store);
  auto item = (*store)->FindItemByKey(
      "jiafeng-2024-hundred-day/weekly_report/2024-04-19/jf-mozhang");
  ASSERT_OK(item);
  ASSERT_TRUE(item->has_value());
  const auto data = nlohmann::json::parse((*item)->data);
  EXPECT_EQ(data["late"], true) << data;
  EXPECT_EQ(data["late_minutes"], 60) << data;
  auto stats = (*store)->StatsByOwner("jiafeng-2024-hundred-day", {"weekly_report"},
                                      T("2024-04-15T00:00+08:00"), T("2024-04-20T00:00+08:00"),
                                      T("2024-04-20T00:00+08:00"));
  ASSERT_OK(stats);
  for (const auto& st : *stats) {
    if (st.owner == "jf-mozhang") {
      EXPECT_EQ(st.late, 1);
    }
    if (st.owner == "jf-wozhuang") {
      EXPECT_EQ(st.missing, 1);
    }
  }
}

// 卧庄村 misses two Fridays running: the second week adds the 通报 to the
// town's group robot and to the county task force, naming it; 武安村, which
// missed only the second week, is not in it.
TEST_F(EscalationScenarioTest, TwoWeeksRunningMissedBringsTheCircularToTheGroupAndCounty) {
  Script s;
  s.AllSubmitExcept("2024-04-11T10:00", "2024-04-12", {"jf-wozhuang"});
  s.AllSubmitExcept("2024-04-18T10:00", "2024-04-19", {"jf-wozhuang", "jf-wuan"});
  auto r = Run("2024-04-08T00:00+08:00", "2024-04-20T00:00+08:00", s);
  const auto lines = Lines(r);
  std::vector<std::string> friday_afternoon;
  std::copy_if(lines.begin(), lines.end(), std::back_inserter(friday_afternoon),
               [](const std::string& l) { return l.rfind("04-19 14", 0) == 0; });
  EXPECT_EQ(friday_afternoon, (std::vector<std::string>{
                                  "04-19 14:02 sms jf-wozhuang-head weekly_report_missing_notice",
                                  "04-19 14:02 sms jf-wuan-head weekly_report_missing_notice",
                                  "04-19 14:02 town-robot jiafeng-group weekly_report_circular",
                                  "04-19 14:02 sms qinshui-task-force weekly_report_circular",
                              }));
  for (const char* to : {"qinshui-task-force", "jiafeng-group"}) {
    const auto& circular = Find(r, "weekly_report_circular", to);
    EXPECT_EQ(Named(circular.body), std::vector<std::string>{"卧庄村"}) << circular.body;
    EXPECT_NE(circular.body.find("连续2周"), std::string::npos) << circular.body;
  }
}

// A transfer to the market department that nobody signs for: the contact is
// told at once, contact and head the morning after it falls due, the town's
// leaders two working days later, the county task force seven working days
// after that (Sunday 04-28 is a make-up working day).
TEST_F(EscalationScenarioTest, ATransferNeverAcknowledgedClimbsToTheCounty) {
  Script s;
  for (const char* period : {"2024-04-19", "2024-04-26", "2024-05-03"}) {
    // Weekly reports are all on time: only the transfer speaks.
    const std::string thursday = period == std::string("2024-05-03") ? "2024-04-30T10:00"
                                 : period == std::string("2024-04-19") ? "2024-04-18T10:00"
                                                                       : "2024-04-25T10:00";
    s.AllSubmitExcept(thursday, period);
  }
  s.Add({{"at", "2024-04-15T10:00+08:00"},
         {"type", "create"},
         {"kind", "transfer"},
         {"owner", "jf-wuan"},
         {"department", "jf-market"},
         {"key", "t-wuan-1"},
         {"fields", {{"problem", "沿街商铺无证经营餐饮，占用消防通道"}}}});
  auto r = Run("2024-04-15T00:00+08:00", "2024-05-01T00:00+08:00", s);
  EXPECT_EQ(r.events_applied, 31);
  EXPECT_EQ(Lines(r), (std::vector<std::string>{
                          "04-15 10:02 sms jf-market-contact transfer_notice",
                          "04-19 09:00 sms jf-market-contact item_overdue",
                          "04-19 09:00 sms jf-market-head item_overdue",
                          "04-23 09:00 sms jiafeng-office item_supervision",
                          "04-23 09:00 sms jiafeng-supervisor item_supervision",
                          // The first monthly summary (rectification phase) names the
                          // department as the laggard.
                          "04-25 09:02 sms jiafeng-office monthly_summary",
                          "04-25 09:02 sms jiafeng-supervisor monthly_summary",
                          "04-25 09:02 sms qinshui-task-force monthly_summary",
                          "04-29 09:00 sms qinshui-task-force item_supervision",
                      }));
  // Each message above the department says whose delay it is, and for how long.
  for (const char* to : {"jiafeng-office", "qinshui-task-force"}) {
    const auto& m = Find(r, "item_supervision", to);
    EXPECT_NE(m.body.find("武安村「移送问题」"), std::string::npos) << m.body;
    EXPECT_NE(m.body.find("移送嘉峰市场监管所"), std::string::npos) << m.body;
  }
  EXPECT_NE(Find(r, "item_supervision", "qinshui-task-force").body.find("逾期10天"),
            std::string::npos);
  EXPECT_NE(Find(r, "monthly_summary", "jiafeng-supervisor").body.find("嘉峰市场监管所（移送逾期未办1件）"),
            std::string::npos)
      << Find(r, "monthly_summary", "jiafeng-supervisor").body;
}

// A hazard case whose 限期 is Thursday 2024-10-03, inside the National Day
// holiday (10-01 … 10-07; Sunday 09-29 and Saturday 10-12 are make-up
// working days). The deadline stays on its date (day_off_policy: keep); the
// working-day steps around it skip the holiday and count the make-up days.
TEST_F(EscalationScenarioTest, ADeadlineInTheNationalDayHolidayCountsWorkingDaysAroundIt) {
  Script s;
  s.Add({{"at", "2024-09-02T10:00+08:00"},
         {"type", "create"},
         {"kind", "hazard_case"},
         {"owner", "jf-guonan"},
         {"key", "h-guonan-7"},
         {"fields", {{"house_id", "GN-007"}, {"hazard_level", "serious"}}}});
  s.Add({{"at", "2024-09-02T11:00+08:00"}, {"type", "transition"}, {"item", "h-guonan-7"},
         {"transition", "control"}, {"fields", {{"control_measures", "设置警示标志，停止使用"}}}});
  s.Add({{"at", "2024-09-04T15:00+08:00"}, {"type", "transition"}, {"item", "h-guonan-7"},
         {"transition", "appraise"},
         {"fields", {{"appraisal_level", "C"}, {"appraisal_agency", "晋城市房屋安全鉴定站"},
                     {"appraisal_date", "2024-09-04"}}}});
  s.Add({{"at", "2024-09-05T09:00+08:00"}, {"type", "transition"}, {"item", "h-guonan-7"},
         {"transition", "start_rectification"},
         {"fields", {{"method", "reinforce"}, {"deadline", "2024-10-03"}}}});
  auto r = Run("2024-09-02T00:00+08:00", "2024-10-27T00:00+08:00", s);
  EXPECT_EQ(r.events_applied, 4);
  std::vector<std::string> lines;
  for (const auto& l : Lines(r)) {
    if (l.find("weekly_report") == std::string::npos && l.find("monthly") == std::string::npos) {
      lines.push_back(l);
    }
  }
  EXPECT_EQ(lines, (std::vector<std::string>{
                       // 5 working days before 10-03: 09-30, 09-29 (make-up), 09-27, 09-26, 09-25.
                       "09-25 09:02 sms jf-guonan-head item_due_reminder",
                       "09-25 09:02 sms jf-guonan-liaison item_due_reminder",
                       // The end of 10-03, in quiet hours: SMS at 08:00.
                       "10-04 08:00 sms jf-guonan-head item_overdue",
                       "10-04 08:00 sms jiafeng-office item_overdue",
                       // +5 working days: 10-08 … 10-11 and Saturday 10-12 (make-up).
                       "10-13 08:00 sms jiafeng-supervisor item_supervision",
                       "10-13 08:00 sms qinshui-task-force item_supervision",
                       // +15 working days: 10-25.
                       "10-26 08:00 sms jf-guonan-head item_talk",
                       "10-26 08:00 sms jiafeng-supervisor item_talk",
                   }));
  EXPECT_NE(Find(r, "item_overdue", "jiafeng-office").body.find("郭南村"), std::string::npos);
}

// Countdown to the end of the rectification phase (06-25): 7, 3 and 1
// working days before (06-14, 06-20, 06-24; 06-10 is the Dragon Boat
// holiday) at 09:30, each village head with open items hears its own count
// and the town's leader in charge gets one list.
TEST_F(EscalationScenarioTest, PhaseEndCountdownTellsWhatIsStillOpenPerVillage) {
  Script s;
  int n = 0;
  for (const char* owner : {"jf-guonan", "jf-guonan", "jf-lizhuang"}) {
    s.Add({{"at", "2024-06-03T10:00+08:00"},
           {"type", "create"},
           {"kind", "hazard_case"},
           {"owner", owner},
           {"key", "case-" + std::to_string(++n)},
           {"fields", {{"house_id", "H-" + std::to_string(n)}, {"hazard_level", "general"}}}});
  }
  auto r = Run("2024-06-12T00:00+08:00", "2024-06-25T00:00+08:00", s);
  std::vector<std::string> lines;
  for (const auto& l : Lines(r)) {
    if (l.find("milestone_countdown") != std::string::npos) lines.push_back(l);
  }
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "06-14 09:32 sms jf-guonan-head milestone_countdown",
                       "06-14 09:32 sms jf-lizhuang-head milestone_countdown",
                       "06-14 09:32 sms jiafeng-supervisor milestone_countdown",
                       "06-20 09:02 sms jf-guonan-head milestone_countdown",
                       "06-20 09:02 sms jf-lizhuang-head milestone_countdown",
                       "06-20 09:02 sms jiafeng-supervisor milestone_countdown",
                       "06-20 09:32 sms jf-guonan-head milestone_countdown",
                       "06-20 09:32 sms jf-lizhuang-head milestone_countdown",
                       "06-20 09:32 sms jiafeng-supervisor milestone_countdown",
                       "06-24 09:32 sms jf-guonan-head milestone_countdown",
                       "06-24 09:32 sms jf-lizhuang-head milestone_countdown",
                       "06-24 09:32 sms jiafeng-supervisor milestone_countdown",
                   }));
  const auto& first = Find(r, "milestone_countdown", "jiafeng-supervisor");
  // "还有N个工作日" counts today and the deadline day (06-14 … 06-25: 8).
  EXPECT_NE(first.body.find("距「集中整治阶段」截止（6月25日（周二）23:59）还有8个工作日"),
            std::string::npos)
      << first.body;
  EXPECT_NE(first.body.find("郭南村2项、李庄村1项"), std::string::npos) << first.body;
}

// The daemon restarts on Wednesday night of a week with a late report, a
// missing village and a transfer: exactly the same messages, at the same
// times, with the same text, as a run without the restart.
TEST_F(EscalationScenarioTest, ARestartMidWeekSendsTheSameMessagesAsAnUninterruptedWeek) {
  Script s;
  s.AllSubmitExcept("2024-04-18T10:00", "2024-04-19", {"jf-mozhang", "jf-wozhuang"});
  s.Submit("2024-04-19T13:00", "jf-mozhang", "2024-04-19");
  s.Add({{"at", "2024-04-15T10:00+08:00"},
         {"type", "create"},
         {"kind", "transfer"},
         {"owner", "jf-wuan"},
         {"department", "jf-fire"},
         {"key", "t-wuan-2"},
         {"fields", {{"problem", "沿街商铺消防通道堵塞"}}}});
  auto straight = Run("2024-04-15T00:00+08:00", "2024-04-27T00:00+08:00", s);
  auto restarted =
      Run("2024-04-15T00:00+08:00", "2024-04-27T00:00+08:00", s, T("2024-04-17T22:30+08:00"));
  ASSERT_GE(straight.messages.size(), 8u);
  EXPECT_EQ(Lines(restarted), Lines(straight));
  for (size_t i = 0; i < std::min(straight.messages.size(), restarted.messages.size()); ++i) {
    EXPECT_EQ(restarted.messages[i].body, straight.messages[i].body) << i;
  }
  EXPECT_EQ(restarted.events_applied, straight.events_applied);
}

}  // namespace
}  // namespace duban::app
