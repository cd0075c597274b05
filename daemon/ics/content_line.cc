#include "ics/content_line.h"

#include <fmt/format.h>

namespace duban::ics {
namespace {

constexpr size_t kMaxOctets = 75;

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string EscapeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\r':
        // CRLF is one break; a lone CR is one too.
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string FoldLine(std::string_view line) {
  std::string out;
  out.reserve(line.size() + line.size() / 64 * 3 + 2);
  size_t pos = 0;
  bool first = true;
  while (true) {
    // A continuation line spends one of its 75 octets on the leading space.
    const size_t room = first ? kMaxOctets : kMaxOctets - 1;
    size_t end = pos + room;
    if (end >= line.size()) {
      if (!first) out += ' ';
      out.append(line.substr(pos));
      out += "\r\n";
      return out;
    }
    // Back up to the start of the character the cut would fall in. A UTF-8
    // character is at most 4 octets, so this moves at most 3 (a run of
    // stray continuation bytes is cut anyway rather than looping).
    size_t cut = end;
    while (cut > pos && end - cut < 3 && IsContinuationByte(line[cut])) --cut;
    if (cut == pos || IsContinuationByte(line[cut])) cut = end;
    if (!first) out += ' ';
    out.append(line.substr(pos, cut - pos));
    out += "\r\n";
    pos = cut;
    first = false;
  }
}

std::string FormatDateTimeUtc(SystemTime t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto day = std::chrono::floor<std::chrono::days>(secs);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss hms(secs - day);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::string FormatDate(std::chrono::year_month_day d) {
  return fmt::format("{:04}{:02}{:02}", static_cast<int>(d.year()),
                     static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
}

std::string FormatDuration(Millis d) {
  int64_t secs = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  std::string out;
  if (secs < 0) {
    out += '-';
    secs = -secs;
  }
  out += 'P';
  const int64_t days = secs / 86400;
  const int64_t h = secs % 86400 / 3600;
  const int64_t m = secs % 3600 / 60;
  const int64_t s = secs % 60;
  if (days > 0) out += fmt::format("{}D", days);
  if (h > 0 || m > 0 || s > 0 || days == 0) {
    out += 'T';
    if (h > 0) out += fmt::format("{}H", h);
    // RFC 5545's grammar lets only minutes follow hours: 1 h 5 s is "PT1H0M5S".
    if (m > 0 || (h > 0 && s > 0)) out += fmt::format("{}M", m);
    if (s > 0 || (h == 0 && m == 0)) out += fmt::format("{}S", s);
  }
  return out;
}

}  // namespace duban::ics
