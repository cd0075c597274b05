// Digests: silences drop what they cover (and nothing critical), the rest
// of a digest still goes out, and SMS texts count what they do not name.
#include <gtest/gtest.h>

#include <set>

#include "base/diagnostic.h"
#include "notify/notify.h"
#include "render/render.h"
#include "store/store.h"
#include "testing/status_matchers.h"

namespace duban::notify {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
// 2024-04-12 10:00 +08:00
const SystemTime kT0 = FromUnixMillis(1'712'887'200'000);

// China Standard Time, no DST.
class CstTime : public LocalTime {
 public:
  int MinuteOfDay(SystemTime t) const override {
    return static_cast<int>(((ToUnixMillis(t) / 60000 + 8 * 60) % 1440 + 1440) % 1440);
  }
  SystemTime NextAt(SystemTime t, int minute) const override {
    int delta = minute - MinuteOfDay(t);
    if (delta <= 0) delta += 1440;
    return t + minutes(delta);
  }
  std::string Short(SystemTime) const override { return ""; }
};

class DigesterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::OpenSqlite({":memory:"}, kT0);
    ASSERT_OK(s);
    store_ = std::move(*s);
    Diagnostics diags;
    templates_ = render::TemplateSet::FromMap(
        {{"overdue.sms", "{{unit}}逾期{{#more}}，另有{{more}}项{{/more}}"}}, &diags);
    ASSERT_NE(templates_, nullptr) << diags.ToString();
    DigestDeps& deps = deps_;
    deps.store = store_.get();
    deps.templates = templates_.get();
    deps.local_time = &time_;
    deps.bindings["overdue"] = Binding{"overdue.sms", "", ""};
    deps.channels["sms"] = ChannelInfo{"sms", "aliyun_sms", Family::kSms, true};
    deps.default_channel = "sms";
    deps.find_contact = [](const std::string& id) -> std::optional<model::Contact> {
      model::Contact c;
      c.id = id;
      c.unit_id = "town";
      c.name = "李红梅";
      c.mobile = "+8613800000002";
      c.channels = {"sms"};
      return c;
    };
    // Villages v1, v2 under the town.
    deps.is_under = [](const std::string& unit, const std::string& root) {
      return unit == root || root == "town";
    };
    digester_ = std::make_unique<Digester>(DigestOptions{}, deps);
  }
  void Intent(const std::string& unit, const std::string& severity = "warning",
              const std::string& recipient = "office") {
    store::EngineBatch b;
    store::Intent in;
    in.recipient = recipient;
    in.binding = "overdue";
    in.campaign = "c";
    in.severity = severity;
    in.dedup_key = "k/" + unit + "/" + std::to_string(n_++);
    in.payload = std::string(R"({"unit":")") + unit + R"(","unit_id":")" + unit + R"("})";
    in.group_until = kT0;
    b.intents = {in};
    ASSERT_OK(store_->CommitEngineBatch(b, kT0));
  }
  store::AuditEntry Audit() {
    store::AuditEntry a;
    a.at = kT0;
    a.actor = "token:t_office";
    a.via = "api";
    a.action = "silence.create";
    return a;
  }
  std::vector<store::OutboxRow> Outbox() { return *store_->OutboxBetween(kT0 - hours(1), kT0 + hours(1)); }

  CstTime time_;
  DigestDeps deps_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<render::TemplateSet> templates_;
  std::unique_ptr<Digester> digester_;
  int n_ = 0;
};

TEST_F(DigesterTest, ADigestCountsWhatItsSmsDoesNotName) {
  Intent("v1");
  Intent("v2");
  Intent("v2");
  ASSERT_OK(digester_->Tick(kT0));
  auto rows = Outbox();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].body, "v1逾期，另有2项");
}

// Group commit: more groups than a round reads and than a transaction
// holds are all digested in one tick, each once.
TEST_F(DigesterTest, ManyGroupsAreCommittedInBatchesEachOnce) {
  for (int i = 0; i < 7; ++i) Intent("v1", "warning", "office" + std::to_string(i));
  DigestOptions opts;
  opts.batch_limit = 3;
  opts.commit_batch = 2;
  Digester digester(opts, deps_);
  auto n = digester.Tick(kT0);
  ASSERT_OK(n);
  EXPECT_EQ(*n, 7);
  auto rows = Outbox();
  ASSERT_EQ(rows.size(), 7u);
  std::set<std::string> recipients;
  for (const auto& r : rows) recipients.insert(r.recipient);
  EXPECT_EQ(recipients.size(), 7u);
  EXPECT_FALSE(store_->NextIntentGroupAt()->has_value());
  EXPECT_EQ(*digester.Tick(kT0), 0);
}

// A tick before the oldest window closes digests nothing (and reads no
// group); the tick at its close takes every intent that joined meanwhile.
TEST_F(DigesterTest, AGroupWaitsForItsWindowToClose) {
  Intent("v1");
  Intent("v2");
  auto early = digester_->Tick(kT0 - minutes(1));
  ASSERT_OK(early);
  EXPECT_EQ(*early, 0);
  EXPECT_TRUE(Outbox().empty());
  EXPECT_EQ(store_->OpenIntents("office", "overdue")->size(), 2u);
  auto at = digester_->Tick(kT0);
  ASSERT_OK(at);
  EXPECT_EQ(*at, 1);
  ASSERT_EQ(Outbox().size(), 1u);
  EXPECT_EQ(Outbox()[0].body, "v1逾期，另有1项");
  EXPECT_EQ(*digester_->Tick(kT0 + minutes(1)), 0);
}

TEST_F(DigesterTest, ASilenceDropsOnlyTheUnitItCovers) {
  store::Silence s;
  s.unit_id = "v1";
  s.starts_at = kT0 - hours(1);
  s.expires_at = kT0 + hours(1);
  s.reason = "上村已书面说明，暂缓督办";
  s.created_by = "token:t_office";
  s.created_at = kT0;
  ASSERT_OK(store_->InsertSilence(s, Audit()));
  Intent("v1");
  Intent("v2");
  ASSERT_OK(digester_->Tick(kT0));
  auto rows = Outbox();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].body, "v2逾期");
}

TEST_F(DigesterTest, ASilencedDigestIsRecordedAsSuppressedButCriticalGetsThrough) {
  store::Silence s;
  s.channel = "sms";
  s.starts_at = kT0 - hours(1);
  s.expires_at = kT0 + hours(1);
  s.reason = "短信平台维护";
  s.created_by = "cli";
  s.created_at = kT0;
  ASSERT_OK(store_->InsertSilence(s, Audit()));
  Intent("v1");
  ASSERT_OK(digester_->Tick(kT0));
  EXPECT_TRUE(Outbox().empty());
  EXPECT_FALSE(store_->NextIntentGroupAt()->has_value());  // consumed, not left waiting
  Intent("v2", "critical");
  ASSERT_OK(digester_->Tick(kT0));
  ASSERT_EQ(Outbox().size(), 1u);
}

TEST_F(DigesterTest, AnExpiredOrFutureSilenceDoesNothing) {
  store::Silence s;
  s.unit_id = "v1";
  s.starts_at = kT0 + hours(1);
  s.expires_at = kT0 + hours(2);
  s.reason = "下午停电";
  s.created_by = "cli";
  s.created_at = kT0;
  ASSERT_OK(store_->InsertSilence(s, Audit()));
  Intent("v1");
  ASSERT_OK(digester_->Tick(kT0));
  EXPECT_EQ(Outbox().size(), 1u);
}

}  // namespace
}  // namespace duban::notify
