// Helpers shared by the .cc files of schedule/ (and its tests): text
// scanning for the parsers and day arithmetic for the evaluators. Pure; any
// thread. Not part of the module's interface.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/schedule.h"

namespace duban::schedule::internal {

// Days since 1970-01-01 of a calendar date, and back.
inline int32_t DayNumber(Date d) {
  return static_cast<int32_t>(
      std::chrono::sys_days(d).time_since_epoch().count());
}
inline Date FromDayNumber(int64_t n) {
  return Date(std::chrono::sys_days(std::chrono::days(n)));
}
// ISO weekday of a day number: 1 = Monday … 7 = Sunday.
unsigned IsoWeekday(int64_t day);
// Weekdays (Monday–Friday) in [from, to); O(1).
int64_t WeekdaysBetween(int64_t from, int64_t to);

// Whitespace-separated tokens.
std::vector<std::string_view> Tokens(std::string_view text);
std::string Join(const std::vector<std::string_view>& tokens, size_t from,
                 size_t to);
std::string Lower(std::string_view text);
// "H:MM", "HH:MM" or "HH:MM:SS" within a day; nullopt otherwise.
std::optional<std::chrono::seconds> ParseTimeOfDay(std::string_view text);
// "invalid time '25:00'; expected HH:MM or HH:MM:SS from 00:00 to 23:59:59".
std::string TimeError(std::string_view token);
// "12:00", or "23:59:59" when the seconds are not zero.
std::string FormatTimeOfDay(std::chrono::seconds tod);
// Exactly "YYYY-MM-DD" naming a real day.
std::optional<Date> ParseIsoDate(std::string_view text);
// `message` followed by " — did you mean 'x'?" when a candidate is close.
std::string WithSuggestion(std::string message, std::string_view word,
                           const std::vector<std::string>& candidates);

// ctx.calendar, or an empty calendar (weekends only) when it is null.
const Calendar& CalendarOf(const Context& ctx);
// Records in ctx.uncovered_years the years in [a, b] (either order) that the
// calendar does not cover.
void NoteYears(const Context& ctx, int64_t day_a, int64_t day_b);

}  // namespace duban::schedule::internal
