// ParseUnits: units.csv, the hierarchy of province, city, county, town and
// village plus the departments (成员单位) attached to a level. Each row is
// checked alone here; unit_hierarchy.cc then checks the rows together.
#include <fmt/format.h>

#include "importer/cells.h"
#include "importer/importer.h"
#include "importer/units.h"

namespace duban::importer {
namespace {

constexpr ColumnDef kUnitColumns[] = {
    {"id", true, "编号|单位编号|unit_id"},
    {"name", true, "名称|单位名称"},
    {"level", true, "层级|级别|单位层级"},
    {"parent_id", true, "parent|上级编号|上级单位编号|上级"},
    {"division_code", false, "code|区划代码|行政区划代码|统计用区划代码"},
    {"attached_level", false, "attached|所属层级|挂靠层级"},
};

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

bool AllZeros(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

// Returns `code` padded to 12 digits, or sets `reason`. The significant
// prefix must have the level's length (or be followed by zeros up to 12),
// and the digits the level adds must not all be zero: 1400 is a province.
std::string CheckDivisionCode(std::string_view code, model::Level level, std::string& reason) {
  const std::string zh = LevelZh(level);
  const char* en = model::LevelName(level);
  if (LooksLikeExcelNumber(code)) {
    reason = Bilingual(
        fmt::format("区划代码 '{}' 像是被 Excel 改成了科学计数法，请把该列设为文本后重新导出", code),
        fmt::format("division code '{}' looks like Excel scientific notation; format the "
                    "column as text and export again",
                    code));
    return "";
  }
  const size_t digits = DivisionDigits(level);
  if (digits == 0) {
    reason = Bilingual(fmt::format("{}没有区划代码，请留空", zh),
                       fmt::format("a {} has no division code; leave it empty", en));
    return "";
  }
  if (!AllDigits(code)) {
    reason = Bilingual(fmt::format("区划代码 '{}' 只能是数字", code),
                       fmt::format("division code '{}' must be digits only", code));
    return "";
  }
  const bool padded = code.size() == 12 && AllZeros(code.substr(digits));
  if (code.size() != digits && !padded) {
    reason = digits == 12
                 ? Bilingual(fmt::format("{}区划代码 '{}' 应为12位", zh, code),
                             fmt::format("a {}'s division code '{}' must have 12 digits", en, code))
                 : Bilingual(fmt::format("{}区划代码 '{}' 应为{}位，或末{}位为0的12位", zh, code,
                                         digits, 12 - digits),
                             fmt::format("a {}'s division code '{}' must have {} digits, or 12 "
                                         "ending in {} zeros",
                                         en, code, digits, 12 - digits));
    return "";
  }
  const size_t added_from = level == model::Level::kProvince ? 0 : DivisionDigits(
      static_cast<model::Level>(static_cast<int>(level) - 1));
  if (AllZeros(code.substr(added_from, digits - added_from))) {
    reason = Bilingual(
        fmt::format("{}区划代码 '{}' 的第{}–{}位不能全为0", zh, code, added_from + 1, digits),
        fmt::format("digits {}-{} of a {}'s division code '{}' cannot all be 0", added_from + 1,
                    digits, en, code));
    return "";
  }
  std::string out(code);
  out.resize(12, '0');
  return out;
}

// Level and attached_level of one row; sets `level` when it can be read.
void ReadLevels(const SheetRow& row, RowErrors& errs, model::Unit& u, bool& level_ok) {
  const std::string& level = row[kUnitLevel];
  const std::string& attached = row[kUnitAttached];
  const std::optional<model::Level> parsed = ParseLevelCell(level);
  level_ok = parsed.has_value();
  if (level.empty()) {
    errs.Add(kUnitLevel, Bilingual("层级为空", "level is empty"));
    return;
  }
  if (!parsed) {
    errs.Add(kUnitLevel,
             Bilingual(fmt::format("层级 '{}' 无法识别，应为 省/市/县/镇/村/部门", level),
                       fmt::format("level '{}' is not province, city, county, town, village "
                                   "or department",
                                   level)));
    return;
  }
  u.level = *parsed;
  if (IsAdministrative(u.level)) {
    if (!attached.empty()) {
      errs.Add(kUnitAttached,
               Bilingual(fmt::format("{}单位不填所属层级 '{}'，只有部门才填", LevelZh(u.level),
                                     attached),
                         fmt::format("attached_level '{}' is only for departments, not for "
                                     "a {}",
                                     attached, model::LevelName(u.level))));
    }
    return;
  }
  if (attached.empty()) {
    errs.Add(kUnitAttached,
             Bilingual(fmt::format("{}必须填写所属层级（挂靠哪一级）", LevelZh(u.level)),
                       fmt::format("a {} needs attached_level, the level it belongs to",
                                   model::LevelName(u.level))));
    return;
  }
  const std::optional<model::Level> at = ParseLevelCell(attached);
  if (!at || !IsAdministrative(*at)) {
    errs.Add(kUnitAttached,
             Bilingual(fmt::format("所属层级 '{}' 应为 省/市/县/镇/村", attached),
                       fmt::format("attached_level '{}' is not province, city, county, town "
                                   "or village",
                                   attached)));
    return;
  }
  u.attached_level = *at;
}

}  // namespace

size_t DivisionDigits(model::Level level) {
  switch (level) {
    case model::Level::kProvince: return 2;
    case model::Level::kCity: return 4;
    case model::Level::kCounty: return 6;
    case model::Level::kTown: return 9;
    case model::Level::kVillage: return 12;
    default: return 0;
  }
}

UnitImport ParseUnits(std::string_view bytes, std::string_view file_name,
                      const UnitContext& ctx) {
  UnitImport result;
  result.file = std::string(file_name);
  const std::vector<SheetRow> rows = ReadSheet(bytes, kUnitColumns, result);
  std::map<std::string, int> first_row;  // id -> the row that used it first
  std::map<std::string, int> rejected;   // id -> its rejected first row
  std::vector<UnitRow> candidates;
  for (const SheetRow& row : rows) {
    RowErrors errs(row, result.rejections);
    model::Unit u;
    u.id = row[kUnitId];
    u.name = row[kUnitName];
    u.parent_id = row[kUnitParent];
    const bool first_use = CheckNewId(row, kUnitId, errs, first_row);
    if (u.name.empty()) errs.Add(kUnitName, Bilingual("名称为空", "name is empty"));
    bool level_ok = false;
    ReadLevels(row, errs, u, level_ok);
    if (level_ok && !row[kUnitCode].empty()) {
      std::string why;
      u.division_code = CheckDivisionCode(row[kUnitCode], u.level, why);
      if (!why.empty()) errs.Add(kUnitCode, std::move(why));
    }
    if (errs.any()) {
      if (first_use) rejected.emplace(u.id, row.row);
      continue;
    }
    candidates.push_back(UnitRow{std::move(u), &row});
  }
  result.records =
      CheckHierarchy(std::move(candidates), ctx.existing, std::move(rejected), result.rejections);
  SortRejections(result.rejections);
  return result;
}

}  // namespace duban::importer
