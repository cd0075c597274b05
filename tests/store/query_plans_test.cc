// The dashboard's heavy reads use the indexes migration 5 made for them
// (docs/performance.md, "Dashboard queries"). Without statistics SQLite's
// planner chooses as it would on a big database that was never ANALYZEd.
#include <gtest/gtest.h>

#include "store/sqlite_store.h"
#include "testing/status_matchers.h"

namespace duban::store {
namespace {

class QueryPlansTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenSqlite({":memory:"}, FromUnixMillis(1'711'324'800'000));
    ASSERT_OK(s);
    store_ = std::move(*s);
    sqlite_ = dynamic_cast<SqliteStore*>(store_.get());
    ASSERT_NE(sqlite_, nullptr);
  }
  std::string Plan(const std::string& sql) {
    auto p = sqlite_->ExplainForTest(sql);
    return p.ok() ? *p : p.status().ToString();
  }
  std::unique_ptr<Store> store_;
  SqliteStore* sqlite_ = nullptr;
};

// ListItems as /overdue and the API's ?overdue=true call it for a county.
TEST_F(QueryPlansTest, OverdueListOfASubtreeSearchesOpenItemsByOwnerAndDueTime) {
  const std::string plan = Plan(
      "SELECT id FROM items WHERE id > 0 AND owner_unit IN (SELECT value FROM "
      "json_each('[\"v1\",\"v2\"]')) AND campaign = 'c' AND resolved_at IS NULL AND due_at < 5 "
      "ORDER BY id LIMIT 500");
  EXPECT_NE(plan.find("USING INDEX items_open_owner_due (owner_unit=? AND due_at<?)"),
            std::string::npos)
      << plan;
}

// Overdue counts per unit read the covering partial index only.
TEST_F(QueryPlansTest, OverdueCountsReadOnlyTheOpenItemsIndex) {
  const std::string plan = Plan(
      "SELECT owner_unit, department_unit, COUNT(*) FROM items INDEXED BY items_open_due "
      "WHERE resolved_at IS NULL AND due_at < 5 AND campaign = 'c' GROUP BY 1, 2");
  EXPECT_NE(plan.find("COVERING INDEX items_open_due"), std::string::npos) << plan;
}

// The dispatcher's wake-up and due rows: a search of the partial index of
// undelivered rows, however many there are (restart after an outage).
TEST_F(QueryPlansTest, DueOutboxAndTheNextWakeSearchTheDueIndex) {
  for (const char* sql :
       {"SELECT id FROM outbox INDEXED BY outbox_due WHERE state IN ('pending', 'retry') AND "
        "next_attempt_at <= 5 ORDER BY next_attempt_at, id LIMIT 200",
        "SELECT MIN(next_attempt_at) FROM outbox INDEXED BY outbox_due "
        "WHERE state IN ('pending', 'retry')"}) {
    const std::string plan = Plan(sql);
    EXPECT_NE(plan.find("outbox_due"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
  }
}

}  // namespace
}  // namespace duban::store
