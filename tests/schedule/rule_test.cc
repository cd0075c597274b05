#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "schedule/internal.h"
#include "schedule/schedule.h"
#include "schedule_testing.h"
#include "testing/status_matchers.h"

namespace duban::schedule {
namespace {

using std::chrono::hours;
using testing::CnHolidays;
using testing::D;
using testing::LoadZone;
using testing::Local;
using testing::MustParseRule;
using testing::Shanghai;
using testing::T;

std::vector<std::string> LocalAll(const std::vector<SystemTime>& ts) {
  std::vector<std::string> out;
  for (SystemTime t : ts) out.push_back(Local(t));
  return out;
}

TEST(RuleTest, FridayNoonInShanghaiIsFourOClockUtc) {
  const Rule rule = MustParseRule("weekly fri 12:00");
  const Context ctx = Shanghai();
  EXPECT_EQ(NextAfter(rule, T("2024-04-08T09:00+08:00"), ctx),
            T("2024-04-12T04:00:00Z"));
  // Strictly after: the occurrence itself is not "after" itself.
  EXPECT_EQ(NextAfter(rule, T("2024-04-12T04:00:00Z"), ctx),
            T("2024-04-19T04:00:00Z"));
  EXPECT_EQ(NextAfter(rule, T("2024-04-12T03:59:59.999Z"), ctx),
            T("2024-04-12T04:00:00Z"));
}

TEST(RuleTest, WeeklyRuleInBerlinStaysAtNoonAcrossDstChanges) {
  Context ctx;
  ctx.zone = LoadZone("Europe/Berlin");
  const auto got =
      Occurrences(MustParseRule("weekly fri 12:00"), T("2024-03-20T00:00Z"),
                  T("2024-11-09T00:00Z"), ctx);
  ASSERT_EQ(got.size(), 34u);
  EXPECT_EQ(got[0], T("2024-03-22T12:00+01:00"));
  EXPECT_EQ(got[1], T("2024-03-29T12:00+01:00"));
  EXPECT_EQ(got[2], T("2024-04-05T12:00+02:00"));  // after 03-31
  EXPECT_EQ(got[31], T("2024-10-25T12:00+02:00"));
  EXPECT_EQ(got[32], T("2024-11-01T12:00+01:00"));  // after 10-27
  for (SystemTime t : got) EXPECT_EQ(ctx.zone.Format(t).substr(11), "12:00");
}

TEST(RuleTest, RuleAtASkippedOrRepeatedLocalTimeIsDeterministic) {
  Context ctx;
  ctx.zone = LoadZone("Europe/Berlin");
  const Rule rule = MustParseRule("weekly sun 02:30");
  EXPECT_EQ(NextAfter(rule, T("2024-03-30T00:00+01:00"), ctx),
            T("2024-03-31T03:30+02:00"));
  EXPECT_EQ(NextAfter(rule, T("2024-10-26T00:00+02:00"), ctx),
            T("2024-10-27T02:30+02:00"));
  // The repeated 02:30 (CET) is not a second occurrence.
  EXPECT_EQ(NextAfter(rule, T("2024-10-27T02:30+02:00"), ctx),
            T("2024-11-03T02:30+01:00"));
}

struct PolicyCase {
  DayOffPolicy policy;
  const char* after;
  const char* expected;
};

TEST(RuleTest, QingmingFridayFollowsTheDayOffPolicy) {
  // 2024-04-04 … 04-06 are off and Sunday 04-07 is a make-up working day.
  const PolicyCase cases[] = {
      {DayOffPolicy::kKeep, "2024-03-29T13:00+08:00", "2024-04-05 12:00 周五"},
      {DayOffPolicy::kPreviousWorkingDay, "2024-03-29T13:00+08:00",
       "2024-04-03 12:00 周三"},
      {DayOffPolicy::kNextWorkingDay, "2024-03-29T13:00+08:00",
       "2024-04-07 12:00 周日"},
      // A moved occurrence is not returned twice, nor one before t.
      {DayOffPolicy::kPreviousWorkingDay, "2024-04-03T12:00+08:00",
       "2024-04-12 12:00 周五"},
      {DayOffPolicy::kPreviousWorkingDay, "2024-04-04T08:00+08:00",
       "2024-04-12 12:00 周五"},
      // An occurrence moved later is found even after its nominal date.
      {DayOffPolicy::kNextWorkingDay, "2024-04-05T13:00+08:00",
       "2024-04-07 12:00 周日"},
      {DayOffPolicy::kNextWorkingDay, "2024-04-07T11:00+08:00",
       "2024-04-07 12:00 周日"},
      {DayOffPolicy::kNextWorkingDay, "2024-04-07T12:00+08:00",
       "2024-04-12 12:00 周五"},
      // Labour Day: 05-01 … 05-05 off.
      {DayOffPolicy::kPreviousWorkingDay, "2024-04-27T00:00+08:00",
       "2024-04-30 12:00 周二"},
      {DayOffPolicy::kNextWorkingDay, "2024-04-27T00:00+08:00",
       "2024-05-06 12:00 周一"},
  };
  const Rule rule = MustParseRule("weekly fri 12:00");
  for (const auto& c : cases) {
    const auto next = NextAfter(rule, T(c.after), Shanghai(c.policy));
    ASSERT_TRUE(next.has_value()) << c.after;
    EXPECT_EQ(Local(*next), c.expected)
        << DayOffPolicyName(c.policy) << " after " << c.after;
  }
}

TEST(RuleTest, DailyRuleMovedOffAHolidayWeekYieldsEachInstantOnce) {
  const auto got = Occurrences(
      MustParseRule("daily 09:00"), T("2024-09-28T00:00+08:00"),
      T("2024-10-15T00:00+08:00"), Shanghai(DayOffPolicy::kNextWorkingDay));
  EXPECT_EQ(LocalAll(got),
            (std::vector<std::string>{
                "2024-09-29 09:00 周日",  // make-up day; 09-28 moves here
                "2024-09-30 09:00 周一",
                "2024-10-08 09:00 周二",  // 10-01 … 10-07 move here
                "2024-10-09 09:00 周三", "2024-10-10 09:00 周四",
                "2024-10-11 09:00 周五",
                "2024-10-12 09:00 周六",  // make-up day
                "2024-10-14 09:00 周一",  // 10-13 moves here
            }));
}

TEST(RuleTest, MonthlyLastWorkingDaySkipsWeekendsAndHolidays) {
  const Rule rule = MustParseRule("monthly last_working_day 17:00");
  const auto got = Occurrences(rule, T("2024-02-01T00:00+08:00"),
                               T("2025-02-01T00:00+08:00"), Shanghai());
  ASSERT_EQ(got.size(), 12u);
  EXPECT_EQ(Local(got[0]), "2024-02-29 17:00 周四");
  EXPECT_EQ(Local(got[1]), "2024-03-29 17:00 周五");  // 03-31 is a Sunday
  EXPECT_EQ(Local(got[4]), "2024-06-28 17:00 周五");
  EXPECT_EQ(Local(got[7]), "2024-09-30 17:00 周一");
  EXPECT_EQ(Local(got[8]), "2024-10-31 17:00 周四");
  EXPECT_EQ(Local(got[11]),
            "2025-01-27 17:00 周一");  // Spring Festival from 01-28
}

TEST(RuleTest, MonthlyDayClampsToTheEndOfShortMonths) {
  const auto got = Occurrences(MustParseRule("monthly 31 17:00"),
                               T("2024-01-01T00:00+08:00"),
                               T("2024-05-01T00:00+08:00"), Shanghai());
  EXPECT_EQ(LocalAll(got),
            (std::vector<std::string>{
                "2024-01-31 17:00 周三", "2024-02-29 17:00 周四",
                "2024-03-31 17:00 周日", "2024-04-30 17:00 周二"}));
  const auto last = Occurrences(MustParseRule("monthly last_day 18:00"),
                                T("2023-02-01T00:00+08:00"),
                                T("2023-03-01T00:00+08:00"), Shanghai());
  EXPECT_EQ(LocalAll(last),
            (std::vector<std::string>{"2023-02-28 18:00 周二"}));
}

TEST(RuleTest, WindowStopsOccurrencesAtThePhaseEnd) {
  Context ctx = Shanghai();
  ctx.window = LocalDaysWindow(ctx.zone, D(2024, 3, 25), D(2024, 4, 25));
  const Rule rule = MustParseRule("weekly fri 12:00");
  EXPECT_EQ(LocalAll(Occurrences(rule, T("2024-01-01T00:00Z"),
                                 T("2025-01-01T00:00Z"), ctx)),
            (std::vector<std::string>{
                "2024-03-29 12:00 周五", "2024-04-05 12:00 周五",
                "2024-04-12 12:00 周五", "2024-04-19 12:00 周五"}));
  EXPECT_EQ(NextAfter(rule, T("2024-03-01T00:00+08:00"), ctx),
            T("2024-03-29T12:00+08:00"));
  EXPECT_EQ(NextAfter(rule, T("2024-04-19T12:00+08:00"), ctx), std::nullopt);
  EXPECT_EQ(NextAfter(rule, T("2024-06-01T00:00+08:00"), ctx), std::nullopt);
  // Bounds: the start is inside, the end is outside.
  ctx.window = Window{T("2024-04-05T12:00+08:00"), T("2024-04-19T12:00+08:00")};
  EXPECT_EQ(LocalAll(Occurrences(rule, T("2024-01-01T00:00Z"),
                                 T("2025-01-01T00:00Z"), ctx)),
            (std::vector<std::string>{"2024-04-05 12:00 周五",
                                      "2024-04-12 12:00 周五"}));
}

TEST(RuleTest, WindowAppliesAfterTheDayOffPolicy) {
  // The phase starts on Thursday 04-04; Friday 04-05 moves to Wednesday
  // 04-03, outside it, so the first occurrence is 04-12.
  Context ctx = Shanghai(DayOffPolicy::kPreviousWorkingDay);
  ctx.window = LocalDaysWindow(ctx.zone, D(2024, 4, 4), std::nullopt);
  EXPECT_EQ(NextAfter(MustParseRule("weekly fri 12:00"),
                      T("2024-03-30T00:00+08:00"), ctx),
            T("2024-04-12T12:00+08:00"));
}

TEST(RuleTest, OnceRuleOccursExactlyOnce) {
  const Rule rule = MustParseRule("once 2024-12-15 23:59:59");
  const Context ctx = Shanghai();
  const auto next = NextAfter(rule, T("2024-03-25T00:00+08:00"), ctx);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(*next, T("2024-12-15T15:59:59Z"));
  EXPECT_EQ(ctx.zone.FormatWithWeekday(*next), "2024-12-15 23:59:59 周日");
  EXPECT_EQ(NextAfter(rule, *next, ctx), std::nullopt);
  EXPECT_EQ(NextAfter(rule, *next - hours(1), ctx), next);
  // 12-15 is a Sunday: the next-working-day policy moves it to Monday.
  EXPECT_EQ(NextAfter(rule, *next, Shanghai(DayOffPolicy::kNextWorkingDay)),
            T("2024-12-16T23:59:59+08:00"));
}

TEST(RuleTest, OccurrenceOnFindsTheOccurrenceOfALocalDate) {
  const Rule rule = MustParseRule("weekly fri 12:00");
  EXPECT_EQ(OccurrenceOn(rule, D(2024, 4, 12), Shanghai()),
            T("2024-04-12T12:00+08:00"));
  EXPECT_EQ(OccurrenceOn(rule, D(2024, 4, 11), Shanghai()), std::nullopt);
  EXPECT_EQ(OccurrenceOn(rule, D(2024, 4, 3),
                         Shanghai(DayOffPolicy::kPreviousWorkingDay)),
            T("2024-04-03T12:00+08:00"));
  EXPECT_EQ(OccurrenceOn(rule, D(2024, 4, 5),
                         Shanghai(DayOffPolicy::kPreviousWorkingDay)),
            std::nullopt);
}

TEST(RuleTest, UncoveredYearFallsBackToWeekendsAndIsReported) {
  std::set<int> uncovered;
  Context ctx = Shanghai(DayOffPolicy::kPreviousWorkingDay);
  ctx.uncovered_years = &uncovered;
  const Rule rule = MustParseRule("weekly fri 12:00");
  // 2027-10-01 would be National Day, but 2027 has no notice yet.
  EXPECT_EQ(NextAfter(rule, T("2027-09-27T00:00+08:00"), ctx),
            T("2027-10-01T12:00+08:00"));
  EXPECT_EQ(uncovered, (std::set<int>{2027}));
  // With `keep` the calendar is not consulted, so nothing is reported.
  uncovered.clear();
  ctx.policy = DayOffPolicy::kKeep;
  (void)NextAfter(rule, T("2027-09-27T00:00+08:00"), ctx);
  EXPECT_TRUE(uncovered.empty());
  // Without a calendar every year counts as uncovered.
  ctx.calendar = nullptr;
  ctx.policy = DayOffPolicy::kNextWorkingDay;
  EXPECT_EQ(NextAfter(rule, T("2024-04-01T00:00+08:00"), ctx),
            T("2024-04-05T12:00+08:00"));
  EXPECT_EQ(uncovered, (std::set<int>{2024}));
}

// Brute force: walk every day, decide whether it is a nominal date, move it
// by walking day by day, and collect the instants. NextAfter must agree.
bool IsNominal(const Rule& rule, Date d, const Calendar& cal) {
  const int64_t n = internal::DayNumber(d);
  const Date last = Date(d.year() / d.month() / std::chrono::last);
  switch (rule.kind) {
    case Rule::Kind::kDaily:
      return true;
    case Rule::Kind::kWeekly:
      return internal::IsoWeekday(n) == rule.weekday;
    case Rule::Kind::kMonthlyDay:
      return static_cast<unsigned>(d.day()) ==
             std::min(rule.day_of_month, static_cast<unsigned>(last.day()));
    case Rule::Kind::kMonthlyLastDay:
      return d == last;
    case Rule::Kind::kMonthlyLastWorkingDay:
      return cal.IsWorkingDay(d) &&
             cal.CountWorkingDays(
                 internal::FromDayNumber(n + 1),
                 internal::FromDayNumber(internal::DayNumber(last) + 1)) == 0;
    case Rule::Kind::kOnce:
      return d == rule.date;
  }
  return false;
}

TEST(RuleTest, NextAfterAgreesWithBruteForceForEveryRuleAndPolicy) {
  const Calendar& cal = CnHolidays();
  const char* rules[] = {"daily 09:00",
                         "weekly fri 12:00",
                         "weekly sun 10:00",
                         "weekly sat 23:30",
                         "monthly 20 17:00",
                         "monthly 31 17:00",
                         "monthly 1 08:00",
                         "monthly last_day 18:00",
                         "monthly last_working_day 17:00",
                         "once 2024-10-03 10:00"};
  const int64_t first = internal::DayNumber(D(2023, 12, 1));
  const int64_t last = internal::DayNumber(D(2027, 2, 1));
  for (const char* text : rules) {
    const Rule rule = MustParseRule(text);
    for (auto policy : {DayOffPolicy::kKeep, DayOffPolicy::kPreviousWorkingDay,
                        DayOffPolicy::kNextWorkingDay}) {
      const Context ctx = Shanghai(policy);
      std::set<SystemTime> expected;
      for (int64_t n = first; n <= last; ++n) {
        if (!IsNominal(rule, internal::FromDayNumber(n), cal)) continue;
        int64_t m = n;
        const int step = policy == DayOffPolicy::kNextWorkingDay ? 1 : -1;
        while (policy != DayOffPolicy::kKeep &&
               !cal.IsWorkingDay(internal::FromDayNumber(m))) {
          m += step;
        }
        expected.insert(
            ctx.zone.ToInstant(internal::FromDayNumber(m), rule.time_of_day));
      }
      // Every 13 hours from 2024-01-01 to 2026-12-01, so every time of day is
      // probed.
      for (SystemTime t = T("2024-01-01T00:00+08:00");
           t < T("2026-12-01T00:00+08:00"); t += hours(13)) {
        const auto it = expected.upper_bound(t);
        const std::optional<SystemTime> want =
            it == expected.end() ? std::nullopt
                                 : std::optional<SystemTime>(*it);
        ASSERT_EQ(NextAfter(rule, t, ctx), want)
            << text << " " << DayOffPolicyName(policy) << " after " << Local(t);
      }
    }
  }
}

}  // namespace
}  // namespace duban::schedule
