// Unit levels and role paths: how a campaign names the people to notify or
// the people allowed to act, relative to the unit that owns an item.
//
//   self.liaison               the owner unit's liaison
//   liaison                    same as self.liaison
//   parent.office              the office of the owner's parent unit
//   ancestor(county).task_force  the task force of the nearest county above
//   department.head            the head of the department an item concerns
//   agency.contact             the third-party agency assigned to an item
//
// Plain values; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace duban::workflow {

// Levels of the administrative tree (domain.md §6) plus the two kinds of
// attached units: departments (成员单位) and third-party agencies (第三方).
enum class UnitLevel {
  kProvince,
  kCity,
  kCounty,
  kTown,
  kVillage,
  kDepartment,
  kAgency
};

// "province", "city", "county", "town", "village", "department", "agency".
std::string_view UnitLevelName(UnitLevel level);
std::optional<UnitLevel> ParseUnitLevel(std::string_view name);
const std::vector<std::string>& UnitLevelNames();

struct RolePath {
  enum class Anchor { kSelf, kParent, kAncestor, kDepartment, kAgency };
  Anchor anchor = Anchor::kSelf;
  UnitLevel ancestor_level = UnitLevel::kCounty;  // kAncestor only
  int role = -1;        // index into WorkflowSpec::roles
  std::string role_id;  // "liaison"
  std::string text;     // as written: "ancestor(county).task_force"
};

// Splits a role path into anchor and role name without resolving the role.
// On failure returns nullopt and sets `*error` to a sentence for the user.
struct RolePathSyntax {
  RolePath::Anchor anchor = RolePath::Anchor::kSelf;
  UnitLevel ancestor_level = UnitLevel::kCounty;
  std::string role_id;
};
std::optional<RolePathSyntax> ParseRolePathSyntax(std::string_view text,
                                                  std::string* error);

}  // namespace duban::workflow
