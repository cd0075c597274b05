// The lexical layer of RFC 5545 used by RenderCalendar: TEXT escaping,
// content-line folding, and DATE-TIME, DATE and DURATION values. Internal
// to ics/ (and its tests). Pure; any thread.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace duban::ics {

// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, ';' and ',' get a
// backslash, a line break (CRLF, LF or a lone CR) becomes "\n". Other
// control characters, which a content line may not hold, become spaces.
std::string EscapeText(std::string_view text);

// `line` (one unfolded content line, without its line break) as it goes on
// the wire: split into pieces of at most 75 octets, each continuation
// starting with one space (which counts toward its 75), never inside a UTF-8
// sequence, each piece ending in CRLF.
std::string FoldLine(std::string_view line);

// "20240412T040000Z" (seconds; milliseconds are dropped).
std::string FormatDateTimeUtc(SystemTime t);
// "20240425".
std::string FormatDate(std::chrono::year_month_day d);
// "PT3H", "P1D", "P1DT2H30M", "PT0S"; a negative duration gets a leading
// '-'. Whole seconds.
std::string FormatDuration(Millis d);

}  // namespace duban::ics
