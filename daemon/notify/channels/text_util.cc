#include "notify/channels/text_util.h"

#include <algorithm>
#include <cctype>

#include "base/time_format.h"

namespace duban::notify {
namespace {

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

constexpr Millis kBeijingOffset = std::chrono::hours(8);

}  // namespace

size_t Utf8Length(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return !IsContinuation(c); }));
}

std::string Utf8PrefixChars(std::string_view s, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (IsContinuation(s[i])) continue;
    if (chars == max_chars) return std::string(s.substr(0, i));
    ++chars;
  }
  return std::string(s);
}

std::string Utf8PrefixBytes(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t cut = max_bytes;
  while (cut > 0 && IsContinuation(s[cut])) --cut;
  return std::string(s.substr(0, cut));
}

std::string TruncateUtf8Bytes(std::string_view text, size_t max_bytes, std::string_view marker) {
  if (text.size() <= max_bytes) return std::string(text);
  if (marker.size() >= max_bytes) return Utf8PrefixBytes(marker, max_bytes);
  std::string head = Utf8PrefixBytes(text, max_bytes - marker.size());
  // Prefer ending at a line break if that loses less than a quarter.
  const size_t nl = head.rfind('\n');
  if (nl != std::string::npos && nl >= head.size() * 3 / 4) head.resize(nl + 1);
  while (!head.empty() && head.back() == ' ') head.pop_back();
  return head + std::string(marker);
}

std::optional<std::string> MainlandMobile(std::string_view raw) {
  std::string s;
  for (char c : raw) {
    if (c != ' ' && c != '-') s.push_back(c);
  }
  if (s.rfind("+86", 0) == 0) {
    s.erase(0, 3);
  } else if (s.rfind("0086", 0) == 0) {
    s.erase(0, 4);
  } else if (s.rfind("86", 0) == 0 && s.size() == 13) {
    s.erase(0, 2);
  }
  const bool digits = std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
  if (s.size() != 11 || !digits || s[0] != '1' || s[1] < '3') return std::nullopt;
  return s;
}

std::string TitleOf(std::string_view title, std::string_view body, size_t max_chars) {
  std::string_view pick = title;
  if (pick.empty()) {
    size_t pos = 0;
    while (pos < body.size()) {
      size_t end = body.find('\n', pos);
      if (end == std::string_view::npos) end = body.size();
      std::string_view line = body.substr(pos, end - pos);
      while (!line.empty() && (line.front() == '#' || line.front() == ' ' || line.front() == '>')) {
        line.remove_prefix(1);
      }
      while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
      if (!line.empty()) {
        pick = line;
        break;
      }
      pos = end + 1;
    }
  }
  if (pick.empty()) return "督办提醒";
  std::string out = Utf8PrefixChars(pick, max_chars);
  // Markdown emphasis marks read badly in a chat-list preview.
  out.erase(std::remove(out.begin(), out.end(), '*'), out.end());
  return out.empty() ? "督办提醒" : out;
}

std::string BeijingYmd(SystemTime t) {
  const std::string s = FormatWithOffset(t, 8 * 60);  // "2024-06-28T10:00:00+08:00"
  return s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2);
}

SystemTime NextBeijingMidnight(SystemTime t) { return NextBeijingHour(t, 0); }

SystemTime NextBeijingHour(SystemTime t, int hour) {
  const Millis day = std::chrono::hours(24);
  const Millis local = t.time_since_epoch() + kBeijingOffset;
  const Millis day_start = local - Millis(local.count() % day.count());
  Millis next = day_start + std::chrono::hours(hour);
  if (next <= local) next += day;
  return SystemTime(next - kBeijingOffset);
}

}  // namespace duban::notify
