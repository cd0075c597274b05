#include <gtest/gtest.h>

#include <set>

#include "schedule/schedule.h"
#include "schedule_testing.h"
#include "testing/status_matchers.h"

namespace duban::schedule {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using testing::LoadZone;
using testing::Local;
using testing::MustParseOffset;
using testing::Shanghai;
using testing::T;

struct GoodCase {
  const char* text;
  const char* canonical;
};

TEST(OffsetTest, AcceptsEveryOffsetFormAndPrintsItCanonically) {
  const GoodCase cases[] = {
      {"0", "0"},
      {"+24h", "+24h"},
      {"-3h", "-3h"},
      {"+30m", "+30m"},
      {"-90m", "-90m"},
      {"+120m", "+2h"},
      {"+0h", "0"},
      {"+2d", "+2d"},
      {"-1d 16:00", "-1d 16:00"},
      {"+0d 18:00", "+0d 18:00"},
      {"+2 days", "+2d"},
      {"+3 working days", "+3 working days"},
      {"+1 working day", "+1 working day"},
      {"-1 working days 09:00", "-1 working day 09:00"},
      {"-7 working days 09:00", "-7 working days 09:00"},
      {"+5 Working Days", "+5 working days"},
  };
  for (const auto& c : cases) {
    auto offset = ParseOffset(c.text);
    ASSERT_OK(offset) << c.text;
    EXPECT_EQ(offset->ToString(), c.canonical) << c.text;
    auto again = ParseOffset(offset->ToString());
    ASSERT_OK(again);
    EXPECT_EQ(*again, *offset) << c.text;
  }
  const Offset o = MustParseOffset("-7 working days 09:00");
  EXPECT_EQ(o.kind, Offset::Kind::kWorkingDays);
  EXPECT_EQ(o.days, -7);
  EXPECT_EQ(o.time_of_day, hours(9));
  EXPECT_EQ(MustParseOffset("-3h").duration, -hours(3));
}

struct BadCase {
  const char* text;
  const char* message;
};

TEST(OffsetTest, RejectsBadOffsetsWithPreciseMessages) {
  const BadCase cases[] = {
      {"",
       "empty offset; expected e.g. '+24h', '-30m', '-1d 16:00', '+3 working "
       "days' or '0'"},
      {"soon",
       "invalid offset 'soon'; expected e.g. '+24h', '-30m', '-1d 16:00', '+3 "
       "working days' "
       "or '0'"},
      {"24h", "offset '24h' needs a sign: '+24h' or '-24h'"},
      {"+", "expected a number after '+' in offset '+'"},
      {"- 3h", "expected a number after '-' in offset '- 3h'"},
      {"+24", "missing unit in offset '+24'; expected h, m, d or working days"},
      {"+24x",
       "unknown unit 'x' in offset '+24x'; expected h, m, d or working days"},
      {"+3 workin days",
       "unknown unit 'workin days' in offset '+3 workin days'; expected h, m, "
       "d or working "
       "days — did you mean 'working days'?"},
      {"+24h 16:00",
       "a time of day may follow only a day offset ('-1d 16:00', '-3 working "
       "days 09:00'), "
       "not '+24h 16:00'"},
      {"-1d 25:00",
       "invalid time '25:00'; expected HH:MM or HH:MM:SS from 00:00 to "
       "23:59:59"},
      {"+0 working days",
       "offset '+0 working days' counts no working days; use '0' or at least 1 "
       "working day"},
      {"+99999d", "offset '+99999d' is too large; at most 3660 days"},
      {"+9999 working days",
       "offset '+9999 working days' is too large; at most 2600 working days"},
  };
  for (const auto& c : cases) {
    auto offset = ParseOffset(c.text);
    ASSERT_FALSE(offset.ok()) << c.text;
    EXPECT_EQ(offset.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_EQ(offset.status().message(), c.message) << c.text;
  }
}

struct ApplyCase {
  const char* base;
  const char* offset;
  const char* expected;  // Asia/Shanghai local time
};

TEST(OffsetTest, AppliesOffsetsInShanghaiWithTheHolidayCalendar) {
  const ApplyCase cases[] = {
      // The weekly report's reminder: Thursday 16:00 before Friday noon.
      {"2024-03-29T12:00+08:00", "-1d 16:00", "2024-03-28 16:00 周四"},
      {"2024-03-29T12:00+08:00", "-3h", "2024-03-29 09:00 周五"},
      {"2024-03-29T12:00+08:00", "+2h", "2024-03-29 14:00 周五"},
      {"2024-03-29T12:00+08:00", "0", "2024-03-29 12:00 周五"},
      {"2024-03-29T12:00+08:00", "+2d", "2024-03-31 12:00 周日"},
      {"2024-03-29T12:00+08:00", "+30m", "2024-03-29 12:30 周五"},
      // National Day: 10-01 … 10-07 off.
      {"2024-09-30T10:15+08:00", "+3 working days", "2024-10-10 10:15 周四"},
      {"2024-09-30T10:15+08:00", "+1 working day 09:00",
       "2024-10-08 09:00 周二"},
      // 10-12 (Saturday) is a make-up working day.
      {"2024-10-14T12:00+08:00", "-1 working day", "2024-10-12 12:00 周六"},
      {"2024-10-14T12:00+08:00", "-7 working days 09:00",
       "2024-09-29 09:00 周日"},
      // From a day off, +1 is the next working day and -1 the previous one.
      {"2024-05-03T12:00+08:00", "+1 working day", "2024-05-06 12:00 周一"},
      {"2024-05-03T12:00+08:00", "-1 working day", "2024-04-30 12:00 周二"},
      // A milestone due 2024-06-30 23:59:59 (Sunday), countdown at 09:00.
      {"2024-06-30T23:59:59+08:00", "-1 working days 09:00",
       "2024-06-28 09:00 周五"},
      {"2024-06-30T23:59:59+08:00", "-7 working days 09:00",
       "2024-06-20 09:00 周四"},
  };
  const Context ctx = Shanghai();
  for (const auto& c : cases) {
    const SystemTime t = Apply(MustParseOffset(c.offset), T(c.base), ctx);
    EXPECT_EQ(Local(t), c.expected) << c.base << " " << c.offset;
  }
  EXPECT_EQ(
      Apply(MustParseOffset("-1d 16:00"), T("2024-03-29T12:00+08:00"), ctx),
      T("2024-03-28T16:00+08:00"));
}

TEST(OffsetTest, HoursAreElapsedTimeAndDaysKeepTheLocalTimeAcrossDst) {
  Context ctx;
  ctx.zone = LoadZone("Europe/Berlin");
  const SystemTime base = T("2024-03-30T12:00+01:00");  // the day before DST
  EXPECT_EQ(Apply(MustParseOffset("+24h"), base, ctx),
            T("2024-03-31T13:00+02:00"));
  EXPECT_EQ(Apply(MustParseOffset("+1d"), base, ctx),
            T("2024-03-31T12:00+02:00"));
}

TEST(OffsetTest, WorkingDaysInAnUncoveredYearAreReported) {
  std::set<int> uncovered;
  Context ctx = Shanghai();
  ctx.uncovered_years = &uncovered;
  // 2027-09-30 is a Thursday: Friday, then Monday and Tuesday.
  const SystemTime t = Apply(MustParseOffset("+3 working days"),
                             T("2027-09-30T12:00+08:00"), ctx);
  EXPECT_EQ(Local(t), "2027-10-05 12:00 周二");
  EXPECT_EQ(uncovered, (std::set<int>{2027}));

  uncovered.clear();
  (void)Apply(MustParseOffset("+3 working days"), T("2024-09-30T12:00+08:00"),
              ctx);
  (void)Apply(MustParseOffset("+3d"), T("2027-09-30T12:00+08:00"), ctx);
  EXPECT_TRUE(uncovered.empty());
}

}  // namespace
}  // namespace duban::schedule
