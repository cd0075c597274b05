#include "workflow/role_path.h"

#include <gtest/gtest.h>

namespace duban::workflow {
namespace {

TEST(RolePathTest, ParsesEveryAnchor) {
  struct Case {
    const char* text;
    RolePath::Anchor anchor;
    const char* role;
  } cases[] = {
      {"liaison", RolePath::Anchor::kSelf, "liaison"},
      {"self.head", RolePath::Anchor::kSelf, "head"},
      {"parent.office", RolePath::Anchor::kParent, "office"},
      {"ancestor(county).task_force", RolePath::Anchor::kAncestor,
       "task_force"},
      {"department.head", RolePath::Anchor::kDepartment, "head"},
      {"agency.project_lead", RolePath::Anchor::kAgency, "project_lead"},
  };
  for (const auto& c : cases) {
    std::string error;
    const auto p = ParseRolePathSyntax(c.text, &error);
    ASSERT_TRUE(p.has_value()) << c.text << ": " << error;
    EXPECT_EQ(p->anchor, c.anchor) << c.text;
    EXPECT_EQ(p->role_id, c.role) << c.text;
  }
  std::string error;
  EXPECT_EQ(
      ParseRolePathSyntax("ancestor(town).office", &error)->ancestor_level,
      UnitLevel::kTown);
}

TEST(RolePathTest, RejectsWhatIsNotARolePath) {
  const std::pair<const char*, const char*> cases[] = {
      {"",
       "'' is not a role path; expected something like self.liaison, "
       "parent.office or ancestor(county).task_force"},
      {"self.",
       "'self.' is not a role path; expected something like "
       "self.liaison, parent.office or ancestor(county).task_force"},
      {"Parent.Office",
       "'Parent.Office' is not a role path; expected something like "
       "self.liaison, parent.office or ancestor(county).task_force"},
      {"ancestor(townn).office",
       "unknown level 'townn' in 'ancestor(townn).office'; expected one of: "
       "province, city, county, town, village"},
      {"ancestor(department).head",
       "unknown level 'department' in 'ancestor(department).head'; expected "
       "one of: province, city, county, town, village"},
      {"boss.office",
       "unknown unit 'boss' in 'boss.office'; expected self, parent, "
       "ancestor(<level>), department or agency"},
  };
  for (const auto& [text, message] : cases) {
    std::string error;
    EXPECT_FALSE(ParseRolePathSyntax(text, &error).has_value()) << text;
    EXPECT_EQ(error, message) << text;
  }
}

}  // namespace
}  // namespace duban::workflow
