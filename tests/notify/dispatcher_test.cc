// The dispatcher's durable 'sending' state: what happens to a message when
// the daemon dies mid-send, with and without a provider status API.
#include "notify/dispatcher.h"

#include <gtest/gtest.h>

#include "base/clock.h"
#include "store/store.h"
#include "testing/status_matchers.h"

namespace duban::notify {
namespace {

using std::chrono::minutes;
const SystemTime kT0 = FromUnixMillis(1'712'880'000'000);

// A channel whose answers the test gives by hand.
class ScriptedChannel : public Channel {
 public:
  explicit ScriptedChannel(std::string name, bool can_query = false)
      : name_(std::move(name)), can_query_(can_query) {}
  const std::string& name() const override { return name_; }
  void Send(const store::OutboxRow& row, std::function<void(SendResult)> done) override {
    sends.push_back(row);
    if (hold) {
      held.push_back(std::move(done));
      return;
    }
    done(next);
  }
  bool CanQueryStatus() const override { return can_query_; }
  void QueryStatus(const store::OutboxRow& row, std::function<void(StatusAnswer)> done) override {
    queries.push_back(row);
    done(status);
  }

  SendResult next;  // kSent by default
  bool hold = false;
  std::vector<std::function<void(SendResult)>> held;
  StatusAnswer status;
  std::vector<store::OutboxRow> sends;
  std::vector<store::OutboxRow> queries;

 private:
  std::string name_;
  bool can_query_;
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::OpenSqlite({":memory:"}, kT0);
    ASSERT_OK(s);
    store_ = std::move(*s);
    clock_.SetNow(kT0);
    store::DigestCommit d;
    d.outcome = "sent";
    store::OutboxRow r;
    r.idempotency_key = "msg-1";
    r.channel = "sms";
    r.recipient = "jf-jiafeng-liaison";
    r.binding = "weekly_report_reminder";
    r.campaign = "c";
    r.body = "【督办】请报送周报";
    r.next_attempt_at = kT0;
    d.rows = {r};
    ASSERT_OK(store_->CommitDigest(d, kT0));
  }
  store::OutboxRow Row() { return **store_->GetOutbox(1); }
  std::unique_ptr<Dispatcher> Make(Channel* ch) {
    return std::make_unique<Dispatcher>(DispatchOptions{}, *store_, clock_,
                                        std::map<std::string, Channel*>{{"sms", ch}});
  }

  VirtualClock clock_{kT0};
  std::unique_ptr<store::Store> store_;
};

TEST_F(DispatcherTest, ARowIsSendingBeforeTheChannelSeesItAndSentAfter) {
  ScriptedChannel ch("sms");
  ch.hold = true;
  auto d = Make(&ch);
  ASSERT_OK(d->Tick(kT0));
  ASSERT_EQ(ch.sends.size(), 1u);
  EXPECT_EQ(Row().state, "sending");
  EXPECT_EQ(Row().attempts, 1);
  // In flight: not due again, and the dispatcher does not spin on it.
  ASSERT_OK(d->Tick(kT0 + minutes(1)));
  EXPECT_EQ(ch.sends.size(), 1u);
  auto wake = d->NextWake();
  ASSERT_OK(wake);
  ASSERT_TRUE(wake->has_value());
  EXPECT_GT(**wake, kT0);
  ch.held[0]({SendResult::Kind::kSent, "biz-1", "OK", {}});
  EXPECT_EQ(Row().state, "sent");
  EXPECT_EQ(Row().provider_id, "biz-1");
}

TEST_F(DispatcherTest, AfterACrashARowWithoutStatusApiIsResentOnce) {
  {
    ScriptedChannel ch("sms");
    ch.hold = true;  // the daemon dies before the answer
    auto d = Make(&ch);
    ASSERT_OK(d->Tick(kT0));
  }
  ScriptedChannel ch("sms");
  clock_.SetNow(kT0 + minutes(3));
  auto d = Make(&ch);
  ASSERT_OK(d->Tick(clock_.Now()));
  ASSERT_EQ(ch.sends.size(), 1u);  // recovered to retry, then sent in the same tick
  EXPECT_EQ(ch.sends[0].idempotency_key, "msg-1");
  EXPECT_EQ(Row().state, "sent");
  ASSERT_OK(d->Tick(clock_.Now() + minutes(10)));
  EXPECT_EQ(ch.sends.size(), 1u);
}

TEST_F(DispatcherTest, AnSmsTheProviderHasIsNotSentAgain) {
  {
    ScriptedChannel ch("sms", true);
    ch.hold = true;
    auto d = Make(&ch);
    ASSERT_OK(d->Tick(kT0));
  }
  ScriptedChannel ch("sms", true);
  ch.status = {StatusAnswer::Kind::kDelivered, "biz-9", "DELIVERED"};
  clock_.SetNow(kT0 + minutes(3));
  auto d = Make(&ch);
  ASSERT_OK(d->Tick(clock_.Now()));
  EXPECT_EQ(ch.queries.size(), 1u);
  EXPECT_TRUE(ch.sends.empty());
  EXPECT_EQ(Row().state, "sent");
  EXPECT_EQ(Row().provider_id, "biz-9");
}

TEST_F(DispatcherTest, NotFoundIsTrustedOnlyAfterTheGraceAndThenResends) {
  {
    ScriptedChannel ch("sms", true);
    ch.hold = true;
    auto d = Make(&ch);
    ASSERT_OK(d->Tick(kT0));
  }
  ScriptedChannel ch("sms", true);
  ch.status = {StatusAnswer::Kind::kNotFound, "", "no record"};
  clock_.SetNow(kT0 + minutes(3));
  auto d = Make(&ch);
  ASSERT_OK(d->Tick(clock_.Now()));
  EXPECT_TRUE(ch.sends.empty());  // 3 min after the attempt: maybe not processed yet
  EXPECT_EQ(Row().state, "sending");
  clock_.SetNow(kT0 + minutes(6));
  ASSERT_OK(d->Tick(clock_.Now()));
  EXPECT_EQ(ch.queries.size(), 2u);
  ASSERT_EQ(ch.sends.size(), 1u);
  EXPECT_EQ(Row().state, "sent");
}

TEST_F(DispatcherTest, UnknownStatusWaitsAndIsAskedAgain) {
  {
    ScriptedChannel ch("sms", true);
    ch.hold = true;
    auto d = Make(&ch);
    ASSERT_OK(d->Tick(kT0));
  }
  ScriptedChannel ch("sms", true);
  ch.status = {StatusAnswer::Kind::kUnknown, "", "timeout"};
  clock_.SetNow(kT0 + minutes(3));
  auto d = Make(&ch);
  ASSERT_OK(d->Tick(clock_.Now()));
  EXPECT_TRUE(ch.sends.empty());
  EXPECT_EQ(Row().state, "sending");
  EXPECT_EQ(*Row().sending_since, clock_.Now());  // restamped: checked after the timeout
}

TEST_F(DispatcherTest, AChannelFailingForHalfAnHourIsReportedOnce) {
  ScriptedChannel ch("sms");
  ch.next = {SendResult::Kind::kChannelBroken, "", "isv.ACCOUNT_ABNORMAL", {}};
  auto d = Make(&ch);
  std::vector<ChannelTrouble> alerts;
  d->OnChannelTrouble([&](const ChannelTrouble& t) { alerts.push_back(t); });
  for (int i = 0; i < 10 && alerts.empty(); ++i) {
    auto wake = d->NextWake();
    ASSERT_OK(wake);
    ASSERT_TRUE(wake->has_value());
    clock_.SetNow(std::max(clock_.Now(), **wake));
    ASSERT_OK(d->Tick(clock_.Now()));
  }
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].channel, "sms");
  EXPECT_EQ(alerts[0].failing_since, kT0);
  EXPECT_GE(clock_.Now() - kT0, DispatchOptions{}.alert_after);
  EXPECT_EQ(alerts[0].last_error, "isv.ACCOUNT_ABNORMAL");
  // Still failing: no second alert.
  clock_.SetNow(clock_.Now() + std::chrono::hours(2));
  ASSERT_OK(d->Tick(clock_.Now()));
  EXPECT_EQ(alerts.size(), 1u);
  EXPECT_TRUE(d->health().at("sms").failing_since.has_value());
}

}  // namespace
}  // namespace duban::notify
