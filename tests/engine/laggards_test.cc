#include "engine/laggards.h"

#include <gtest/gtest.h>

namespace duban::engine {
namespace {

store::OwnerStats Reports(const std::string& owner, int64_t missing, int64_t late) {
  store::OwnerStats s;
  s.owner = owner;
  s.missing = missing;
  s.late = late;
  return s;
}

store::OwnerStats Items(const std::string& owner, int64_t overdue) {
  store::OwnerStats s;
  s.owner = owner;
  s.overdue = overdue;
  return s;
}

TEST(LaggardsTest, WeightsMissingOverOverdueOverLate) {
  EXPECT_EQ(LaggardPoints(1, 0, 0), 3);
  EXPECT_EQ(LaggardPoints(0, 1, 0), 2);
  EXPECT_EQ(LaggardPoints(0, 0, 1), 1);
  EXPECT_EQ(LaggardPoints(2, 3, 4), 16);
}

TEST(LaggardsTest, RanksWorstFirstWithTiesByUnitIdAndDropsTheBlameless) {
  const auto ranked = RankLaggards(
      {Reports("v-c", 1, 0), Reports("v-a", 0, 3), Reports("v-b", 1, 0), Reports("v-ok", 0, 0)},
      {Items("v-a", 0), Items("v-d", 2)}, 0);
  ASSERT_EQ(ranked.size(), 4u);
  EXPECT_EQ(ranked[0].unit, "v-d");  // 4
  EXPECT_EQ(ranked[1].unit, "v-a");  // 3, and v-a < v-b < v-c
  EXPECT_EQ(ranked[2].unit, "v-b");
  EXPECT_EQ(ranked[3].unit, "v-c");
  EXPECT_EQ(ranked[1].late_reports, 3);
  EXPECT_EQ(RankLaggards({Reports("v-c", 1, 0), Reports("v-b", 1, 0)}, {}, 1).size(), 1u);
}

}  // namespace
}  // namespace duban::engine
