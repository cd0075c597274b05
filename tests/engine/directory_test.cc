#include "engine/directory.h"

#include <gtest/gtest.h>

namespace duban::engine {
namespace {

model::Unit U(const std::string& id, model::Level level, const std::string& parent) {
  model::Unit u;
  u.id = id;
  u.name = id + "名";
  u.level = level;
  u.parent_id = parent;
  return u;
}

model::Contact C(const std::string& id, const std::string& unit, const std::string& role) {
  model::Contact c;
  c.id = id;
  c.unit_id = unit;
  c.role = role;
  return c;
}

std::vector<std::string> Ids(const std::vector<const model::Contact*>& cs) {
  std::vector<std::string> out;
  for (const auto* c : cs) out.push_back(c->id);
  return out;
}

// Ids longer than the small-string buffer and shorter, unsorted input, and
// contacts of neighbouring units interleaved: lookups and the per-unit
// ranges must not depend on the order the store gave.
Directory Sample() {
  using L = model::Level;
  return Directory(
      {U("town-with-a-rather-long-identifier", L::kTown, "county"), U("county", L::kCounty, ""),
       U("v2", L::kVillage, "town-with-a-rather-long-identifier"),
       U("v1", L::kVillage, "town-with-a-rather-long-identifier")},
      {C("v2-liaison-b", "v2", "liaison"), C("v1-head", "v1", "head"),
       C("town-office-contact-with-a-long-id", "town-with-a-rather-long-identifier", "office"),
       C("v1-liaison-b", "v1", "liaison"), C("v2-liaison-a", "v2", "liaison"),
       C("v1-liaison-a", "v1", "liaison")});
}

TEST(DirectoryTest, ContactsOfAUnitAndRoleComeInIdOrder) {
  const Directory d = Sample();
  EXPECT_EQ(Ids(d.ContactsOf("v1", "liaison")),
            (std::vector<std::string>{"v1-liaison-a", "v1-liaison-b"}));
  EXPECT_EQ(Ids(d.ContactsOf("v2", "liaison")),
            (std::vector<std::string>{"v2-liaison-a", "v2-liaison-b"}));
  EXPECT_EQ(Ids(d.ContactsOf("v1", "head")), (std::vector<std::string>{"v1-head"}));
  EXPECT_EQ(Ids(d.ContactsOf("town-with-a-rather-long-identifier", "office")),
            (std::vector<std::string>{"town-office-contact-with-a-long-id"}));
  EXPECT_TRUE(d.ContactsOf("v1", "office").empty());
  EXPECT_TRUE(d.ContactsOf("county", "office").empty());
  EXPECT_TRUE(d.ContactsOf("nowhere", "liaison").empty());
  EXPECT_TRUE(d.ContactsOf("", "liaison").empty());
}

TEST(DirectoryTest, LookupsSurviveAMove) {
  Directory moved = Sample();
  Directory d = std::move(moved);
  ASSERT_NE(d.FindUnit("town-with-a-rather-long-identifier"), nullptr);
  EXPECT_EQ(d.FindUnit("v1")->name, "v1名");
  EXPECT_EQ(d.FindUnit("nowhere"), nullptr);
  ASSERT_NE(d.FindContact("town-office-contact-with-a-long-id"), nullptr);
  EXPECT_EQ(d.FindContact("v2-liaison-a")->unit_id, "v2");
  EXPECT_EQ(d.FindContact("nobody"), nullptr);
  EXPECT_EQ(d.unit_count(), 4u);
  const model::Unit* county = d.Ancestor("v2", model::Level::kCounty);
  ASSERT_NE(county, nullptr);
  EXPECT_EQ(county->id, "county");
  EXPECT_TRUE(d.IsUnder("v2", "county"));
  EXPECT_FALSE(d.IsUnder("county", "v2"));
  EXPECT_EQ(Ids(d.ContactsOf("v1", "liaison")),
            (std::vector<std::string>{"v1-liaison-a", "v1-liaison-b"}));
}

TEST(DirectoryTest, AnEmptyDirectoryFindsNothing) {
  const Directory d;
  EXPECT_EQ(d.FindUnit("v1"), nullptr);
  EXPECT_TRUE(d.ContactsOf("v1", "liaison").empty());
  EXPECT_EQ(d.Ancestor("v1", model::Level::kTown), nullptr);
}

}  // namespace
}  // namespace duban::engine
