// TencentSmsChannel against FakeTencentSms over loopback HTTP with real
// libcurl: TC3 signing, per-number codes inside SendStatusSet, status pulls.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fakes/fake_tencent_sms.h"
#include "notify/channel_test_util.h"
#include "notify/channels/sms_channels.h"

namespace duban::notify {
namespace {

using fakes::FakeTencentSms;
using fakes::Fault;
using Kind = SendResult::Kind;
using Answer = StatusAnswer::Kind;

constexpr char kSecretId[] = "AKIDdubanTest0001";
constexpr char kSecretKey[] = "dubanTencentSecretKey01";
constexpr char kAppId[] = "1400006666";

SmsTemplates Templates(size_t max = 12, const std::string& code = "1110") {
  SmsTemplate t{code,
                {{.name = "name", .from = "{{recipient.name}}", .max_chars = max},
                 {.name = "villages", .field = "unit", .counter = "个村", .max_chars = max},
                 {.name = "due", .from = "{{due}}", .max_chars = max}}};
  auto c = SmsTemplates::Compile({{"weekly_report_reminder", t}});
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(*c);
}

class TencentSmsChannelTest : public ::testing::Test, public testing::ChannelHarness {
 protected:
  TencentSmsChannelTest()
      : fake_(&clock_, {.secrets = {{kSecretId, kSecretKey}},
                        .apps = {{kAppId, {.sign_names = {"嘉丰镇人民政府"},
                                           .templates = {{"1110", 3}},
                                           .individual_account = true}}}}) {}
  ~TencentSmsChannelTest() override { http_.reset(); }

  std::unique_ptr<TencentSmsChannel> Make(std::string key = kSecretKey,
                                          SmsTemplates templates = Templates(),
                                          bool own_limits = true) {
    SmsOptions o;
    o.name = "tsms";
    o.url = fake_.base_url() + "/";
    o.key_id = kSecretId;
    o.key_secret = std::move(key);
    o.sign_name = "嘉丰镇人民政府";
    o.sdk_app_id = kAppId;
    o.timeout = std::chrono::milliseconds(500);
    auto per_number = own_limits ? std::make_shared<RateLimiter>(
                                       &clock_, DefaultSmsNumberLimits("tencent_sms", 0))
                                 : nullptr;
    return std::make_unique<TencentSmsChannel>(o, std::move(templates), Deps(), per_number);
  }

  store::OutboxRow Sms(const std::string& key, const std::string& address = "+8613800001111") {
    store::OutboxRow row = Row(key, "张三：上村本周周报尚未报送");
    row.address = address;
    row.params = SampleSmsContext().dump();
    return row;
  }

  FakeTencentSms fake_;
};

TEST_F(TencentSmsChannelTest, SendsTheTemplateParametersInOrderWithTheSessionContext) {
  auto ch = Make();
  const SendResult r = Send(*ch, Sms("digest/9/tsms"));
  ASSERT_EQ(r.kind, Kind::kSent) << r.detail;
  EXPECT_EQ(r.provider_id.rfind("2433:", 0), 0u) << r.provider_id;
  const auto sent = fake_.Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].phone, "+8613800001111");
  EXPECT_EQ(sent[0].template_id, "1110");
  EXPECT_EQ(sent[0].session_context, "digest/9/tsms");
  // Shortened to the individual account's 12 characters.
  EXPECT_EQ(sent[0].params,
            (std::vector<std::string>{"张三", "上村、下村、东村等5个村", "6月28日（周五）12…"}));
  const auto req = fake_.Requests().at(0);
  EXPECT_EQ(req.Header("X-TC-Action"), "SendSms");
  EXPECT_EQ(req.Header("X-TC-Region"), "ap-guangzhou");
}

TEST_F(TencentSmsChannelTest, SignsWithTheUtcDateAfterBeijingMidnight) {
  // 01:30 in Beijing is still the previous day in UTC.
  clock_.SetNow(*ParseRfc3339("2024-06-28T17:30:00Z"));
  auto ch = Make();
  const SendResult r = Send(*ch, Sms("late"));
  EXPECT_EQ(r.kind, Kind::kSent) << r.detail;
}

TEST_F(TencentSmsChannelTest, BadSecretBreaksTheChannel) {
  auto ch = Make("wrongTencentSecretKey01");
  const SendResult r = Send(*ch, Sms("k"));
  EXPECT_EQ(r.kind, Kind::kChannelBroken);
  EXPECT_NE(r.detail.find("AuthFailure.SignatureFailure"), std::string::npos) << r.detail;
  EXPECT_EQ(r.detail.find("wrongTencent"), std::string::npos);
}

TEST_F(TencentSmsChannelTest, UnapprovedTemplateBreaksTheChannel) {
  auto ch = Make(kSecretKey, Templates(12, "9999"));
  const SendResult r = Send(*ch, Sms("k"));
  EXPECT_EQ(r.kind, Kind::kChannelBroken);
  EXPECT_NE(r.detail.find("TemplateIncorrectOrUnapproved"), std::string::npos);
}

TEST_F(TencentSmsChannelTest, OverlongParameterIsARejectedMessage) {
  auto ch = Make(kSecretKey, Templates(30));
  const SendResult r = Send(*ch, Sms("k"));
  EXPECT_EQ(r.kind, Kind::kMessageRejected);
  EXPECT_NE(r.detail.find("TemplateParameterLengthLimit"), std::string::npos);
}

TEST_F(TencentSmsChannelTest, PerNumberCodeInsideSendStatusSetIsRetriedAfterThirtySeconds) {
  auto ch = Make(kSecretKey, Templates(), /*own_limits=*/false);
  EXPECT_EQ(Send(*ch, Sms("a")).kind, Kind::kSent);
  const SendResult r = Send(*ch, Sms("b"));
  ASSERT_EQ(r.kind, Kind::kRetryAfter) << r.detail;
  EXPECT_NE(r.detail.find("LimitExceeded.PhoneNumberThirtySecondLimit"), std::string::npos);
  EXPECT_EQ(r.retry_at, clock_.Now() + std::chrono::seconds(30));
}

TEST_F(TencentSmsChannelTest, OwnPerNumberLimitKeepsBelowTheProviders) {
  auto ch = Make();
  EXPECT_EQ(Send(*ch, Sms("a")).kind, Kind::kSent);
  const SendResult held = Send(*ch, Sms("b"));
  EXPECT_EQ(held.kind, Kind::kRetryAfter);
  EXPECT_EQ(fake_.RequestCount(), 1u);
  EXPECT_EQ(Send(*ch, Sms("c", "+8613900002222")).kind, Kind::kSent);
  clock_.Advance(std::chrono::seconds(31));
  EXPECT_EQ(Send(*ch, Sms("b")).kind, Kind::kSent);
  for (const auto& req : fake_.Requests()) EXPECT_EQ(req.code, "Ok");
}

TEST_F(TencentSmsChannelTest, RequestLevelErrorsMapToOutcomes) {
  auto ch = Make();
  fake_.ForceFault(Fault::ProviderError("InternalError.Timeout"));
  EXPECT_EQ(Send(*ch, Sms("a", "+8613900000001")).kind, Kind::kRetrySoon);
  fake_.ForceFault(Fault::ProviderError("FailedOperation.InsufficientBalanceInSmsPackage"));
  EXPECT_EQ(Send(*ch, Sms("b", "+8613900000002")).kind, Kind::kChannelBroken);
  fake_.ForceFault(Fault::ProviderError("FailedOperation.PhoneNumberInBlacklist"));
  EXPECT_EQ(Send(*ch, Sms("c", "+8613900000003")).kind, Kind::kMessageRejected);
  fake_.ForceFault(Fault::ProviderError("LimitExceeded.PhoneNumberDailyLimit"));
  const SendResult r = Send(*ch, Sms("d", "+8613900000004"));
  ASSERT_EQ(r.kind, Kind::kRetryAfter);
  // 00:05 the next Beijing day.
  EXPECT_EQ(r.retry_at, *ParseRfc3339("2024-06-28T16:05:00Z"));
  fake_.ForceFault(Fault::HttpError(502));
  EXPECT_EQ(Send(*ch, Sms("e", "+8613900000005")).kind, Kind::kRetrySoon);
}

TEST_F(TencentSmsChannelTest, StatusPullFindsTheReceiptBySessionContext) {
  auto ch = Make();
  store::OutboxRow row = Sms("digest/31/tsms");
  row.sending_since = clock_.Now();
  fake_.ForceFault(Fault::DropConnection(/*handle_first=*/true));
  EXPECT_EQ(Send(*ch, row).kind, Kind::kRetrySoon);
  clock_.Advance(std::chrono::minutes(5));
  const StatusAnswer a = Query(*ch, row);
  EXPECT_EQ(a.kind, Answer::kDelivered) << a.detail;
  EXPECT_EQ(a.provider_id.rfind("2433:", 0), 0u);
  store::OutboxRow never = Sms("digest/32/tsms");
  never.sending_since = clock_.Now();
  EXPECT_EQ(Query(*ch, never).kind, Answer::kNotFound);
}

}  // namespace
}  // namespace duban::notify
