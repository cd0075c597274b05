#include "config/config.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "testing/paths.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace duban::config {
namespace {

const char* kValid = R"(server:
  listen: 127.0.0.1:9090
database:
  path: ../var/x.db
campaigns:
  - ../workflows/a.yaml
templates_dir: ../templates
holidays: calendars/cn-holidays.csv
channels:
  - name: town-robot
    type: dingtalk
    token: env:DINGTALK_TOKEN
    secret: file:/etc/duban/dingtalk.secret
)";

std::vector<std::string> Messages(const Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& i : d.items()) out.push_back(i.ToString());
  return out;
}

TEST(ConfigTest, ShippedDemoConfigIsValid) {
  Diagnostics diags;
  auto cfg = LoadConfig(testing::SourcePath("config/duban.yaml"), &diags);
  ASSERT_NE(cfg, nullptr) << diags.ToString();
  EXPECT_EQ(cfg->listen_host, "127.0.0.1");
  EXPECT_EQ(cfg->database_path, testing::SourcePath("var/duban.db"));
}

TEST(ConfigTest, ReadsValuesAndResolvesPathsAgainstTheFile) {
  Diagnostics diags;
  auto cfg = LoadConfigText(kValid, "/etc/duban/duban.yaml", &diags);
  ASSERT_NE(cfg, nullptr) << diags.ToString();
  EXPECT_EQ(cfg->listen_port, 9090);
  EXPECT_EQ(cfg->database_path, "/etc/var/x.db");
  EXPECT_EQ(cfg->holidays_file, "/etc/duban/calendars/cn-holidays.csv");
  ASSERT_EQ(cfg->channels.size(), 1u);
  EXPECT_EQ(cfg->channels[0].secrets.at("token").ToString(), "env:DINGTALK_TOKEN");
  EXPECT_EQ(cfg->time_zone, "Asia/Shanghai");
}

TEST(ConfigTest, ReportsEveryErrorWithPositionAndKeyPath) {
  const std::string text = R"(server:
  listen: 127.0.0.1:8080
  thraeds: 4
database:
  path: ./x.db
  busy_timeout_ms: soon
campaigns: [a.yaml]
templates_dir: t
holidays: h.csv
log_level: loud
)";
  Diagnostics diags;
  EXPECT_EQ(LoadConfigText(text, "c/duban.yaml", &diags), nullptr);
  EXPECT_EQ(Messages(diags),
            (std::vector<std::string>{
                "c/duban.yaml:3:3: error: server.thraeds: unknown key 'thraeds' — did you "
                "mean 'threads'?",
                "c/duban.yaml:6:20: error: database.busy_timeout_ms: expected a whole "
                "number, got 'soon'",
                "c/duban.yaml:10:12: error: log_level: unknown value 'loud'; expected one "
                "of: trace, debug, info, warn, error, critical, off",
            }));
}

TEST(ConfigTest, MissingRequiredKeysAreNamed) {
  Diagnostics diags;
  EXPECT_EQ(LoadConfigText("server:\n  listen: 127.0.0.1:1\n", "d.yaml", &diags), nullptr);
  EXPECT_EQ(Messages(diags),
            (std::vector<std::string>{
                "d.yaml:1:1: error: database: missing required key 'database' (a mapping)",
                "d.yaml:1:1: error: campaigns: missing required key 'campaigns' (a list)",
                "d.yaml:1:1: error: templates_dir: missing required key 'templates_dir' (text)",
                "d.yaml:1:1: error: holidays: missing required key 'holidays' (text)",
            }));
}

TEST(ConfigTest, InlineSecretIsRefusedWithoutEchoingIt) {
  std::string text = kValid;
  text.replace(text.find("env:DINGTALK_TOKEN"), 18, "abcdef0123456789secret");
  Diagnostics diags;
  EXPECT_EQ(LoadConfigText(text, "s.yaml", &diags), nullptr);
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].line, 12);
  EXPECT_EQ(diags.items()[0].path, "channels[0].token");
  EXPECT_EQ(diags.ToString().find("abcdef0123456789secret"), std::string::npos);
}

TEST(ConfigTest, TheLinkKeyIsAReferenceNeverAValue) {
  std::string text = kValid;
  text.replace(text.find("  listen: 127.0.0.1:9090\n"), 25,
               "  listen: 127.0.0.1:9090\n  link_key: credential:link.key\n");
  Diagnostics diags;
  auto cfg = LoadConfigText(text, "s.yaml", &diags);
  ASSERT_NE(cfg, nullptr) << diags.ToString();
  ASSERT_TRUE(cfg->link_key.has_value());
  EXPECT_EQ(cfg->link_key->ToString(), "credential:link.key");
  EXPECT_FALSE(LoadConfigText(kValid, "s.yaml", &diags)->link_key.has_value());

  text.replace(text.find("credential:link.key"), 19, "0123456789abcdef-inline-key");
  Diagnostics bad;
  EXPECT_EQ(LoadConfigText(text, "s.yaml", &bad), nullptr);
  ASSERT_EQ(bad.items().size(), 1u);
  EXPECT_EQ(bad.items()[0].line, 3);
  EXPECT_EQ(bad.items()[0].path, "server.link_key");
  EXPECT_EQ(bad.ToString().find("0123456789abcdef-inline-key"), std::string::npos);
}

TEST(ConfigTest, BadListenAndUnknownChannelType) {
  const std::string text = R"(server:
  listen: localhost
database: {path: x.db}
campaigns: [a.yaml]
templates_dir: t
holidays: h.csv
channels:
  - name: a
    type: dingtalc
    token: env:X
)";
  Diagnostics diags;
  EXPECT_EQ(LoadConfigText(text, "l.yaml", &diags), nullptr);
  EXPECT_EQ(Messages(diags),
            (std::vector<std::string>{
                "l.yaml:2:11: error: server.listen: expected host:port, got 'localhost' — "
                "for example 127.0.0.1:8080; port 0 picks a free port",
                "l.yaml:9:11: error: channels[0].type: unknown value 'dingtalc'; expected "
                "one of: console, file, dingtalk, wecom, feishu, webhook, aliyun_sms, "
                "tencent_sms — did you mean 'dingtalk'?",
            }));
}

TEST(ConfigTest, ResolveSecretReadsFileEnvAndCredential) {
  testing::TempDir dir;
  const std::string f = dir.Write("s.txt", "topsecret\n");
  dir.Write("creds/robot", "credsecret");
  auto v = ResolveSecret({SecretRef::Kind::kFile, f}, "");
  ASSERT_OK(v);
  EXPECT_EQ(*v, "topsecret");
  setenv("DUBAN_TEST_SECRET", "envsecret", 1);
  EXPECT_EQ(*ResolveSecret({SecretRef::Kind::kEnv, "DUBAN_TEST_SECRET"}, ""), "envsecret");
  EXPECT_EQ(*ResolveSecret({SecretRef::Kind::kCredential, "robot"}, dir.File("creds")),
            "credsecret");
  auto missing = ResolveSecret({SecretRef::Kind::kEnv, "DUBAN_NOPE"}, "");
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "secret not set: env:DUBAN_NOPE");
}

}  // namespace
}  // namespace duban::config

namespace duban::config {
namespace {

TEST(NotifyConfigTest, DurationsAndTheAdminContactAreRead) {
  Diagnostics diags;
  auto cfg = LoadConfigText(
      "server: {listen: 127.0.0.1:0}\ndatabase: {path: x.db}\ncampaigns: [c.yaml]\n"
      "templates_dir: t\nholidays: h.csv\n"
      "notify: {group_wait: 90s, admin_contact: jiafeng-office, channel_alert_after: 1h}\n",
      "/tmp/duban.yaml", &diags);
  ASSERT_NE(cfg, nullptr) << diags.ToString();
  EXPECT_EQ(cfg->group_wait, std::chrono::seconds(90));
  EXPECT_EQ(cfg->channel_alert_after, std::chrono::hours(1));
  EXPECT_EQ(cfg->admin_contact, "jiafeng-office");
}

TEST(NotifyConfigTest, ABadDurationIsNamedWithItsLine) {
  Diagnostics diags;
  auto cfg = LoadConfigText(
      "server: {listen: 127.0.0.1:0}\ndatabase: {path: x.db}\ncampaigns: [c.yaml]\n"
      "templates_dir: t\nholidays: h.csv\nnotify:\n  group_wait: soon\n",
      "/tmp/duban.yaml", &diags);
  EXPECT_EQ(cfg, nullptr);
  EXPECT_NE(diags.ToString().find("duban.yaml:7"), std::string::npos) << diags.ToString();
  EXPECT_NE(diags.ToString().find("invalid duration 'soon'"), std::string::npos);
}

// Found while writing fuzz/config_fuzzer (UBSan reports it on this input):
// multiplying to milliseconds overflowed, and in practice wrapped
// "2562047788015216h" to 1792 s, which was then accepted as the group wait.
TEST(NotifyConfigTest, ADurationBeyondTheClockRangeIsRefused) {
  auto load = [](const std::string& value, Diagnostics* diags) {
    return LoadConfigText(
        "server: {listen: 127.0.0.1:0}\ndatabase: {path: x.db}\ncampaigns: [c.yaml]\n"
        "templates_dir: t\nholidays: h.csv\nnotify:\n  group_wait: " + value + "\n",
        "/tmp/duban.yaml", diags);
  };
  for (const char* value : {"2562047788015216h", "2562047788016h", "153722867280913m",
                            "9223372036854776s", "99999999999999999999h"}) {
    Diagnostics diags;
    EXPECT_EQ(load(value, &diags), nullptr) << value;
    EXPECT_NE(diags.ToString().find("invalid duration"), std::string::npos) << value;
  }
  Diagnostics diags;
  auto longest = load("2562047788015h", &diags);
  ASSERT_NE(longest, nullptr) << diags.ToString();
  EXPECT_EQ(longest->group_wait, std::chrono::hours(2562047788015));
}

}  // namespace
}  // namespace duban::config
