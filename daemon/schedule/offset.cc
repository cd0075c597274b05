// Offsets relative to another time ("+24h", "-1d 16:00", "+3 working days",
// "0"): the parser and Apply().
#include <fmt/format.h>

#include "base/strings.h"
#include "schedule/internal.h"
#include "schedule/schedule.h"

namespace duban::schedule {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr std::string_view kExamples =
    "expected e.g. '+24h', '-30m', '-1d 16:00', '+3 working days' or '0'";
constexpr std::string_view kUnits = "expected h, m, d or working days";

// Largest magnitudes accepted, about ten years each.
constexpr int64_t kMaxMinutes = 10LL * 366 * 24 * 60;
constexpr int64_t kMaxHours = 10LL * 366 * 24;
constexpr int64_t kMaxDays = 3660;
constexpr int64_t kMaxWorkingDays = 2600;

enum class Unit { kNone, kMinutes, kHours, kDays, kWorkingDays };

Status Invalid(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}

Unit UnitOf(std::string_view phrase) {
  if (phrase == "m" || phrase == "min" || phrase == "minute" ||
      phrase == "minutes") {
    return Unit::kMinutes;
  }
  if (phrase == "h" || phrase == "hour" || phrase == "hours")
    return Unit::kHours;
  if (phrase == "d" || phrase == "day" || phrase == "days") return Unit::kDays;
  if (phrase == "working day" || phrase == "working days")
    return Unit::kWorkingDays;
  return Unit::kNone;
}

Status Range(std::string_view text, int64_t value, int64_t max,
             std::string_view unit) {
  if (value <= max) return Status::OK();
  return Invalid(
      fmt::format("offset '{}' is too large; at most {} {}", text, max, unit));
}

}  // namespace

Result<Offset> ParseOffset(std::string_view raw) {
  const std::string_view text = Trim(raw);
  const std::vector<std::string_view> tok = internal::Tokens(text);
  if (tok.empty()) return Invalid(fmt::format("empty offset; {}", kExamples));
  if (tok.size() == 1 && tok[0] == "0") return Offset{};
  const std::string_view first = tok[0];
  if (first[0] != '+' && first[0] != '-') {
    if (first[0] >= '0' && first[0] <= '9') {
      return Invalid(fmt::format("offset '{}' needs a sign: '+{}' or '-{}'",
                                 text, text, text));
    }
    return Invalid(fmt::format("invalid offset '{}'; {}", text, kExamples));
  }
  const int sign = first[0] == '-' ? -1 : 1;
  size_t pos = 1;
  int64_t n = 0;
  while (pos < first.size() && first[pos] >= '0' && first[pos] <= '9') {
    if (n < 1'000'000'000) n = n * 10 + (first[pos] - '0');
    ++pos;
  }
  if (pos == 1) {
    return Invalid(fmt::format("expected a number after '{}' in offset '{}'",
                               first[0], text));
  }
  // The unit is the rest of the first token plus the following words, except
  // a trailing time of day ("-3 working days 09:00").
  size_t end = tok.size();
  std::optional<std::string_view> time_token;
  if (tok.size() >= 2 && tok.back().find(':') != std::string_view::npos) {
    time_token = tok.back();
    --end;
  }
  std::string phrase(first.substr(pos));
  for (size_t i = 1; i < end; ++i) {
    if (!phrase.empty()) phrase += ' ';
    phrase += tok[i];
  }
  const std::string lower = internal::Lower(phrase);
  if (phrase.empty()) {
    return Invalid(
        fmt::format("missing unit in offset '{}'; {}", text, kUnits));
  }
  const Unit unit = UnitOf(lower);
  if (unit == Unit::kNone) {
    return Invalid(internal::WithSuggestion(
        fmt::format("unknown unit '{}' in offset '{}'; {}", phrase, text,
                    kUnits),
        lower, {"hours", "minutes", "days", "working days"}));
  }
  Offset out;
  if (time_token) {
    if (unit != Unit::kDays && unit != Unit::kWorkingDays) {
      return Invalid(
          fmt::format("a time of day may follow only a day offset ('-1d "
                      "16:00', '-3 working days 09:00'), "
                      "not '{}'",
                      text));
    }
    const auto tod = internal::ParseTimeOfDay(*time_token);
    if (!tod) return Invalid(internal::TimeError(*time_token));
    out.time_of_day = *tod;
  }
  switch (unit) {
    case Unit::kMinutes:
      DUBAN_RETURN_IF_ERROR(Range(text, n, kMaxMinutes, "minutes"));
      out.duration = minutes(sign * n);
      break;
    case Unit::kHours:
      DUBAN_RETURN_IF_ERROR(Range(text, n, kMaxHours, "hours"));
      out.duration = hours(sign * n);
      break;
    case Unit::kDays:
      DUBAN_RETURN_IF_ERROR(Range(text, n, kMaxDays, "days"));
      out.kind = Offset::Kind::kCalendarDays;
      out.days = static_cast<int>(sign * n);
      break;
    case Unit::kWorkingDays:
      DUBAN_RETURN_IF_ERROR(Range(text, n, kMaxWorkingDays, "working days"));
      if (n == 0) {
        return Invalid(
            fmt::format("offset '{}' counts no working days; use '0' or at "
                        "least 1 working day",
                        text));
      }
      out.kind = Offset::Kind::kWorkingDays;
      out.days = static_cast<int>(sign * n);
      break;
    case Unit::kNone:
      break;
  }
  return out;
}

std::string Offset::ToString() const {
  std::string out;
  switch (kind) {
    case Kind::kDuration: {
      const int64_t ms = duration.count();
      if (ms == 0) return "0";
      const int64_t a = ms < 0 ? -ms : ms;
      const char* sign = ms < 0 ? "-" : "+";
      if (a % 3'600'000 == 0) return fmt::format("{}{}h", sign, a / 3'600'000);
      if (a % 60'000 == 0) return fmt::format("{}{}m", sign, a / 60'000);
      return fmt::format("{}{}ms", sign, a);
    }
    case Kind::kCalendarDays:
      out = fmt::format("{}{}d", days < 0 ? "-" : "+", days < 0 ? -days : days);
      break;
    case Kind::kWorkingDays:
      out = fmt::format("{}{} working day{}", days < 0 ? "-" : "+",
                        days < 0 ? -days : days,
                        days == 1 || days == -1 ? "" : "s");
      break;
  }
  if (time_of_day) out += " " + internal::FormatTimeOfDay(*time_of_day);
  return out;
}

SystemTime Apply(const Offset& offset, SystemTime base, const Context& ctx) {
  if (offset.kind == Offset::Kind::kDuration) return base + offset.duration;
  const LocalDateTime local = ctx.zone.ToLocal(base);
  const Millis tod =
      offset.time_of_day ? Millis(*offset.time_of_day) : local.time_of_day;
  Date date;
  if (offset.kind == Offset::Kind::kCalendarDays) {
    date =
        internal::FromDayNumber(internal::DayNumber(local.date) + offset.days);
  } else {
    date = internal::CalendarOf(ctx).AddWorkingDays(local.date, offset.days);
    internal::NoteYears(ctx, internal::DayNumber(local.date),
                        internal::DayNumber(date));
  }
  return ctx.zone.ToInstant(date, tod);
}

}  // namespace duban::schedule
