// WeComChannel against FakeWeCom over loopback HTTP with real libcurl.
#include <gtest/gtest.h>

#include "fakes/fake_wecom.h"
#include "notify/channel_test_util.h"
#include "notify/channels/robots.h"

namespace duban::notify {
namespace {

using fakes::FakeWeCom;
using fakes::Fault;
using Kind = SendResult::Kind;

constexpr char kKey[] = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";

class WeComChannelTest : public ::testing::Test, public testing::ChannelHarness {
 protected:
  WeComChannelTest() : fake_(&clock_, {.keys = {kKey}}) {}
  ~WeComChannelTest() override { http_.reset(); }

  std::unique_ptr<WeComChannel> Make(std::string key = kKey, bool mention = true) {
    RobotOptions o;
    o.name = "town-wecom";
    o.url = fake_.base_url() + "/cgi-bin/webhook/send";
    o.token = std::move(key);
    o.mention = mention;
    o.timeout = std::chrono::milliseconds(500);
    return std::make_unique<WeComChannel>(o, Deps(DefaultRobotLimits("wecom", 0)));
  }

  store::OutboxRow Digest(const std::string& key = "digest/1/town-wecom") {
    return Row(key, "### 周报未报送\n- 上村\n- 下村\n");
  }

  FakeWeCom fake_;
};

TEST_F(WeComChannelTest, MarkdownThenATextThatMentionsByMobile) {
  auto ch = Make();
  const SendResult r = Send(*ch, Digest());
  ASSERT_EQ(r.kind, Kind::kSent) << r.detail;
  EXPECT_EQ(r.detail, "errcode 0: ok; @mention sent");
  const auto delivered = fake_.Delivered();
  ASSERT_EQ(delivered.size(), 2u);
  EXPECT_EQ(delivered[0].msgtype, "markdown");
  EXPECT_EQ(delivered[0].content, "### 周报未报送\n- 上村\n- 下村\n");
  EXPECT_EQ(delivered[1].msgtype, "text");
  EXPECT_EQ(delivered[1].mentioned_mobiles, std::vector<std::string>{"13800001111"});
  EXPECT_NE(delivered[1].content.find("张三"), std::string::npos);
}

TEST_F(WeComChannelTest, NoMentionMeansOneMessage) {
  auto ch = Make(kKey, /*mention=*/false);
  EXPECT_EQ(Send(*ch, Digest()).kind, Kind::kSent);
  EXPECT_EQ(fake_.Delivered().size(), 1u);
}

TEST_F(WeComChannelTest, LongMarkdownIsCutAtACharacterBoundaryWithAMarker) {
  auto ch = Make(kKey, false);
  std::string body = "### 未整改隐患房屋\n";
  for (int i = 0; i < 400; ++i) body += "- 嘉丰镇上村第" + std::to_string(i) + "号房屋\n";
  ASSERT_GT(body.size(), 4096u);
  const SendResult r = Send(*ch, Row("long", body));
  ASSERT_EQ(r.kind, Kind::kSent) << r.detail;
  const std::string content = fake_.Delivered().at(0).content;
  EXPECT_LE(content.size(), WeComChannel::kMarkdownMaxBytes);
  EXPECT_GT(content.size(), 3500u);
  EXPECT_NE(content.find("已截断"), std::string::npos);
  // Cut at a line: the last listed house is whole.
  const size_t marker = content.find("\n…（内容过长");
  ASSERT_NE(marker, std::string::npos);
  const std::string line_end = "号房屋\n";
  EXPECT_EQ(content.substr(marker - line_end.size(), line_end.size()), line_end);
}

TEST_F(WeComChannelTest, ErrorCodesMapToOutcomes) {
  auto ch = Make(kKey, false);
  fake_.ForceFault(Fault::ProviderError("40058", "invalid parameter"));
  EXPECT_EQ(Send(*ch, Digest()).kind, Kind::kMessageRejected);
  fake_.ForceFault(Fault::ProviderError("93004", "robot disabled"));
  EXPECT_EQ(Send(*ch, Digest()).kind, Kind::kChannelBroken);
  fake_.ForceFault(Fault::ProviderError("-1", "system busy"));
  EXPECT_EQ(Send(*ch, Digest()).kind, Kind::kRetrySoon);
  fake_.ForceFault(Fault::HttpError(502));
  EXPECT_EQ(Send(*ch, Digest()).kind, Kind::kRetrySoon);
  fake_.ForceFault(Fault::Stall(std::chrono::seconds(10)));
  EXPECT_EQ(Send(*ch, Digest()).kind, Kind::kRetrySoon);
  fake_.ReleaseStalled();
}

TEST_F(WeComChannelTest, UnknownKeyBreaksTheChannelWithoutShowingTheKey) {
  auto ch = Make("11111111-2222-3333-4444-555555555555", false);
  const SendResult r = Send(*ch, Digest());
  EXPECT_EQ(r.kind, Kind::kChannelBroken);
  EXPECT_NE(r.detail.find("93000"), std::string::npos);
  EXPECT_EQ(r.detail.find("11111111-2222"), std::string::npos);
  EXPECT_EQ(r.detail.find("hint"), std::string::npos);
}

TEST_F(WeComChannelTest, ThrottleHoldsTheRobotForAMinute) {
  auto ch = Make(kKey, false);
  fake_.ForceFault(Fault::ProviderError("45009", "api freq out of limit"));
  const SendResult r = Send(*ch, Digest());
  ASSERT_EQ(r.kind, Kind::kRetryAfter);
  EXPECT_EQ(r.retry_at, clock_.Now() + std::chrono::minutes(1));
  EXPECT_EQ(Send(*ch, Digest()).kind, Kind::kRetryAfter);
  EXPECT_EQ(fake_.RequestCount(), 1u);
}

TEST_F(WeComChannelTest, AFailedMentionDoesNotResendTheMarkdown) {
  auto ch = Make();
  fake_.ForceFault(Fault::ProviderError("0", "ok"));
  fake_.ForceFault(Fault::HttpError(503));
  const SendResult r = Send(*ch, Digest());
  EXPECT_EQ(r.kind, Kind::kSent);
  EXPECT_NE(r.detail.find("@mention not delivered: HTTP 503"), std::string::npos) << r.detail;
}

TEST_F(WeComChannelTest, MentionsCostTwoOfTheTwentyAMinute) {
  auto ch = Make();
  int sent = 0;
  for (int i = 0; i < 15; ++i) {
    if (Send(*ch, Digest("d" + std::to_string(i))).kind == Kind::kSent) ++sent;
  }
  EXPECT_EQ(sent, 10);
  EXPECT_EQ(fake_.Delivered().size(), 20u);
  for (const auto& req : fake_.Requests()) EXPECT_EQ(req.code, "0") << "the fake throttled us";
  clock_.Advance(std::chrono::seconds(61));
  EXPECT_EQ(Send(*ch, Digest("later")).kind, Kind::kSent);
}

}  // namespace
}  // namespace duban::notify
