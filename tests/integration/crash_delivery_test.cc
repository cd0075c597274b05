// kill -9 of the daemon while messages are in flight to a webhook, then a
// restart: every message arrives at least once, the only repeats are the
// ones that were in flight, and each repeat carries the same idempotency
// key, so the receiver can (and the fake does) recognise it.
//
// Real processes, real HTTP on loopback, real libcurl; the daemon runs on a
// demo clock (--clock-start, 60× speed) so Thursday's 16:00 reminders come
// within a second.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include "base/time_format.h"
#include "fakes/fake_alibaba_sms.h"
#include "fakes/fake_webhook.h"
#include "runtime/real_clock.h"
#include "store/store.h"
#include "testing/paths.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

namespace duban {
namespace {

// The webhook channel's signing secret comes from the environment.
const std::map<std::string, std::string> kEnv = {{"HOOK_SECRET", "s3cret-for-tests"}};

pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
  return testing::SpawnDuban(args, log, kEnv);
}

int RunToEnd(const std::vector<std::string>& args, const std::string& log) {
  return testing::RunDuban(args, log, kEnv);
}

using testing::WaitUntil;

TEST(CrashDeliveryTest, KillNineMidDispatchLosesNothingAndRepeatsOnlyWhatWasInFlight) {
  testing::TempDir dir;
  runtime::RealClock clock;
  fakes::FakeWebhook hook(&clock, {});
  const std::string config = dir.Write(
      "duban.yaml",
      "server:\n  listen: 127.0.0.1:0\n"
      "database:\n  path: " + dir.File("duban.db") + "\n"
      "campaigns: [" + testing::SourcePath("workflows/jiafeng-2024-hundred-day.yaml") + "]\n"
      "templates_dir: " + testing::SourcePath("templates") + "\n"
      "holidays: " + testing::SourcePath("config/calendars/cn-holidays.csv") + "\n"
      "channels:\n"
      "  - {name: sms, type: webhook, url: '" + hook.url() + "', secret: 'env:HOOK_SECRET', "
      "timeout_ms: 60000}\n"
      "  - {name: town-robot, type: console, family: markdown}\n");
  const std::string log = dir.File("duban.log");
  ASSERT_EQ(RunToEnd({"import", "units", testing::SourcePath("config/demo/units.csv"), "--config",
                      config},
                     log),
            0);
  ASSERT_EQ(RunToEnd({"import", "contacts", testing::SourcePath("config/demo/contacts.csv"),
                      "--config", config},
                     log),
            0);

  // Ten liaisons get Thursday's reminder. The first three requests stall
  // after the receiver took the message: the daemon dies before the answer.
  hook.ForceFault(fakes::Fault::Stall(std::chrono::seconds(60), true), 3);
  pid_t pid = Spawn({"serve", "--config", config, "--clock-start", "2024-03-28T15:59:50+08:00",
                     "--clock-rate", "60"},
                    log);
  ASSERT_TRUE(hook.WaitForStalled(3, std::chrono::seconds(30))) << testing::ReadFileOrDie(log);
  ASSERT_TRUE(WaitUntil([&] { return hook.Delivered().size() >= 10; }, std::chrono::seconds(30)));
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  hook.ReleaseStalled();
  // What was in flight at the kill: rows the database holds as 'sending'
  // (stalled ones, and any whose answer came but was not yet recorded).
  int64_t in_flight = 0;
  {
    auto db = store::OpenSqlite({dir.File("duban.db")}, clock.Now());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto counts = (*db)->OutboxCounts();
    ASSERT_TRUE(counts.ok());
    for (const auto& [state, n] : *counts) {
      if (state == "sending") in_flight = n;
    }
  }
  EXPECT_GE(in_flight, 3);
  const auto before = hook.Delivered();
  std::string seen;
  for (const auto& d : before) seen += d.idempotency_key + " " + d.body.dump().substr(0, 80) + "\n";
  ASSERT_EQ(before.size(), 10u) << seen;  // 7 answered + 3 whose answers never came

  // Restart ten campaign minutes later: the rows left 'sending' are found.
  pid = Spawn({"serve", "--config", config, "--clock-start", "2024-03-28T16:10:00+08:00",
               "--clock-rate", "60"},
              log);
  const bool all = WaitUntil(
      [&] {
        std::map<std::string, int> keys;
        for (const auto& d : hook.Delivered()) ++keys[d.idempotency_key];
        return keys.size() >= 10 &&
               static_cast<int64_t>(hook.Delivered().size()) >= 10 + in_flight;
      },
      std::chrono::seconds(60));
  kill(pid, SIGTERM);
  waitpid(pid, &status, 0);
  ASSERT_TRUE(all) << testing::ReadFileOrDie(log);

  std::map<std::string, int> per_key;
  for (const auto& d : hook.Delivered()) ++per_key[d.idempotency_key];
  EXPECT_EQ(per_key.size(), 10u);  // nothing lost
  int repeated = 0;
  for (const auto& [key, n] : per_key) {
    EXPECT_LE(n, 2) << key;
    if (n > 1) ++repeated;
  }
  // Only messages in flight at the kill came twice (at least the three whose
  // answers were lost), each with its original key, which the receiver
  // recognises (FakeWebhook answers duplicate:true), so none acts twice.
  EXPECT_GE(repeated, 3);
  EXPECT_LE(repeated, in_flight);
  EXPECT_EQ(WEXITSTATUS(status), 0) << testing::ReadFileOrDie(log);
}

}  // namespace
}  // namespace duban


namespace duban {
namespace {

// The same crash with an SMS account: the provider took three messages
// whose answers died with the daemon. After the restart duban asks the
// provider (QuerySendDetails) before resending, so no liaison gets the
// same reminder twice.
TEST(CrashDeliveryTest, AnSmsTheProviderTookBeforeTheCrashIsNotSentAgain) {
  testing::TempDir dir;
  // The fake checks request timestamps against its own clock: put it on
  // the demo's campaign time.
  VirtualClock fake_clock(*ParseRfc3339("2024-03-28T16:00:00+08:00"));
  fakes::FakeAlibabaSms::Options fo;
  fo.access_keys = {{"LTAI5tDubanTest", "dubanAccessKeySecret0001"}};
  fo.signatures = {"嘉峰镇人民政府"};
  fo.templates = {{"SMS_100",
                   {.content = "${name}：${unit}本周周报尚未报送，截止${due}。",
                    .variables = {{"name", 10}, {"unit", 12}, {"due", 20}}}}};
  fakes::FakeAlibabaSms sms(&fake_clock, fo);
  const std::string secret = dir.Write("aliyun.secret", "dubanAccessKeySecret0001");
  const std::string config = dir.Write(
      "duban.yaml",
      "server:\n  listen: 127.0.0.1:0\n"
      "database:\n  path: " + dir.File("duban.db") + "\n"
      "campaigns: [" + testing::SourcePath("workflows/jiafeng-2024-hundred-day.yaml") + "]\n"
      "templates_dir: " + testing::SourcePath("templates") + "\n"
      "holidays: " + testing::SourcePath("config/calendars/cn-holidays.csv") + "\n"
      "channels:\n"
      "  - name: sms\n"
      "    type: aliyun_sms\n"
      "    url: '" + sms.base_url() + "/'\n"
      "    access_key_id: LTAI5tDubanTest\n"
      "    access_key_secret: 'file:" + secret + "'\n"
      "    sign_name: 嘉峰镇人民政府\n"
      "    timeout_ms: 60000\n"
      "    templates:\n"
      "      weekly_report_reminder:\n"
      "        code: SMS_100\n"
      "        params:\n"
      "          name: {from: '{{recipient.name}}', max: 10}\n"
      "          unit: {from: '{{unit}}', max: 12}\n"
      "          due: {from: '{{due}}', max: 20}\n"
      "  - {name: town-robot, type: console, family: markdown}\n");
  const std::string log = dir.File("duban.log");
  ASSERT_EQ(RunToEnd({"import", "units", testing::SourcePath("config/demo/units.csv"), "--config",
                      config},
                     log),
            0);
  ASSERT_EQ(RunToEnd({"import", "contacts", testing::SourcePath("config/demo/contacts.csv"),
                      "--config", config},
                     log),
            0)
      << testing::ReadFileOrDie(log);

  sms.ForceFault(fakes::Fault::Stall(std::chrono::seconds(60), true), 3);
  pid_t pid = Spawn({"serve", "--config", config, "--clock-start", "2024-03-28T15:59:50+08:00",
                     "--clock-rate", "60"},
                    log);
  ASSERT_TRUE(sms.WaitForStalled(3, std::chrono::seconds(30))) << testing::ReadFileOrDie(log);
  ASSERT_TRUE(WaitUntil([&] { return sms.Sent().size() >= 10; }, std::chrono::seconds(30)))
      << testing::ReadFileOrDie(log);
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  sms.ReleaseStalled();
  ASSERT_EQ(sms.Sent().size(), 10u);

  fake_clock.SetNow(*ParseRfc3339("2024-03-28T16:10:00+08:00"));
  pid = Spawn({"serve", "--config", config, "--clock-start", "2024-03-28T16:10:00+08:00",
               "--clock-rate", "60"},
              log);
  // The restarted daemon asks about the three it never heard back on.
  auto undelivered_now = [&]() -> int64_t {
    try {
      SQLite::Database db(dir.File("duban.db"), SQLite::OPEN_READONLY);
      db.setBusyTimeout(5000);
      return db.execAndGet("SELECT COUNT(*) FROM outbox WHERE state != 'sent'").getInt64();
    } catch (const SQLite::Exception&) {
      return -1;
    }
  };
  const bool asked = WaitUntil(
      [&] {
        int queries = 0;
        for (const auto& r : sms.Requests()) {
          if ((r.body + r.target).find("QuerySendDetails") != std::string::npos) ++queries;
        }
        return queries >= 3 && undelivered_now() == 0;
      },
      std::chrono::seconds(60));
  kill(pid, SIGTERM);
  waitpid(pid, &status, 0);
  ASSERT_TRUE(asked) << testing::ReadFileOrDie(log);
  std::map<std::string, int> per_phone;
  for (const auto& m : sms.Sent()) ++per_phone[m.phone];
  EXPECT_EQ(per_phone.size(), 10u);  // every liaison got it
  for (const auto& [phone, n] : per_phone) EXPECT_EQ(n, 1) << phone;  // and only once
  auto db = store::OpenSqlite({dir.File("duban.db")}, fake_clock.Now());
  ASSERT_TRUE(db.ok());
  int64_t undelivered = 0;
  auto counts = (*db)->OutboxCounts();
  ASSERT_TRUE(counts.ok());
  for (const auto& [state, n] : *counts) {
    if (state != "sent") undelivered += n;
  }
  EXPECT_EQ(undelivered, 0);
}

}  // namespace
}  // namespace duban
