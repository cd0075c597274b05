// WebhookChannel against FakeWebhook over loopback HTTP with real libcurl.
#include <gtest/gtest.h>

#include "fakes/fake_webhook.h"
#include "notify/channel_test_util.h"
#include "notify/channels/webhook_channel.h"

namespace duban::notify {
namespace {

using fakes::FakeWebhook;
using fakes::Fault;
using Kind = SendResult::Kind;

constexpr char kSecret[] = "whsec-0123456789";

class WebhookChannelTest : public ::testing::Test, public testing::ChannelHarness {
 protected:
  WebhookChannelTest()
      : fake_(&clock_, {.path = "/hook", .secret = kSecret, .max_body_bytes = 4096,
                        .per_minute = 3}) {}
  ~WebhookChannelTest() override { http_.reset(); }

  std::unique_ptr<WebhookChannel> Make(std::string secret = kSecret, std::string path = "/hook") {
    WebhookOptions o;
    o.name = "county-bridge";
    o.url = fake_.base_url() + path;
    o.secret = std::move(secret);
    o.timeout = std::chrono::milliseconds(500);
    return std::make_unique<WebhookChannel>(o, Deps());
  }

  FakeWebhook fake_;
};

TEST_F(WebhookChannelTest, SignedJsonWithTheIdempotencyKey) {
  auto ch = Make();
  store::OutboxRow row = Row("digest/42/county-bridge", "上村周报未报送");
  row.items = {5, 6};
  row.severity = "warning";
  const SendResult r = Send(*ch, row);
  ASSERT_EQ(r.kind, Kind::kSent) << r.detail;
  const auto req = fake_.Requests().at(0);
  EXPECT_EQ(req.Header("X-Duban-Idempotency-Key"), "digest/42/county-bridge");
  EXPECT_FALSE(req.Header("X-Duban-Signature").empty());
  const auto body = fake_.Delivered().at(0).body;
  EXPECT_EQ(body["id"], "digest/42/county-bridge");
  EXPECT_EQ(body["recipient"], "jf-shangcun-liaison");
  EXPECT_EQ(body["kind"], "weekly_report_reminder");
  EXPECT_EQ(body["severity"], "warning");
  EXPECT_EQ(body["body"], "上村周报未报送");
  EXPECT_EQ(body["items"], nlohmann::json::array({5, 6}));
  EXPECT_EQ(body["test"], false);
}

TEST_F(WebhookChannelTest, ARetryCarriesTheSameKeySoTheReceiverCanDropIt) {
  auto ch = Make();
  const store::OutboxRow row = Row("digest/43/county-bridge", "x");
  fake_.ForceFault(Fault::Stall(std::chrono::seconds(10), /*handle_first=*/true));
  EXPECT_EQ(Send(*ch, row).kind, Kind::kRetrySoon);  // timed out, but delivered
  fake_.ReleaseStalled();
  EXPECT_EQ(Send(*ch, row).kind, Kind::kSent);
  // It arrived twice, under one key, and the receiver acted on it once.
  ASSERT_EQ(fake_.Delivered().size(), 2u);
  EXPECT_EQ(fake_.Delivered().at(1).idempotency_key, "digest/43/county-bridge");
  EXPECT_EQ(fake_.DeliveriesFor("digest/43/county-bridge"), 1);
}

TEST_F(WebhookChannelTest, StatusesMapToOutcomes) {
  auto bad_secret = Make("whsec-wrong-secret");
  SendResult r = Send(*bad_secret, Row("a", "x"));
  EXPECT_EQ(r.kind, Kind::kChannelBroken);
  EXPECT_EQ(r.detail.find("whsec"), std::string::npos);
  auto wrong_path = Make(kSecret, "/nope");
  EXPECT_EQ(Send(*wrong_path, Row("b", "x")).kind, Kind::kChannelBroken);
  auto ch = Make();
  EXPECT_EQ(Send(*ch, Row("c", std::string(5000, 'x'))).kind, Kind::kMessageRejected);  // 413
  fake_.ForceFault(Fault::HttpError(503));
  EXPECT_EQ(Send(*ch, Row("d", "x")).kind, Kind::kRetrySoon);
  fake_.ForceFault(Fault::DropConnection());
  EXPECT_EQ(Send(*ch, Row("e", "x")).kind, Kind::kRetrySoon);
}

TEST_F(WebhookChannelTest, TooManyRequestsIsRetriedAfterRetryAfter) {
  auto ch = Make();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Send(*ch, Row(std::to_string(i), "x")).kind, Kind::kSent);
  const SendResult r = Send(*ch, Row("4", "x"));
  ASSERT_EQ(r.kind, Kind::kRetryAfter) << r.detail;
  EXPECT_EQ(r.retry_at, clock_.Now() + std::chrono::seconds(60));
}

}  // namespace
}  // namespace duban::notify
