// Materialising an occurrence in chunks: a national occurrence is committed
// materialize_chunk items a transaction. The result must be the same as in
// one transaction, and running the timer again after an interruption must
// complete the occurrence without creating anything twice.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include "app/campaigns.h"
#include "base/time_format.h"
#include "demo_town.h"
#include "engine/engine.h"
#include "store/store.h"
#include "testing/status_matchers.h"

namespace duban {
namespace {

const char kPeriod[] = "2024-04-19";  // the Friday after kMonday

struct Town {
  testing::DemoTown town;
  app::Loaded loaded;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<engine::Engine> engine;

  explicit Town(int chunk, SystemTime now) {
    engine::Options o;
    o.materialize_chunk = chunk;
    testing::OpenDemoEngine(town, now, o, &loaded, &store, &engine);
  }
  int64_t Count(const std::string& sql) {
    SQLite::Database db(town.database(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt64();
  }
  int64_t Items() {
    return Count(
        std::string(
            "SELECT COUNT(*) FROM items WHERE kind = 'weekly_report' AND "
            "period = '") +
        kPeriod + "'");
  }
  int64_t LadderTimers() {
    return Count(
        std::string(
            "SELECT COUNT(*) FROM timers t JOIN items i ON i.id = t.item_id "
            "WHERE i.kind = 'weekly_report' AND i.period = '") +
        kPeriod + "'");
  }
  std::string MaterializeOutcomes() {
    std::string out;
    auto fired = store->FiredTimersForTest();
    if (!fired.ok()) return fired.status().ToString();
    for (const auto& [t, o] : *fired) {
      if (t.step == std::string("m/weekly_report/") + kPeriod) out += o + "\n";
    }
    return out;
  }
};

const SystemTime kMonday = *ParseRfc3339("2024-04-15T09:00+08:00");

TEST(MaterializeTest, ChunksGiveTheSameOccurrenceAsOneTransaction) {
  Town whole(5000, kMonday);
  Town chunked(3, kMonday);  // the demo town owes 10 reports: 4 chunks
  for (Town* r : {&whole, &chunked}) {
    ASSERT_OK(r->engine->Sync(kMonday));
    auto tick = r->engine->Tick(kMonday);
    ASSERT_OK(tick);
    EXPECT_EQ(tick->items_created, r->Items());
  }
  EXPECT_EQ(whole.Items(), 10);
  EXPECT_EQ(chunked.Items(), whole.Items());
  EXPECT_GT(whole.LadderTimers(), whole.Items());  // every item has its ladder
  EXPECT_EQ(chunked.LadderTimers(), whole.LadderTimers());
  EXPECT_EQ(chunked.MaterializeOutcomes(), whole.MaterializeOutcomes());
  EXPECT_NE(chunked.MaterializeOutcomes().find("fired: 10 items"),
            std::string::npos)
      << chunked.MaterializeOutcomes();
}

TEST(MaterializeTest,
     AnInterruptedOccurrenceIsCompletedOnceWhenItsTimerRunsAgain) {
  Town r(3, kMonday);
  ASSERT_OK(r.engine->Sync(kMonday));
  ASSERT_OK(r.engine->Tick(kMonday));
  const int64_t items = r.Items();
  const int64_t timers = r.LadderTimers();
  // As if the daemon died after the first chunks' commits: the last items
  // (and their timers) are missing and the materialisation timer is unfired.
  {
    SQLite::Database db(r.town.database(), SQLite::OPEN_READWRITE);
    db.exec(
        std::string(
            "DELETE FROM timers WHERE item_id IN (SELECT id FROM items WHERE "
            "kind = 'weekly_report' AND period = '") +
        kPeriod + "' ORDER BY id DESC LIMIT 4)");
    db.exec(
        std::string(
            "DELETE FROM items WHERE id IN (SELECT id FROM items WHERE kind = "
            "'weekly_report' AND period = '") +
        kPeriod + "' ORDER BY id DESC LIMIT 4)");
    db.exec(
        std::string(
            "UPDATE timers SET fired_at = NULL, outcome = NULL WHERE step = "
            "'m/weekly_report/") +
        kPeriod + "'");
  }
  ASSERT_EQ(r.Items(), items - 4);
  auto again = r.engine->Tick(kMonday);
  ASSERT_OK(again);
  EXPECT_EQ(again->items_created, 4);
  EXPECT_EQ(r.Items(), items);
  EXPECT_EQ(r.LadderTimers(), timers);
}

}  // namespace
}  // namespace duban
