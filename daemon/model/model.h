// Domain records shared by the store, the engine, importers and the API:
// the hierarchy of units, the people in them, the houses, and items. Plain
// values with no behaviour beyond small helpers; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"

namespace duban::model {

// Levels of the administrative hierarchy, top to bottom (domain.md §6), plus
// departments (成员单位) attached to a level and third-party agencies
// (第三方专业机构) contracted by a level.
enum class Level { kProvince, kCity, kCounty, kTown, kVillage, kDepartment, kAgency };

// "province", "city", "county", "town", "village", "department", "agency".
const char* LevelName(Level level);
std::optional<Level> ParseLevel(std::string_view name);
// 省 市 县 镇 村 部门 第三方
const char* LevelLabel(Level level);

struct Unit {
  std::string id;              // stable id chosen by the importer: "jf-shangcun"
  std::string name;            // 上村
  Level level = Level::kVillage;
  std::string parent_id;       // "" for the root
  std::string division_code;   // 12-digit statistical code, optional
  // For departments and agencies: the level they are attached to (a town's
  // 市场监管所 is attached to the town). Unset for administrative units.
  std::optional<Level> attached_level;
};

struct Contact {
  std::string id;          // stable id: "jf-shangcun-liaison"
  std::string unit_id;
  std::string role;        // a role the campaign declares: liaison, head, office...
  std::string name;        // 张三
  std::string mobile;      // normalised "+8613800000000"; "" when none
  std::vector<std::string> channels;  // preferred channel names, in order
  std::string feishu_open_id;         // for Feishu @mentions, optional
  // Quiet hours in local time as minutes after midnight; a window may wrap
  // midnight (21:00–08:00). Unset means the channel default.
  std::optional<int> quiet_start_min;
  std::optional<int> quiet_end_min;
};

struct House {
  std::string id;                 // platform house id
  std::string unit_id;            // the village
  std::string address;
  bool is_commercial = false;     // 经营性
  std::string business_type;      // shop, restaurant, lodging, rental...
  int floors = 0;
  std::string structure;          // masonry, concrete, steel, mixed...
  bool altered = false;           // 加改扩建
  bool steel = false;             // 钢结构
  std::string hazard_level;       // none, general, serious, collapse_risk
};

}  // namespace duban::model
