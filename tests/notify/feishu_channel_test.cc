// FeishuChannel against FakeFeishu over loopback HTTP with real libcurl.
#include <gtest/gtest.h>

#include "fakes/fake_feishu.h"
#include "notify/channel_test_util.h"
#include "notify/channels/robots.h"

namespace duban::notify {
namespace {

using fakes::FakeFeishu;
using fakes::Fault;
using Kind = SendResult::Kind;

constexpr char kToken[] = "2c9e8a47-hook-token";
constexpr char kSecret[] = "feishu-bot-secret";

class FeishuChannelTest : public ::testing::Test, public testing::ChannelHarness {
 protected:
  FeishuChannelTest()
      : fake_(&clock_, {.bots = {{kToken, {.secret = kSecret}},
                                 {"kw-token", {.keywords = {"督办"}}}},
                        .rate_limit_http_status = 429}) {}
  ~FeishuChannelTest() override { http_.reset(); }

  std::unique_ptr<FeishuChannel> Make(std::string token = kToken, std::string secret = kSecret,
                                      std::string keyword = "") {
    RobotOptions o;
    o.name = "county-feishu";
    o.url = fake_.base_url() + "/open-apis/bot/v2/hook/";
    o.token = std::move(token);
    o.secret = std::move(secret);
    o.keyword = std::move(keyword);
    o.timeout = std::chrono::milliseconds(500);
    return std::make_unique<FeishuChannel>(o, Deps(DefaultRobotLimits("feishu", 0)));
  }

  store::OutboxRow Digest(const std::string& key = "digest/1/county-feishu") {
    return Row(key, "### 周报未报送\n- **上村**\n");
  }

  FakeFeishu fake_;
};

TEST_F(FeishuChannelTest, SignedCardWithOpenIdMentionIsAccepted) {
  auto ch = Make();
  const SendResult r = Send(*ch, Digest());
  ASSERT_EQ(r.kind, Kind::kSent) << r.detail;
  EXPECT_EQ(r.detail, "code 0: success");
  const auto delivered = fake_.Delivered();
  ASSERT_EQ(delivered.size(), 1u);
  const auto& body = delivered[0].body;
  EXPECT_EQ(body["msg_type"], "interactive");
  EXPECT_TRUE(body["timestamp"].is_string());
  EXPECT_EQ(body["card"]["header"]["title"]["content"], "周报未报送");
  const auto& element = body["card"]["elements"][0]["text"];
  EXPECT_EQ(element["tag"], "lark_md");
  const std::string text = element["content"];
  EXPECT_NE(text.find("- **上村**"), std::string::npos);
  EXPECT_NE(text.find("<at id=ou_zhangsan></at>"), std::string::npos);
}

TEST_F(FeishuChannelTest, BadSignatureOrTokenBreaksTheChannel) {
  auto wrong = Make(kToken, "another-secret-value");
  const SendResult r = Send(*wrong, Digest());
  EXPECT_EQ(r.kind, Kind::kChannelBroken);
  EXPECT_NE(r.detail.find("19021"), std::string::npos);
  EXPECT_NE(r.detail.find("clock"), std::string::npos);
  EXPECT_EQ(r.detail.find("another-secret"), std::string::npos);
  auto unknown = Make("unknown-hook-token", "");
  EXPECT_EQ(Send(*unknown, Digest()).kind, Kind::kChannelBroken);
}

TEST_F(FeishuChannelTest, KeywordIsAddedOrTheMessageIsRejected) {
  auto with = Make("kw-token", "", "督办");
  EXPECT_EQ(Send(*with, Digest()).kind, Kind::kSent);
  auto without = Make("kw-token", "", "");
  const SendResult r = Send(*without, Digest());
  EXPECT_EQ(r.kind, Kind::kMessageRejected);
  EXPECT_NE(r.detail.find("19024"), std::string::npos);
}

TEST_F(FeishuChannelTest, RateLimitCodesAreRetriedAfterAMinute) {
  auto ch = Make();
  fake_.ForceFault(Fault::ProviderError("11232", "frequency limited"));  // HTTP 429
  SendResult r = Send(*ch, Digest());
  ASSERT_EQ(r.kind, Kind::kRetryAfter) << r.detail;
  EXPECT_EQ(r.retry_at, clock_.Now() + std::chrono::minutes(1));
  clock_.Advance(std::chrono::minutes(1));
  fake_.ForceFault(Fault::ProviderError("9499", "too many request"));
  r = Send(*ch, Digest());
  EXPECT_EQ(r.kind, Kind::kRetryAfter) << r.detail;
  clock_.Advance(std::chrono::minutes(1));
  fake_.ForceFault(Fault::ProviderError("9499", "Bad Request"));
  EXPECT_EQ(Send(*ch, Digest()).kind, Kind::kMessageRejected);
  fake_.ForceFault(Fault::HttpError(500));
  EXPECT_EQ(Send(*ch, Digest()).kind, Kind::kRetrySoon);
}

TEST_F(FeishuChannelTest, StaysWithinFivePerSecond) {
  auto ch = Make();
  int sent = 0;
  SystemTime next{};
  for (int i = 0; i < 12; ++i) {
    const SendResult r = Send(*ch, Digest("d" + std::to_string(i)));
    if (r.kind == Kind::kSent) ++sent;
    if (r.kind == Kind::kRetryAfter) next = r.retry_at;
  }
  EXPECT_EQ(sent, 5);
  EXPECT_EQ(next, clock_.Now() + std::chrono::seconds(2));  // 1 s window + margin
  for (const auto& req : fake_.Requests()) EXPECT_EQ(req.code, "0") << "the fake throttled us";
  clock_.Advance(std::chrono::seconds(2));
  EXPECT_EQ(Send(*ch, Digest("later")).kind, Kind::kSent);
}

TEST_F(FeishuChannelTest, BodyStaysUnderTwentyKilobytes) {
  auto ch = Make();
  std::string body;
  for (int i = 0; i < 3000; ++i) body += "- 上村第" + std::to_string(i) + "户\n";
  ASSERT_GT(body.size(), 20u * 1024);
  EXPECT_EQ(Send(*ch, Row("big", body)).kind, Kind::kSent);
  EXPECT_LE(fake_.Requests().at(0).body.size(), FeishuChannel::kMaxBodyBytes);
}

}  // namespace
}  // namespace duban::notify
