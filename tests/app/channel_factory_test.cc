// The channel factory end to end: config text with SMS templates and secret
// references -> ChannelSet -> a message delivered to the provider fakes.
#include "app/channels.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fakes/fake_alibaba_sms.h"
#include "fakes/fake_dingtalk.h"
#include "notify/channel_test_util.h"
#include "testing/temp_dir.h"

namespace duban::app {
namespace {

using notify::SendResult;

constexpr char kDingTalkSecret[] = "SECfactory0123456789";

class ChannelFactoryTest : public ::testing::Test {
 protected:
  ChannelFactoryTest()
      : clock_(notify::testing::TestStart()),
        dingtalk_(&clock_, {.robots = {{"tok-factory-0001", {.secret = kDingTalkSecret}}}}),
        aliyun_(&clock_, AliyunOptions()) {
    dir_.Write("creds/dt_token", "tok-factory-0001\n");
    dir_.Write("creds/dt_secret", kDingTalkSecret);
    dir_.Write("aliyun_secret", "factoryAccessKeySecret1");
  }

  static fakes::FakeAlibabaSms::Options AliyunOptions() {
    fakes::FakeAlibabaSms::Options o;
    o.access_keys = {{"LTAIfactory", "factoryAccessKeySecret1"}};
    o.signatures = {"嘉峰镇人民政府"};
    o.templates = {{"SMS_200",
                    {.content = "${villages}周报逾期未报（截止${due}）。",
                     .variables = {{"villages", 12}, {"due", 20}}}}};
    return o;
  }

  std::string ConfigText() {
    return fmt::format(R"(server:
  listen: 127.0.0.1:0
database:
  path: {dir}/duban.db
campaigns: [x.yaml]
templates_dir: t
holidays: h.csv
channels:
  - name: town-robot
    type: dingtalk
    url: {dt}/robot/send
    token: credential:dt_token
    secret: credential:dt_secret
  - name: sms
    type: aliyun_sms
    url: {ali}/
    access_key_id: LTAIfactory
    access_key_secret: file:{dir}/aliyun_secret
    sign_name: 嘉峰镇人民政府
    per_number_per_day: 5
    templates:
      weekly_report_missing_notice:
        code: SMS_200
        params:
          villages: {{list: items, field: unit, counter: 个村, max: 12}}
          due: {{from: "{{{{due}}}}"}}
  - name: console
    type: console
)",
                       fmt::arg("dir", dir_.path().string()), fmt::arg("dt", dingtalk_.base_url()),
                       fmt::arg("ali", aliyun_.base_url()));
  }

  std::shared_ptr<const config::DaemonConfig> Load(const std::string& text) {
    Diagnostics diags;
    auto cfg = config::LoadConfigText(text, dir_.File("duban.yaml"), &diags);
    EXPECT_NE(cfg, nullptr) << diags.ToString();
    return cfg;
  }

  ChannelEnv Env() {
    ChannelEnv env;
    env.clock = &clock_;
    env.post = [this](std::function<void()> fn) { loop_.Post(std::move(fn)); };
    env.credentials_dir = dir_.File("creds");
    return env;
  }

  SendResult Send(notify::Channel& ch, const store::OutboxRow& row) {
    std::optional<SendResult> r;
    ch.Send(row, [&](SendResult got) { r = std::move(got); });
    EXPECT_TRUE(loop_.RunUntil([&] { return r.has_value(); }));
    return r.value_or(SendResult{});
  }

  duban::testing::TempDir dir_;
  VirtualClock clock_;
  fakes::FakeDingTalk dingtalk_;
  fakes::FakeAlibabaSms aliyun_;
  notify::testing::TestLoop loop_;
};

TEST_F(ChannelFactoryTest, ReadsSmsTemplatesInFileOrder) {
  auto cfg = Load(ConfigText());
  ASSERT_NE(cfg, nullptr);
  const auto& sms = cfg->channels.at(1);
  ASSERT_EQ(sms.sms_templates.size(), 1u);
  const auto& tpl = sms.sms_templates.at("weekly_report_missing_notice");
  EXPECT_EQ(tpl.code, "SMS_200");
  EXPECT_EQ(tpl.line, 22);
  ASSERT_EQ(tpl.params.size(), 2u);
  EXPECT_EQ(tpl.params[0].name, "villages");
  EXPECT_EQ(tpl.params[0].field, "unit");
  EXPECT_EQ(tpl.params[0].counter, "个村");
  EXPECT_EQ(tpl.params[0].max, 12);
  EXPECT_EQ(tpl.params[1].from, "{{due}}");
  EXPECT_EQ(sms.params.at("per_number_per_day"), "5");
  EXPECT_EQ(NumberLimits(sms).front().tokens, 5);
  EXPECT_EQ(EndpointLimits(cfg->channels.at(0)).front().ToString(), "20/1m");
}

TEST_F(ChannelFactoryTest, RefusesAParameterThatIsNeitherScalarNorList) {
  std::string text = ConfigText();
  const std::string good = R"(due: {from: "{{due}}"})";
  text.replace(text.find(good), good.size(), "due: {max: 5}");
  Diagnostics diags;
  EXPECT_EQ(config::LoadConfigText(text, "duban.yaml", &diags), nullptr);
  EXPECT_NE(diags.ToString().find("channels[1].templates.weekly_report_missing_notice.params.due"),
            std::string::npos)
      << diags.ToString();
}

TEST_F(ChannelFactoryTest, BuildsEveryChannelAndDeliversThroughThem) {
  auto cfg = Load(ConfigText());
  ASSERT_NE(cfg, nullptr);
  auto set = ChannelSet::Create(cfg->channels, Env());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_NE((*set)->Find("town-robot"), nullptr);
  ASSERT_NE((*set)->Find("console"), nullptr);
  EXPECT_EQ((*set)->Find("nope"), nullptr);

  store::OutboxRow robot;
  robot.idempotency_key = "digest/1/town-robot";
  robot.channel = "town-robot";
  robot.body = "### 周报未报送\n- 上村";
  const SendResult r1 = Send(*(*set)->Find("town-robot"), robot);
  EXPECT_EQ(r1.kind, SendResult::Kind::kSent) << r1.detail;
  EXPECT_EQ(dingtalk_.Delivered().size(), 1u);

  store::OutboxRow sms;
  sms.idempotency_key = "digest/2/sms";
  sms.channel = "sms";
  sms.address = "+8613800001111";
  sms.binding = "weekly_report_missing_notice";
  sms.params = notify::SampleSmsContext().dump();
  notify::Channel* ch = (*set)->Find("sms");
  EXPECT_TRUE(ch->CanQueryStatus());
  const SendResult r2 = Send(*ch, sms);
  ASSERT_EQ(r2.kind, SendResult::Kind::kSent) << r2.detail;
  EXPECT_EQ(aliyun_.Sent().at(0).params["villages"], "上村、下村、东村等5个村");
  set->reset();  // stops the HTTP client before the loop goes away
}

TEST_F(ChannelFactoryTest, AnUnreadableSecretNamesTheReferenceNotAValue) {
  auto cfg = Load(ConfigText());
  ASSERT_NE(cfg, nullptr);
  ChannelEnv env = Env();
  env.credentials_dir = dir_.File("elsewhere");
  auto set = ChannelSet::Create(cfg->channels, env);
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.status().message().find("channel 'town-robot', token"), std::string::npos)
      << set.status().message();
  EXPECT_NE(set.status().message().find("credential:dt_token"), std::string::npos);
}

TEST_F(ChannelFactoryTest, NetworkChannelsNeedALoop) {
  auto cfg = Load(ConfigText());
  ASSERT_NE(cfg, nullptr);
  ChannelEnv env = Env();
  env.post = nullptr;
  EXPECT_FALSE(ChannelSet::Create(cfg->channels, env).ok());
  // Console and file alone do not.
  std::vector<config::ChannelConfig> local = {cfg->channels.at(2)};
  EXPECT_TRUE(ChannelSet::Create(local, env).ok());
}

TEST_F(ChannelFactoryTest, CheckWarnsAboutTemplatesAndUncoveredKinds) {
  auto cfg = Load(ConfigText());
  ASSERT_NE(cfg, nullptr);
  Loaded loaded;
  auto spec = std::make_shared<workflow::WorkflowSpec>();
  spec->id = "demo";
  spec->templates = {{"weekly_report_missing_notice", "x.sms", "", ""},
                     {"item_overdue", "item_overdue.sms", "", ""},
                     {"weekly_report_circular", "", "y.markdown", ""}};
  loaded.campaigns.push_back(spec);
  Diagnostics diags;
  CheckChannels(*cfg, loaded, &diags);
  EXPECT_FALSE(diags.has_errors());
  const std::string all = diags.ToString();
  EXPECT_NE(all.find("duban.yaml:22: warning: channels[1].templates.weekly_report_missing_notice: "
                     "weekly_report_missing_notice (SMS_200).villages: 14 characters for the "
                     "sample, over its max of 12; it will be sent as \"上村、下村、东村等5个村\""),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("no template code for message kind(s) item_overdue:"), std::string::npos)
      << all;
  EXPECT_EQ(all.find("weekly_report_circular"), std::string::npos);
}

}  // namespace
}  // namespace duban::app
