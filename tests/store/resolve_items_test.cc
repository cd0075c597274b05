// ResolveItems: many items resolved in one transaction (the batch report
// endpoint's write), all or nothing, audited as ResolveItem audits.
#include <gtest/gtest.h>

#include "store/audit.h"
#include "store/store.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace duban::store {
namespace {

const SystemTime kT0 = FromUnixMillis(1'711'324'800'000);
const SystemTime kT1 = kT0 + std::chrono::hours(2);

ItemId AddReport(Store& store, const std::string& key) {
  Item it;
  it.campaign = "c";
  it.kind = "weekly_report";
  it.key = key;
  it.owner_unit = "v-" + key;
  it.state = "due";
  it.data = R"({"kept":1})";
  it.due_at = kT0 + std::chrono::hours(4);
  it.created_at = it.updated_at = it.state_entered_at = kT0;
  AuditEntry a;
  a.at = kT0;
  a.actor = "engine";
  a.via = "engine";
  a.action = "item.create";
  auto id = store.CreateItem(it, {}, a);
  EXPECT_OK(id);
  return id.ok() ? *id : 0;
}

Resolution Submitted(ItemId id, int checked) {
  Resolution r;
  r.id = id;
  r.state = "submitted";
  r.data = R"({"checked":)" + std::to_string(checked) + "}";
  r.audit.at = kT1;
  r.audit.actor = "token:t_1";
  r.audit.via = "api";
  r.audit.action = "report.submit";
  r.audit.payload = R"({"checked":)" + std::to_string(checked) + "}";
  return r;
}

int64_t AuditRecords(Store& store) {
  auto all = store.AuditAfter(0, 1000);
  EXPECT_OK(all);
  return all.ok() ? static_cast<int64_t>(all->size()) : -1;
}

class ResolveItemsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenSqlite({":memory:"}, kT0);
    ASSERT_OK(s);
    store_ = std::move(*s);
    for (const char* key : {"a", "b", "c"}) ids_.push_back(AddReport(*store_, key));
  }
  std::unique_ptr<Store> store_;
  std::vector<ItemId> ids_;
};

TEST_F(ResolveItemsTest, ResolvesEveryItemAndReturnsEachAsStoredInOrder) {
  auto items = store_->ResolveItems({Submitted(ids_[2], 3), Submitted(ids_[0], 1)}, kT1);
  ASSERT_OK(items);
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].id, ids_[2]);
  EXPECT_EQ((*items)[1].id, ids_[0]);
  for (const Item& it : *items) {
    EXPECT_EQ(it.state, "submitted");
    EXPECT_EQ(it.resolved_at, kT1);
    EXPECT_EQ(it.updated_at, kT1);
    EXPECT_EQ(it.state_entered_at, kT1);
    // What comes back is the row itself: the same as reading it again.
    auto again = store_->GetItem(it.id);
    ASSERT_OK(again);
    EXPECT_EQ((**again).data, it.data);
    EXPECT_EQ((**again).key, it.key);
  }
  EXPECT_EQ((*items)[0].data, R"({"kept":1,"checked":3})");
  EXPECT_EQ((**store_->GetItem(ids_[1])).state, "due");  // not in the batch
}

TEST_F(ResolveItemsTest, AuditsEachItemInOrderOnTheSameHashChain) {
  ASSERT_OK(store_->ResolveItems({Submitted(ids_[1], 2), Submitted(ids_[0], 1)}, kT1));
  auto all = store_->AuditAfter(3, 100);  // after the three creations
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].item_id, ids_[1]);
  EXPECT_EQ((*all)[0].action, "report.submit");
  EXPECT_EQ((*all)[0].payload, R"({"checked":2})");
  EXPECT_EQ((*all)[1].item_id, ids_[0]);
  EXPECT_EQ((*all)[1].prev_hash, (*all)[0].hash);
  // One item resolved alone afterwards chains on, and the head follows.
  ASSERT_OK(store_->ResolveItem(ids_[2], "submitted", "{}", kT1, Submitted(ids_[2], 3).audit));
  auto v = VerifyAuditChain(*store_);
  ASSERT_OK(v);
  EXPECT_TRUE(v->ok()) << v->problem;
  EXPECT_EQ(v->records, 6);
}

TEST_F(ResolveItemsTest, AnyRefusalLeavesEveryItemAndTheAuditLogAsTheyWere) {
  ASSERT_OK(store_->ResolveItem(ids_[1], "submitted", "{}", kT0, {}));
  const int64_t records = AuditRecords(*store_);
  struct Case {
    const char* what;
    std::vector<Resolution> batch;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {"an item already resolved, last",
       {Submitted(ids_[0], 1), Submitted(ids_[2], 3), Submitted(ids_[1], 2)},
       StatusCode::kConflict},
      {"an unknown item, first",
       {Submitted(9999, 1), Submitted(ids_[0], 1)},
       StatusCode::kNotFound},
      {"the same item twice",
       {Submitted(ids_[0], 1), Submitted(ids_[0], 2)},
       StatusCode::kConflict},
  };
  for (const Case& c : cases) {
    auto r = store_->ResolveItems(c.batch, kT1);
    EXPECT_EQ(r.status().code(), c.code) << c.what;
    for (ItemId id : {ids_[0], ids_[2]}) {
      const Item it = **store_->GetItem(id);
      EXPECT_EQ(it.state, "due") << c.what;
      EXPECT_FALSE(it.resolved_at.has_value()) << c.what;
      EXPECT_EQ(it.data, R"({"kept":1})") << c.what;
    }
    EXPECT_EQ(AuditRecords(*store_), records) << c.what;
  }
  // The store is usable afterwards: nothing was left half-done.
  ASSERT_OK(store_->ResolveItems({Submitted(ids_[0], 1), Submitted(ids_[2], 3)}, kT1));
  auto v = VerifyAuditChain(*store_);
  ASSERT_OK(v);
  EXPECT_TRUE(v->ok()) << v->problem;
}

TEST_F(ResolveItemsTest, AnEmptyBatchDoesNothing) {
  const int64_t records = AuditRecords(*store_);
  auto r = store_->ResolveItems({}, kT1);
  ASSERT_OK(r);
  EXPECT_TRUE(r->empty());
  EXPECT_EQ(AuditRecords(*store_), records);
}

TEST(ResolveItemsFileTest, ACommittedBatchIsThereAfterReopening) {
  testing::TempDir dir;
  const std::string path = dir.File("duban.db");
  std::vector<ItemId> ids;
  {
    auto s = OpenSqlite({path}, kT0);
    ASSERT_OK(s);
    for (const char* key : {"a", "b"}) ids.push_back(AddReport(**s, key));
    ASSERT_OK((*s)->ResolveItems({Submitted(ids[0], 1), Submitted(ids[1], 2)}, kT1));
  }
  auto s = OpenSqlite({path}, kT1);
  ASSERT_OK(s);
  for (ItemId id : ids) EXPECT_EQ((**(*s)->GetItem(id)).state, "submitted");
  auto v = VerifyAuditChain(**s);
  ASSERT_OK(v);
  EXPECT_TRUE(v->ok()) << v->problem;
}

}  // namespace
}  // namespace duban::store
