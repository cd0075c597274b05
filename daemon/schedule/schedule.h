// schedule/: calendar math in a campaign's time zone. Parses the time rules
// campaign files write ("weekly fri 12:00", "-1d 16:00", "+3 working days"),
// knows working days from the holiday file, and answers "when is the next
// occurrence strictly after t". The grammar is in docs/schedule.md.
//
// Pure: nothing here reads the clock (every question takes its instant as a
// parameter) and only Calendar::Load touches the file system. Every type is a
// value or immutable after construction, so any thread may use it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/diagnostic.h"
#include "base/status.h"

namespace date {
class time_zone;
}

namespace duban::schedule {

// A local calendar day in some zone.
using Date = std::chrono::year_month_day;

// "2024-04-12".
std::string FormatDate(Date d);
// "周五".
std::string_view WeekdayZh(Date d);

struct LocalDateTime {
  Date date;
  Millis time_of_day{0};  // since local midnight
};

// An IANA time zone. Cheap to copy; the zone data belongs to the process-wide
// tz database, which the date library loads once, thread-safely.
class Zone {
 public:
  Zone() = default;  // UTC, without touching the tz database
  // Fails with kNotFound (with a did-you-mean) when the name is unknown or the
  // system tz database cannot be read.
  static Result<Zone> Load(std::string_view name);

  const std::string& name() const { return name_; }
  LocalDateTime ToLocal(SystemTime t) const;
  Date LocalDate(SystemTime t) const { return ToLocal(t).date; }
  // The instant of a local date and time. A time skipped by a DST change is
  // shifted forward by the gap (02:30 → 03:30); a repeated one resolves to
  // its earlier instant.
  SystemTime ToInstant(Date date, Millis time_of_day) const;
  // The first instant strictly after `t` whose local time of day is
  // `time_of_day` (today's if still ahead, else tomorrow's).
  SystemTime NextLocalTime(SystemTime t, Millis time_of_day) const;
  // Minutes east of UTC in effect at `t`.
  int OffsetMinutes(SystemTime t) const;
  // "2024-04-12 12:00", seconds added when not zero ("2024-12-15 23:59:59").
  std::string Format(SystemTime t) const;
  // "2024-04-12 12:00 周五".
  std::string FormatWithWeekday(SystemTime t) const;

 private:
  std::string name_ = "UTC";
  const date::time_zone* tz_ = nullptr;  // nullptr: UTC
};

// Working days: Monday to Friday, minus `off` rows, plus `workday` rows (调休
// make-up days) of the holiday file. Years the file does not cover fall back
// to weekends only; callers ask Covers()/UncoveredYears() to warn about them.
//
// Immutable after construction; any thread.
class Calendar {
 public:
  Calendar();  // no rows: weekends only, covers no year
  // Reads a CSV file with the header `date,kind,name`. Malformed rows are
  // reported in `diagnostics` (file, line, what) and skipped; the good rows
  // are kept. Fails with kNotFound only when the file cannot be read.
  static Result<Calendar> Load(const std::string& path,
                               Diagnostics* diagnostics);
  // The same from text; `file_name` is used in the diagnostics.
  static Calendar FromCsvText(std::string_view text, std::string_view file_name,
                              Diagnostics* diagnostics);

  // True when the file has at least one row dated in `year`.
  bool Covers(int year) const;
  const std::vector<int>& years() const { return years_; }
  bool IsWorkingDay(Date d) const;
  // The holiday a row names for `d` ("Qingming Festival (清明节)"), or "".
  std::string_view NameOf(Date d) const;
  // The number of working days in [from, to); 0 when to <= from.
  int64_t CountWorkingDays(Date from, Date to) const;
  // The n-th working day after `d` (n > 0) or before it (n < 0); `d` when 0.
  Date AddWorkingDays(Date d, int n) const;
  // The longest run of consecutive days off (at least 2, a weekend). Bounds
  // how far a day-off policy can move a date.
  int longest_days_off() const { return longest_days_off_; }

 private:
  struct Row {
    int32_t day;   // days since 1970-01-01
    bool workday;  // kind: true = workday, false = off
    int line;
    std::string name;
  };
  explicit Calendar(std::vector<Row> rows);
  const Row* Find(int32_t day) const;
  int64_t Adjustment(int32_t from, int32_t to) const;

  std::vector<Row> rows_;        // sorted by day, unique
  std::vector<int64_t> prefix_;  // prefix_[i] = sum of rows_[0..i) adjustments
  std::vector<int> years_;       // ascending
  int longest_days_off_ = 2;
};

// Years in [from.year(), to.year()] that `calendar` does not cover, ascending.
std::vector<int> UncoveredYears(const Calendar& calendar, Date from, Date to);

// What happens to an occurrence whose local date is a day off. The time of
// day is kept.
enum class DayOffPolicy { kKeep, kPreviousWorkingDay, kNextWorkingDay };
// "keep", "previous_working_day", "next_working_day".
Result<DayOffPolicy> ParseDayOffPolicy(std::string_view text);
std::string_view DayOffPolicyName(DayOffPolicy policy);

// An absolute rule: "weekly fri 12:00", "monthly last_working_day 17:00",
// "once 2024-12-15 23:59:59".
struct Rule {
  enum class Kind {
    kDaily,
    kWeekly,
    kMonthlyDay,
    kMonthlyLastDay,
    kMonthlyLastWorkingDay,
    kOnce
  };
  Kind kind = Kind::kDaily;
  unsigned weekday = 0;       // kWeekly: 1 = Monday … 7 = Sunday
  unsigned day_of_month = 0;  // kMonthlyDay: 1..31, clamped to the month's end
  Date date{};                // kOnce
  std::chrono::seconds time_of_day{0};

  std::string ToString() const;  // canonical text: "weekly fri 12:00"
  bool operator==(const Rule&) const = default;
};
// Fails with kInvalidArgument and a message naming the bad part.
Result<Rule> ParseRule(std::string_view text);

// A time relative to another: "+24h", "-1d 16:00", "+3 working days", "0".
struct Offset {
  enum class Kind { kDuration, kCalendarDays, kWorkingDays };
  Kind kind = Kind::kDuration;
  Millis duration{0};  // kDuration: elapsed time, signed
  int days = 0;        // kCalendarDays, kWorkingDays: signed count
  std::optional<std::chrono::seconds>
      time_of_day;  // days kinds: set the local time

  std::string ToString() const;  // canonical text: "-1d 16:00"
  bool operator==(const Offset&) const = default;
};
// Fails with kInvalidArgument and a message naming the bad part.
Result<Offset> ParseOffset(std::string_view text);

// [start, end); an absent bound is open.
struct Window {
  std::optional<SystemTime> start;
  std::optional<SystemTime> end;
  bool Contains(SystemTime t) const {
    return (!start || t >= *start) && (!end || t < *end);
  }
};
// The local days first..last (inclusive) as a window; last absent = open-ended.
Window LocalDaysWindow(const Zone& zone, Date first, std::optional<Date> last);

// Everything a computation needs besides the rule and the instant.
struct Context {
  Zone zone;  // default UTC
  const Calendar* calendar =
      nullptr;  // nullptr: weekends only, no year covered
  DayOffPolicy policy = DayOffPolicy::kKeep;
  Window window;  // occurrences (after the policy) outside it are dropped
  // When set, each year the calendar does not cover that a computation had to
  // consult (day-off checks, working-day counts) is added, so callers can warn.
  std::set<int>* uncovered_years = nullptr;
};

// The first occurrence of `rule` strictly after `t`, after the day-off policy,
// inside the window; nullopt when there is none (window over, once passed).
std::optional<SystemTime> NextAfter(const Rule& rule, SystemTime t,
                                    const Context& ctx);
// The occurrences in [from, to), ascending, at most `limit`.
std::vector<SystemTime> Occurrences(const Rule& rule, SystemTime from,
                                    SystemTime to, const Context& ctx,
                                    size_t limit = 10000);
// The occurrence whose local date is `date`, if any.
std::optional<SystemTime> OccurrenceOn(const Rule& rule, Date date,
                                       const Context& ctx);
// `base` moved by `offset` in ctx.zone and ctx.calendar; the policy and the
// window do not apply.
SystemTime Apply(const Offset& offset, SystemTime base, const Context& ctx);

}  // namespace duban::schedule
