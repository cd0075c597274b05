// Zone: SystemTime ↔ local date and time through the date library's tz
// database (the system's /usr/share/zoneinfo, USE_OS_TZDB).
#include <date/tz.h>
#include <fmt/format.h>

#include <exception>
#include <string>
#include <vector>

#include "base/strings.h"
#include "schedule/internal.h"
#include "schedule/schedule.h"

namespace duban::schedule {
namespace {

using std::chrono::floor;

constexpr std::string_view kWeekdaysZh[] = {"周一", "周二", "周三", "周四",
                                            "周五", "周六", "周日"};

std::vector<std::string> ZoneNames() {
  std::vector<std::string> names;
  try {
    const auto& db = date::get_tzdb();
    for (const auto& z : db.zones) names.push_back(z.name());
  } catch (const std::exception&) {
    // No database: no suggestions; the caller already reports the failure.
  }
  return names;
}

}  // namespace

std::string FormatDate(Date d) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()),
                     static_cast<unsigned>(d.month()),
                     static_cast<unsigned>(d.day()));
}

std::string_view WeekdayZh(Date d) {
  return kWeekdaysZh[internal::IsoWeekday(internal::DayNumber(d)) - 1];
}

Result<Zone> Zone::Load(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("empty time zone name");
  Zone zone;
  try {
    zone.tz_ = date::locate_zone(std::string(name));
  } catch (const std::exception& e) {
    // locate_zone throws both for an unknown name and for a missing or
    // unreadable database; the message says which.
    const std::string what = e.what();
    if (what.find("not found") == std::string::npos) {
      return Status::NotFound("cannot load the time zone database", what);
    }
    std::string message = fmt::format("unknown time zone '{}'", name);
    std::vector<std::string> names = ZoneNames();
    const std::string hint = DidYouMean(name, names);
    if (!hint.empty()) message += " — " + hint;
    return Status::NotFound(message);
  }
  zone.name_ = std::string(name);
  return zone;
}

LocalDateTime Zone::ToLocal(SystemTime t) const {
  const Millis offset =
      tz_ == nullptr ? Millis(0) : Millis(tz_->get_info(t).offset);
  const SystemTime local = t + offset;
  const auto day = floor<std::chrono::days>(local);
  return LocalDateTime{Date(day), local - day};
}

SystemTime Zone::ToInstant(Date date, Millis time_of_day) const {
  const auto days = std::chrono::sys_days(date).time_since_epoch();
  const Millis local = std::chrono::duration_cast<Millis>(days) + time_of_day;
  if (tz_ == nullptr) return SystemTime(local);
  const date::local_time<Millis> lt{local};
  const date::local_info info = tz_->get_info(lt);
  // unique: the one offset. ambiguous: `first` is the offset before the
  // change, so it gives the earlier instant. nonexistent: `first` is the
  // offset before the gap, which lands as far past the gap as the time was
  // into it (02:30 → 03:30 when clocks skip 02:00–03:00).
  return SystemTime(local - Millis(info.first.offset));
}

int Zone::OffsetMinutes(SystemTime t) const {
  if (tz_ == nullptr) return 0;
  return static_cast<int>(
      std::chrono::duration_cast<std::chrono::minutes>(tz_->get_info(t).offset)
          .count());
}

std::string Zone::Format(SystemTime t) const {
  const LocalDateTime local = ToLocal(t);
  return FormatDate(local.date) + " " +
         internal::FormatTimeOfDay(
             floor<std::chrono::seconds>(local.time_of_day));
}

std::string Zone::FormatWithWeekday(SystemTime t) const {
  return Format(t) + " " + std::string(WeekdayZh(LocalDate(t)));
}

Window LocalDaysWindow(const Zone& zone, Date first, std::optional<Date> last) {
  Window w;
  w.start = zone.ToInstant(first, Millis(0));
  if (last) {
    const Date after =
        Date(std::chrono::sys_days(*last) + std::chrono::days(1));
    w.end = zone.ToInstant(after, Millis(0));
  }
  return w;
}

SystemTime Zone::NextLocalTime(SystemTime t, Millis time_of_day) const {
  const Date today = LocalDate(t);
  const SystemTime at = ToInstant(today, time_of_day);
  if (at > t) return at;
  return ToInstant(Date(std::chrono::sys_days(today) + std::chrono::days(1)), time_of_day);
}

}  // namespace duban::schedule
