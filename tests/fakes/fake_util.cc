#include "fakes/fake_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "base/time_format.h"
#include "notify/channels/signing.h"

namespace duban::fakes {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isdigit(c) != 0;
  });
}

std::optional<uint32_t> ParseIpv4(std::string_view s) {
  uint32_t value = 0;
  int parts = 0;
  size_t pos = 0;
  while (parts < 4) {
    const size_t dot = s.find('.', pos);
    const std::string_view part =
        s.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    if (!AllDigits(part) || part.size() > 3) return std::nullopt;
    const int octet = std::stoi(std::string(part));
    if (octet > 255) return std::nullopt;
    value = (value << 8) | static_cast<uint32_t>(octet);
    ++parts;
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  if (parts != 4) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::string> NormalizeMainlandMobile(std::string_view raw) {
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
  if (s.size() != 11 || !AllDigits(s) || s[0] != '1' || s[1] < '3') {
    return std::nullopt;
  }
  return s;
}

size_t Utf8Length(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string Utf8TruncateBytes(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut));
}

bool ContainsUrl(std::string_view s) {
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return lower.find("http://") != std::string::npos ||
         lower.find("https://") != std::string::npos ||
         lower.find("www.") != std::string::npos;
}

std::string TargetPath(std::string_view target) {
  return std::string(target.substr(0, target.find('?')));
}

std::optional<std::map<std::string, std::string>> ParseQuery(std::string_view q) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos <= q.size() && !q.empty()) {
    const size_t amp = q.find('&', pos);
    const std::string_view pair =
        q.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      auto name = notify::UrlDecode(pair.substr(0, eq), true);
      auto value = notify::UrlDecode(
          eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
      if (!name || !value) return std::nullopt;
      out[*name] = *value;
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return out;
}

std::optional<std::map<std::string, std::string>> ParseTargetQuery(
    std::string_view target) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return std::map<std::string, std::string>{};
  return ParseQuery(target.substr(q + 1));
}

bool IpAllowed(std::string_view ip, const std::vector<std::string>& allowlist) {
  if (allowlist.empty()) return true;
  for (const std::string& entry : allowlist) {
    if (entry == ip) return true;
    if (!entry.empty() && entry.back() == '*' &&
        ip.substr(0, entry.size() - 1) == std::string_view(entry).substr(0, entry.size() - 1)) {
      return true;
    }
    const size_t slash = entry.find('/');
    if (slash == std::string::npos) continue;
    const auto net = ParseIpv4(std::string_view(entry).substr(0, slash));
    const auto addr = ParseIpv4(ip);
    const std::string bits_text = entry.substr(slash + 1);
    if (!net || !addr || !AllDigits(bits_text)) continue;
    const int bits = std::stoi(bits_text);
    if (bits < 0 || bits > 32) continue;
    const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
    if ((*net & mask) == (*addr & mask)) return true;
  }
  return false;
}

std::string FakeUuid(uint64_t n) {
  return fmt::format("0F1E2D3C-4B5A-6978-8796-{:012X}", n);
}

std::string BeijingDateTime(SystemTime t) {
  // "2024-04-12T12:00:00+08:00" -> "2024-04-12 12:00:00".
  std::string s = FormatWithOffset(t, 8 * 60).substr(0, 19);
  s[10] = ' ';
  return s;
}

std::string BeijingDate(SystemTime t) {
  const std::string s = BeijingDateTime(t);
  return s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2);
}

int SlidingWindow::Count(const std::string& key, SystemTime now,
                         Millis window) const {
  const auto it = events_.find(key);
  if (it == events_.end()) return 0;
  return static_cast<int>(std::count_if(
      it->second.begin(), it->second.end(),
      [&](SystemTime t) { return t > now - window && t <= now; }));
}

void SlidingWindow::Add(const std::string& key, SystemTime now) {
  events_[key].push_back(now);
}

void SlidingWindow::Prune(SystemTime now, Millis keep) {
  for (auto& [key, times] : events_) {
    while (!times.empty() && times.front() <= now - keep) times.pop_front();
  }
}

}  // namespace duban::fakes
