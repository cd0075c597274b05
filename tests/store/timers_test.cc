#include <gtest/gtest.h>

#include "store/sqlite_store.h"
#include "store/store.h"
#include "testing/status_matchers.h"

namespace duban::store {
namespace {

const SystemTime kT0 = FromUnixMillis(1'711'324'800'000);

class TimersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenSqlite({":memory:"}, kT0);
    ASSERT_OK(s);
    store_ = std::move(*s);
  }
  Timer At(int minutes, const std::string& step, ItemId item = 0) {
    Timer t;
    t.fire_at = kT0 + std::chrono::minutes(minutes);
    t.campaign = "c";
    t.item_id = item;
    t.step = step;
    return t;
  }
  std::unique_ptr<Store> store_;
};

TEST_F(TimersTest, DueTimersComeInFireOrderAndOnlyWhenDue) {
  EngineBatch b;
  b.new_timers = {At(30, "b"), At(10, "a"), At(60, "c")};
  ASSERT_OK(store_->CommitEngineBatch(b, kT0));
  auto next = store_->NextTimerAt();
  ASSERT_OK(next);
  EXPECT_EQ(**next, kT0 + std::chrono::minutes(10));
  auto due = store_->DueTimers(kT0 + std::chrono::minutes(30), 10);
  ASSERT_OK(due);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].step, "a");
  EXPECT_EQ((*due)[1].step, "b");
}

TEST_F(TimersTest, FiringIsRecordedOnceAndNeverRepeated) {
  EngineBatch b;
  b.new_timers = {At(10, "a")};
  ASSERT_OK(store_->CommitEngineBatch(b, kT0));
  auto due = store_->DueTimers(kT0 + std::chrono::hours(1), 10);
  ASSERT_OK(due);
  ASSERT_EQ(due->size(), 1u);
  EngineBatch fire;
  fire.fired = {{(*due)[0].id, "fired"}};
  ASSERT_OK(store_->CommitEngineBatch(fire, kT0 + std::chrono::hours(1)));
  // The wall clock steps back: the timer is not due again.
  EXPECT_TRUE(store_->DueTimers(kT0 + std::chrono::minutes(20), 10)->empty());
  // Committing the same firing twice is refused as a whole.
  EngineBatch again = fire;
  again.new_timers = {At(90, "z")};
  auto st = store_->CommitEngineBatch(again, kT0 + std::chrono::hours(2));
  EXPECT_EQ(st.status().code(), StatusCode::kConflict);
  EXPECT_FALSE(*store_->HasTimer("c", 0, "z"));
  auto fired = store_->FiredTimersForTest();
  ASSERT_OK(fired);
  ASSERT_EQ(fired->size(), 1u);
  EXPECT_EQ((*fired)[0].second, "fired");
}

TEST_F(TimersTest, ItemsAndTheirTimersAreCreatedOnceByKey) {
  EngineBatch b;
  EngineBatch::NewItem ni;
  ni.item.campaign = "c";
  ni.item.kind = "weekly_report";
  ni.item.key = "weekly_report/2024-03-29/v1";
  ni.item.owner_unit = "v1";
  ni.item.state = "due";
  ni.item.due_at = kT0 + std::chrono::hours(100);
  ni.item.period = "2024-03-29";
  ni.item.state_entered_at = kT0;
  ni.timers = {At(5, "ladder/0/r0")};
  b.new_items = {ni};
  auto counts = store_->CommitEngineBatch(b, kT0);
  ASSERT_OK(counts);
  EXPECT_EQ(counts->items_created, 1);
  EXPECT_EQ(counts->timers_created, 1);
  counts = store_->CommitEngineBatch(b, kT0);
  ASSERT_OK(counts);
  EXPECT_EQ(counts->items_created, 0);
  EXPECT_EQ(counts->timers_created, 0);
  auto item = store_->FindItemByKey(ni.item.key);
  ASSERT_OK(item);
  ASSERT_TRUE(item->has_value());
  EXPECT_TRUE(*store_->HasTimer("c", (*item)->id, "ladder/0/r0"));
  ASSERT_OK(store_->ResolveItem((*item)->id, "submitted", R"({"checked":3})", kT0, {}));
  EXPECT_EQ(store_->ResolveItem((*item)->id, "submitted", "{}", kT0, {}).code(),
            StatusCode::kConflict);
  auto after = store_->GetItem((*item)->id);
  EXPECT_EQ((*after)->data, R"({"checked":3})");
  EXPECT_FALSE((*after)->open());
}

// Resolving an item closes its pending ladder timers in the same
// transaction (migration 4), so the next wake-up never reads them; timers
// of other items and of the campaign stay due.
TEST_F(TimersTest, ResolvingAnItemClosesItsPendingTimers) {
  EngineBatch b;
  for (const std::string unit : {"v1", "v2"}) {
    EngineBatch::NewItem ni;
    ni.item.campaign = "c";
    ni.item.kind = "weekly_report";
    ni.item.key = "weekly_report/2024-03-29/" + unit;
    ni.item.owner_unit = unit;
    ni.item.state = "due";
    ni.item.period = "2024-03-29";
    ni.item.state_entered_at = kT0;
    ni.timers = {At(60, "l/r/remind/e0/r0"), At(120, "l/r/digest/e0/r0")};
    b.new_items.push_back(ni);
  }
  b.new_timers = {At(90, "s/monthly/2024-03-29")};
  ASSERT_OK(store_->CommitEngineBatch(b, kT0));
  auto v1 = store_->FindItemByKey("weekly_report/2024-03-29/v1");
  ASSERT_OK(v1);
  ASSERT_TRUE(v1->has_value());
  Item done = **v1;
  done.state = "submitted";
  done.resolved_at = kT0 + std::chrono::minutes(30);
  done.updated_at = *done.resolved_at;
  ASSERT_OK(store_->UpdateItem(done, "due", (*v1)->updated_at, {}, {}));

  auto due = store_->DueTimers(kT0 + std::chrono::hours(3), 10);
  ASSERT_OK(due);
  std::vector<std::string> left;
  for (const auto& t : *due)
    left.push_back(std::to_string(t.item_id) + ":" + t.step);
  const std::string v2 = std::to_string((*v1)->id + 1);
  EXPECT_EQ(left, (std::vector<std::string>{v2 + ":l/r/remind/e0/r0",
                                            "0:s/monthly/2024-03-29",
                                            v2 + ":l/r/digest/e0/r0"}));
  auto fired = store_->FiredTimersForTest();
  ASSERT_OK(fired);
  ASSERT_EQ(fired->size(), 2u);
  for (const auto& [t, outcome] : *fired) {
    EXPECT_EQ(t.item_id, (*v1)->id);
    EXPECT_EQ(outcome, "obsolete: resolved before this step");
  }
}

// The wake-up query reads only the partial index of unfired timers: its cost
// follows what is due, not how many timers exist or have fired.
TEST_F(TimersTest, DueAndNextQueriesUseThePartialIndex) {
  auto* sqlite = dynamic_cast<SqliteStore*>(store_.get());
  ASSERT_NE(sqlite, nullptr);
  auto due = sqlite->ExplainForTest(
      "SELECT id FROM timers WHERE fired_at IS NULL AND fire_at <= 5 ORDER BY fire_at, id LIMIT 10");
  ASSERT_OK(due);
  EXPECT_NE(due->find("USING INDEX timers_due"), std::string::npos) << *due;
  EXPECT_EQ(due->find("SCAN timers\n"), std::string::npos) << *due;
  auto next = sqlite->ExplainForTest("SELECT MIN(fire_at) FROM timers WHERE fired_at IS NULL");
  ASSERT_OK(next);
  EXPECT_NE(next->find("timers_due"), std::string::npos) << *next;
}

}  // namespace
}  // namespace duban::store
