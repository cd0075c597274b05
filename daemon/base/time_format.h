// Conversions between SystemTime and text. Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace duban {

// "2024-04-12T04:00:00.000Z".
std::string FormatUtc(SystemTime t);
// "2024-04-12T12:00:00+08:00" for a fixed offset in minutes east of UTC.
std::string FormatWithOffset(SystemTime t, int offset_minutes);

// Parses an RFC 3339 instant with an explicit offset or Z, seconds and
// fractions optional: "2024-04-12T11:55+08:00", "2024-04-12T03:55:00Z".
// Returns nullopt on anything else (a time without an offset is ambiguous).
std::optional<SystemTime> ParseRfc3339(std::string_view text);

}  // namespace duban
