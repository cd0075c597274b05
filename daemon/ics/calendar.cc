#include "ics/ics.h"

#include <chrono>
#include <string_view>

#include "ics/content_line.h"

namespace duban::ics {
namespace {

// Appends content lines, folded, to a calendar being written.
class Writer {
 public:
  // NAME:value, the value written as is (it is not TEXT, or already escaped).
  void Raw(std::string_view name, std::string_view value) {
    std::string line(name);
    line += ':';
    line += value;
    out_ += FoldLine(line);
  }
  // NAME:value for a TEXT value.
  void Text(std::string_view name, std::string_view value) { Raw(name, EscapeText(value)); }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// A parameter value, quoted (RFC 5545 §3.2: a quoted-string may hold ';',
// ':' and ','; it may not hold a DQUOTE or a control character).
std::string ParamValue(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c != '"' && (static_cast<unsigned char>(c) >= 0x20 || c == '\t') && c != 0x7F) out += c;
  }
  return out + "\"";
}

void WriteEvent(Writer& w, const Feed& feed, const Event& e) {
  w.Raw("BEGIN", "VEVENT");
  w.Text("UID", e.uid);
  w.Raw("DTSTAMP", FormatDateTimeUtc(e.stamp));
  w.Raw("ORGANIZER;CN=" + ParamValue(feed.organizer_name), feed.organizer_uri);
  w.Raw("LAST-MODIFIED", FormatDateTimeUtc(e.stamp));
  if (e.all_day) {
    w.Raw("DTSTART;VALUE=DATE", FormatDate(*e.all_day));
    const std::chrono::year_month_day next(std::chrono::sys_days(*e.all_day) +
                                           std::chrono::days(1));
    w.Raw("DTEND;VALUE=DATE", FormatDate(next));
  } else {
    w.Raw("DTSTART", FormatDateTimeUtc(e.start));
    w.Raw("DURATION", FormatDuration(e.duration));
  }
  w.Text("SUMMARY", e.summary);
  if (!e.description.empty()) w.Text("DESCRIPTION", e.description);
  if (!e.url.empty()) w.Raw("URL", e.url);
  // A deadline does not make the person busy at that moment.
  w.Raw("TRANSP", "TRANSPARENT");
  w.Raw("STATUS", "CONFIRMED");
  for (const Millis before : e.alarms) {
    w.Raw("BEGIN", "VALARM");
    w.Raw("ACTION", "DISPLAY");
    w.Text("DESCRIPTION", e.summary);
    w.Raw("TRIGGER", FormatDuration(-before));
    w.Raw("END", "VALARM");
  }
  w.Raw("END", "VEVENT");
}

}  // namespace

std::string RenderCalendar(const Feed& feed) {
  Writer w;
  w.Raw("BEGIN", "VCALENDAR");
  w.Raw("VERSION", "2.0");
  w.Raw("PRODID", "-//duban//deadline feed//ZH");
  w.Raw("CALSCALE", "GREGORIAN");
  w.Raw("METHOD", "PUBLISH");
  // RFC 7986's NAME and REFRESH-INTERVAL, and the X-WR-/X-PUBLISHED-TTL
  // properties older clients (Apple, Google, Outlook) read instead.
  w.Text("NAME", feed.name);
  w.Text("X-WR-CALNAME", feed.name);
  if (!feed.description.empty()) {
    w.Text("DESCRIPTION", feed.description);
    w.Text("X-WR-CALDESC", feed.description);
  }
  w.Text("X-WR-TIMEZONE", feed.timezone);
  w.Raw("REFRESH-INTERVAL;VALUE=DURATION", FormatDuration(feed.refresh));
  w.Raw("X-PUBLISHED-TTL", FormatDuration(feed.refresh));
  for (const Event& e : feed.events) WriteEvent(w, feed, e);
  w.Raw("END", "VCALENDAR");
  return w.Take();
}

}  // namespace duban::ics
