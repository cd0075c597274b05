#include <gtest/gtest.h>

#include "schedule/schedule.h"
#include "schedule_testing.h"
#include "testing/status_matchers.h"

namespace duban::schedule {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using testing::D;

struct GoodCase {
  const char* text;
  const char* canonical;
};

TEST(RuleParserTest, AcceptsEveryRuleFormAndPrintsItCanonically) {
  const GoodCase cases[] = {
      {"weekly fri 12:00", "weekly fri 12:00"},
      {"weekly Friday 12:00", "weekly fri 12:00"},
      {"  weekly   sun  9:05 ", "weekly sun 09:05"},
      {"weekly mon 00:00", "weekly mon 00:00"},
      {"daily 09:00", "daily 09:00"},
      {"daily 23:59:30", "daily 23:59:30"},
      {"monthly 20 17:00", "monthly 20 17:00"},
      {"monthly 31 17:00", "monthly 31 17:00"},
      {"monthly last_day 18:00", "monthly last_day 18:00"},
      {"monthly last_working_day 17:00", "monthly last_working_day 17:00"},
      {"once 2024-12-15 23:59:59", "once 2024-12-15 23:59:59"},
      {"once 2024-06-30 23:59", "once 2024-06-30 23:59"},
      {"WEEKLY FRI 12:00", "weekly fri 12:00"},
  };
  for (const auto& c : cases) {
    auto rule = ParseRule(c.text);
    ASSERT_OK(rule) << c.text;
    EXPECT_EQ(rule->ToString(), c.canonical) << c.text;
    auto again = ParseRule(rule->ToString());
    ASSERT_OK(again);
    EXPECT_EQ(*again, *rule) << c.text;
  }
}

TEST(RuleParserTest, FillsTheFieldsOfEachKind) {
  const Rule weekly = testing::MustParseRule("weekly fri 12:00");
  EXPECT_EQ(weekly.kind, Rule::Kind::kWeekly);
  EXPECT_EQ(weekly.weekday, 5u);
  EXPECT_EQ(weekly.time_of_day, hours(12));
  const Rule once = testing::MustParseRule("once 2024-12-15 23:59:59");
  EXPECT_EQ(once.kind, Rule::Kind::kOnce);
  EXPECT_EQ(once.date, D(2024, 12, 15));
  EXPECT_EQ(once.time_of_day, seconds(23 * 3600 + 59 * 60 + 59));
  const Rule monthly = testing::MustParseRule("monthly 31 17:00");
  EXPECT_EQ(monthly.kind, Rule::Kind::kMonthlyDay);
  EXPECT_EQ(monthly.day_of_month, 31u);
}

struct BadCase {
  const char* text;
  const char* message;
};

TEST(RuleParserTest, RejectsBadRulesWithPreciseMessages) {
  const char* kTime = "; expected HH:MM or HH:MM:SS from 00:00 to 23:59:59";
  const BadCase cases[] = {
      {"", "empty rule; expected daily, weekly, monthly or once"},
      {"fortnightly fri 12:00",
       "unknown rule 'fortnightly'; expected daily, weekly, monthly or once"},
      {"wekly fri 12:00",
       "unknown rule 'wekly'; expected daily, weekly, monthly or once — did "
       "you mean "
       "'weekly'?"},
      {"weekly fri day 12:00",
       "unknown weekday 'fri day'; expected mon..sun — did you mean 'friday'?"},
      {"weekly fryday 12:00",
       "unknown weekday 'fryday'; expected mon..sun — did you mean 'friday'?"},
      {"weekly xyz 12:00", "unknown weekday 'xyz'; expected mon..sun"},
      {"weekly fri",
       "'weekly' takes a weekday and a time, e.g. 'weekly fri 12:00'"},
      {"weekly 12:00 fri", "unknown weekday '12:00'; expected mon..sun"},
      {"daily", "'daily' takes only a time, e.g. 'daily 09:00'"},
      {"daily mon 09:00", "'daily' takes only a time, e.g. 'daily 09:00'"},
      {"monthly 17:00",
       "'monthly' takes a day and a time, e.g. 'monthly 20 17:00'"},
      {"monthly 32 17:00",
       "invalid day of month '32'; expected 1..31, last_day or "
       "last_working_day"},
      {"monthly 0 17:00",
       "invalid day of month '0'; expected 1..31, last_day or "
       "last_working_day"},
      {"monthly last_workingday 17:00",
       "invalid day of month 'last_workingday'; expected 1..31, last_day or "
       "last_working_day — "
       "did you mean 'last_working_day'?"},
      {"once 2024-12-15",
       "'once' takes a date and a time, e.g. 'once 2024-06-30 23:59:59'"},
      {"once 2024-02-30 12:00",
       "invalid date '2024-02-30'; expected YYYY-MM-DD naming a real day"},
      {"once 2024/12/15 12:00",
       "invalid date '2024/12/15'; expected YYYY-MM-DD naming a real day"},
  };
  for (const auto& c : cases) {
    auto rule = ParseRule(c.text);
    ASSERT_FALSE(rule.ok()) << c.text;
    EXPECT_EQ(rule.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_EQ(rule.status().message(), c.message) << c.text;
  }
  for (const char* time : {"25:00", "12", "12:5", "12:60", "24:00", "12:00:60",
                           "noon", "12:00am"}) {
    const std::string text = std::string("weekly fri ") + time;
    auto rule = ParseRule(text);
    ASSERT_FALSE(rule.ok()) << text;
    EXPECT_EQ(rule.status().message(),
              std::string("invalid time '") + time + "'" + kTime);
  }
}

TEST(RuleParserTest, ParsesDayOffPolicies) {
  EXPECT_EQ(ParseDayOffPolicy("keep").value(), DayOffPolicy::kKeep);
  EXPECT_EQ(ParseDayOffPolicy("previous_working_day").value(),
            DayOffPolicy::kPreviousWorkingDay);
  EXPECT_EQ(ParseDayOffPolicy(" next_working_day ").value(),
            DayOffPolicy::kNextWorkingDay);
  for (auto p : {DayOffPolicy::kKeep, DayOffPolicy::kPreviousWorkingDay,
                 DayOffPolicy::kNextWorkingDay}) {
    EXPECT_EQ(ParseDayOffPolicy(DayOffPolicyName(p)).value(), p);
  }
  auto bad = ParseDayOffPolicy("previous_workday");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "unknown day-off policy 'previous_workday'; expected keep, "
            "previous_working_day "
            "or next_working_day — did you mean 'previous_working_day'?");
}

}  // namespace
}  // namespace duban::schedule
