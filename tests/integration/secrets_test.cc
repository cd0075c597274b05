// Issue 11, item 5: a full run of the real daemon with an SMS account (key
// from a file), a signed webhook robot (secret from the environment) and an
// API token, then every output it produced is searched for the secrets: the
// log, every HTTP answer (/metrics, /healthz, the API, a refused token), the
// audit export, `duban channel list` and `duban check`. None may appear.
// The action-link key comes from a systemd credential and signs the links.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <regex>
#include <thread>

#include "api/action_link.h"
#include "base/time_format.h"
#include "fakes/fake_alibaba_sms.h"
#include "fakes/fake_webhook.h"
#include "runtime/real_clock.h"
#include "testing/paths.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

namespace duban {
namespace {

constexpr const char* kSmsSecret = "dubanAccessKeySecret0001";
constexpr const char* kHookSecret = "robot-s3cret-7f3a9c";
constexpr const char* kLinkKey = "link-key-from-a-systemd-credential-0123456789";

std::string Shell(const std::string& cmd, int* exit_code = nullptr) {
  const testing::ShellRun r =
      testing::Shell("HOOK_SECRET=" + std::string(kHookSecret) + " " + cmd);
  if (exit_code != nullptr) *exit_code = r.exit_code;
  return r.output;
}

TEST(SecretsTest, NoOutputOfAFullRunContainsAProviderKeyARobotSecretOrATokenSecret) {
  testing::TempDir dir;
  VirtualClock fake_clock(*ParseRfc3339("2024-03-28T16:00:00+08:00"));
  fakes::FakeAlibabaSms::Options fo;
  fo.access_keys = {{"LTAI5tDubanTest", kSmsSecret}};
  fo.signatures = {"嘉峰镇人民政府"};
  fo.templates = {{"SMS_100",
                   {.content = "${name}：${unit}本周周报尚未报送，截止${due}。",
                    .variables = {{"name", 10}, {"unit", 12}, {"due", 20}}}}};
  fakes::FakeAlibabaSms sms(&fake_clock, fo);
  runtime::RealClock clock;
  fakes::FakeWebhook hook(&clock, {});
  const std::string secret_file = dir.Write("aliyun.secret", kSmsSecret);
  // The link-signing key as systemd hands it over: a file in
  // $CREDENTIALS_DIRECTORY, named by server.link_key.
  dir.Write("creds/link.key", std::string(kLinkKey) + "\n");
  const std::string config = dir.Write(
      "duban.yaml",
      "server:\n  listen: 127.0.0.1:0\n  link_key: credential:link.key\n"
      "database:\n  path: " + dir.File("duban.db") + "\n"
      "campaigns: [" + testing::SourcePath("workflows/jiafeng-2024-hundred-day.yaml") + "]\n"
      "templates_dir: " + testing::SourcePath("templates") + "\n"
      "holidays: " + testing::SourcePath("config/calendars/cn-holidays.csv") + "\n"
      "channels:\n"
      "  - name: sms\n"
      "    type: aliyun_sms\n"
      "    url: '" + sms.base_url() + "/'\n"
      "    access_key_id: LTAI5tDubanTest\n"
      "    access_key_secret: 'file:" + secret_file + "'\n"
      "    sign_name: 嘉峰镇人民政府\n"
      "    templates:\n"
      "      weekly_report_reminder:\n"
      "        code: SMS_100\n"
      "        params:\n"
      "          name: {from: '{{recipient.name}}', max: 10}\n"
      "          unit: {from: '{{unit}}', max: 12}\n"
      "          due: {from: '{{due}}', max: 20}\n"
      "  - {name: town-robot, type: webhook, url: '" + hook.url() + "', secret: 'env:HOOK_SECRET'}\n");
  const std::string duban = testing::DubanBinary();
  std::string outputs;  // everything duban said, to search at the end
  int rc = 0;
  for (const char* what : {"units", "contacts"}) {
    outputs += Shell(duban + " import " + what + " " +
                       testing::SourcePath(std::string("config/demo/") + what + ".csv") +
                       " --config " + config,
                   &rc);
    ASSERT_EQ(rc, 0) << outputs;
  }
  // The token is printed once, on purpose: that output is not searched.
  const std::string bearer =
      Shell(duban + " token create --role admin --unit shanxi --config " + config, &rc);
  ASSERT_EQ(rc, 0) << bearer;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(bearer, m, std::regex(R"((dbn_t_[0-9a-f]+)_([0-9a-f]{48}))")))
      << bearer;
  const std::string token = m[0];
  const std::string token_secret = m[2];

  const std::string log = dir.File("duban.log");
  const pid_t pid = testing::SpawnDuban({"serve", "--config", config, "--clock-start",
                                       "2024-03-28T15:59:50+08:00", "--clock-rate", "60"},
                                      log, {{"HOOK_SECRET", kHookSecret},
                                             {"CREDENTIALS_DIRECTORY", dir.File("creds")}});
  ASSERT_TRUE(testing::WaitUntil([&] { return sms.Sent().size() >= 10; }, std::chrono::seconds(60)))
      << testing::ReadFileOrDie(log);
  const int port = testing::ServePort(log, std::chrono::seconds(30));
  ASSERT_NE(port, 0) << testing::ReadFileOrDie(log);
  httplib::Client client("127.0.0.1", port);
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  for (const char* path : {"/metrics", "/healthz", "/api/v1/outbox?limit=100",
                           "/api/v1/items?limit=20", "/api/v1/campaigns", "/api/v1/contacts",
                           "/api/v1/units"}) {
    auto r = client.Get(path, auth);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path << " " << r->body;
    outputs += r->body;
  }
  // An action link signed with the credential's key is taken (whatever the
  // item's state makes of it); one signed with any other key is not.
  api::LinkGrant grant;
  grant.item = 1;
  grant.contact = "jf-jiafeng-liaison";
  grant.state = "owed";
  grant.expires_at = *ParseRfc3339("2030-01-01T00:00:00+08:00");
  for (const std::string& key : {std::string(kLinkKey), std::string("another-key-of-the-same-length-0123456789")}) {
    auto token = api::SignLink(grant, key);
    ASSERT_TRUE(token.ok());
    auto page = client.Get("/a/" + *token);
    ASSERT_TRUE(page);
    const bool forged = page->status == 403 && page->body.find("此链接不完整或已被改动") != std::string::npos;
    EXPECT_EQ(forged, key != kLinkKey) << page->status << " " << page->body.substr(0, 300);
    outputs += page->body;
  }
  // A forged token with the right id: refused, and logged without the secret.
  auto forged = client.Get("/api/v1/items", {{"Authorization",
                                              "Bearer " + token.substr(0, token.size() - 4) + "0000"}});
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);
  outputs += forged->body;
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  outputs += testing::ReadFileOrDie(log);

  outputs += Shell(duban + " channel list --config " + config);
  outputs += Shell(duban + " check --config " + config);
  outputs += Shell(duban + " token list --config " + config);
  outputs += Shell(duban + " audit export --config " + config, &rc);
  ASSERT_EQ(rc, 0);

  // The run did what it should: the reminders went out over the SMS account
  // (the robot's secret was loaded and checked at start).
  EXPECT_NE(outputs.find("\"state\":\"sent\""), std::string::npos);  // the outbox page
  EXPECT_NE(outputs.find("duban_messages_total"), std::string::npos);
  EXPECT_GE(sms.Sent().size(), 10u);
  // The links the daemon accepts are those signed with the credential's
  // key, and no key was left in the database (where a copied backup would
  // carry it).
  EXPECT_EQ(Shell("sqlite3 " + dir.File("duban.db") + " \"SELECT count(*) FROM meta WHERE key = 'link_key'\""),
            "0\n");
  for (const std::string& secret : {std::string(kSmsSecret), std::string(kHookSecret), token_secret,
                                    std::string(kLinkKey)}) {
    EXPECT_EQ(outputs.find(secret), std::string::npos)
        << "a secret appears in duban's output near: "
        << outputs.substr(outputs.find(secret) > 200 ? outputs.find(secret) - 200 : 0, 400);
  }
}

}  // namespace
}  // namespace duban
