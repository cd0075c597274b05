#include <gtest/gtest.h>

#include "schedule/schedule.h"
#include "base/time_format.h"
#include "schedule_testing.h"
#include "testing/status_matchers.h"

namespace duban::schedule {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using testing::D;
using testing::LoadZone;
using testing::T;

TEST(ZoneTest, ShanghaiIsEightHoursAheadOfUtc) {
  const Zone zone = LoadZone("Asia/Shanghai");
  EXPECT_EQ(zone.name(), "Asia/Shanghai");
  const SystemTime noon = zone.ToInstant(D(2024, 4, 12), hours(12));
  EXPECT_EQ(noon, T("2024-04-12T04:00:00Z"));
  EXPECT_EQ(zone.OffsetMinutes(noon), 480);
  const LocalDateTime local = zone.ToLocal(T("2024-04-11T16:30:00Z"));
  EXPECT_EQ(local.date, D(2024, 4, 12));
  EXPECT_EQ(local.time_of_day, minutes(30));
}

TEST(ZoneTest, FormatsLocalTimeWithAndWithoutWeekday) {
  const Zone zone = LoadZone("Asia/Shanghai");
  EXPECT_EQ(zone.Format(T("2024-04-12T04:00:00Z")), "2024-04-12 12:00");
  EXPECT_EQ(zone.FormatWithWeekday(T("2024-04-12T04:00:00Z")),
            "2024-04-12 12:00 周五");
  EXPECT_EQ(zone.FormatWithWeekday(T("2024-04-14T01:00:00Z")),
            "2024-04-14 09:00 周日");
  // Seconds appear only when they are not zero.
  EXPECT_EQ(zone.Format(T("2024-12-15T23:59:59+08:00")), "2024-12-15 23:59:59");
}

TEST(ZoneTest, DefaultZoneIsUtc) {
  const Zone utc;
  EXPECT_EQ(utc.name(), "UTC");
  EXPECT_EQ(utc.ToInstant(D(2024, 1, 1), hours(9)), T("2024-01-01T09:00:00Z"));
  EXPECT_EQ(utc.OffsetMinutes(T("2024-01-01T09:00:00Z")), 0);
}

TEST(ZoneTest, UnknownZoneSuggestsTheClosestName) {
  auto zone = Zone::Load("Asia/Shangai");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(zone.status().message(),
            "unknown time zone 'Asia/Shangai' — did you mean 'Asia/Shanghai'?");
  EXPECT_EQ(Zone::Load("").status().code(), StatusCode::kInvalidArgument);
}

TEST(ZoneTest, NonexistentLocalTimeShiftsForwardByTheGap) {
  // Berlin skips 02:00–03:00 on 2024-03-31; 02:30 becomes 03:30 CEST.
  const Zone zone = LoadZone("Europe/Berlin");
  const SystemTime t = zone.ToInstant(D(2024, 3, 31), hours(2) + minutes(30));
  EXPECT_EQ(t, T("2024-03-31T03:30:00+02:00"));
  EXPECT_EQ(zone.Format(t), "2024-03-31 03:30");
}

TEST(ZoneTest, AmbiguousLocalTimeResolvesToTheEarlierInstant) {
  // Berlin repeats 02:00–03:00 on 2024-10-27; 02:30 is taken in CEST.
  const Zone zone = LoadZone("Europe/Berlin");
  const SystemTime t = zone.ToInstant(D(2024, 10, 27), hours(2) + minutes(30));
  EXPECT_EQ(t, T("2024-10-27T02:30:00+02:00"));
  EXPECT_EQ(zone.OffsetMinutes(t), 120);
  EXPECT_EQ(zone.OffsetMinutes(t + hours(1)), 60);
}

TEST(ZoneTest, LocalDaysWindowSpansWholeLocalDays) {
  const Zone zone = LoadZone("Asia/Shanghai");
  const Window w = LocalDaysWindow(zone, D(2024, 3, 25), D(2024, 4, 25));
  EXPECT_EQ(w.start, T("2024-03-25T00:00:00+08:00"));
  EXPECT_EQ(w.end, T("2024-04-26T00:00:00+08:00"));
  EXPECT_TRUE(w.Contains(T("2024-04-25T23:59:59+08:00")));
  EXPECT_FALSE(w.Contains(T("2024-04-26T00:00:00+08:00")));
  EXPECT_FALSE(
      LocalDaysWindow(zone, D(2024, 3, 25), std::nullopt).end.has_value());
}

TEST(ZoneTest, FormatsDatesAndChineseWeekdays) {
  EXPECT_EQ(FormatDate(D(2024, 4, 5)), "2024-04-05");
  EXPECT_EQ(WeekdayZh(D(2024, 4, 5)), "周五");
  EXPECT_EQ(WeekdayZh(D(2024, 4, 8)), "周一");
  EXPECT_EQ(WeekdayZh(D(1970, 1, 1)), "周四");
  EXPECT_EQ(WeekdayZh(D(1969, 12, 28)), "周日");
}

}  // namespace
}  // namespace duban::schedule

namespace duban::schedule {
namespace {

TEST(ZoneNextLocalTimeTest, TodayIfAheadElseTomorrow) {
  auto zone = Zone::Load("Asia/Shanghai");
  ASSERT_TRUE(zone.ok());
  const SystemTime night = *ParseRfc3339("2024-03-28T22:30+08:00");
  EXPECT_EQ(zone->Format(zone->NextLocalTime(night, std::chrono::hours(8))), "2024-03-29 08:00");
  const SystemTime early = *ParseRfc3339("2024-03-29T06:00+08:00");
  EXPECT_EQ(zone->Format(zone->NextLocalTime(early, std::chrono::hours(8))), "2024-03-29 08:00");
  const SystemTime exact = *ParseRfc3339("2024-03-29T08:00+08:00");
  EXPECT_EQ(zone->Format(zone->NextLocalTime(exact, std::chrono::hours(8))), "2024-03-30 08:00");
}

}  // namespace
}  // namespace duban::schedule
