#include "engine/laggards.h"

#include <gtest/gtest.h>

namespace duban::engine {
namespace {

using store::OverdueAge;

store::OwnerStats Reports(const std::string& owner, int64_t missing, int64_t late) {
  store::OwnerStats s;
  s.owner = owner;
  s.missing = missing;
  s.late = late;
  return s;
}

store::OverdueCount Overdue(const std::string& unit, int64_t n, OverdueAge age = OverdueAge::kUnderWeek,
                            const std::string& severity = "warning", bool transfer = false) {
  return {unit, transfer, severity, age, n};
}

TEST(LaggardsTest, OverdueItemsWeighByAgeAndSeverity) {
  EXPECT_EQ(OverduePoints(OverdueAge::kUnderWeek, "warning"), 2);
  EXPECT_EQ(OverduePoints(OverdueAge::kUnderMonth, "info"), 4);
  EXPECT_EQ(OverduePoints(OverdueAge::kMonthOrMore, "warning"), 6);
  EXPECT_EQ(OverduePoints(OverdueAge::kUnderWeek, "critical"), 4);
  EXPECT_EQ(OverduePoints(OverdueAge::kMonthOrMore, "critical"), 12);
  EXPECT_EQ(LaggardPoints(1, 0, 0), 3);  // a missing report
  EXPECT_EQ(LaggardPoints(0, 1, 0), 1);  // a late one
  EXPECT_EQ(LaggardPoints(2, 3, 10), 19);
}

TEST(LaggardsTest, RanksWorstFirstWithTiesByUnitIdAndDropsTheBlameless) {
  const auto ranked = RankLaggards(
      {Reports("v-c", 1, 0), Reports("v-a", 0, 3), Reports("v-b", 1, 0), Reports("v-ok", 0, 0)},
      {Overdue("v-d", 2)}, 0);
  ASSERT_EQ(ranked.size(), 4u);
  EXPECT_EQ(ranked[0].unit, "v-d");  // 2 × 2
  EXPECT_EQ(ranked[1].unit, "v-a");  // 3, and v-a < v-b < v-c
  EXPECT_EQ(ranked[2].unit, "v-b");
  EXPECT_EQ(ranked[3].unit, "v-c");
  EXPECT_EQ(ranked[1].late_reports, 3);
  EXPECT_EQ(RankLaggards({Reports("v-c", 1, 0), Reports("v-b", 1, 0)}, {}, 1).size(), 1u);
}

// One collapse-risk case a month overdue outweighs three missing reports;
// a transfer stuck with a department counts against the department.
TEST(LaggardsTest, AnOldCriticalCaseOutranksMissedReportsAndTransfersBlameTheDepartment) {
  const auto ranked = RankLaggards(
      {Reports("v-missing", 3, 0)},
      {Overdue("v-old", 1, OverdueAge::kMonthOrMore, "critical"),
       Overdue("d-fire", 2, OverdueAge::kUnderMonth, "warning", /*transfer=*/true),
       Overdue("d-fire", 1, OverdueAge::kUnderWeek, "info", /*transfer=*/true)},
      0);
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked[0].unit, "v-old");
  EXPECT_EQ(ranked[0].score, 12);
  EXPECT_EQ(ranked[1].unit, "d-fire");
  EXPECT_EQ(ranked[1].stuck_transfers, 3);
  EXPECT_EQ(ranked[1].overdue_items, 0);
  EXPECT_EQ(ranked[1].score, 2 * 4 + 2);
  EXPECT_EQ(ranked[2].unit, "v-missing");
  EXPECT_EQ(ranked[2].score, 9);
  EXPECT_EQ(LaggardWhy(ranked[0]), "逾期1项，其中重大隐患1项、超30天1项");
  EXPECT_EQ(LaggardWhy(ranked[1]), "移送逾期未办3件");
  EXPECT_EQ(LaggardWhy(ranked[2]), "缺报3次");
}

}  // namespace
}  // namespace duban::engine
