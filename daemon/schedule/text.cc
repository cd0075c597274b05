// Text and day-number helpers for the parsers and evaluators of schedule/.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include "base/strings.h"
#include "schedule/internal.h"

namespace duban::schedule::internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads between `min_digits` and `max_digits` decimal digits at `pos`.
std::optional<int> Number(std::string_view s, size_t& pos, size_t min_digits,
                          size_t max_digits) {
  size_t n = 0;
  int v = 0;
  while (pos < s.size() && n < max_digits && IsDigit(s[pos])) {
    v = v * 10 + (s[pos] - '0');
    ++pos;
    ++n;
  }
  if (n < min_digits) return std::nullopt;
  return v;
}

}  // namespace

unsigned IsoWeekday(int64_t day) {
  // 1970-01-01 was a Thursday (ISO 4).
  const int64_t m = ((day + 3) % 7 + 7) % 7;  // 0 = Monday
  return static_cast<unsigned>(m + 1);
}

int64_t WeekdaysBetween(int64_t from, int64_t to) {
  if (to <= from) return 0;
  // Weekdays in [monday0, x) where monday0 = 1969-12-29 (day -3).
  const auto before = [](int64_t x) {
    const int64_t k = x + 3;
    const int64_t weeks = k >= 0 ? k / 7 : -((-k + 6) / 7);
    const int64_t rest = k - weeks * 7;  // 0..6
    return weeks * 5 + std::min<int64_t>(rest, 5);
  };
  return before(to) - before(from);
}

std::vector<std::string_view> Tokens(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    const size_t start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

std::string Join(const std::vector<std::string_view>& tokens, size_t from,
                 size_t to) {
  std::string out;
  for (size_t i = from; i < to && i < tokens.size(); ++i) {
    if (!out.empty()) out += ' ';
    out += tokens[i];
  }
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::chrono::seconds> ParseTimeOfDay(std::string_view s) {
  size_t pos = 0;
  const auto h = Number(s, pos, 1, 2);
  if (!h || pos >= s.size() || s[pos] != ':') return std::nullopt;
  ++pos;
  const size_t minute_start = pos;
  const auto m = Number(s, pos, 2, 2);
  if (!m || pos - minute_start != 2) return std::nullopt;
  int sec = 0;
  if (pos < s.size()) {
    if (s[pos] != ':') return std::nullopt;
    ++pos;
    const auto sv = Number(s, pos, 2, 2);
    if (!sv) return std::nullopt;
    sec = *sv;
  }
  if (pos != s.size() || *h > 23 || *m > 59 || sec > 59) return std::nullopt;
  return std::chrono::seconds(*h * 3600 + *m * 60 + sec);
}

std::string TimeError(std::string_view token) {
  return fmt::format(
      "invalid time '{}'; expected HH:MM or HH:MM:SS from 00:00 to 23:59:59",
      token);
}

std::string FormatTimeOfDay(std::chrono::seconds tod) {
  const auto s = tod.count();
  if (s % 60 != 0) {
    return fmt::format("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  }
  return fmt::format("{:02}:{:02}", s / 3600, s / 60 % 60);
}

std::optional<Date> ParseIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  size_t pos = 0;
  const auto y = Number(s, pos, 4, 4);
  pos = 5;
  const auto m = Number(s, pos, 2, 2);
  pos = 8;
  const auto d = Number(s, pos, 2, 2);
  if (!y || !m || !d) return std::nullopt;
  const Date date{std::chrono::year(*y),
                  std::chrono::month(static_cast<unsigned>(*m)),
                  std::chrono::day(static_cast<unsigned>(*d))};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::string WithSuggestion(std::string message, std::string_view word,
                           const std::vector<std::string>& candidates) {
  const std::string hint = DidYouMean(Lower(word), candidates);
  if (!hint.empty()) {
    message += " — ";
    message += hint;
  }
  return message;
}

const Calendar& CalendarOf(const Context& ctx) {
  // Immutable, so sharing it is not global mutable state.
  static const Calendar kWeekendsOnly;
  return ctx.calendar != nullptr ? *ctx.calendar : kWeekendsOnly;
}

void NoteYears(const Context& ctx, int64_t day_a, int64_t day_b) {
  if (ctx.uncovered_years == nullptr) return;
  if (day_b < day_a) std::swap(day_a, day_b);
  const Calendar& cal = CalendarOf(ctx);
  const int first = static_cast<int>(FromDayNumber(day_a).year());
  const int last = static_cast<int>(FromDayNumber(day_b).year());
  for (int y = first; y <= last; ++y) {
    if (!cal.Covers(y)) ctx.uncovered_years->insert(y);
  }
}

}  // namespace duban::schedule::internal
