// Evaluating absolute rules: NextAfter, Occurrences, OccurrenceOn.
//
// A rule yields nominal dates (every Friday; the 20th of each month). The
// day-off policy may move each one to the previous or next working day, at
// the same local time; the occurrences are the set of moved instants inside
// the window. Moves can reorder nothing by more than the longest run of days
// off, so the first occurrence after t is found among the nominal dates from
// (t - that run) to (best found + that run): a handful of dates, each found by
// date arithmetic. Taking the minimum of a set means an occurrence moved to
// before t is never returned, one moved past t is never skipped, and two
// nominal dates moved onto the same instant yield it once.
#include <algorithm>

#include "schedule/internal.h"
#include "schedule/schedule.h"

namespace duban::schedule {
namespace {

using internal::DayNumber;
using internal::FromDayNumber;
using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month;

// Occurrences are computed between these instants only: no rule is meant
// for other years, and the limits keep the date arithmetic far from overflow.
constexpr SystemTime kEarliest{sys_days(std::chrono::year(1900) / 1 / 1)};
constexpr SystemTime kLatest{sys_days(std::chrono::year(9000) / 1 / 1)};

int64_t LastDayOf(year_month ym) {
  return sys_days(ym / std::chrono::last).time_since_epoch().count();
}

int64_t DayOfMonth(year_month ym, unsigned n) {
  const unsigned last =
      static_cast<unsigned>(Date(ym / std::chrono::last).day());
  return sys_days(ym / std::chrono::day(std::min(n, last)))
      .time_since_epoch()
      .count();
}

int64_t LastWorkingDayOf(year_month ym, const Context& ctx) {
  const int64_t last = LastDayOf(ym);
  const Calendar& cal = internal::CalendarOf(ctx);
  internal::NoteYears(ctx, last, last);
  if (cal.IsWorkingDay(FromDayNumber(last))) return last;
  return DayNumber(cal.AddWorkingDays(FromDayNumber(last), -1));
}

// The first nominal date on or after `day`, or nullopt (a once rule passed).
std::optional<int64_t> NominalOnOrAfter(const Rule& rule, int64_t day,
                                        const Context& ctx) {
  const Date date = FromDayNumber(day);
  const year_month ym = date.year() / date.month();
  switch (rule.kind) {
    case Rule::Kind::kDaily:
      return day;
    case Rule::Kind::kWeekly: {
      const int64_t ahead =
          (static_cast<int64_t>(rule.weekday) + 7 - internal::IsoWeekday(day)) %
          7;
      return day + ahead;
    }
    case Rule::Kind::kMonthlyDay: {
      const int64_t d = DayOfMonth(ym, rule.day_of_month);
      return d >= day
                 ? d
                 : DayOfMonth(ym + std::chrono::months(1), rule.day_of_month);
    }
    case Rule::Kind::kMonthlyLastDay:
      return LastDayOf(ym);
    case Rule::Kind::kMonthlyLastWorkingDay: {
      const int64_t d = LastWorkingDayOf(ym, ctx);
      return d >= day ? d : LastWorkingDayOf(ym + std::chrono::months(1), ctx);
    }
    case Rule::Kind::kOnce: {
      const int64_t d = DayNumber(rule.date);
      if (d >= day) return d;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// The date a nominal date becomes under the policy.
int64_t Move(int64_t day, const Context& ctx) {
  if (ctx.policy == DayOffPolicy::kKeep) return day;
  const Calendar& cal = internal::CalendarOf(ctx);
  internal::NoteYears(ctx, day, day);
  const Date date = FromDayNumber(day);
  if (cal.IsWorkingDay(date)) return day;
  const int step = ctx.policy == DayOffPolicy::kNextWorkingDay ? 1 : -1;
  const int64_t moved = DayNumber(cal.AddWorkingDays(date, step));
  internal::NoteYears(ctx, moved, moved);
  return moved;
}

SystemTime At(int64_t day, const Rule& rule, const Context& ctx) {
  return ctx.zone.ToInstant(FromDayNumber(day), Millis(rule.time_of_day));
}

}  // namespace

std::optional<SystemTime> NextAfter(const Rule& rule, SystemTime t,
                                    const Context& ctx) {
  // Strictly after `lo`; a window start s admits s itself.
  SystemTime lo = std::max(t, kEarliest);
  if (ctx.window.start && *ctx.window.start > lo)
    lo = *ctx.window.start - Millis(1);
  if (lo >= kLatest) return std::nullopt;
  if (ctx.window.end && lo >= *ctx.window.end) return std::nullopt;
  // A move shifts a date by at most `reach` days (one more for DST slack).
  const int64_t reach = ctx.policy == DayOffPolicy::kKeep
                            ? 0
                            : internal::CalendarOf(ctx).longest_days_off() + 1;
  const int64_t back = ctx.policy == DayOffPolicy::kNextWorkingDay ? reach : 0;
  const int64_t ahead =
      ctx.policy == DayOffPolicy::kPreviousWorkingDay ? reach : 0;
  const int64_t lo_day = DayNumber(ctx.zone.LocalDate(lo));
  std::optional<SystemTime> best;
  std::optional<int64_t> nominal =
      NominalOnOrAfter(rule, lo_day - back - 1, ctx);
  // Every pass moves to a later nominal date; within `reach` + 2 days of lo
  // a daily rule needs the most passes, so this bound is never reached.
  for (int guard = 0; nominal && guard < 400; ++guard) {
    // Later nominal dates move to at least (nominal - ahead) days.
    if (best && *nominal - ahead - 1 > DayNumber(ctx.zone.LocalDate(*best)))
      break;
    const SystemTime at = At(Move(*nominal, ctx), rule, ctx);
    if (at > lo && (!best || at < *best)) best = at;
    nominal = NominalOnOrAfter(rule, *nominal + 1, ctx);
  }
  if (!best || (ctx.window.end && *best >= *ctx.window.end))
    return std::nullopt;
  return best;
}

std::vector<SystemTime> Occurrences(const Rule& rule, SystemTime from,
                                    SystemTime to, const Context& ctx,
                                    size_t limit) {
  std::vector<SystemTime> out;
  if (to <= from) return out;
  std::optional<SystemTime> next = from > kEarliest
                                       ? NextAfter(rule, from - Millis(1), ctx)
                                       : NextAfter(rule, from, ctx);
  while (next && *next < to && out.size() < limit) {
    out.push_back(*next);
    next = NextAfter(rule, *next, ctx);
  }
  return out;
}

std::optional<SystemTime> OccurrenceOn(const Rule& rule, Date date,
                                       const Context& ctx) {
  const SystemTime midnight = ctx.zone.ToInstant(date, Millis(0));
  const std::optional<SystemTime> next =
      NextAfter(rule, midnight - Millis(1), ctx);
  if (!next || ctx.zone.LocalDate(*next) != date) return std::nullopt;
  return next;
}

}  // namespace duban::schedule
