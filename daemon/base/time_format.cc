#include "base/time_format.h"

#include <fmt/format.h>

#include <cctype>
#include <chrono>

namespace duban {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::sys_days;
using std::chrono::year_month_day;

std::string FormatFields(SystemTime t, bool millis) {
  const sys_days day = floor<days>(t);
  const year_month_day ymd(day);
  const auto in_day = t - day;
  const auto h = floor<std::chrono::hours>(in_day);
  const auto m = floor<std::chrono::minutes>(in_day - h);
  const auto s = floor<std::chrono::seconds>(in_day - h - m);
  const auto ms = in_day - h - m - s;
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                                static_cast<int>(ymd.year()),
                                static_cast<unsigned>(ymd.month()),
                                static_cast<unsigned>(ymd.day()), h.count(),
                                m.count(), s.count());
  if (millis) out += fmt::format(".{:03}", ms.count());
  return out;
}

// Reads exactly `n` digits at `pos`.
bool Digits(std::string_view s, size_t& pos, int n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::string FormatUtc(SystemTime t) { return FormatFields(t, true) + "Z"; }

std::string FormatWithOffset(SystemTime t, int offset_minutes) {
  const SystemTime local = t + std::chrono::minutes(offset_minutes);
  const int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  return FormatFields(local, false) +
         fmt::format("{}{:02}:{:02}", offset_minutes < 0 ? '-' : '+', a / 60,
                     a % 60);
}

std::optional<SystemTime> ParseRfc3339(std::string_view s) {
  size_t pos = 0;
  int y, mo, d, h, mi, sec = 0, ms = 0;
  if (!Digits(s, pos, 4, &y) || !Expect(s, pos, '-') || !Digits(s, pos, 2, &mo) ||
      !Expect(s, pos, '-') || !Digits(s, pos, 2, &d)) {
    return std::nullopt;
  }
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != ' ')) return std::nullopt;
  ++pos;
  if (!Digits(s, pos, 2, &h) || !Expect(s, pos, ':') || !Digits(s, pos, 2, &mi)) {
    return std::nullopt;
  }
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!Digits(s, pos, 2, &sec)) return std::nullopt;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int scale = 100, digits = 0;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        if (digits < 3) ms += (s[pos] - '0') * scale;
        scale /= 10;
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
    }
  }
  int offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!Digits(s, pos, 2, &oh) || !Expect(s, pos, ':') || !Digits(s, pos, 2, &om)) {
      return std::nullopt;
    }
    offset = sign * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const year_month_day ymd{std::chrono::year(y), std::chrono::month(mo),
                           std::chrono::day(d)};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  const auto t = sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) +
                 std::chrono::seconds(sec) + Millis(ms) - std::chrono::minutes(offset);
  return std::chrono::time_point_cast<Millis>(t);
}

}  // namespace duban
