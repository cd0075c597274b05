#include "store/migrations.h"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include "store/sqlite_store.h"
#include "store/store.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace duban::store {
namespace {

const SystemTime kT0 = FromUnixMillis(1'711'324'800'000);  // 2024-03-25T00:00Z

TEST(MigrationsTest, FreshDatabaseGetsEveryMigration) {
  auto store = OpenSqlite({":memory:"}, kT0);
  ASSERT_OK(store);
  EXPECT_EQ((*store)->SchemaVersion(), LatestSchemaVersion());
  auto applied = (*store)->AppliedMigrations();
  ASSERT_OK(applied);
  ASSERT_EQ(applied->size(), Migrations().size());
  for (size_t i = 0; i < applied->size(); ++i) {
    EXPECT_EQ((*applied)[i].version, static_cast<int>(i) + 1);
    EXPECT_EQ((*applied)[i].applied_at, kT0);
  }
}

// Migration 4 closes the timers that items resolved under an older release
// left pending, as if each had been closed when its item was resolved.
TEST(MigrationsTest, UpgradeClosesTimersOfItemsResolvedBefore) {
  testing::TempDir dir;
  const std::string path = dir.File("old.db");
  const SystemTime resolved = kT0 + std::chrono::minutes(30);
  {
    std::vector<Migration> old(Migrations().begin(), Migrations().begin() + 3);
    auto s = OpenSqliteWithMigrationsForTest({path}, old, kT0);
    ASSERT_OK(s);
    EngineBatch b;
    for (const std::string unit : {"v1", "v2"}) {
      EngineBatch::NewItem ni;
      ni.item.campaign = "c";
      ni.item.kind = "weekly_report";
      ni.item.key = "r/" + unit;
      ni.item.owner_unit = unit;
      ni.item.state = "due";
      ni.item.state_entered_at = kT0;
      Timer t;
      t.campaign = "c";
      t.fire_at = kT0 + std::chrono::hours(1);
      t.step = "l/r/remind/e0/r0";
      ni.timers = {t};
      b.new_items.push_back(ni);
    }
    ASSERT_OK((*s)->CommitEngineBatch(b, kT0));
    auto v1 = (*s)->FindItemByKey("r/v1");
    ASSERT_OK(v1);
    Item done = **v1;
    done.state = "submitted";
    done.resolved_at = resolved;
    done.updated_at = resolved;
    ASSERT_OK((*s)->UpdateItem(done, "due", (*v1)->updated_at, {}, {}));
    // Without the trigger both timers are still due.
    EXPECT_EQ((*s)->DueTimers(kT0 + std::chrono::hours(2), 10)->size(), 2u);
  }
  auto s = OpenSqlite({path}, kT0 + std::chrono::hours(1));
  ASSERT_OK(s);
  auto due = (*s)->DueTimers(kT0 + std::chrono::hours(2), 10);
  ASSERT_OK(due);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].item_id, (*(*s)->FindItemByKey("r/v2"))->id);
  auto fired = (*s)->FiredTimersForTest();
  ASSERT_OK(fired);
  ASSERT_EQ(fired->size(), 1u);
  EXPECT_EQ((*fired)[0].second, "obsolete: resolved before this step");
}

// The live database waits for the disk on every commit; a throwaway copy
// (simulate's) does not.
TEST(OpenTest, OnlyThrowawayCopiesSkipTheSyncPerCommit) {
  testing::TempDir dir;
  for (const bool durable : {true, false}) {
    auto s = OpenSqlite({dir.File(durable ? "live.db" : "copy.db"), 5000, durable}, kT0);
    ASSERT_OK(s);
    auto* sqlite = dynamic_cast<SqliteStore*>(s->get());
    ASSERT_NE(sqlite, nullptr);
    auto sync = sqlite->PragmaForTest("synchronous");
    ASSERT_OK(sync);
    EXPECT_EQ(*sync, durable ? 2 : 0);  // FULL : OFF
  }
}

TEST(MigrationsTest, VersionsAreConsecutiveFromOne) {
  int expected = 1;
  for (const Migration& m : Migrations()) EXPECT_EQ(m.version, expected++);
}

TEST(MigrationsTest, OlderDatabaseIsUpgradedKeepingItsData) {
  testing::TempDir dir;
  const std::string path = dir.File("old.db");
  // Build a database as an older release would have left it: the first
  // migration only, with some data in it.
  {
    std::vector<Migration> old(Migrations().begin(), Migrations().begin() + 1);
    auto s = OpenSqliteWithMigrationsForTest({path}, old, kT0);
    ASSERT_OK(s);
    ASSERT_OK((*s)->SetMeta("written_by", "old"));
  }
  // A newer release adds a migration; opening applies only that one.
  std::vector<Migration> next = Migrations();
  next.push_back({LatestSchemaVersion() + 1, "test table",
                  "CREATE TABLE upgraded(x INTEGER);"});
  auto s = OpenSqliteWithMigrationsForTest({path}, next, kT0 + Millis(5));
  ASSERT_OK(s);
  EXPECT_EQ((*s)->SchemaVersion(), LatestSchemaVersion() + 1);
  auto meta = (*s)->GetMeta("written_by");
  ASSERT_OK(meta);
  EXPECT_EQ(**meta, "old");
  auto applied = (*s)->AppliedMigrations();
  ASSERT_OK(applied);
  EXPECT_EQ(applied->front().applied_at, kT0);
  EXPECT_EQ(applied->back().applied_at, kT0 + Millis(5));
}

TEST(MigrationsTest, DatabaseFromANewerReleaseIsRefused) {
  testing::TempDir dir;
  const std::string path = dir.File("new.db");
  std::vector<Migration> newer = Migrations();
  newer.push_back({LatestSchemaVersion() + 1, "future", "CREATE TABLE future(x);"});
  ASSERT_OK(OpenSqliteWithMigrationsForTest({path}, newer, kT0));
  auto s = OpenSqlite({path}, kT0);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("newer than this duban knows"), std::string::npos)
      << s.status().message();
}

TEST(MigrationsTest, FailedMigrationLeavesTheDatabaseUntouched) {
  testing::TempDir dir;
  const std::string path = dir.File("f.db");
  ASSERT_OK(OpenSqlite({path}, kT0));
  std::vector<Migration> broken = Migrations();
  broken.push_back({LatestSchemaVersion() + 1, "ok part", "CREATE TABLE a(x);"});
  broken.push_back({LatestSchemaVersion() + 2, "broken", "CREATE TABLE oops(;"});
  EXPECT_FALSE(OpenSqliteWithMigrationsForTest({path}, broken, kT0).ok());
  auto s = OpenSqlite({path}, kT0);
  ASSERT_OK(s);
  EXPECT_EQ((*s)->SchemaVersion(), LatestSchemaVersion());
}

TEST(StoreTest, MetaRoundTripsAndPingWorks) {
  auto s = OpenSqlite({":memory:"}, kT0);
  ASSERT_OK(s);
  EXPECT_OK((*s)->Ping());
  auto absent = (*s)->GetMeta("k");
  ASSERT_OK(absent);
  EXPECT_FALSE(absent->has_value());
  ASSERT_OK((*s)->SetMeta("k", "v1"));
  ASSERT_OK((*s)->SetMeta("k", "v2"));
  EXPECT_EQ(**(*s)->GetMeta("k"), "v2");
}

}  // namespace
}  // namespace duban::store

namespace duban::store {
namespace {

// A release-2 database with messages naming items (one of them twice) gets
// its delivery receipts on upgrade.
TEST(MigrationsTest, UpgradeToThreeIndexesExistingMessagesByItem) {
  testing::TempDir dir;
  const std::string path = dir.File("v2.db");
  {
    std::vector<Migration> v2(Migrations().begin(), Migrations().begin() + 2);
    ASSERT_OK(OpenSqliteWithMigrationsForTest({path}, v2, kT0));
    // Written as release 2 wrote it: item ids in a text column.
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec(
        "INSERT INTO outbox(idempotency_key, created_at, channel, recipient, binding, campaign, "
        "body, items, next_attempt_at) VALUES('m1', 0, 'sms', 'p', 'b', 'c', 'x', '5,5,6', 0)");
  }
  auto s = OpenSqlite({path}, kT0);
  ASSERT_OK(s);
  EXPECT_EQ((*s)->OutboxForItem(5)->size(), 1u);
  EXPECT_EQ((*s)->OutboxForItem(6)->size(), 1u);
}

}  // namespace
}  // namespace duban::store
