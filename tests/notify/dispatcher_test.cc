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
  store::OutboxRow Row(store::OutboxId id = 1) { return **store_->GetOutbox(id); }
  // Adds rows msg-2 .. msg-(n+1), due now; ids 2 .. n+1.
  void AddRows(int n) {
    store::DigestCommit d;
    d.outcome = "sent";
    for (int i = 0; i < n; ++i) {
      store::OutboxRow r;
      r.idempotency_key = "msg-" + std::to_string(i + 2);
      r.channel = "sms";
      r.recipient = "jf-jiafeng-liaison";
      r.binding = "weekly_report_reminder";
      r.campaign = "c";
      r.body = "【督办】请报送周报";
      r.next_attempt_at = kT0;
      d.rows.push_back(r);
    }
    ASSERT_OK(store_->CommitDigest(d, kT0));
  }
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

// The loop, by hand: posted functions run when the test says, in order.
struct FakeLoop {
  std::vector<std::function<void()>> queue;
  std::function<void(std::function<void()>)> Post() {
    return [this](std::function<void()> f) { queue.push_back(std::move(f)); };
  }
  void Run() {
    while (!queue.empty()) {
      auto f = std::move(queue.front());
      queue.erase(queue.begin());
      f();
    }
  }
};

TEST_F(DispatcherTest, AnswersBetweenTicksAreRecordedTogetherWithTheRightStates) {
  AddRows(39);  // 40 rows
  ScriptedChannel ch("sms");
  ch.hold = true;
  FakeLoop loop;
  auto d = Make(&ch);
  d->RecordThrough(loop.Post());
  ASSERT_OK(d->Tick(kT0));
  ASSERT_EQ(ch.sends.size(), 40u);
  clock_.SetNow(kT0 + std::chrono::seconds(1));
  // A burst of answers, all queued on the loop before it gets to the first
  // one's flush: sent, throttled, transient failures and rejections.
  for (size_t i = 0; i < ch.held.size(); ++i) {
    switch (i % 4) {
      case 0: ch.held[i]({SendResult::Kind::kSent, "biz-" + std::to_string(i), "OK", {}}); break;
      case 1: ch.held[i]({SendResult::Kind::kRetryAfter, "", "throttled", kT0 + minutes(5)}); break;
      case 2: ch.held[i]({SendResult::Kind::kRetrySoon, "", "isp.SYSTEM_ERROR", {}}); break;
      case 3: ch.held[i]({SendResult::Kind::kMessageRejected, "", "isv.MOBILE_NUMBER_ILLEGAL", {}}); break;
    }
  }
  // Not yet recorded: every row is still 'sending' (a crash now loses
  // nothing), and one flush is queued for the whole burst.
  EXPECT_EQ(d->unrecorded(), 40);
  EXPECT_EQ(loop.queue.size(), 1u);
  for (int id = 1; id <= 40; ++id) EXPECT_EQ(Row(id).state, "sending") << id;
  loop.Run();
  EXPECT_EQ(d->unrecorded(), 0);
  for (size_t i = 0; i < ch.sends.size(); ++i) {
    const store::OutboxRow r = Row(ch.sends[i].id);
    SCOPED_TRACE(r.idempotency_key);
    EXPECT_FALSE(r.sending_since.has_value());
    switch (i % 4) {
      case 0:
        EXPECT_EQ(r.state, "sent");
        EXPECT_EQ(r.provider_id, "biz-" + std::to_string(i));
        EXPECT_EQ(r.sent_at, clock_.Now());
        break;
      case 1:
        EXPECT_EQ(r.state, "retry");
        EXPECT_EQ(r.next_attempt_at, kT0 + minutes(5));
        break;
      case 2:
        EXPECT_EQ(r.state, "retry");
        EXPECT_EQ(r.last_error, "isp.SYSTEM_ERROR");
        EXPECT_GE(r.next_attempt_at, clock_.Now() + DispatchOptions{}.first_backoff);
        break;
      case 3:
        EXPECT_EQ(r.state, "dead");
        EXPECT_EQ(r.last_error, "isv.MOBILE_NUMBER_ILLEGAL");
        break;
    }
  }
  // Health was noted at each answer, as before.
  EXPECT_TRUE(d->health().at("sms").failing_since.has_value());
}

TEST_F(DispatcherTest, AFullBatchIsRecordedWithoutWaitingForTheLoop) {
  AddRows(24);  // 25 rows
  ScriptedChannel ch("sms");
  ch.hold = true;
  FakeLoop loop;
  DispatchOptions o;
  o.outcome_batch = 10;
  Dispatcher d(o, *store_, clock_, {{"sms", &ch}});
  d.RecordThrough(loop.Post());
  ASSERT_OK(d.Tick(kT0));
  ASSERT_EQ(ch.held.size(), 25u);
  for (auto& done : ch.held) done({SendResult::Kind::kSent, "", "OK", {}});
  EXPECT_EQ(d.unrecorded(), 5);
  int sent = 0;
  for (int id = 1; id <= 25; ++id) sent += Row(id).state == "sent";
  EXPECT_EQ(sent, 20);
  loop.Run();
  for (int id = 1; id <= 25; ++id) EXPECT_EQ(Row(id).state, "sent") << id;
}

TEST_F(DispatcherTest, AnswersDuringATickAreRecordedByItsEnd) {
  AddRows(9);
  ScriptedChannel ch("sms");  // answers at once, inside Send()
  FakeLoop loop;
  auto d = Make(&ch);
  d->RecordThrough(loop.Post());
  auto started = d->Tick(kT0);
  ASSERT_OK(started);
  EXPECT_EQ(*started, 10);
  EXPECT_TRUE(loop.queue.empty());
  for (int id = 1; id <= 10; ++id) EXPECT_EQ(Row(id).state, "sent") << id;
}

TEST_F(DispatcherTest, AnAnswerNotYetRecordedWhenTheDaemonDiesIsResent) {
  ScriptedChannel ch("sms");
  ch.hold = true;
  FakeLoop loop;  // never run: the process dies first
  auto dead = Make(&ch);
  dead->RecordThrough(loop.Post());
  ASSERT_OK(dead->Tick(kT0));
  ch.held[0]({SendResult::Kind::kSent, "biz-1", "OK", {}});
  ASSERT_EQ(dead->unrecorded(), 1);
  EXPECT_EQ(Row().state, "sending");
  // The restarted daemon finds the row still 'sending' and sends it again
  // under the same idempotency key: at least once.
  ScriptedChannel ch2("sms");
  clock_.SetNow(kT0 + minutes(3));
  auto d = Make(&ch2);
  ASSERT_OK(d->Tick(clock_.Now()));
  ASSERT_EQ(ch2.sends.size(), 1u);
  EXPECT_EQ(ch2.sends[0].idempotency_key, "msg-1");
  EXPECT_EQ(Row().state, "sent");
  loop.queue.clear();
}

TEST_F(DispatcherTest, AnswersWaitingAtShutdownAreRecorded) {
  ScriptedChannel ch("sms");
  ch.hold = true;
  FakeLoop loop;
  auto d = Make(&ch);
  d->RecordThrough(loop.Post());
  ASSERT_OK(d->Tick(kT0));
  ch.held[0]({SendResult::Kind::kSent, "biz-1", "OK", {}});
  d.reset();
  EXPECT_EQ(Row().state, "sent");
  loop.Run();  // the flush posted earlier does nothing now
  EXPECT_EQ(Row().state, "sent");
}

}  // namespace
}  // namespace duban::notify
