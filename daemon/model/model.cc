#include "model/model.h"

#include <string_view>

namespace duban::model {

namespace {
struct LevelInfo {
  Level level;
  const char* name;
  const char* label;
};
constexpr LevelInfo kLevels[] = {
    {Level::kProvince, "province", "省"},     {Level::kCity, "city", "市"},
    {Level::kCounty, "county", "县"},         {Level::kTown, "town", "镇"},
    {Level::kVillage, "village", "村"},       {Level::kDepartment, "department", "部门"},
    {Level::kAgency, "agency", "第三方"},
};
}  // namespace

const char* LevelName(Level level) {
  for (const auto& l : kLevels) {
    if (l.level == level) return l.name;
  }
  return "unknown";
}

const char* LevelLabel(Level level) {
  for (const auto& l : kLevels) {
    if (l.level == level) return l.label;
  }
  return "?";
}

std::optional<Level> ParseLevel(std::string_view name) {
  for (const auto& l : kLevels) {
    if (name == l.name) return l.level;
  }
  return std::nullopt;
}

}  // namespace duban::model
