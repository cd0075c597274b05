// ParseHouses: houses.csv, one row per building (栋) as the national
// platform lists it, each belonging to a village. Known Chinese spellings of
// business types and structures become the English names model.h uses;
// other text is kept as written.
#include <fmt/format.h>

#include "importer/cells.h"
#include "importer/importer.h"
#include "importer/sheet.h"

namespace duban::importer {
namespace {

enum Column : size_t {
  kId, kUnit, kAddress, kCommercial, kBusiness, kFloors, kStructure, kAltered, kSteel, kHazard
};

constexpr ColumnDef kHouseColumns[] = {
    {"id", true, "编号|房屋编号|house_id"},
    {"unit_id", true, "unit|village|village_id|所属村|所属村编号|村编号|单位编号"},
    {"address", true, "地址|房屋地址"},
    {"is_commercial", true, "commercial|经营性|是否经营性|是否经营性自建房"},
    {"business_type", false, "经营类型|经营业态"},
    {"floors", false, "层数|楼层数"},
    {"structure", false, "结构|结构类型"},
    {"altered", false, "加改扩建|是否加改扩建"},
    {"steel", false, "钢结构|是否钢结构"},
    {"hazard_level", true, "hazard|隐患等级|隐患类型|隐患判定"},
};

constexpr Alias kHazards[] = {
    {"none", "无|无隐患"},
    {"general", "一般|一般隐患"},
    {"serious", "严重|严重隐患"},
    {"collapse_risk", "倒塌风险|有倒塌风险|collapse-risk|collapse risk"},
};

constexpr Alias kBusinessTypes[] = {
    {"shop", "商铺|商店|门店|零售|超市"},
    {"restaurant", "餐饮|饭店|餐馆|饭馆"},
    {"lodging", "住宿|民宿|宾馆|旅馆|酒店"},
    {"rental", "出租|租赁|出租房"},
    {"training", "培训|教育培训"},
    {"production", "生产|加工|厂房|作坊"},
    {"other", "其他|其它"},
};

constexpr Alias kStructures[] = {
    {"masonry", "砖混|砖混结构|砖木|砌体|砖石"},
    {"concrete", "钢筋混凝土|混凝土|框架|框架结构|reinforced_concrete|frame"},
    {"steel", "钢|钢结构"},
    {"mixed", "混合|混合结构"},
    {"wood", "木|木结构"},
    {"earth", "土木|土坯|生土"},
};

// The canonical name of `value` in `table`, or `value` as written.
std::string Canonical(std::span<const Alias> table, const std::string& value) {
  const auto v = LookupAlias(table, value);
  return v ? std::string(*v) : value;
}

// Reads a yes/no cell; an empty optional cell is "no".
bool ReadBool(const SheetRow& row, size_t col, std::string_view zh, std::string_view en,
              RowErrors& errs) {
  const std::string& v = row[col];
  if (v.empty()) return false;
  if (const auto b = ParseBool(v)) return *b;
  errs.Add(col, Bilingual(fmt::format("{} '{}' 应为 是/否", zh, v),
                          fmt::format("{} '{}' must be yes or no: 是/否, true/false, 1/0", en, v)));
  return false;
}

int ReadFloors(const SheetRow& row, RowErrors& errs) {
  std::string v = row[kFloors];
  if (v.empty()) return 0;  // unknown
  if (v.size() > 3 && v.substr(v.size() - 3) == "层") v.resize(v.size() - 3);
  const bool digits = !v.empty() && v.size() <= 2 &&
                      v.find_first_not_of("0123456789") == std::string::npos;
  const int n = digits ? std::stoi(v) : 0;
  if (n < 1) {
    errs.Add(kFloors, Bilingual(fmt::format("层数 '{}' 应为1到99的整数", row[kFloors]),
                                fmt::format("floors '{}' must be a whole number from 1 to 99",
                                            row[kFloors])));
  }
  return n;
}

void CheckUnit(const SheetRow& row, const HouseContext& ctx, RowErrors& errs) {
  const std::string& unit = row[kUnit];
  if (unit.empty()) {
    errs.Add(kUnit, Bilingual("所属村为空", "unit_id is empty"));
    return;
  }
  const auto it = ctx.units.find(unit);
  if (it == ctx.units.end()) {
    std::set<std::string> ids;
    for (const auto& [id, level] : ctx.units) {
      if (level == model::Level::kVillage) ids.insert(id);
    }
    const std::string near = Closest(unit, ids);
    errs.Add(kUnit, Bilingual(fmt::format("所属村 '{}' 不存在{}", unit, SuggestZh(near)),
                              fmt::format("unit '{}' is not known{}", unit, SuggestEn(near))));
  } else if (it->second != model::Level::kVillage) {
    errs.Add(kUnit, Bilingual(fmt::format("所属单位 '{}' 是{}，房屋只能属于村", unit,
                                          LevelZh(it->second)),
                              fmt::format("unit '{}' is a {}; houses belong to villages", unit,
                                          model::LevelName(it->second))));
  }
}

}  // namespace

HouseImport ParseHouses(std::string_view bytes, std::string_view file_name,
                        const HouseContext& ctx) {
  HouseImport result;
  result.file = std::string(file_name);
  const std::vector<SheetRow> rows = ReadSheet(bytes, kHouseColumns, result);
  std::map<std::string, int> first_row;
  for (const SheetRow& row : rows) {
    RowErrors errs(row, result.rejections);
    model::House h;
    h.id = row[kId];
    h.unit_id = row[kUnit];
    h.address = row[kAddress];
    CheckNewId(row, kId, errs, first_row);
    CheckUnit(row, ctx, errs);
    if (h.address.empty()) errs.Add(kAddress, Bilingual("地址为空", "address is empty"));
    if (row[kCommercial].empty()) {
      errs.Add(kCommercial, Bilingual("是否经营性为空，应为 是/否", "is_commercial is empty; "
                                      "write yes or no"));
    } else {
      h.is_commercial = ReadBool(row, kCommercial, "是否经营性", "is_commercial", errs);
    }
    h.business_type = Canonical(kBusinessTypes, row[kBusiness]);
    if (!h.business_type.empty() && !h.is_commercial && !row[kCommercial].empty()) {
      errs.Add(kBusiness,
               Bilingual(fmt::format("非经营性房屋不应填写经营类型 '{}'", row[kBusiness]),
                         fmt::format("business_type '{}' is set but the house is not "
                                     "commercial",
                                     row[kBusiness])));
    }
    h.floors = ReadFloors(row, errs);
    h.structure = Canonical(kStructures, row[kStructure]);
    h.altered = ReadBool(row, kAltered, "加改扩建", "altered", errs);
    h.steel = ReadBool(row, kSteel, "钢结构", "steel", errs);
    const std::string& hazard = row[kHazard];
    if (hazard.empty()) {
      errs.Add(kHazard, Bilingual("隐患等级为空，应为 无/一般/严重/倒塌风险",
                                  "hazard_level is empty; write none, general, serious or "
                                  "collapse_risk"));
    } else if (const auto v = LookupAlias(kHazards, hazard)) {
      h.hazard_level = std::string(*v);
    } else {
      errs.Add(kHazard,
               Bilingual(fmt::format("隐患等级 '{}' 应为 无/一般/严重/倒塌风险", hazard),
                         fmt::format("hazard_level '{}' is not none, general, serious or "
                                     "collapse_risk",
                                     hazard)));
    }
    if (!errs.any()) result.records.push_back(std::move(h));
  }
  SortRejections(result.rejections);
  return result;
}

}  // namespace duban::importer
