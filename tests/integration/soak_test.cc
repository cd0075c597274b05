// Issue 11, item 6: the soak run. The demo campaign's hundred days
// (2024-03-25 to 07-05, with the scripted events of
// config/demo/events-2024.jsonl and a restart half-way) on the virtual clock, through a channel that fails at
// random from a fixed seed: 503s, answers lost after the message arrived,
// throttling with a retry time, spells of a broken channel, and a few
// messages refused for good. CI runs it under ASan+UBSan. Compared with the
// same hundred days without faults:
//
//  - every message is delivered, late perhaps, with the same text under the
//    same key, except the ones refused for good, which are dead letters
//    with the provider's reason;
//  - a message arrives twice only when its answer was lost, and then under
//    its key, so the receiver can tell;
//  - the administrator hears of the broken spells through the other channel;
//  - nothing is left in flight and the database is sound.
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>

#include "app/simulate.h"
#include "base/time_format.h"
#include "demo_town.h"
#include "store/store.h"
#include "testing/paths.h"
#include "testing/process.h"
#include "testing/status_matchers.h"

namespace duban {
namespace {

using app::SimulatedMessage;
using app::SimulationOptions;
using app::SimulationResult;

// Fails SMS at random; the robot channel works, so the admin can be told.
class FlakyChannel final : public notify::Channel {
 public:
  FlakyChannel(notify::Channel* inner, uint32_t seed) : inner_(inner), rng_(seed) {}
  const std::string& name() const override { return name_; }

  void Send(const store::OutboxRow& row, std::function<void(notify::SendResult)> done) override {
    using Kind = notify::SendResult::Kind;
    if (row.channel != "sms") return inner_->Send(row, std::move(done));
    if (broken_left > 0) {
      --broken_left;
      ++faults["broken"];
      return done({Kind::kChannelBroken, "", "isv.ACCOUNT_ABNORMAL 账户异常", {}});
    }
    const int r = std::uniform_int_distribution<int>(0, 99)(rng_);
    if (r < 15) {
      ++faults["503"];
      return done({Kind::kRetrySoon, "", "HTTP 503", {}});
    }
    if (r < 20) {
      // The provider took it, but the answer never came back.
      ++faults["lost_answer"];
      ++lost[row.idempotency_key];
      inner_->Send(row, [](notify::SendResult) {});
      return done({Kind::kRetrySoon, "", "timed out after 10 s", {}});
    }
    if (r < 25) {
      ++faults["throttled"];
      return done({Kind::kRetryAfter, "", "isv.BUSINESS_LIMIT_CONTROL", Now(row) + std::chrono::minutes(10)});
    }
    if (r < 27) {
      ++faults["broken"];
      broken_left = 12;
      return done({Kind::kChannelBroken, "", "isv.ACCOUNT_ABNORMAL 账户异常", {}});
    }
    if (r < 29 && rejected.size() < 3) {
      ++faults["rejected"];
      rejected.insert(row.idempotency_key);
      return done({Kind::kMessageRejected, "", "isv.MOBILE_NUMBER_ILLEGAL 号码格式错误", {}});
    }
    inner_->Send(row, std::move(done));
  }

  std::map<std::string, int> faults;
  std::map<std::string, int> lost;  // key -> answers lost
  std::set<std::string> rejected;

 private:
  // A throttle's window starts from when the row was last tried.
  static SystemTime Now(const store::OutboxRow& row) {
    return row.sending_since.value_or(row.next_attempt_at);
  }

  std::string name_ = "flaky";
  notify::Channel* inner_;
  std::mt19937 rng_;
  int broken_left = 0;
};

TEST(SoakTest, AHundredDaysOfRandomFaultsLoseNothingAndRepeatOnlyLostAnswers) {
  testing::DemoTown town;
  config::DaemonConfig cfg = town.config();
  cfg.admin_contact = "jiafeng-office";
  cfg.channel_alert_after = std::chrono::minutes(30);
  spdlog::logger log("null", std::make_shared<spdlog::sinks::null_sink_mt>());
  // The office can also be reached through the town's robot: the way the
  // administrator hears that SMS is failing.
  {
    auto store = store::OpenSqlite({town.database()}, *ParseRfc3339("2024-03-25T00:00:00+08:00"));
    ASSERT_OK(store);
    auto contacts = (*store)->ListContacts();
    ASSERT_OK(contacts);
    for (auto c : *contacts) {
      if (c.id != "jiafeng-office") continue;
      c.channels = {"sms", "town-robot"};
      ASSERT_OK((*store)->UpsertContacts({c}));
    }
  }

  SimulationOptions opts;
  opts.from = *ParseRfc3339("2024-03-25T00:00:00+08:00");
  opts.to = *ParseRfc3339("2024-07-05T00:00:00+08:00");
  opts.events_file = testing::SourcePath("config/demo/events-2024.jsonl");
  opts.database_copy = town.File("clean.db");
  auto clean = Simulate(cfg, opts, log);
  ASSERT_OK(clean);

  std::unique_ptr<FlakyChannel> flaky;
  opts.database_copy = town.File("soak.db");
  opts.restart_at = *ParseRfc3339("2024-05-15T12:00:00+08:00");
  opts.wrap_channel = [&flaky](notify::Channel* recorder) -> notify::Channel* {
    flaky = std::make_unique<FlakyChannel>(recorder, 20241124);
    return flaky.get();
  };
  auto soak = Simulate(cfg, opts, log);
  ASSERT_OK(soak);
  ASSERT_NE(flaky, nullptr);
  for (const char* kind : {"503", "lost_answer", "throttled", "broken", "rejected"}) {
    EXPECT_GT(flaky->faults[kind], 0) << kind << " never happened: the soak did not soak";
  }

  std::map<std::string, const SimulatedMessage*> expected;
  for (const auto& m : clean->messages) expected[m.key] = &m;
  ASSERT_GT(expected.size(), 90u);
  std::map<std::string, int> arrivals;
  int late = 0;
  int alerts = 0;
  for (const auto& m : soak->messages) {
    ++arrivals[m.key];
    if (m.binding == "channel_alert") {
      ++alerts;
      EXPECT_EQ(m.recipient, "jiafeng-office");
      continue;
    }
    auto it = expected.find(m.key);
    ASSERT_NE(it, expected.end()) << "a message the clean month never sent: " << m.key << " " << m.body;
    EXPECT_EQ(m.body, it->second->body) << m.key;
    EXPECT_EQ(m.recipient, it->second->recipient) << m.key;
    if (m.at > it->second->at) ++late;
  }
  EXPECT_GT(late, 0);
  EXPECT_GE(alerts, 1);

  // Nothing lost: every message of the clean run arrived, unless it was
  // refused for good or is still being retried at the very end.
  const SystemTime settled = opts.to - std::chrono::hours(12);
  for (const auto& [key, m] : expected) {
    if (flaky->rejected.count(key)) {
      EXPECT_EQ(arrivals.count(key), 0u) << key;
    } else if (m->at < settled) {
      EXPECT_GE(arrivals[key], 1) << "lost: " << key << " " << m->binding << " to " << m->recipient;
    }
  }
  // Nothing repeated but what was lost, each under its own key.
  for (const auto& [key, n] : arrivals) {
    auto lost = flaky->lost.find(key);
    EXPECT_LE(n, 1 + (lost == flaky->lost.end() ? 0 : lost->second)) << key;
  }

  // The refused ones are dead letters with the provider's reason; nothing
  // is left 'sending'; the file is sound.
  auto q = testing::Shell("sqlite3 " + town.File("soak.db") +
                          " \"SELECT count(*) FROM outbox WHERE state = 'dead' AND last_error LIKE "
                          "'%MOBILE_NUMBER_ILLEGAL%'; SELECT count(*) FROM outbox WHERE state = "
                          "'sending'; PRAGMA integrity_check;\"");
  EXPECT_EQ(q.output, std::to_string(flaky->rejected.size()) + "\n0\nok\n");
}

}  // namespace
}  // namespace duban
