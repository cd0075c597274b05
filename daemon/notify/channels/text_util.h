// Text helpers the channels share: UTF-8 lengths and cuts, mainland mobile
// numbers (reference/channels.md §6), message titles. Pure; any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace duban::notify {

// Number of UTF-8 code points ("characters" in SMS limits).
size_t Utf8Length(std::string_view s);
// The first `max_chars` code points of `s`.
std::string Utf8PrefixChars(std::string_view s, size_t max_chars);
// The longest prefix of `s` of at most `max_bytes` bytes that does not split
// a code point.
std::string Utf8PrefixBytes(std::string_view s, size_t max_bytes);

// Fits `text` into `max_bytes` UTF-8 bytes: unchanged when it fits, else cut
// at a line break when one is near the end (so markdown lists stay whole),
// otherwise at a code point, and `marker` appended. The result is never
// longer than `max_bytes`.
std::string TruncateUtf8Bytes(std::string_view text, size_t max_bytes, std::string_view marker);

// channels.md §6: strips spaces and '-', then +86 / 0086 / a bare 86 before
// 11 digits, and requires ^1[3-9]\d{9}$. Returns the bare 11 digits.
std::optional<std::string> MainlandMobile(std::string_view raw);

// A short title for chat previews: `title` when set, else the first
// non-empty line of `body` without markdown heading marks, at most
// `max_chars` characters; "督办提醒" when both are empty.
std::string TitleOf(std::string_view title, std::string_view body, size_t max_chars = 40);

// Beijing time (UTC+8, no daylight saving): "20240628" and the instant the
// next Beijing calendar day starts, or the next `hour`:00.
std::string BeijingYmd(SystemTime t);
SystemTime NextBeijingMidnight(SystemTime t);
SystemTime NextBeijingHour(SystemTime t, int hour);

}  // namespace duban::notify
