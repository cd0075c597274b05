// Helpers for the schedule/ tests: instants written as RFC 3339 text, the
// zones the tests use, and the shipped holiday calendar.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "base/time_format.h"
#include "schedule/schedule.h"
#include "testing/paths.h"

namespace duban::schedule::testing {

// "2024-04-12T12:00+08:00" → SystemTime; fails the test on bad text.
inline SystemTime T(std::string_view rfc3339) {
  const auto t = ParseRfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << "bad instant in test: " << rfc3339;
  return t.value_or(SystemTime{});
}

inline Date D(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}

inline Zone LoadZone(std::string_view name) {
  auto zone = Zone::Load(name);
  EXPECT_TRUE(zone.ok()) << zone.status().ToString();
  return zone.ok() ? *zone : Zone();
}

// The shipped config/calendars/cn-holidays.csv, which must load cleanly.
inline const Calendar& CnHolidays() {
  static const Calendar* calendar = [] {
    Diagnostics diags;
    auto c = Calendar::Load(
        duban::testing::SourcePath("config/calendars/cn-holidays.csv"), &diags);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(diags.ToString(), "");
    return new Calendar(c.ok() ? std::move(*c) : Calendar());
  }();
  return *calendar;
}

// A context in Asia/Shanghai with the shipped calendar.
inline Context Shanghai(DayOffPolicy policy = DayOffPolicy::kKeep) {
  Context ctx;
  ctx.zone = LoadZone("Asia/Shanghai");
  ctx.calendar = &CnHolidays();
  ctx.policy = policy;
  return ctx;
}

// Local time in Asia/Shanghai, for readable expectations.
inline std::string Local(SystemTime t) {
  return LoadZone("Asia/Shanghai").FormatWithWeekday(t);
}

inline Rule MustParseRule(std::string_view text) {
  auto r = ParseRule(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : Rule();
}

inline Offset MustParseOffset(std::string_view text) {
  auto o = ParseOffset(text);
  EXPECT_TRUE(o.ok()) << text << ": " << o.status().ToString();
  return o.ok() ? *o : Offset();
}

}  // namespace duban::schedule::testing
