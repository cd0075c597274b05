// Helpers shared by the provider fakes: phone numbers (channels.md §6),
// UTF-8 lengths, query parsing, IP allow-lists, rate windows, ids.
// Free functions are pure and thread-safe; SlidingWindow is not thread-safe
// (each fake guards its own with its state mutex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"

namespace duban::fakes {

// channels.md §6: strips spaces and '-', then a leading +86 / 0086 / bare 86
// (when 13 digits remain), and requires ^1[3-9]\d{9}$. Returns the bare 11
// digits, or nullopt.
std::optional<std::string> NormalizeMainlandMobile(std::string_view raw);

// Number of UTF-8 code points (what "characters" means in SMS limits).
size_t Utf8Length(std::string_view s);
// Cuts `s` to at most `max_bytes` bytes without splitting a code point.
std::string Utf8TruncateBytes(std::string_view s, size_t max_bytes);
// True when `s` contains something a provider treats as a link.
bool ContainsUrl(std::string_view s);

// The path part of a request target ("/a/b?x=1" -> "/a/b").
std::string TargetPath(std::string_view target);
// Decodes "a=1&b=%20" ('+' is a space). A repeated name keeps the last
// value. Returns nullopt on a malformed escape.
std::optional<std::map<std::string, std::string>> ParseQuery(std::string_view q);
// The query part of a request target, decoded as ParseQuery does.
std::optional<std::map<std::string, std::string>> ParseTargetQuery(
    std::string_view target);

// True when `ip` matches an entry: exact, a trailing-'*' prefix such as
// "10.0.0.*", or IPv4 CIDR such as "10.0.0.0/24". An empty list allows all.
bool IpAllowed(std::string_view ip, const std::vector<std::string>& allowlist);

// Deterministic UUID-shaped id from a counter, for RequestId fields.
std::string FakeUuid(uint64_t n);
// "yyyy-MM-dd HH:mm:ss" in UTC+8 (Beijing time), as SMS consoles print.
std::string BeijingDateTime(SystemTime t);
// "yyyyMMdd" in UTC+8.
std::string BeijingDate(SystemTime t);

// Per-key event times for rolling-window rate limits.
class SlidingWindow {
 public:
  // Events for `key` in (now - window, now].
  int Count(const std::string& key, SystemTime now, Millis window) const;
  void Add(const std::string& key, SystemTime now);
  // Forgets events older than `keep` before `now`.
  void Prune(SystemTime now, Millis keep);

 private:
  std::map<std::string, std::deque<SystemTime>> events_;
};

}  // namespace duban::fakes
