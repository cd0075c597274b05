#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include "store/audit.h"
#include "store/store.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace duban::store {
namespace {

const SystemTime kT0 = FromUnixMillis(1'711'324'800'000);

AuditEntry Entry(const std::string& action, ItemId item = 0) {
  AuditEntry e;
  e.at = kT0;
  e.actor = "token:t_test";
  e.via = "api";
  e.action = action;
  e.item_id = item;
  e.payload = R"({"n":1})";
  return e;
}

// A file database (the tamper tests edit it behind the store's back) with
// five records.
class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("duban.db");
    auto s = OpenSqlite({path_}, kT0);
    ASSERT_OK(s);
    store_ = std::move(*s);
    for (int i = 1; i <= 5; ++i) ASSERT_OK(store_->AppendAudit(Entry("a" + std::to_string(i))));
  }
  // Runs raw SQL on the file, as a tamperer with sqlite3 would.
  void Tamper(const std::string& sql) {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec(sql);
  }
  AuditVerification Verify() {
    auto v = VerifyAuditChain(*store_);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : AuditVerification{};
  }

  testing::TempDir dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(AuditTest, AppendChainsRecordsAndVerifies) {
  auto all = store_->AuditAfter(0, 100);
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ((*all)[0].seq, 1);
  EXPECT_EQ((*all)[0].prev_hash, "");
  for (size_t i = 1; i < all->size(); ++i) {
    EXPECT_EQ((*all)[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ((*all)[i].prev_hash, (*all)[i - 1].hash);
    EXPECT_EQ((*all)[i].hash.size(), 64u);
  }
  const AuditVerification v = Verify();
  EXPECT_TRUE(v.ok()) << v.problem;
  EXPECT_EQ(v.records, 5);
  EXPECT_EQ(v.head_hash, (*all)[4].hash);
}

TEST_F(AuditTest, AnEditedPayloadIsCaughtAtThatRecord) {
  Tamper("UPDATE audit_log SET payload = '{\"n\":2}' WHERE seq = 3");
  const AuditVerification v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(*v.first_bad_seq, 3);
  EXPECT_NE(v.problem.find("changed"), std::string::npos) << v.problem;
}

TEST_F(AuditTest, AnEditedActorOrTimeIsCaught) {
  Tamper("UPDATE audit_log SET actor = 'engine' WHERE seq = 2");
  EXPECT_EQ(*Verify().first_bad_seq, 2);
}

TEST_F(AuditTest, ARecomputedHashStillBreaksTheNextLink) {
  // A careful tamperer fixes the edited record's own hash; its successor
  // still points at the old one.
  Tamper("UPDATE audit_log SET payload = '{}', hash = 'f00d' WHERE seq = 2");
  const AuditVerification v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(*v.first_bad_seq, 2);
}

TEST_F(AuditTest, ADeletedRecordIsCaught) {
  Tamper("DELETE FROM audit_log WHERE seq = 4");
  const AuditVerification v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(*v.first_bad_seq, 4);
  EXPECT_NE(v.problem.find("missing"), std::string::npos) << v.problem;
}

TEST_F(AuditTest, DeletingTheNewestRecordsIsCaught) {
  Tamper("DELETE FROM audit_log WHERE seq >= 4");
  const AuditVerification v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(*v.first_bad_seq, 4);
}

TEST_F(AuditTest, ReorderedRecordsAreCaught) {
  // Swap records 2 and 3 (sequence numbers exchanged).
  Tamper(
      "UPDATE audit_log SET seq = -2 WHERE seq = 2;"
      "UPDATE audit_log SET seq = 2 WHERE seq = 3;"
      "UPDATE audit_log SET seq = 3 WHERE seq = -2;");
  const AuditVerification v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(*v.first_bad_seq, 2);
}

TEST_F(AuditTest, ItemHistoryHoldsOnlyThatItemsRecords) {
  ASSERT_OK(store_->AppendAudit(Entry("item.create", 7)));
  ASSERT_OK(store_->AppendAudit(Entry("item.create", 8)));
  ASSERT_OK(store_->AppendAudit(Entry("item.transition", 7)));
  auto h = store_->ItemHistory(7);
  ASSERT_OK(h);
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].action, "item.create");
  EXPECT_EQ((*h)[1].action, "item.transition");
  EXPECT_TRUE(Verify().ok());
}

TEST_F(AuditTest, TokensAreStoredHashedAndRevokedOnceWithAnAuditRecord) {
  ApiToken t;
  t.id = "t_1";
  t.secret_hash = std::string(64, 'a');
  t.role = "liaison";
  t.unit_id = "jf-shangcun";
  t.created_at = kT0;
  ASSERT_OK(store_->InsertToken(t, Entry("token.create")));
  auto found = store_->FindToken("t_1");
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->role, "liaison");
  EXPECT_FALSE((*found)->revoked_at.has_value());
  ASSERT_OK(store_->RevokeToken("t_1", kT0 + std::chrono::hours(1), Entry("token.revoke")));
  ASSERT_OK(store_->RevokeToken("t_1", kT0 + std::chrono::hours(2), Entry("token.revoke")));
  EXPECT_EQ(*(*store_->FindToken("t_1"))->revoked_at, kT0 + std::chrono::hours(1));
  EXPECT_EQ(store_->RevokeToken("t_nope", kT0, Entry("token.revoke")).code(),
            StatusCode::kNotFound);
  // create + one revoke: the second revoke changed nothing and wrote nothing.
  EXPECT_EQ(Verify().records, 7);
}

TEST_F(AuditTest, SilencesExpireAndCancel) {
  Silence s;
  s.unit_id = "jf-shangcun";
  s.starts_at = kT0;
  s.expires_at = kT0 + std::chrono::hours(2);
  s.reason = "村里停电";
  s.created_by = "token:t_1";
  s.created_at = kT0;
  auto id = store_->InsertSilence(s, Entry("silence.create"));
  ASSERT_OK(id);
  EXPECT_EQ(store_->ActiveSilences(kT0 + std::chrono::hours(1))->size(), 1u);
  EXPECT_TRUE(store_->ActiveSilences(kT0 + std::chrono::hours(2))->empty());
  ASSERT_OK(store_->CancelSilence(*id, kT0, Entry("silence.cancel")));
  EXPECT_TRUE(store_->ActiveSilences(kT0)->empty());
  EXPECT_EQ(store_->CancelSilence(*id, kT0, Entry("silence.cancel")).code(),
            StatusCode::kNotFound);
  Silence everything;
  everything.expires_at = kT0 + std::chrono::hours(1);
  EXPECT_EQ(store_->InsertSilence(everything, Entry("silence.create")).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace duban::store

namespace duban::store {
namespace {

TEST_F(AuditTest, ASilenceRecordNamesTheSilenceItCreated) {
  Silence s;
  s.kind = "weekly_report_reminder";
  s.starts_at = kT0;
  s.expires_at = kT0 + std::chrono::hours(1);
  s.reason = "x";
  s.created_by = "cli";
  s.created_at = kT0;
  AuditEntry a = Entry("silence.create");
  a.payload = R"({"kind":"weekly_report_reminder"})";
  auto id = store_->InsertSilence(s, a);
  ASSERT_OK(id);
  auto all = store_->AuditAfter(5, 10);
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].payload,
            "{\"silence_id\":" + std::to_string(*id) + ",\"kind\":\"weekly_report_reminder\"}");
  EXPECT_TRUE(Verify().ok());
}

}  // namespace
}  // namespace duban::store
