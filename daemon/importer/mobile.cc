// Mainland mobile numbers, normalised as channels.md §6 says: strip spaces
// and '-', strip +86 / 0086 / a bare 86 that leaves 11 digits, require
// ^1[3-9]\d{9}$, store +86XXXXXXXXXXX. Full-width digits, which Chinese
// input methods produce, count as digits.
#include <fmt/format.h>

#include "importer/cells.h"
#include "importer/importer.h"

namespace duban::importer {
namespace {

// Drops separators and turns full-width digits and '＋' into ASCII.
std::string Compact(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size();) {
    const auto c = static_cast<unsigned char>(raw[i]);
    // Full-width ０-９ are EF BC 90-99; '＋' is EF BC 8B; '－' is EF BC 8D;
    // the ideographic space is E3 80 80.
    if (c == 0xEF && i + 2 < raw.size() && static_cast<unsigned char>(raw[i + 1]) == 0xBC) {
      const auto d = static_cast<unsigned char>(raw[i + 2]);
      if (d >= 0x90 && d <= 0x99) {
        out += static_cast<char>('0' + (d - 0x90));
        i += 3;
        continue;
      }
      if (d == 0x8B || d == 0x8D) {
        if (d == 0x8B) out += '+';
        i += 3;
        continue;
      }
    }
    if (raw.substr(i, 3) == "\xE3\x80\x80") {
      i += 3;
      continue;
    }
    if (c == ' ' || c == '-' || c == '\t') {
      ++i;
      continue;
    }
    out += raw[i];
    ++i;
  }
  return out;
}

bool IsMainlandMobile(std::string_view s) {
  if (s.size() != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9') return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

Result<std::string> NormalizeMobile(std::string_view raw) {
  const std::string_view shown = TrimCell(raw);
  if (LooksLikeExcelNumber(shown)) {
    return Status::InvalidArgument(Bilingual(
        fmt::format("手机号 '{}' 像是被 Excel 改成了科学计数法，请把该列设为文本后重新导出", shown),
        fmt::format("mobile '{}' looks like Excel scientific notation; format the column as "
                    "text and export again",
                    shown)));
  }
  std::string s = Compact(raw);
  if (s.rfind("+86", 0) == 0) {
    s.erase(0, 3);
  } else if (s.rfind("0086", 0) == 0) {
    s.erase(0, 4);
  } else if (s.rfind("86", 0) == 0 && s.size() == 13) {
    s.erase(0, 2);
  }
  if (!IsMainlandMobile(s)) {
    return Status::InvalidArgument(
        Bilingual(fmt::format("手机号 '{}' 不是11位大陆手机号", shown),
                  fmt::format("mobile '{}' is not an 11-digit mainland number", shown)));
  }
  return "+86" + s;
}

}  // namespace duban::importer
