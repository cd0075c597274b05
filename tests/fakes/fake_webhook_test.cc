// FakeWebhook, and through it the FakeServer machinery every fake shares:
// the request log, per-key counts and the forced faults.
#include "fakes/fake_webhook.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <future>

#include "notify/channels/signing.h"

namespace duban::fakes {
namespace {

constexpr int64_t kNow = 1700000000;  // 2023-11-14T22:13:20Z
constexpr char kSecret[] = "whsec_test";

class FakeWebhookTest : public ::testing::Test {
 protected:
  FakeWebhookTest()
      : clock_(SystemTime(std::chrono::seconds(kNow))),
        fake_(&clock_, {.secret = kSecret, .per_minute = 3}),
        client_(fake_.base_url()) {}

  httplib::Result Send(const std::string& key, const std::string& body,
                       int64_t ts = kNow, std::string signature = {}) {
    if (signature.empty()) signature = notify::WebhookSignature(kSecret, ts, body);
    httplib::Headers headers = {{"X-Duban-Timestamp", std::to_string(ts)},
                                {"X-Duban-Signature", signature}};
    if (!key.empty()) headers.emplace("X-Duban-Idempotency-Key", key);
    return client_.Post("/hook", headers, body, "application/json");
  }

  VirtualClock clock_;
  FakeWebhook fake_;
  httplib::Client client_;
};

TEST_F(FakeWebhookTest, AcceptsSignedRequestAndLogsIt) {
  auto res = Send("outbox-1", R"({"text":"提醒"})");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(nlohmann::json::parse(res->body)["duplicate"], false);
  const auto log = fake_.Requests();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].method, "POST");
  EXPECT_EQ(log[0].path, "/hook");
  EXPECT_EQ(log[0].body, R"({"text":"提醒"})");
  EXPECT_EQ(log[0].Header("x-duban-idempotency-key"), "outbox-1");
  EXPECT_EQ(log[0].code, "200");
  EXPECT_EQ(log[0].idempotency_key, "outbox-1");
  EXPECT_EQ(fake_.DeliveriesFor("outbox-1"), 1);
  ASSERT_EQ(fake_.Delivered().size(), 1u);
  EXPECT_EQ(fake_.Delivered()[0].body["text"], "提醒");
}

TEST_F(FakeWebhookTest, ListsRepeatsOfOneKeyButActsOnThemOnce) {
  ASSERT_EQ(Send("k", "{}")->status, 200);
  auto again = Send("k", "{}");
  EXPECT_EQ(nlohmann::json::parse(again->body)["duplicate"], true);
  EXPECT_EQ(fake_.Delivered().size(), 2u);
  EXPECT_EQ(fake_.DeliveriesFor("k"), 1);
  ASSERT_EQ(Send("other", "{}")->status, 200);
  EXPECT_EQ(fake_.TotalDeliveries(), 2);
}

TEST_F(FakeWebhookTest, RejectsBadSignatureStaleTimeBigBodyAndMissingKey) {
  EXPECT_EQ(Send("k", "{}", kNow, std::string(64, '0'))->status, 401);
  EXPECT_EQ(Send("k", "{}", kNow - 301)->status, 401);
  EXPECT_EQ(Send("k", "{\"x\":\"" + std::string(70000, 'a') + "\"}")->status, 413);
  EXPECT_EQ(Send("", "{}")->status, 400);
  EXPECT_EQ(Send("k", "not json")->status, 400);
  EXPECT_EQ(client_.Get("/hook")->status, 405);
  EXPECT_EQ(fake_.TotalDeliveries(), 0);
}

TEST_F(FakeWebhookTest, RateLimitsWithRetryAfterAndRecovers) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Send("k", "{}")->status, 200);
  auto limited = Send("k", "{}");
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->get_header_value("Retry-After"), "60");
  clock_.Advance(std::chrono::seconds(61));
  EXPECT_EQ(Send("k", "{}", kNow + 61)->status, 200);
}

TEST_F(FakeWebhookTest, ForcedHttpErrorsAndNonJsonApplyToTheNextNCalls) {
  fake_.ForceFault(Fault::HttpError(502), 2);
  fake_.ForceFault(Fault::NonJson());
  EXPECT_EQ(Send("k", "{}")->status, 502);
  EXPECT_EQ(Send("k", "{}")->status, 502);
  auto garbage = Send("k", "{}");
  EXPECT_EQ(garbage->status, 200);
  EXPECT_TRUE(nlohmann::json::parse(garbage->body, nullptr, false).is_discarded());
  EXPECT_EQ(Send("k", "{}")->status, 200);
  const auto log = fake_.Requests();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].fault, "http_error");
  EXPECT_EQ(log[2].fault, "non_json");
  EXPECT_EQ(log[3].fault, "");
  EXPECT_EQ(fake_.DeliveriesFor("k"), 1);  // faults did not deliver
}

TEST_F(FakeWebhookTest, ForcedProviderErrorUsesTheGivenStatus) {
  fake_.ForceFault(Fault::ProviderError("503", "maintenance"));
  auto res = Send("k", "{}");
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(nlohmann::json::parse(res->body)["error"], "maintenance");
}

TEST_F(FakeWebhookTest, StalledRequestAnswersWhenReleased) {
  fake_.ForceFault(Fault::Stall());
  auto pending = std::async(std::launch::async, [&] { return Send("k", "{}"); });
  ASSERT_TRUE(fake_.WaitForStalled(1));
  EXPECT_EQ(pending.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  EXPECT_EQ(fake_.DeliveriesFor("k"), 0);  // not handled before release
  fake_.ReleaseStalled();
  auto res = pending.get();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(fake_.DeliveriesFor("k"), 1);
}

TEST_F(FakeWebhookTest, StallCanTimeOutTheClientAfterTheMessageTookEffect) {
  fake_.ForceFault(Fault::Stall(std::chrono::seconds(5), /*handle_first=*/true));
  client_.set_read_timeout(std::chrono::milliseconds(50));
  auto res = Send("k", "{}");
  EXPECT_FALSE(res);
  EXPECT_EQ(res.error(), httplib::Error::Read);
  EXPECT_EQ(fake_.DeliveriesFor("k"), 1);  // sent, though the client timed out
  fake_.ReleaseStalled();
}

TEST_F(FakeWebhookTest, DroppedConnectionIsAReadErrorForTheClient) {
  fake_.ForceFault(Fault::DropConnection());
  auto res = Send("k", "{}");
  EXPECT_FALSE(res);
  EXPECT_EQ(fake_.Requests().at(0).fault, "drop_connection");
  EXPECT_EQ(fake_.Requests().at(0).http_status, 0);
  EXPECT_EQ(fake_.DeliveriesFor("k"), 0);
  EXPECT_EQ(Send("k", "{}")->status, 200);  // only the next call was faulty
}

TEST(FakeServerLifetimeTest, StopsCleanlyWithAStalledRequestInFlight) {
  VirtualClock clock{SystemTime(std::chrono::seconds(kNow))};
  std::future<httplib::Result> pending;
  {
    FakeWebhook fake(&clock, {.require_idempotency_key = false});
    fake.ForceFault(Fault::Stall(std::chrono::seconds(30)));
    pending = std::async(std::launch::async, [url = fake.base_url()] {
      httplib::Client client(url);
      return client.Post("/hook", "{}", "application/json");
    });
    ASSERT_TRUE(fake.WaitForStalled(1));
  }  // the destructor wakes the stalled handler and joins
  pending.wait();
}

}  // namespace
}  // namespace duban::fakes
