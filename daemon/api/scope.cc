#include "api/scope.h"

#include <fmt/format.h>

namespace duban::api {
namespace {

const std::vector<model::Level>& AllLevels() {
  static const std::vector<model::Level> kAll = {
      model::Level::kProvince, model::Level::kCity,       model::Level::kCounty,
      model::Level::kTown,     model::Level::kVillage,    model::Level::kDepartment,
      model::Level::kAgency};
  return kAll;
}

}  // namespace

std::vector<std::string> Subtree(const engine::Directory& dir, const std::string& root) {
  std::vector<std::string> out;
  for (const model::Unit* u : dir.UnitsAt(AllLevels(), root)) out.push_back(u->id);
  return out;
}

bool ByDepartment(const engine::Actor& actor) {
  return actor.auth_role == "department" || actor.auth_role == "agency";
}

Result<std::string> ScopeRoot(const engine::Directory& dir, const engine::Actor& actor,
                              const std::string& unit) {
  if (!unit.empty() && dir.FindUnit(unit) == nullptr) {
    return Status::InvalidArgument(fmt::format("unit: no such unit '{}'", unit));
  }
  if (actor.admin()) return unit;
  if (unit.empty() || dir.IsUnder(actor.unit, unit)) return actor.unit;
  if (dir.IsUnder(unit, actor.unit)) return unit;
  return Status::PermissionDenied(
      fmt::format("unit {} is outside your token's scope ({})", unit, actor.unit));
}

bool SeesUnit(const engine::Directory& dir, const engine::Actor& actor,
              const std::string& unit_id) {
  if (actor.admin()) return true;
  return !actor.unit.empty() && dir.IsUnder(unit_id, actor.unit);
}

}  // namespace duban::api
