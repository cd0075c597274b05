// AliyunSmsChannel against FakeAlibabaSms over loopback HTTP with real
// libcurl: signature V2, approved templates, shortened parameters, flow
// control and QuerySendDetails.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fakes/fake_alibaba_sms.h"
#include "notify/channel_test_util.h"
#include "notify/channels/sms_channels.h"

namespace duban::notify {
namespace {

using fakes::FakeAlibabaSms;
using fakes::Fault;
using Kind = SendResult::Kind;
using Answer = StatusAnswer::Kind;

constexpr char kKeyId[] = "LTAI5tDubanTest";
constexpr char kSecret[] = "dubanAccessKeySecret0001";

FakeAlibabaSms::Options FakeOptions() {
  FakeAlibabaSms::Options o;
  o.access_keys = {{kKeyId, kSecret}};
  o.signatures = {"嘉丰镇人民政府"};
  o.templates = {{"SMS_100",
                  {.content = "${name}您好，${villages}本周周报未报送，截止${due}。",
                   .variables = {{"name", 10}, {"villages", 12}, {"due", 20}}}}};
  return o;
}

SmsTemplates Templates(size_t villages_max = 12) {
  SmsTemplate t{"SMS_100",
                {{.name = "name", .from = "{{recipient.name}}", .max_chars = 10},
                 {.name = "villages", .field = "unit", .counter = "个村", .max_chars = villages_max},
                 {.name = "due", .from = "{{due}}", .max_chars = 20}}};
  auto c = SmsTemplates::Compile({{"weekly_report_reminder", t}});
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(*c);
}

class AliyunSmsChannelTest : public ::testing::Test, public testing::ChannelHarness {
 protected:
  AliyunSmsChannelTest() : fake_(&clock_, FakeOptions()) {}
  ~AliyunSmsChannelTest() override { http_.reset(); }

  std::unique_ptr<AliyunSmsChannel> Make(std::string secret = kSecret,
                                         SmsTemplates templates = Templates(),
                                         std::vector<RateLimit> per_number = {}) {
    SmsOptions o;
    o.name = "sms";
    o.url = fake_.base_url() + "/";
    o.key_id = kKeyId;
    o.key_secret = std::move(secret);
    o.sign_name = "嘉丰镇人民政府";
    o.timeout = std::chrono::milliseconds(500);
    if (per_number.empty()) per_number = DefaultSmsNumberLimits("aliyun_sms", 0);
    return std::make_unique<AliyunSmsChannel>(
        o, std::move(templates), Deps(),
        std::make_shared<RateLimiter>(&clock_, std::move(per_number)));
  }

  store::OutboxRow Sms(const std::string& key, const std::string& address = "+8613800001111") {
    store::OutboxRow row = Row(key, "【嘉丰】张三：上村本周周报尚未报送……");
    row.address = address;
    row.params = SampleSmsContext().dump();
    return row;
  }

  FakeAlibabaSms fake_;
};

TEST_F(AliyunSmsChannelTest, SendsTheApprovedTemplateWithShortenedParameters) {
  auto ch = Make();
  const SendResult r = Send(*ch, Sms("digest/9/sms"));
  ASSERT_EQ(r.kind, Kind::kSent) << r.detail;
  EXPECT_NE(r.provider_id.find("^0"), std::string::npos) << r.provider_id;
  const auto sent = fake_.Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].phone, "13800001111");
  EXPECT_EQ(sent[0].template_code, "SMS_100");
  EXPECT_EQ(sent[0].out_id, "digest/9/sms");
  EXPECT_EQ(sent[0].params["name"], "张三");
  EXPECT_EQ(sent[0].params["villages"], "上村、下村、东村等5个村");
  EXPECT_EQ(sent[0].content,
            "【嘉丰镇人民政府】张三您好，上村、下村、东村等5个村本周周报未报送，截止6月28日（周五）"
            "12:00。");
  EXPECT_EQ(fake_.DeliveriesFor("digest/9/sms"), 1);
  EXPECT_EQ(fake_.Requests().at(0).Header("Content-Type"), "application/x-www-form-urlencoded");
}

TEST_F(AliyunSmsChannelTest, AKindWithoutTemplateCodeIsRejectedBeforeAnyRequest) {
  auto ch = Make();
  store::OutboxRow row = Sms("k");
  row.binding = "item_overdue";
  const SendResult r = Send(*ch, row);
  EXPECT_EQ(r.kind, Kind::kMessageRejected);
  EXPECT_NE(r.detail.find("no SMS template code for message kind 'item_overdue'"),
            std::string::npos);
  EXPECT_EQ(fake_.RequestCount(), 0u);
}

TEST_F(AliyunSmsChannelTest, AnInvalidNumberIsRejectedBeforeAnyRequest) {
  auto ch = Make();
  EXPECT_EQ(Send(*ch, Sms("k", "010-12345678")).kind, Kind::kMessageRejected);
  EXPECT_EQ(fake_.RequestCount(), 0u);
}

TEST_F(AliyunSmsChannelTest, BadCredentialsBreakTheChannelWithoutLeakingThem) {
  auto ch = Make("wrongAccessKeySecret0001");
  const SendResult r = Send(*ch, Sms("k"));
  EXPECT_EQ(r.kind, Kind::kChannelBroken);
  EXPECT_NE(r.detail.find("SignatureDoesNotMatch"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("clock"), std::string::npos);
  EXPECT_EQ(r.detail.find("server string to sign"), std::string::npos);
  EXPECT_EQ(r.detail.find("wrongAccessKeySecret"), std::string::npos);
}

TEST_F(AliyunSmsChannelTest, AParameterOverTheProvidersLimitIsARejectedMessage) {
  auto ch = Make(kSecret, Templates(/*villages_max=*/30));
  const SendResult r = Send(*ch, Sms("k"));
  EXPECT_EQ(r.kind, Kind::kMessageRejected);
  EXPECT_NE(r.detail.find("isv.PARAM_LENGTH_LIMIT"), std::string::npos);
}

TEST_F(AliyunSmsChannelTest, FlowControlHoldsThatNumberForTheWindow) {
  auto ch = Make();
  fake_.ForceFault(Fault::ProviderError("isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控Permits:5"));
  const SendResult r = Send(*ch, Sms("a"));
  ASSERT_EQ(r.kind, Kind::kRetryAfter);
  EXPECT_EQ(r.retry_at, clock_.Now() + std::chrono::hours(1));
  // That number waits here; another goes out.
  EXPECT_EQ(Send(*ch, Sms("b")).kind, Kind::kRetryAfter);
  EXPECT_EQ(Send(*ch, Sms("c", "+8613900002222")).kind, Kind::kSent);
  EXPECT_EQ(fake_.RequestCount(), 2u);
}

TEST_F(AliyunSmsChannelTest, TransientFaultsAreRetriedSoon) {
  auto ch = Make();
  fake_.ForceFault(Fault::ProviderError("isp.SYSTEM_ERROR"));
  EXPECT_EQ(Send(*ch, Sms("a")).kind, Kind::kRetrySoon);
  fake_.ForceFault(Fault::HttpError(503));
  EXPECT_EQ(Send(*ch, Sms("b")).kind, Kind::kRetrySoon);
  fake_.ForceFault(Fault::NonJson());
  EXPECT_EQ(Send(*ch, Sms("c")).kind, Kind::kRetrySoon);
  fake_.ForceFault(Fault::Stall(std::chrono::seconds(10)));
  EXPECT_EQ(Send(*ch, Sms("d")).kind, Kind::kRetrySoon);
  fake_.ReleaseStalled();
  fake_.ForceFault(Fault::ProviderError("isv.AMOUNT_NOT_ENOUGH"));
  EXPECT_EQ(Send(*ch, Sms("e")).kind, Kind::kChannelBroken);
}

TEST_F(AliyunSmsChannelTest, PerNumberBudgetIsNeverExceeded) {
  auto ch = Make(kSecret, Templates(), DefaultSmsNumberLimits("aliyun_sms", 3));
  int sent = 0;
  for (int i = 0; i < 5; ++i) {
    if (Send(*ch, Sms("n" + std::to_string(i))).kind == Kind::kSent) ++sent;
    clock_.Advance(std::chrono::minutes(10));
  }
  EXPECT_EQ(sent, 3);
  EXPECT_EQ(fake_.RequestCount(), 3u);
  for (const auto& req : fake_.Requests()) EXPECT_EQ(req.code, "OK");
}

TEST_F(AliyunSmsChannelTest, StatusQueryFindsAMessageThatTimedOutAfterArriving) {
  auto ch = Make();
  store::OutboxRow row = Sms("digest/77/sms");
  row.sending_since = clock_.Now();
  // The provider sends it, but the answer never comes back.
  fake_.ForceFault(Fault::Stall(std::chrono::seconds(10), /*handle_first=*/true));
  EXPECT_EQ(Send(*ch, row).kind, Kind::kRetrySoon);
  fake_.ReleaseStalled();
  EXPECT_TRUE(ch->CanQueryStatus());
  clock_.Advance(std::chrono::minutes(5));
  const StatusAnswer a = Query(*ch, row);
  EXPECT_EQ(a.kind, Answer::kDelivered) << a.detail;
  // A row that never reached the provider.
  store::OutboxRow other = Sms("digest/78/sms");
  other.sending_since = clock_.Now();
  const StatusAnswer b = Query(*ch, other);
  EXPECT_EQ(b.kind, Answer::kNotFound) << b.detail;
  // Without working credentials nobody can tell.
  auto broken = Make("wrongAccessKeySecret0001");
  EXPECT_EQ(Query(*broken, row).kind, Answer::kUnknown);
}

TEST_F(AliyunSmsChannelTest, StatusQueryByBizIdJustAfterMidnight) {
  auto ch = Make();
  clock_.SetNow(*ParseRfc3339("2024-06-28T15:59:30Z"));  // 23:59:30 Beijing
  store::OutboxRow row = Sms("digest/80/sms");
  const SendResult r = Send(*ch, row);
  ASSERT_EQ(r.kind, Kind::kSent);
  row.provider_id = r.provider_id;
  row.sending_since = clock_.Now();
  clock_.Advance(std::chrono::minutes(2));  // the next Beijing day
  const StatusAnswer a = Query(*ch, row);
  EXPECT_EQ(a.kind, Answer::kDelivered) << a.detail;
  EXPECT_EQ(a.provider_id, r.provider_id);
}

}  // namespace
}  // namespace duban::notify
