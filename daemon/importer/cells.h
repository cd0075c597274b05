// Cell-level helpers shared by the unit, contact and house parsers: trimming,
// alias tables (English and Chinese spellings of one value), booleans,
// levels, ids and the bilingual reason format. Internal to importer/. Pure.
#pragma once

#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/model.h"

namespace duban::importer {

// "中文 (English)": the one format of every reason.
std::string Bilingual(std::string_view zh, std::string_view en);

// Trims ASCII white space, the ideographic space U+3000 and NBSP, which
// Chinese input methods and copy-paste from web pages leave in cells.
std::string_view TrimCell(std::string_view s);
// Lower-cases ASCII letters; leaves other bytes alone.
std::string LowerAscii(std::string_view s);

// One value and the other spellings that mean it, '|'-separated. Matching
// ignores ASCII case.
struct Alias {
  std::string_view canonical;
  std::string_view aliases;
};
// Returns the canonical value `value` spells, if any.
std::optional<std::string_view> LookupAlias(std::span<const Alias> table,
                                            std::string_view value);

// 是/否, 有/无, true/false, yes/no, y/n, 1/0.
std::optional<bool> ParseBool(std::string_view value);
// province..village, department, agency, or 省/市/县/镇/乡/街道/村/社区/部门...
std::optional<model::Level> ParseLevelCell(std::string_view value);
// "省级", "村级", "部门", "第三方机构": the level in a Chinese sentence.
std::string LevelZh(model::Level level);
bool IsAdministrative(model::Level level);

// True for cells such as "1.38E+10" that Excel wrote instead of a long
// number, losing digits.
bool LooksLikeExcelNumber(std::string_view value);
// A reason to reject `value` as an id ("" when fine): no white space or
// control characters, at most 64 bytes, not mangled by Excel.
std::string CheckId(std::string_view value);

// Splits a list cell on ; ； , ， 、 and trims; empty items and repeats are
// dropped, order kept.
std::vector<std::string> SplitList(std::string_view value);

// The candidate closest to `word` when it is near enough to be a typo
// (base/strings.h's rule), else "".
std::string Closest(std::string_view word, const std::set<std::string>& candidates);
// ", 是否应为 'x'" / ", did you mean 'x'?" style suffixes for Bilingual.
std::string SuggestZh(const std::string& closest);
std::string SuggestEn(const std::string& closest);

// "21:00-08:00" (also ~, –, 至, full-width colon) as minutes after midnight.
std::optional<std::pair<int, int>> ParseQuietHours(std::string_view value);

}  // namespace duban::importer
