// iCalendar (RFC 5545) rendering of a deadline feed: the calendar a phone
// subscribes to (GET /ics/<token>.ics) to see a unit's upcoming deadlines
// and be reminded of them. Knows nothing of items or campaigns: api/ turns
// those into Events.
//
// Pure; any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"

namespace duban::ics {

// One VEVENT. Times are written in UTC ("Z" form), which every client shows
// in the phone's own zone; no VTIMEZONE is needed.
struct Event {
  // Stable across fetches and unique within the feed, so a phone updates the
  // event it has rather than adding a copy.
  std::string uid;
  // DTSTAMP and LAST-MODIFIED: when the event's facts last changed. Keep it
  // stable between fetches, or the feed's ETag changes every time.
  SystemTime stamp;
  // A timed event from `start` lasting `duration`, or, when `all_day` is
  // set, an all-day event on that local date (start and duration ignored).
  SystemTime start;
  Millis duration{std::chrono::minutes(15)};
  std::optional<std::chrono::year_month_day> all_day;
  std::string summary;      // one line; newlines are escaped
  std::string description;  // may span lines
  std::string url;          // optional; a URI, written as given
  // A DISPLAY alarm this long before the start, for each entry (positive:
  // before). Empty: the phone's default reminders only.
  std::vector<Millis> alarms;
};

struct Feed {
  std::string name;         // X-WR-CALNAME and NAME: "督办·嘉峰镇"
  std::string description;  // X-WR-CALDESC and DESCRIPTION; optional
  // X-WR-TIMEZONE: a hint for clients that show floating times; the
  // events themselves are in UTC.
  std::string timezone = "Asia/Shanghai";
  // How often clients should fetch again (REFRESH-INTERVAL, X-PUBLISHED-TTL).
  Millis refresh{std::chrono::hours(1)};
  // Each event's ORGANIZER, which iTIP's PUBLISH method requires (RFC 5546
  // §3.2.1): a display name and a calendar address (a URI). The default
  // address is undeliverable on purpose: nobody is to reply.
  std::string organizer_name = "督办";
  std::string organizer_uri = "mailto:noreply@duban.invalid";
  std::vector<Event> events;  // written in this order
};

// The whole VCALENDAR: CRLF line ends, lines folded at 75 octets without
// splitting a UTF-8 character, TEXT values escaped. Deterministic: the same
// feed renders to the same bytes.
std::string RenderCalendar(const Feed& feed);

}  // namespace duban::ics
