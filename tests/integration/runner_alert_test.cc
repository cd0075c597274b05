// A channel that keeps failing: the administrator hears of it through
// another channel, once, and /metrics counts what happened.
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "app/campaigns.h"
#include "app/runner.h"
#include "base/metrics.h"
#include "base/time_format.h"
#include "demo_town.h"
#include "store/store.h"
#include "testing/status_matchers.h"

namespace duban {
namespace {

// Every message through "sms" fails as a suspended SMS account would; the
// robot works.
class BrokenSms : public notify::Channel {
 public:
  const std::string& name() const override { return name_; }
  void Send(const store::OutboxRow& row, std::function<void(notify::SendResult)> done) override {
    if (row.channel == "sms") {
      done({notify::SendResult::Kind::kChannelBroken, "", "isv.ACCOUNT_ABNORMAL 账户异常", {}});
      return;
    }
    delivered.push_back(row);
    done({notify::SendResult::Kind::kSent, "robot-ok", "", {}});
  }
  std::vector<store::OutboxRow> delivered;

 private:
  std::string name_ = "test";
};

TEST(RunnerAlertTest, AFailingChannelIsReportedToTheAdminThroughAnotherOnce) {
  testing::DemoTown town;
  config::DaemonConfig cfg = town.config();
  cfg.admin_contact = "jiafeng-office";
  cfg.channel_alert_after = std::chrono::minutes(30);
  Diagnostics diags;
  app::Loaded loaded = app::LoadCampaigns(cfg, &diags);
  ASSERT_FALSE(diags.has_errors()) << diags.ToString();
  const SystemTime t0 = *ParseRfc3339("2024-03-28T15:00+08:00");
  auto store = store::OpenSqlite({town.database()}, t0);
  ASSERT_OK(store);
  // The office can also be reached through the town's robot.
  auto contacts = (*store)->ListContacts();
  ASSERT_OK(contacts);
  for (auto c : *contacts) {
    if (c.id != "jiafeng-office") continue;
    c.channels = {"sms", "town-robot"};
    ASSERT_OK((*store)->UpsertContacts({c}));
  }
  VirtualClock clock(t0);
  spdlog::logger log("null", std::make_shared<spdlog::sinks::null_sink_mt>());
  Metrics metrics;
  BrokenSms channel;
  app::RunnerDeps deps{&cfg, store->get(), &clock, &log, &loaded, &channel, &metrics};
  auto runner = app::Runner::Create(deps);
  ASSERT_OK(runner);
  ASSERT_OK((*runner)->Start(t0));
  // Thursday 16:00 reminders fail and back off; run until Friday morning.
  const SystemTime until = *ParseRfc3339("2024-03-29T08:00+08:00");
  for (int i = 0; i < 100000; ++i) {
    auto wake = (*runner)->NextWake();
    ASSERT_OK(wake);
    if (!wake->has_value() || **wake > until) break;
    clock.SetNow(std::max(clock.Now(), **wake));
    ASSERT_OK((*runner)->Tick(clock.Now()));
  }
  std::vector<store::OutboxRow> alerts;
  for (const auto& r : channel.delivered) {
    if (r.binding == "channel_alert") alerts.push_back(r);
  }
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].recipient, "jiafeng-office");
  EXPECT_EQ(alerts[0].channel, "town-robot");
  EXPECT_NE(alerts[0].body.find("「sms」"), std::string::npos) << alerts[0].body;
  EXPECT_NE(alerts[0].body.find("isv.ACCOUNT_ABNORMAL"), std::string::npos);
  EXPECT_GE(metrics.ValueForTest("duban_messages_total", {{"channel", "sms"}, {"outcome", "retry"}}), 10);
  EXPECT_EQ(metrics.ValueForTest("duban_messages_total", {{"channel", "sms"}, {"outcome", "sent"}}), 0);
  EXPECT_EQ(metrics.ValueForTest("duban_channel_alerts_total", {{"channel", "sms"}}), 1);
  // Nothing failing was lost: every reminder is still waiting to be retried.
  EXPECT_GE(metrics.ValueForTest("duban_outbox_messages", {{"state", "retry"}}), 10);
}

}  // namespace
}  // namespace duban
