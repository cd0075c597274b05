// DingTalkChannel against FakeDingTalk over loopback HTTP with real libcurl.
#include <gtest/gtest.h>

#include "fakes/fake_dingtalk.h"
#include "notify/channel_test_util.h"
#include "notify/channels/robots.h"

namespace duban::notify {
namespace {

using fakes::FakeDingTalk;
using fakes::Fault;
using Kind = SendResult::Kind;

// The channels.md §1 worked example.
constexpr char kSecret[] = "SECexample0123456789";
constexpr int64_t kTsMs = 1700000000005;
constexpr char kToken[] = "tok-0123456789abcdef";

class DingTalkChannelTest : public ::testing::Test, public testing::ChannelHarness {
 protected:
  DingTalkChannelTest()
      : fake_(&clock_, {.robots = {{kToken, {.secret = kSecret}},
                                   {"kw-robot-token", {.keywords = {"督办"}}}}}) {
    clock_.SetNow(FromUnixMillis(kTsMs));
  }
  // Closes the client's kept-alive connections before the fake stops.
  ~DingTalkChannelTest() override { http_.reset(); }

  std::unique_ptr<DingTalkChannel> Make(std::string token = kToken,
                                        std::string secret = kSecret,
                                        std::string keyword = "") {
    RobotOptions o;
    o.name = "town-robot";
    o.url = fake_.base_url() + "/robot/send";
    o.token = std::move(token);
    o.secret = std::move(secret);
    o.keyword = std::move(keyword);
    o.timeout = std::chrono::milliseconds(500);
    return std::make_unique<DingTalkChannel>(o, Deps(DefaultRobotLimits("dingtalk", 0)));
  }

  store::OutboxRow Digest(const std::string& key = "digest/1/town-robot") {
    return Row(key, "### 周报未报送（2个单位）\n截至 **6月28日 12:00**：\n\n- 上村\n- 下村\n");
  }

  FakeDingTalk fake_;
};

TEST_F(DingTalkChannelTest, SignedMarkdownWithMentionIsAccepted) {
  auto ch = Make();
  const SendResult r = Send(*ch, Digest());
  ASSERT_EQ(r.kind, Kind::kSent) << r.detail;
  EXPECT_EQ(r.detail, "errcode 0: ok");
  // Signed exactly as the worked example, '+' and '/' URL-encoded.
  const auto req = fake_.Requests().at(0);
  EXPECT_NE(req.target.find("&timestamp=1700000000005&sign=Loq%2F%2B0zEmVCRGs5fpiBuhpjcKwLIs"
                            "BSmz64QbWIFQs8%3D"),
            std::string::npos)
      << req.target;
  EXPECT_EQ(req.Header("Content-Type"), "application/json;charset=utf-8");
  const auto delivered = fake_.Delivered();
  ASSERT_EQ(delivered.size(), 1u);
  const auto& body = delivered[0].body;
  EXPECT_EQ(body["msgtype"], "markdown");
  EXPECT_EQ(body["markdown"]["title"], "周报未报送（2个单位）");
  const std::string text = body["markdown"]["text"];
  EXPECT_NE(text.find("- 下村"), std::string::npos);
  EXPECT_NE(text.find("@13800001111"), std::string::npos);
  EXPECT_EQ(body["at"]["atMobiles"], nlohmann::json::array({"13800001111"}));
  EXPECT_EQ(body["at"]["isAtAll"], false);
}

TEST_F(DingTalkChannelTest, AddsTheRobotKeywordWhenTheMessageLacksIt) {
  auto ch = Make("kw-robot-token", "", "督办");
  EXPECT_EQ(Send(*ch, Digest()).kind, Kind::kSent);
  EXPECT_EQ(fake_.Delivered().size(), 1u);
}

TEST_F(DingTalkChannelTest, MissingKeywordIsARejectedMessage) {
  auto ch = Make("kw-robot-token", "", "");
  const SendResult r = Send(*ch, Digest());
  EXPECT_EQ(r.kind, Kind::kMessageRejected) << r.detail;
  EXPECT_NE(r.detail.find("keywords not in content"), std::string::npos);
}

TEST_F(DingTalkChannelTest, BadSignatureBreaksTheChannelAndNamesTheClock) {
  auto ch = Make(kToken, "SECwrong-secret-value");
  const SendResult r = Send(*ch, Digest());
  EXPECT_EQ(r.kind, Kind::kChannelBroken);
  EXPECT_NE(r.detail.find("310000: sign not match"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("clock"), std::string::npos);
  EXPECT_EQ(r.detail.find("SECwrong"), std::string::npos) << "never report a secret";
  EXPECT_EQ(r.detail.find(kToken), std::string::npos);
}

TEST_F(DingTalkChannelTest, UnknownTokenBreaksTheChannel) {
  auto ch = Make("tok-not-configured", "");
  const SendResult r = Send(*ch, Digest());
  EXPECT_EQ(r.kind, Kind::kChannelBroken);
  EXPECT_EQ(r.detail, "errcode 300001: token is not exist");
}

TEST_F(DingTalkChannelTest, TransientFaultsAreRetriedSoonAndNeverSent) {
  auto ch = Make();
  fake_.ForceFault(Fault::HttpError(503));
  EXPECT_EQ(Send(*ch, Digest()).kind, Kind::kRetrySoon);
  fake_.ForceFault(Fault::NonJson());
  EXPECT_EQ(Send(*ch, Digest()).kind, Kind::kRetrySoon);
  fake_.ForceFault(Fault::ProviderError("-1", "系统繁忙"));
  EXPECT_EQ(Send(*ch, Digest()).kind, Kind::kRetrySoon);
  fake_.ForceFault(Fault::DropConnection());
  EXPECT_EQ(Send(*ch, Digest()).kind, Kind::kRetrySoon);
  EXPECT_EQ(fake_.Delivered().size(), 0u);
  fake_.ForceFault(Fault::Stall(std::chrono::seconds(10)));
  const SendResult r = Send(*ch, Digest());
  EXPECT_EQ(r.kind, Kind::kRetrySoon);
  EXPECT_NE(r.detail.find("timed out"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("may have received it"), std::string::npos) << r.detail;
  fake_.ReleaseStalled();
}

TEST_F(DingTalkChannelTest, OurBugsAreRejectedMessages) {
  auto ch = Make();
  fake_.ForceFault(Fault::ProviderError("40035", "缺少参数 json"));
  EXPECT_EQ(Send(*ch, Digest()).kind, Kind::kMessageRejected);
  fake_.ForceFault(Fault::ProviderError("400105", "不支持的消息类型"));
  EXPECT_EQ(Send(*ch, Digest()).kind, Kind::kMessageRejected);
}

TEST_F(DingTalkChannelTest, ProviderThrottleHoldsTheWholeRobotForTenMinutes) {
  auto ch = Make();
  fake_.ForceFault(Fault::ProviderError("130101", "send too fast, exceed 20 times per minute"));
  const SendResult r = Send(*ch, Digest());
  ASSERT_EQ(r.kind, Kind::kRetryAfter);
  EXPECT_EQ(r.retry_at, clock_.Now() + std::chrono::minutes(10));
  // The next row is held here, without a request.
  clock_.Advance(std::chrono::minutes(3));
  const SendResult held = Send(*ch, Digest("digest/2/town-robot"));
  EXPECT_EQ(held.kind, Kind::kRetryAfter);
  EXPECT_EQ(held.retry_at, clock_.Now() + std::chrono::minutes(7));
  EXPECT_EQ(fake_.RequestCount(), 1u);
  clock_.Advance(std::chrono::minutes(7));
  EXPECT_EQ(Send(*ch, Digest("digest/3/town-robot")).kind, Kind::kSent);
}

TEST_F(DingTalkChannelTest, NeverExceedsTwentyAMinute) {
  auto ch = Make();
  int sent = 0;
  int held = 0;
  // 120 rows, two every 1.5 s (90 s): four times what the robot takes.
  for (int i = 0; i < 120; ++i) {
    const SendResult r = Send(*ch, Digest("digest/" + std::to_string(i)));
    if (r.kind == Kind::kSent) ++sent;
    if (r.kind == Kind::kRetryAfter) {
      ++held;
      EXPECT_GT(r.retry_at, clock_.Now());
      EXPECT_EQ(r.detail.rfind(kHeldPrefix, 0), 0u) << r.detail;
    }
    if (i % 2 == 1) clock_.Advance(std::chrono::milliseconds(1500));
  }
  EXPECT_EQ(sent + held, 120);
  // The first 20 at once, 20 more as those age out after 61 s, and no more
  // until those age out in turn.
  EXPECT_EQ(sent, 40);
  for (const auto& req : fake_.Requests()) EXPECT_EQ(req.code, "0") << "the fake throttled us";
}

TEST_F(DingTalkChannelTest, OversizedMessageIsCutNotRefused) {
  auto ch = Make();
  std::string body = "### 名单\n";
  for (int i = 0; i < 2000; ++i) body += "- 上村第" + std::to_string(i) + "户\n";
  ASSERT_GT(body.size(), 20000u);
  EXPECT_EQ(Send(*ch, Row("big", body)).kind, Kind::kSent);
  const std::string text = fake_.Delivered().at(0).body["markdown"]["text"];
  EXPECT_NE(text.find("已截断"), std::string::npos);
}

}  // namespace
}  // namespace duban::notify
