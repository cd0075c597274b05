// The shipped demo (config/demo/) and the fixtures in tests/data/import/
// parse as documented: the demo with no rejection at all.
#include <gtest/gtest.h>

#include <map>

#include "importer/importer.h"
#include "importer_test_util.h"

namespace duban::importer {
namespace {

using testing::ReadSource;
using testing::Rejections;
using Lines = std::vector<std::string>;

struct Demo {
  UnitImport units;
  ContactImport contacts;
  HouseImport houses;
};

// Imports the demo as the CLI would into an empty database: units first,
// then contacts and houses against them.
Demo ImportDemo() {
  Demo d;
  d.units = ParseUnits(ReadSource("config/demo/units.csv"), "units.csv", {});
  ContactContext cc;
  cc.units = UnitLevels(d.units.records);
  cc.roles = testing::JiafengRoles();
  cc.channels = {"sms", "town-robot"};
  cc.mobile_channels = {"sms"};
  d.contacts = ParseContacts(ReadSource("config/demo/contacts.csv"), "contacts.csv", cc);
  d.houses = ParseHouses(ReadSource("config/demo/houses.csv"), "houses.csv",
                         HouseContext{UnitLevels(d.units.records)});
  return d;
}

TEST(DemoFilesTest, ParseWithZeroRejections) {
  const Demo d = ImportDemo();
  EXPECT_EQ(Rejections(d.units), Lines{});
  EXPECT_EQ(Rejections(d.contacts), Lines{});
  EXPECT_EQ(Rejections(d.houses), Lines{});
  EXPECT_TRUE(d.units.ignored_columns.empty());
  EXPECT_TRUE(d.contacts.ignored_columns.empty());
  EXPECT_TRUE(d.houses.ignored_columns.empty());
  EXPECT_EQ(d.units.records.size(), 14u);
  EXPECT_EQ(d.contacts.records.size(), 26u);
  EXPECT_EQ(d.houses.records.size(), 30u);
}

TEST(DemoFilesTest, HierarchyIsTheJiafengChain) {
  const Demo d = ImportDemo();
  std::map<std::string, model::Unit> by_id;
  for (const auto& u : d.units.records) by_id[u.id] = u;
  EXPECT_EQ(by_id.at("shanxi").division_code, "140000000000");
  EXPECT_EQ(by_id.at("jincheng").division_code, "140500000000");
  EXPECT_EQ(by_id.at("qinshui").division_code, "140521000000");
  EXPECT_EQ(by_id.at("jiafeng").division_code, "140521104000");
  EXPECT_EQ(by_id.at("jiafeng").name, "嘉峰镇");
  int villages = 0;
  int departments = 0;
  for (const auto& u : d.units.records) {
    if (u.level == model::Level::kVillage) {
      ++villages;
      EXPECT_EQ(u.parent_id, "jiafeng");
    }
    if (u.level == model::Level::kDepartment) {
      ++departments;
      EXPECT_EQ(u.attached_level, model::Level::kTown);
    }
  }
  EXPECT_EQ(villages, 8);
  EXPECT_EQ(departments, 2);
}

TEST(DemoFilesTest, EveryVillageHasALiaisonAndAHead) {
  const Demo d = ImportDemo();
  std::map<std::string, std::set<std::string>> roles;  // unit -> roles
  for (const auto& c : d.contacts.records) {
    roles[c.unit_id].insert(c.role);
    if (c.role == "group_chat") {
      EXPECT_EQ(c.channels, Lines{"town-robot"});
    } else {
      EXPECT_EQ(c.channels, Lines{"sms"});
      EXPECT_EQ(c.mobile.substr(0, 11), "+8613800000") << c.id;  // fictional range
    }
  }
  for (const auto& u : d.units.records) {
    if (u.level != model::Level::kVillage && u.level != model::Level::kDepartment) continue;
    EXPECT_TRUE(roles[u.id].contains("liaison")) << u.id;
    EXPECT_TRUE(roles[u.id].contains("head")) << u.id;
  }
  EXPECT_EQ(roles["jiafeng"], (std::set<std::string>{"office", "supervisor", "group_chat"}));
  EXPECT_EQ(roles["qinshui"], std::set<std::string>{"task_force"});
}

TEST(DemoFilesTest, HousesMixCommercialUseAndHazardLevels) {
  const Demo d = ImportDemo();
  std::map<std::string, int> hazards;
  std::map<std::string, int> per_village;
  int commercial = 0;
  for (const auto& h : d.houses.records) {
    ++hazards[h.hazard_level];
    ++per_village[h.unit_id];
    commercial += h.is_commercial;
  }
  EXPECT_EQ(hazards.size(), 4u);  // none, general, serious, collapse_risk
  EXPECT_GT(commercial, 10);
  EXPECT_LT(commercial, 25);
  EXPECT_EQ(per_village.size(), 8u);
}

TEST(DemoFilesTest, Gb18030FixtureWithChineseHeaders) {
  const UnitImport in = ParseUnits(ReadSource("tests/data/import/units_gb18030.csv"),
                                   "units_gb18030.csv", UnitContext{testing::ExistingChain()});
  EXPECT_EQ(in.encoding, Encoding::kGb18030);
  EXPECT_EQ(Rejections(in), Lines{});
  ASSERT_EQ(in.records.size(), 4u);
  EXPECT_EQ(in.records[0].name, "嘉峰镇");
  EXPECT_EQ(in.records[3].name, "嘉峰市场监管所");
  EXPECT_EQ(in.records[3].attached_level, model::Level::kTown);
}

}  // namespace
}  // namespace duban::importer
