// Parsers for absolute rules and day-off policies. Messages name the bad part
// and what was expected; the workflow loader places them at the YAML node.
#include <fmt/format.h>

#include "base/strings.h"
#include "schedule/internal.h"
#include "schedule/schedule.h"

namespace duban::schedule {
namespace {

using internal::Lower;
using internal::WithSuggestion;

constexpr std::string_view kKinds = "expected daily, weekly, monthly or once";

const std::vector<std::string>& WeekdayNames() {
  static const std::vector<std::string> kNames = {
      "mon",      "tue",    "wed",      "thu",     "fri",
      "sat",      "sun",    "monday",   "tuesday", "wednesday",
      "thursday", "friday", "saturday", "sunday"};
  return kNames;
}

Status Invalid(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}

// 1 = Monday … 7 = Sunday, or 0.
unsigned WeekdayIndex(std::string_view word) {
  const std::string w = Lower(word);
  const auto& names = WeekdayNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == w) return static_cast<unsigned>(i % 7 + 1);
  }
  return 0;
}

Result<std::chrono::seconds> Time(std::string_view token) {
  if (auto t = internal::ParseTimeOfDay(token)) return *t;
  return Invalid(internal::TimeError(token));
}

Result<Rule> Weekly(const std::vector<std::string_view>& tok, Rule rule) {
  if (tok.size() < 3) {
    return Invalid(
        "'weekly' takes a weekday and a time, e.g. 'weekly fri 12:00'");
  }
  const std::string day = internal::Join(tok, 1, tok.size() - 1);
  rule.weekday = WeekdayIndex(day);
  if (rule.weekday == 0) {
    return Invalid(WithSuggestion(
        fmt::format("unknown weekday '{}'; expected mon..sun", day), day,
        WeekdayNames()));
  }
  return rule;
}

Result<Rule> Monthly(const std::vector<std::string_view>& tok, Rule rule) {
  if (tok.size() < 3) {
    return Invalid("'monthly' takes a day and a time, e.g. 'monthly 20 17:00'");
  }
  const std::string day = internal::Join(tok, 1, tok.size() - 1);
  const std::string lower = Lower(day);
  if (lower == "last_day") {
    rule.kind = Rule::Kind::kMonthlyLastDay;
    return rule;
  }
  if (lower == "last_working_day") {
    rule.kind = Rule::Kind::kMonthlyLastWorkingDay;
    return rule;
  }
  unsigned n = 0;
  bool digits = !day.empty() && day.size() <= 2;
  for (char c : day) {
    if (c < '0' || c > '9') digits = false;
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  if (!digits || n < 1 || n > 31) {
    return Invalid(
        WithSuggestion(fmt::format("invalid day of month '{}'; expected 1..31, "
                                   "last_day or last_working_day",
                                   day),
                       day, {"last_day", "last_working_day"}));
  }
  rule.kind = Rule::Kind::kMonthlyDay;
  rule.day_of_month = n;
  return rule;
}

Result<Rule> Once(const std::vector<std::string_view>& tok, Rule rule) {
  if (tok.size() != 3) {
    return Invalid(
        "'once' takes a date and a time, e.g. 'once 2024-06-30 23:59:59'");
  }
  const auto date = internal::ParseIsoDate(tok[1]);
  if (!date) {
    return Invalid(fmt::format(
        "invalid date '{}'; expected YYYY-MM-DD naming a real day", tok[1]));
  }
  rule.kind = Rule::Kind::kOnce;
  rule.date = *date;
  return rule;
}

}  // namespace

Result<Rule> ParseRule(std::string_view text) {
  const std::vector<std::string_view> tok = internal::Tokens(text);
  if (tok.empty()) return Invalid(fmt::format("empty rule; {}", kKinds));
  const std::string kind = Lower(tok[0]);
  Rule rule;
  Result<Rule> out = rule;
  if (kind == "daily") {
    if (tok.size() != 2)
      return Invalid("'daily' takes only a time, e.g. 'daily 09:00'");
    rule.kind = Rule::Kind::kDaily;
    out = rule;
  } else if (kind == "weekly") {
    rule.kind = Rule::Kind::kWeekly;
    out = Weekly(tok, rule);
  } else if (kind == "monthly") {
    out = Monthly(tok, rule);
  } else if (kind == "once") {
    out = Once(tok, rule);
  } else {
    return Invalid(
        WithSuggestion(fmt::format("unknown rule '{}'; {}", tok[0], kKinds),
                       kind, {"daily", "weekly", "monthly", "once"}));
  }
  if (!out.ok()) return out;
  auto time = Time(tok.back());
  if (!time.ok()) return time.status();
  out->time_of_day = *time;
  return out;
}

std::string Rule::ToString() const {
  static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu",
                                               "fri", "sat", "sun"};
  const std::string at = internal::FormatTimeOfDay(time_of_day);
  switch (kind) {
    case Kind::kDaily:
      return "daily " + at;
    case Kind::kWeekly:
      return fmt::format(
          "weekly {} {}",
          weekday >= 1 && weekday <= 7 ? kDays[weekday - 1] : "?", at);
    case Kind::kMonthlyDay:
      return fmt::format("monthly {} {}", day_of_month, at);
    case Kind::kMonthlyLastDay:
      return "monthly last_day " + at;
    case Kind::kMonthlyLastWorkingDay:
      return "monthly last_working_day " + at;
    case Kind::kOnce:
      return fmt::format("once {} {}", FormatDate(date), at);
  }
  return "?";
}

Result<DayOffPolicy> ParseDayOffPolicy(std::string_view text) {
  const std::string t = Lower(Trim(text));
  if (t == "keep") return DayOffPolicy::kKeep;
  if (t == "previous_working_day") return DayOffPolicy::kPreviousWorkingDay;
  if (t == "next_working_day") return DayOffPolicy::kNextWorkingDay;
  return Invalid(WithSuggestion(
      fmt::format(
          "unknown day-off policy '{}'; expected keep, previous_working_day or "
          "next_working_day",
          Trim(text)),
      t, {"keep", "previous_working_day", "next_working_day"}));
}

std::string_view DayOffPolicyName(DayOffPolicy policy) {
  switch (policy) {
    case DayOffPolicy::kKeep:
      return "keep";
    case DayOffPolicy::kPreviousWorkingDay:
      return "previous_working_day";
    case DayOffPolicy::kNextWorkingDay:
      return "next_working_day";
  }
  return "?";
}

}  // namespace duban::schedule
