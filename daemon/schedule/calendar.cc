// Calendar queries. Working days are counted with arithmetic, not by walking
// days: weekdays in a range come from a formula, and the rows that change a
// day's status (an `off` weekday, a `workday` weekend day) are summed through
// a prefix array, so a count is two binary searches. Adding working days
// binary-searches that count.
#include <algorithm>

#include "schedule/internal.h"
#include "schedule/schedule.h"

namespace duban::schedule {
namespace {

using internal::DayNumber;
using internal::FromDayNumber;
using internal::IsoWeekday;
using internal::WeekdaysBetween;

bool IsWeekend(int64_t day) { return IsoWeekday(day) >= 6; }

}  // namespace

Calendar::Calendar() : prefix_{0} {}

Calendar::Calendar(std::vector<Row> rows) : rows_(std::move(rows)) {
  std::sort(rows_.begin(), rows_.end(),
            [](const Row& a, const Row& b) { return a.day < b.day; });
  prefix_.reserve(rows_.size() + 1);
  prefix_.push_back(0);
  for (const Row& r : rows_) {
    // Only an `off` weekday or a `workday` weekend day changes anything.
    int64_t adj = 0;
    if (!r.workday && !IsWeekend(r.day)) adj = -1;
    if (r.workday && IsWeekend(r.day)) adj = 1;
    prefix_.push_back(prefix_.back() + adj);
    const int year = static_cast<int>(FromDayNumber(r.day).year());
    if (years_.empty() || years_.back() != year) years_.push_back(year);
  }
  if (rows_.empty()) return;
  // The longest run of days off decides how far a day-off policy may move a
  // date, which bounds the evaluators' searches. Runs can only be longer than
  // a weekend near the rows, so scanning just past them is enough.
  int run = 0;
  for (int64_t d = rows_.front().day - 7; d <= rows_.back().day + 7; ++d) {
    run = IsWorkingDay(FromDayNumber(d)) ? 0 : run + 1;
    longest_days_off_ = std::max(longest_days_off_, run);
  }
}

bool Calendar::Covers(int year) const {
  return std::binary_search(years_.begin(), years_.end(), year);
}

const Calendar::Row* Calendar::Find(int32_t day) const {
  auto it = std::lower_bound(rows_.begin(), rows_.end(), day,
                             [](const Row& r, int32_t d) { return r.day < d; });
  return it != rows_.end() && it->day == day ? &*it : nullptr;
}

int64_t Calendar::Adjustment(int32_t from, int32_t to) const {
  const auto index = [this](int32_t day) {
    return std::lower_bound(rows_.begin(), rows_.end(), day,
                            [](const Row& r, int32_t d) { return r.day < d; }) -
           rows_.begin();
  };
  return prefix_[index(to)] - prefix_[index(from)];
}

bool Calendar::IsWorkingDay(Date d) const {
  const int32_t day = DayNumber(d);
  if (const Row* r = Find(day)) return r->workday;
  return !IsWeekend(day);
}

std::string_view Calendar::NameOf(Date d) const {
  const Row* r = Find(DayNumber(d));
  return r == nullptr ? std::string_view() : std::string_view(r->name);
}

int64_t Calendar::CountWorkingDays(Date from, Date to) const {
  const int32_t a = DayNumber(from), b = DayNumber(to);
  if (b <= a) return 0;
  return WeekdaysBetween(a, b) + Adjustment(a, b);
}

Date Calendar::AddWorkingDays(Date d, int n) const {
  if (n == 0) return d;
  const int32_t start = DayNumber(d);
  const auto count = [this](int64_t a, int64_t b) {
    return CountWorkingDays(FromDayNumber(a), FromDayNumber(b));
  };
  if (n > 0) {
    // The smallest day x > start with count(start + 1, x + 1) >= n; the count
    // only grows at working days, so x is the n-th working day.
    int64_t lo = start + 1, span = 2 * static_cast<int64_t>(n) + 14;
    while (count(start + 1, start + 1 + span) < n) span *= 2;
    int64_t hi = start + span;
    while (lo < hi) {
      const int64_t mid = lo + (hi - lo) / 2;
      if (count(start + 1, mid + 1) >= n) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return FromDayNumber(lo);
  }
  // The largest day x < start with count(x, start) >= -n.
  const int64_t m = -static_cast<int64_t>(n);
  int64_t span = 2 * m + 14;
  while (count(start - span, start) < m) span *= 2;
  int64_t lo = start - span, hi = start - 1;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo + 1) / 2;
    if (count(mid, start) >= m) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return FromDayNumber(lo);
}

std::vector<int> UncoveredYears(const Calendar& calendar, Date from, Date to) {
  std::vector<int> out;
  int first = static_cast<int>(from.year()), last = static_cast<int>(to.year());
  if (last < first) std::swap(first, last);
  for (int y = first; y <= last; ++y) {
    if (!calendar.Covers(y)) out.push_back(y);
  }
  return out;
}

}  // namespace duban::schedule
