#include <gtest/gtest.h>

#include "schedule/internal.h"
#include "schedule/schedule.h"
#include "schedule_testing.h"
#include "testing/status_matchers.h"

namespace duban::schedule {
namespace {

using testing::CnHolidays;
using testing::D;

TEST(CalendarTest, ShippedFileCoversTheYearsItLists) {
  const Calendar& cal = CnHolidays();
  EXPECT_EQ(cal.years(), (std::vector<int>{2024, 2025, 2026}));
  EXPECT_TRUE(cal.Covers(2024));
  EXPECT_TRUE(cal.Covers(2026));
  EXPECT_FALSE(cal.Covers(2023));
  EXPECT_FALSE(cal.Covers(2027));
  // 2026's Spring Festival: 02-15 … 02-23 off.
  EXPECT_EQ(cal.longest_days_off(), 9);
}

struct DayCase {
  Date date;
  bool working;
  const char* why;
};

TEST(CalendarTest, WorkingDaysFollowTheHolidayFile) {
  const DayCase cases[] = {
      {D(2024, 4, 28), true, "Sunday make-up day for Labour Day"},
      {D(2024, 5, 11), true, "Saturday make-up day for Labour Day"},
      {D(2024, 5, 1), false, "Labour Day"},
      {D(2024, 5, 2), false, "Labour Day"},
      {D(2024, 5, 3), false, "Labour Day (a Friday)"},
      {D(2024, 5, 4), false, "Labour Day (a Saturday listed off)"},
      {D(2024, 5, 5), false, "Labour Day (a Sunday listed off)"},
      {D(2024, 5, 6), true, "plain Monday"},
      {D(2024, 4, 5), false, "Qingming (a Friday)"},
      {D(2024, 4, 7), true, "Sunday make-up day for Qingming"},
      {D(2024, 2, 9), true, "Spring Festival Eve 2024 was a working day"},
      {D(2024, 5, 18), false, "plain Saturday"},
      {D(2027, 10, 1), true, "2027 is not covered: a Friday is a working day"},
      {D(2027, 10, 2), false, "2027 is not covered: Saturday is off"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(CnHolidays().IsWorkingDay(c.date), c.working)
        << FormatDate(c.date) << ": " << c.why;
  }
  EXPECT_EQ(CnHolidays().NameOf(D(2024, 4, 5)), "Qingming Festival (清明节)");
  EXPECT_EQ(CnHolidays().NameOf(D(2024, 4, 8)), "");
}

TEST(CalendarTest, AddsWorkingDaysAcrossNationalDay) {
  const Calendar& cal = CnHolidays();
  EXPECT_EQ(cal.AddWorkingDays(D(2024, 9, 30), 3), D(2024, 10, 10));
  EXPECT_EQ(cal.AddWorkingDays(D(2024, 9, 30), 1), D(2024, 10, 8));
  EXPECT_EQ(cal.AddWorkingDays(D(2024, 10, 8), -1), D(2024, 9, 30));
  EXPECT_EQ(cal.AddWorkingDays(D(2024, 10, 8), -2),
            D(2024, 9, 29));  // Sunday make-up
  EXPECT_EQ(cal.AddWorkingDays(D(2024, 10, 3), 0), D(2024, 10, 3));
  EXPECT_EQ(cal.CountWorkingDays(D(2024, 10, 1), D(2024, 10, 8)), 0);
  EXPECT_EQ(cal.CountWorkingDays(D(2024, 9, 29), D(2024, 10, 13)), 7);
  EXPECT_EQ(cal.CountWorkingDays(D(2024, 10, 13), D(2024, 9, 29)), 0);
}

// AddWorkingDays uses arithmetic and binary search; a day-by-day walk must
// agree with it everywhere, including across the covered/uncovered edges.
TEST(CalendarTest, AddWorkingDaysAgreesWithADayByDayWalk) {
  const Calendar& cal = CnHolidays();
  const int64_t first = internal::DayNumber(D(2023, 11, 1));
  const int64_t last = internal::DayNumber(D(2027, 3, 1));
  for (int64_t day = first; day <= last; ++day) {
    const Date start = internal::FromDayNumber(day);
    for (int n : {-25, -11, -3, -1, 1, 2, 5, 15, 40}) {
      int64_t d = day;
      for (int left = n < 0 ? -n : n; left > 0;) {
        d += n < 0 ? -1 : 1;
        if (cal.IsWorkingDay(internal::FromDayNumber(d))) --left;
      }
      ASSERT_EQ(cal.AddWorkingDays(start, n), internal::FromDayNumber(d))
          << FormatDate(start) << " " << n;
    }
  }
}

TEST(CalendarTest, UncoveredYearFallsBackToWeekendsAndIsReported) {
  const Calendar& cal = CnHolidays();
  // 2027-09-30 is a Thursday; without a notice only the weekend is skipped.
  EXPECT_EQ(cal.AddWorkingDays(D(2027, 9, 30), 3), D(2027, 10, 5));
  EXPECT_EQ(UncoveredYears(cal, D(2026, 6, 1), D(2028, 1, 1)),
            (std::vector<int>{2027, 2028}));
  EXPECT_TRUE(UncoveredYears(cal, D(2024, 1, 1), D(2026, 12, 31)).empty());
}

TEST(CalendarTest, EmptyCalendarCountsWeekendsOnly) {
  const Calendar cal;
  EXPECT_TRUE(cal.years().empty());
  EXPECT_TRUE(cal.IsWorkingDay(D(2024, 5, 1)));
  EXPECT_FALSE(cal.IsWorkingDay(D(2024, 4, 28)));
  EXPECT_EQ(cal.CountWorkingDays(D(2024, 4, 29), D(2024, 5, 13)), 10);
  EXPECT_EQ(cal.AddWorkingDays(D(2024, 5, 3), 1), D(2024, 5, 6));
  EXPECT_EQ(cal.longest_days_off(), 2);
}

TEST(CalendarTest, ReportsBadRowsWithFileAndLineAndKeepsTheGoodOnes) {
  const std::string text =
      "date,kind,name\n"
      "2024-04-04,off,Qingming\n"
      "2024-02-30,off,Bad date\n"
      "2024-04-05,workdy,Typo\n"
      "2024-04-04,off,Duplicate\n"
      "2024-04-06\n"
      "\n"
      "# a comment\n"
      "2024-04-07,workday,\"Qingming (清明节)\"\r\n"
      "2024-04-03,workday,On a Wednesday\n";
  Diagnostics diags;
  const Calendar cal = Calendar::FromCsvText(text, "h.csv", &diags);
  EXPECT_EQ(
      diags.ToString(),
      "h.csv:3: error: bad date '2024-02-30'; expected YYYY-MM-DD naming a "
      "real day\n"
      "h.csv:4: error: unknown kind 'workdy'; expected off or workday — did "
      "you mean "
      "'workday'?\n"
      "h.csv:5: error: duplicate date 2024-04-04; first listed on line 2\n"
      "h.csv:6: error: expected 'date,kind,name', got '2024-04-06'\n"
      "h.csv:10: warning: 2024-04-03 is a Wednesday; 'workday' changes "
      "nothing\n");
  EXPECT_EQ(diags.error_count(), 4);
  EXPECT_FALSE(cal.IsWorkingDay(D(2024, 4, 4)));
  EXPECT_TRUE(cal.IsWorkingDay(D(2024, 4, 5)));  // its row was rejected
  EXPECT_TRUE(cal.IsWorkingDay(D(2024, 4, 7)));
  EXPECT_EQ(cal.NameOf(D(2024, 4, 7)), "Qingming (清明节)");
  EXPECT_TRUE(cal.Covers(2024));
}

TEST(CalendarTest, MissingHeaderIsAnErrorButADataRowInItsPlaceIsKept) {
  Diagnostics diags;
  const Calendar cal =
      Calendar::FromCsvText("2024-05-01,off,Labour Day\n", "x.csv", &diags);
  EXPECT_EQ(diags.ToString(),
            "x.csv:1: error: missing header row; expected 'date,kind,name'\n");
  EXPECT_FALSE(cal.IsWorkingDay(D(2024, 5, 1)));

  Diagnostics empty_diags;
  const Calendar empty = Calendar::FromCsvText("", "e.csv", &empty_diags);
  EXPECT_EQ(empty_diags.error_count(), 1);
  EXPECT_TRUE(empty.years().empty());
}

TEST(CalendarTest, LoadFailsOnlyWhenTheFileCannotBeRead) {
  Diagnostics diags;
  auto cal = Calendar::Load("/nonexistent/cn-holidays.csv", &diags);
  ASSERT_FALSE(cal.ok());
  EXPECT_EQ(cal.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cal.status().message(),
            "cannot read holiday calendar: /nonexistent/cn-holidays.csv");
}

}  // namespace
}  // namespace duban::schedule
