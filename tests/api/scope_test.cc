#include "api/scope.h"

#include <gtest/gtest.h>

namespace duban::api {
namespace {

engine::Directory Town() {
  auto u = [](const char* id, model::Level level, const char* parent) {
    model::Unit x;
    x.id = id;
    x.level = level;
    x.parent_id = parent;
    return x;
  };
  return engine::Directory({u("county", model::Level::kCounty, ""),
                            u("town", model::Level::kTown, "county"),
                            u("v1", model::Level::kVillage, "town"),
                            u("v2", model::Level::kVillage, "town"),
                            u("market", model::Level::kDepartment, "town"),
                            u("town2", model::Level::kTown, "county")},
                           {});
}

engine::Actor A(const char* role, const char* unit) {
  engine::Actor a;
  a.auth_role = role;
  a.unit = unit;
  return a;
}

TEST(ScopeTest, SubtreeIsTheUnitAndEverythingBelowIt) {
  const auto dir = Town();
  EXPECT_EQ(Subtree(dir, "town"), (std::vector<std::string>{"market", "town", "v1", "v2"}));
  EXPECT_EQ(Subtree(dir, "v1"), std::vector<std::string>{"v1"});
  EXPECT_TRUE(Subtree(dir, "nowhere").empty());
  EXPECT_EQ(Subtree(dir, "").size(), 6u);
}

TEST(ScopeTest, FiltersNarrowToTheTokensUnitAndNeverWidenIt) {
  const auto dir = Town();
  EXPECT_EQ(*ScopeRoot(dir, A("office", "town"), ""), "town");
  EXPECT_EQ(*ScopeRoot(dir, A("office", "town"), "v1"), "v1");
  EXPECT_EQ(*ScopeRoot(dir, A("office", "town"), "county"), "town");
  EXPECT_EQ(ScopeRoot(dir, A("office", "town"), "town2").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(ScopeRoot(dir, A("liaison", "v1"), "v2").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(ScopeRoot(dir, A("office", "town"), "atlantis").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*ScopeRoot(dir, A("admin", "county"), ""), "");
  EXPECT_EQ(*ScopeRoot(dir, A("admin", "v1"), "town2"), "town2");
}

TEST(ScopeTest, WhoSeesWhichUnit) {
  const auto dir = Town();
  EXPECT_TRUE(SeesUnit(dir, A("supervisor", "county"), "v2"));
  EXPECT_TRUE(SeesUnit(dir, A("liaison", "v1"), "v1"));
  EXPECT_FALSE(SeesUnit(dir, A("liaison", "v1"), "v2"));
  EXPECT_FALSE(SeesUnit(dir, A("liaison", "v1"), "town"));
  EXPECT_FALSE(SeesUnit(dir, A("office", ""), "town"));
  EXPECT_TRUE(SeesUnit(dir, A("admin", ""), "town2"));
  EXPECT_TRUE(ByDepartment(A("department", "market")));
  EXPECT_TRUE(ByDepartment(A("agency", "x")));
  EXPECT_FALSE(ByDepartment(A("office", "town")));
}

}  // namespace
}  // namespace duban::api
