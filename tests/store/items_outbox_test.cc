#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include "store/store.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace duban::store {
namespace {

const SystemTime kT0 = FromUnixMillis(1'711'324'800'000);
using std::chrono::hours;
using std::chrono::minutes;

class ItemsOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenSqlite({":memory:"}, kT0);
    ASSERT_OK(s);
    store_ = std::move(*s);
  }
  ItemId Add(const std::string& key, const std::string& owner, const std::string& kind,
             std::optional<SystemTime> due) {
    Item it;
    it.campaign = "c";
    it.kind = kind;
    it.key = key;
    it.owner_unit = owner;
    it.state = "open";
    it.due_at = due;
    it.created_at = it.updated_at = it.state_entered_at = kT0;
    AuditEntry a;
    a.at = kT0;
    a.actor = "cli";
    a.via = "cli";
    a.action = "item.create";
    auto id = store_->CreateItem(it, {}, a);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }
  std::unique_ptr<Store> store_;
};

TEST_F(ItemsOutboxTest, CreateRefusesADuplicateKeyAndAuditsTheItem) {
  const ItemId id = Add("k1", "v1", "hazard_case", kT0 + hours(1));
  Item dup;
  dup.key = "k1";
  dup.campaign = "c";
  EXPECT_EQ(store_->CreateItem(dup, {}, {}).status().code(), StatusCode::kConflict);
  auto h = store_->ItemHistory(id);
  ASSERT_OK(h);
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ((*h)[0].item_id, id);
}

TEST_F(ItemsOutboxTest, UpdateIsRefusedWhenTheItemChangedMeanwhile) {
  const ItemId id = Add("k1", "v1", "hazard_case", std::nullopt);
  Item it = **store_->GetItem(id);
  Item next = it;
  next.state = "controlled";
  next.updated_at = kT0 + minutes(1);
  ASSERT_OK(store_->UpdateItem(next, "open", kT0, {}, {}));
  // A second writer still holding the old version loses.
  Item stale = it;
  stale.state = "closed";
  EXPECT_EQ(store_->UpdateItem(stale, "open", kT0, {}, {}).code(), StatusCode::kConflict);
  EXPECT_EQ((**store_->GetItem(id)).state, "controlled");
}

TEST_F(ItemsOutboxTest, ListFiltersAndPagesByCursor) {
  Add("a", "v1", "hazard_case", kT0 + hours(1));
  Add("b", "v2", "hazard_case", kT0 - hours(1));  // overdue
  Add("c", "v1", "transfer", kT0 + hours(5));
  Add("d", "v3", "hazard_case", std::nullopt);
  ItemQuery q;
  q.owner_units = {"v1", "v2"};
  q.kind = "hazard_case";
  auto r = store_->ListItems(q);
  ASSERT_OK(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].key, "a");
  q = {};
  q.overdue_at = kT0;
  r = store_->ListItems(q);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].key, "b");
  q = {};
  q.due_from = kT0;
  q.due_to = kT0 + hours(2);
  r = store_->ListItems(q);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].key, "a");
  // Two pages of two.
  q = {};
  q.limit = 2;
  r = store_->ListItems(q);
  ASSERT_EQ(r->size(), 2u);
  q.after_id = r->back().id;
  auto r2 = store_->ListItems(q);
  ASSERT_EQ(r2->size(), 2u);
  EXPECT_EQ((*r2)[0].key, "c");
  EXPECT_EQ((*r2)[1].key, "d");
}

OutboxRow Row(const std::string& key, std::vector<ItemId> items) {
  OutboxRow r;
  r.idempotency_key = key;
  r.channel = "sms";
  r.recipient = "p1";
  r.binding = "weekly_report_reminder";
  r.campaign = "c";
  r.body = "x";
  r.items = std::move(items);
  r.next_attempt_at = kT0;
  return r;
}

TEST_F(ItemsOutboxTest, SendingRowsAreNotDueAndAreFoundWhenStale) {
  DigestCommit d;
  d.outcome = "sent";
  d.rows = {Row("m1", {1, 2}), Row("m2", {2})};
  ASSERT_OK(store_->CommitDigest(d, kT0));
  auto due = store_->DueOutbox(kT0, 10);
  ASSERT_EQ(due->size(), 2u);
  const OutboxId m1 = (*due)[0].id;
  ASSERT_OK(store_->MarkSending(m1, kT0));
  EXPECT_EQ(store_->DueOutbox(kT0 + hours(1), 10)->size(), 1u);
  EXPECT_TRUE(store_->StaleSending(kT0, 10)->empty());
  auto stale = store_->StaleSending(kT0 + minutes(5), 10);
  ASSERT_EQ(stale->size(), 1u);
  EXPECT_EQ((*stale)[0].id, m1);
  EXPECT_EQ((*stale)[0].attempts, 1);
  EXPECT_EQ(*(*stale)[0].sending_since, kT0);
  // Receipts per item.
  EXPECT_EQ(store_->OutboxForItem(2)->size(), 2u);
  EXPECT_EQ(store_->OutboxForItem(1)->size(), 1u);
  // Counts and age for metrics.
  auto counts = store_->OutboxCounts();
  ASSERT_OK(counts);
  EXPECT_EQ(*counts, (std::vector<std::pair<std::string, int64_t>>{{"pending", 1}, {"sending", 1}}));
  EXPECT_EQ(**store_->OldestUndelivered(), kT0);
  ASSERT_OK(store_->MarkSent(m1, "biz-1", kT0 + minutes(1)));
  // A late failure report cannot undo a recorded delivery.
  ASSERT_OK(store_->MarkRetry(m1, "timeout", kT0 + hours(1)));
  EXPECT_EQ((**store_->GetOutbox(m1)).state, "sent");
}

TEST_F(ItemsOutboxTest, OnlyADeadLetterCanBeRetriedAndTheRetryIsAudited) {
  DigestCommit d;
  d.outcome = "sent";
  d.rows = {Row("m1", {})};
  ASSERT_OK(store_->CommitDigest(d, kT0));
  const OutboxId id = (*store_->DueOutbox(kT0, 10))[0].id;
  AuditEntry a;
  a.at = kT0;
  a.actor = "token:t_admin";
  a.via = "api";
  a.action = "outbox.retry";
  EXPECT_EQ(store_->RetryDead(id, kT0, a).code(), StatusCode::kConflict);
  ASSERT_OK(store_->MarkSending(id, kT0));
  ASSERT_OK(store_->MarkDead(id, "invalid number", kT0));
  OutboxQuery q;
  q.state = "dead";
  EXPECT_EQ(store_->ListOutbox(q)->size(), 1u);
  ASSERT_OK(store_->RetryDead(id, kT0 + hours(1), a));
  const OutboxRow r = **store_->GetOutbox(id);
  EXPECT_EQ(r.state, "retry");
  EXPECT_EQ(r.attempts, 0);
  EXPECT_EQ(store_->AuditAfter(0, 10)->size(), 1u);
}

// A dispatch pass claims its rows in one transaction; a row no longer
// waiting (here, dead) is left out and left as it is.
TEST_F(ItemsOutboxTest, MarkSendingAllClaimsOnlyRowsStillWaiting) {
  DigestCommit d;
  d.outcome = "sent";
  d.rows = {Row("m1", {}), Row("m2", {}), Row("m3", {})};
  ASSERT_OK(store_->CommitDigest(d, kT0));
  auto due = store_->DueOutbox(kT0, 10);
  ASSERT_OK(due);
  ASSERT_EQ(due->size(), 3u);
  const OutboxId m1 = (*due)[0].id, m2 = (*due)[1].id, m3 = (*due)[2].id;
  ASSERT_OK(store_->MarkSending(m2, kT0));
  ASSERT_OK(store_->MarkDead(m2, "invalid number", kT0));
  auto claimed = store_->MarkSendingAll({m1, m2, m3}, kT0 + minutes(1));
  ASSERT_OK(claimed);
  EXPECT_EQ(*claimed, (std::vector<OutboxId>{m1, m3}));
  for (OutboxId id : {m1, m3}) {
    const OutboxRow r = **store_->GetOutbox(id);
    EXPECT_EQ(r.state, "sending");
    EXPECT_EQ(r.attempts, 1);
    EXPECT_EQ(*r.sending_since, kT0 + minutes(1));
  }
  EXPECT_EQ((**store_->GetOutbox(m2)).state, "dead");
  EXPECT_TRUE(store_->MarkSendingAll({}, kT0)->empty());
}

// Group commit: a batch of digests is one transaction. When one digest of
// the batch fails (here, an intent consumed twice), no intent of the batch
// is consumed and no row is created; a crash before the commit is the same.
TEST_F(ItemsOutboxTest, ABatchOfDigestsCommitsAllOrNothing) {
  EngineBatch b;
  for (const char* key : {"i1", "i2"}) {
    Intent in;
    in.created_at = kT0;
    in.recipient = std::string("p-") + key;
    in.binding = "weekly_report_reminder";
    in.campaign = "c";
    in.dedup_key = key;
    in.group_until = kT0;
    b.intents.push_back(in);
  }
  ASSERT_OK(store_->CommitEngineBatch(b, kT0));
  auto open1 = store_->OpenIntents("p-i1", "weekly_report_reminder");
  auto open2 = store_->OpenIntents("p-i2", "weekly_report_reminder");
  ASSERT_OK(open1);
  ASSERT_OK(open2);
  ASSERT_EQ(open1->size(), 1u);
  ASSERT_EQ(open2->size(), 1u);
  const IntentId i1 = (*open1)[0].id;
  const IntentId i2 = (*open2)[0].id;

  DigestCommit d1;
  d1.outcome = "sent";
  d1.consumed = {i1};
  d1.rows = {Row("m1", {})};
  DigestCommit again = d1;  // consumes i1 a second time
  again.rows = {Row("m2", {})};
  EXPECT_EQ(store_->CommitDigests({d1, again}, kT0).code(), StatusCode::kConflict);
  EXPECT_EQ(store_->OpenIntents("p-i1", "weekly_report_reminder")->size(), 1u);
  EXPECT_TRUE(store_->DueOutbox(kT0, 10)->empty());
  EXPECT_EQ(*store_->NextIntentGroupAt(), kT0);

  DigestCommit d2;
  d2.outcome = "suppressed: every item was resolved or acknowledged before sending";
  d2.consumed = {i2};
  ASSERT_OK(store_->CommitDigests({d1, d2}, kT0));
  EXPECT_TRUE(store_->OpenIntents("p-i1", "weekly_report_reminder")->empty());
  EXPECT_TRUE(store_->OpenIntents("p-i2", "weekly_report_reminder")->empty());
  EXPECT_FALSE(store_->NextIntentGroupAt()->has_value());
  auto due = store_->DueOutbox(kT0, 10);
  ASSERT_OK(due);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].idempotency_key, "m1");
  // Committed once: the same batch again is refused as a whole.
  EXPECT_EQ(store_->CommitDigests({d1, d2}, kT0).code(), StatusCode::kConflict);
  EXPECT_EQ(store_->DueOutbox(kT0, 10)->size(), 1u);
  // An empty batch does nothing.
  ASSERT_OK(store_->CommitDigests({}, kT0));
}

// A dispatch pass's answers commit together or not at all: a row whose
// answer was not recorded stays 'sending' (recovered later, at least once),
// never half of a batch.
TEST(RecordOutcomesTest, ABatchOfAnswersIsRecordedAllOrNothing) {
  testing::TempDir dir;
  const std::string path = dir.File("duban.db");
  auto s = OpenSqlite({path}, kT0);
  ASSERT_OK(s);
  Store& store = **s;
  DigestCommit d;
  d.outcome = "sent";
  d.rows = {Row("m1", {}), Row("m2", {}), Row("m3", {}), Row("m4", {})};
  ASSERT_OK(store.CommitDigest(d, kT0));
  auto claimed = store.MarkSendingAll({1, 2, 3, 4}, kT0);
  ASSERT_OK(claimed);
  ASSERT_EQ(claimed->size(), 4u);
  const SystemTime t = kT0 + minutes(1);
  const std::vector<Outcome> answers = {
      {1, Outcome::Kind::kSent, "biz-1", t},
      {2, Outcome::Kind::kRetry, "isp.SYSTEM_ERROR", t + minutes(5)},
      {3, Outcome::Kind::kDead, "isv.MOBILE_NUMBER_ILLEGAL", t},
      {4, Outcome::Kind::kSending, "", t},
  };
  {
    // The third write of the batch fails (as a full disk would).
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    raw.exec(
        "CREATE TRIGGER fail_third BEFORE UPDATE ON outbox WHEN NEW.id = 3 "
        "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END");
  }
  EXPECT_FALSE(store.RecordOutcomes(answers).ok());
  for (OutboxId id : {1, 2, 3, 4}) {
    auto r = store.GetOutbox(id);
    ASSERT_OK(r);
    EXPECT_EQ((*r)->state, "sending") << id;
    EXPECT_EQ((*r)->attempts, 1) << id;
    EXPECT_EQ((*r)->sending_since, kT0) << id;
  }
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    raw.exec("DROP TRIGGER fail_third");
  }
  ASSERT_OK(store.RecordOutcomes(answers));
  auto r1 = **store.GetOutbox(1);
  EXPECT_EQ(r1.state, "sent");
  EXPECT_EQ(r1.provider_id, "biz-1");
  EXPECT_EQ(r1.sent_at, t);
  EXPECT_FALSE(r1.sending_since.has_value());
  auto r2 = **store.GetOutbox(2);
  EXPECT_EQ(r2.state, "retry");
  EXPECT_EQ(r2.last_error, "isp.SYSTEM_ERROR");
  EXPECT_EQ(r2.next_attempt_at, t + minutes(5));
  auto r3 = **store.GetOutbox(3);
  EXPECT_EQ(r3.state, "dead");
  EXPECT_EQ(r3.last_error, "isv.MOBILE_NUMBER_ILLEGAL");
  auto r4 = **store.GetOutbox(4);  // restamped, asked about again later
  EXPECT_EQ(r4.state, "sending");
  EXPECT_EQ(r4.sending_since, t);
  EXPECT_EQ(r4.attempts, 2);
  // A late retry or dead letter never undoes 'sent'.
  ASSERT_OK(store.RecordOutcomes({{1, Outcome::Kind::kRetry, "late", t},
                                  {1, Outcome::Kind::kDead, "late", t}}));
  EXPECT_EQ((**store.GetOutbox(1)).state, "sent");
  EXPECT_OK(store.RecordOutcomes({}));
}

}  // namespace
}  // namespace duban::store

namespace duban::store {
namespace {

TEST(OutboxItemsFileTest, ReceiptsSurviveReopening) {
  testing::TempDir dir;
  const std::string path = dir.File("x.db");
  {
    auto s = OpenSqlite({path}, kT0);
    ASSERT_OK(s);
    DigestCommit d;
    d.outcome = "sent";
    d.rows = {Row("m1", {1, 2}), Row("m2", {3})};
    ASSERT_OK((*s)->CommitDigest(d, kT0));
  }
  auto s = OpenSqlite({path}, kT0);
  ASSERT_OK(s);
  EXPECT_EQ((*s)->OutboxForItem(2)->size(), 1u);
}

}  // namespace
}  // namespace duban::store
