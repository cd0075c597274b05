#include "importer/cells.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/strings.h"

namespace duban::importer {
namespace {

constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
constexpr std::string_view kNbsp = "\xC2\xA0";

constexpr Alias kLevels[] = {
    {"province", "省|省级|自治区|直辖市"},
    {"city", "市|市级|地级市|州|自治州|地区|盟|prefecture"},
    {"county", "县|县级|区|县级市|自治县|旗|district"},
    {"town", "镇|乡|街道|乡镇|镇级|乡级|民族乡|苏木|township|subdistrict"},
    {"village", "村|村级|社区|行政村|村委会|居委会|community"},
    {"department", "部门|成员单位|dept"},
    {"agency", "第三方|第三方机构|机构"},
};

constexpr Alias kBools[] = {
    {"true", "是|有|yes|y|1|√|✓"},
    {"false", "否|无|no|n|0|×"},
};

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool AllDigits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "8:00", "08:00" or "08:00:00" as minutes after midnight.
std::optional<int> ParseClock(std::string_view s) {
  s = TrimCell(s);
  const size_t c1 = s.find(':');
  if (c1 == std::string_view::npos) return std::nullopt;
  const std::string_view h = s.substr(0, c1);
  std::string_view m = s.substr(c1 + 1);
  const size_t c2 = m.find(':');
  if (c2 != std::string_view::npos) {
    if (m.substr(c2 + 1) != "00") return std::nullopt;
    m = m.substr(0, c2);
  }
  if (!AllDigits(h) || h.size() > 2 || !AllDigits(m) || m.size() != 2) return std::nullopt;
  const int hh = std::stoi(std::string(h));
  const int mm = std::stoi(std::string(m));
  if (hh > 23 || mm > 59) return std::nullopt;
  return hh * 60 + mm;
}

// Builds a new string rather than replacing in place: GCC 12 reports a
// false -Wrestrict in std::string::replace.
void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  std::string out;
  size_t start = 0;
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, start)) {
    out.append(s, start, p - start);
    out.append(to);
    start = p + from.size();
  }
  out.append(s, start, std::string::npos);
  s = std::move(out);
}

}  // namespace

std::string Bilingual(std::string_view zh, std::string_view en) {
  return fmt::format("{} ({})", zh, en);
}

std::string_view TrimCell(std::string_view s) {
  while (!s.empty()) {
    if (IsAsciiSpace(s.front())) {
      s.remove_prefix(1);
    } else if (s.substr(0, 3) == kIdeographicSpace) {
      s.remove_prefix(3);
    } else if (s.substr(0, 2) == kNbsp) {
      s.remove_prefix(2);
    } else {
      break;
    }
  }
  while (!s.empty()) {
    if (IsAsciiSpace(s.back())) {
      s.remove_suffix(1);
    } else if (s.size() >= 3 && s.substr(s.size() - 3) == kIdeographicSpace) {
      s.remove_suffix(3);
    } else if (s.size() >= 2 && s.substr(s.size() - 2) == kNbsp) {
      s.remove_suffix(2);
    } else {
      break;
    }
  }
  return s;
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<std::string_view> LookupAlias(std::span<const Alias> table,
                                            std::string_view value) {
  const std::string v = LowerAscii(TrimCell(value));
  for (const Alias& a : table) {
    if (v == a.canonical) return a.canonical;
    size_t start = 0;
    while (start <= a.aliases.size()) {
      const size_t bar = a.aliases.find('|', start);
      const size_t end = bar == std::string_view::npos ? a.aliases.size() : bar;
      if (v == LowerAscii(a.aliases.substr(start, end - start))) return a.canonical;
      start = end + 1;
    }
  }
  return std::nullopt;
}

std::optional<bool> ParseBool(std::string_view value) {
  const auto v = LookupAlias(kBools, value);
  if (!v) return std::nullopt;
  return *v == "true";
}

std::optional<model::Level> ParseLevelCell(std::string_view value) {
  const auto v = LookupAlias(kLevels, value);
  if (!v) return std::nullopt;
  return model::ParseLevel(*v);
}

std::string LevelZh(model::Level level) {
  switch (level) {
    case model::Level::kDepartment: return "部门";
    case model::Level::kAgency: return "第三方机构";
    default: return std::string(model::LevelLabel(level)) + "级";
  }
}

bool IsAdministrative(model::Level level) {
  return level != model::Level::kDepartment && level != model::Level::kAgency;
}

bool LooksLikeExcelNumber(std::string_view value) {
  const std::string v = LowerAscii(TrimCell(value));
  const size_t e = v.find("e+");
  if (e == std::string::npos || !AllDigits(std::string_view(v).substr(e + 2))) return false;
  std::string_view mantissa = std::string_view(v).substr(0, e);
  const size_t dot = mantissa.find('.');
  if (dot == std::string_view::npos) return AllDigits(mantissa);
  return AllDigits(mantissa.substr(0, dot)) && AllDigits(mantissa.substr(dot + 1));
}

std::string CheckId(std::string_view value) {
  if (LooksLikeExcelNumber(value)) {
    return Bilingual(
        fmt::format("编号 '{}' 像是被 Excel 改成了科学计数法，请把该列设为文本后重新导出", value),
        fmt::format("id '{}' looks like Excel scientific notation; format the column as "
                    "text and export again",
                    value));
  }
  if (value.size() > 64) {
    return Bilingual(fmt::format("编号 '{}' 超过64字节", value),
                     fmt::format("id '{}' is longer than 64 bytes", value));
  }
  const bool bad_byte = std::any_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7F;
  });
  if (bad_byte || value.find(kIdeographicSpace) != std::string_view::npos) {
    return Bilingual(fmt::format("编号 '{}' 含空格或控制字符", value),
                     fmt::format("id '{}' contains white space or control characters", value));
  }
  return "";
}

std::string Closest(std::string_view word, const std::set<std::string>& candidates) {
  // The same rule as DidYouMean: a typo changes a few characters; beyond a
  // third of the word it is another word.
  const std::string* best = nullptr;
  int best_d = 0;
  for (const std::string& c : candidates) {
    const int d = EditDistance(word, c);
    if (best == nullptr || d < best_d) {
      best = &c;
      best_d = d;
    }
  }
  const int limit = std::max<int>(2, static_cast<int>(word.size()) / 3);
  if (best == nullptr || best_d == 0 || best_d > limit) return "";
  return *best;
}

std::string SuggestZh(const std::string& closest) {
  return closest.empty() ? "" : fmt::format("，是否应为 '{}'", closest);
}

std::string SuggestEn(const std::string& closest) {
  return closest.empty() ? "" : fmt::format("; did you mean '{}'?", closest);
}

std::vector<std::string> SplitList(std::string_view value) {
  std::string s(value);
  for (std::string_view sep : {"；", "，", "、", ","}) ReplaceAll(s, sep, ";");
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t semi = s.find(';', start);
    const size_t end = semi == std::string::npos ? s.size() : semi;
    const std::string item(TrimCell(std::string_view(s).substr(start, end - start)));
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end()) {
      out.push_back(item);
    }
    start = end + 1;
  }
  return out;
}

std::optional<std::pair<int, int>> ParseQuietHours(std::string_view value) {
  std::string s(TrimCell(value));
  ReplaceAll(s, "：", ":");
  for (std::string_view sep : {"-", "~", "～", "–", "—", "至", "到"}) {
    const size_t p = s.find(sep);
    if (p == std::string::npos) continue;
    const auto start = ParseClock(std::string_view(s).substr(0, p));
    const auto end = ParseClock(std::string_view(s).substr(p + sep.size()));
    if (!start || !end || *start == *end) return std::nullopt;
    return std::make_pair(*start, *end);
  }
  return std::nullopt;
}

}  // namespace duban::importer
