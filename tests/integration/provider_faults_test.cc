// Issue 11, item 2, on the real daemon: one SMS provider answers nothing for
// 30 seconds, then drops connections mid-answer, then answers 503; another
// channel keeps flowing meanwhile (no head-of-line blocking), the
// administrator is told once the failure outlasts notify.channel_alert_after,
// and when the provider recovers every message arrives, each exactly once.
//
// The real `duban serve` on the demo clock (60×), two webhook fakes on
// loopback, real libcurl (each network channel has its own HTTP client). Nine liaisons get Thursday's reminder through the
// failing "sms"; 卧庄村's liaison and the administrator use "sms2".
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/time_format.h"
#include "fakes/fake_webhook.h"
#include "runtime/real_clock.h"
#include "testing/paths.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

namespace duban {
namespace {

const std::map<std::string, std::string> kEnv = {{"HOOK_SECRET", "s3cret-for-tests"}};

// The demo contacts with `ids` moved to channel `channel`.
std::string ContactsWith(const std::vector<std::string>& ids, const std::string& channel) {
  std::istringstream in(testing::ReadFileOrDie(testing::SourcePath("config/demo/contacts.csv")));
  std::string out;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    if (line.back() == ',') cells.emplace_back();
    for (const auto& id : ids) {
      if (!cells.empty() && cells[0] == id) cells[5] = channel;
    }
    for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + cells[i];
    out += "\n";
  }
  return out;
}

// What the failing provider saw, for failure messages.
std::string Timeline(const fakes::FakeWebhook& hook) {
  std::string out;
  for (const auto& r : hook.Requests()) {
    out += FormatUtc(r.at) + " " + (r.fault.empty() ? "ok" : r.fault) + " " +
           std::to_string(r.http_status) + " " + r.idempotency_key + "\n";
  }
  return out;
}

std::map<std::string, int> PerKey(const fakes::FakeWebhook& hook) {
  std::map<std::string, int> keys;
  for (const auto& d : hook.Delivered()) ++keys[d.idempotency_key];
  return keys;
}

TEST(ProviderFaultsTest, ASlowThenBrokenProviderHoldsUpNoOtherChannelAlertsOnceAndRecovers) {
  testing::TempDir dir;
  runtime::RealClock clock;
  fakes::FakeWebhook failing(&clock, {});
  fakes::FakeWebhook healthy(&clock, {});
  const std::string contacts =
      dir.Write("contacts.csv", ContactsWith({"jf-wozhuang-liaison", "jiafeng-office"}, "sms2"));
  const std::string config = dir.Write(
      "duban.yaml",
      testing::DemoConfig(dir.File("duban.db"),
                          "channels:\n"
      "  - {name: sms, type: webhook, url: '" + failing.url() + "', secret: 'env:HOOK_SECRET', "
      "timeout_ms: 10000}\n"
      "  - {name: sms2, type: webhook, url: '" + healthy.url() + "', secret: 'env:HOOK_SECRET'}\n"
      "  - {name: town-robot, type: console, family: markdown}\n"
      "notify:\n  admin_contact: jiafeng-office\n  channel_alert_after: 1m\n"));
  const std::string log = dir.File("duban.log");
  ASSERT_EQ(testing::ImportDemoTown(config, log, kEnv, contacts), 0) << testing::ReadFileOrDie(log);

  // The first answers are held for 30 s (longer than the channel's 10 s
  // timeout; duban opens at most 4 connections to one host, so 4 hang and
  // the rest wait), then nine connections are closed mid-answer, then nine
  // requests get 503; then the provider works again.
  failing.ForceFault(fakes::Fault::Stall(std::chrono::seconds(30)), 4);
  failing.ForceFault(fakes::Fault::DropConnection(), 9);
  failing.ForceFault(fakes::Fault::HttpError(503), 9);
  const pid_t pid = testing::SpawnDuban({"serve", "--config", config, "--clock-start",
                                         "2024-03-28T15:59:30+08:00", "--clock-rate", "60"},
                                        log, kEnv);
  const bool stalled = failing.WaitForStalled(4, std::chrono::seconds(30));
  // While those hang, the other channel's reminder has gone through.
  const bool flowed = testing::WaitUntil([&] { return healthy.Delivered().size() >= 1; },
                                         std::chrono::seconds(5));
  const size_t failing_delivered_then = failing.Delivered().size();
  // The daemon gives up on them and retries (the next request arrives);
  // the slow provider then answers the abandoned ones, to nobody.
  const bool retried = testing::WaitUntil([&] { return failing.RequestCount() >= 1; },
                                          std::chrono::seconds(30));
  failing.ReleaseStalled();

  // Recovery: every reminder arrives; the administrator heard once.
  const bool recovered = testing::WaitUntil([&] { return PerKey(failing).size() >= 9; },
                                            std::chrono::seconds(90));
  const bool alerted = testing::WaitUntil([&] { return healthy.Delivered().size() >= 2; },
                                          std::chrono::seconds(10));
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  const std::string text = testing::ReadFileOrDie(log);
  ASSERT_TRUE(stalled) << text;
  ASSERT_TRUE(flowed) << "the healthy channel waited for the failing one\n" << text;
  EXPECT_EQ(failing_delivered_then, 0u);
  EXPECT_EQ(healthy.Delivered()[0].body["recipient"], "jf-wozhuang-liaison");
  ASSERT_TRUE(retried) << text;
  ASSERT_TRUE(recovered) << text;
  ASSERT_TRUE(alerted) << Timeline(failing) << text;
  EXPECT_EQ(WEXITSTATUS(status), 0) << text;

  // Every fault was met, and each reminder was delivered once under its own
  // key, whatever it took: the late answers and the retries carry the same
  // keys, which the receiver recognises.
  std::map<std::string, int> faults;
  for (const auto& r : failing.Requests()) {
    if (!r.fault.empty()) ++faults[r.fault];
  }
  int applied = 0;
  for (const auto& [name, n] : faults) applied += n;
  EXPECT_EQ(applied, 4 + 9 + 9) << ::testing::PrintToString(faults);
  EXPECT_EQ(faults.size(), 3u) << ::testing::PrintToString(faults);
  EXPECT_EQ(PerKey(failing).size(), 9u);
  for (const auto& [key, n] : PerKey(failing)) EXPECT_EQ(failing.DeliveriesFor(key), 1) << key;

  // The administrator's alert went through the other channel, once, and
  // names the failing channel.
  int alerts = 0;
  for (const auto& d : healthy.Delivered()) {
    if (d.body["recipient"] != "jiafeng-office") continue;
    ++alerts;
    EXPECT_NE(d.body["body"].get<std::string>().find("sms"), std::string::npos) << d.body.dump();
  }
  EXPECT_EQ(alerts, 1);
  EXPECT_NE(text.find("channel sms has been failing since"), std::string::npos);
}

}  // namespace
}  // namespace duban
