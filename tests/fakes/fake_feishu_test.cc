#include "fakes/fake_feishu.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include "notify/channels/signing.h"

namespace duban::fakes {
namespace {

// channels.md §3, second vector.
constexpr char kSecret[] = "demo";
constexpr int64_t kTs = 1599360473;

class FakeFeishuTest : public ::testing::Test {
 protected:
  FakeFeishuTest()
      : clock_(SystemTime(std::chrono::seconds(kTs + 30))),
        fake_(&clock_, {.bots = {{"signed", {.secret = kSecret}},
                                 {"plain", {}},
                                 {"kw", {.keywords = {"督办"}}},
                                 {"walled", {.ip_allowlist = {"10.0.0.0/8"}}}}}),
        client_(fake_.base_url()) {}

  static nlohmann::json Text(const std::string& text) {
    return {{"msg_type", "text"}, {"content", {{"text", text}}}};
  }
  static nlohmann::json Signed(nlohmann::json body, const std::string& secret,
                               int64_t ts = kTs) {
    body["timestamp"] = std::to_string(ts);
    body["sign"] = notify::FeishuSign(secret, ts);
    return body;
  }
  httplib::Result Post(const std::string& token, const std::string& body) {
    return client_.Post("/open-apis/bot/v2/hook/" + token, body, "application/json");
  }
  nlohmann::json Send(const std::string& token, const nlohmann::json& body) {
    auto res = Post(token, body.dump());
    EXPECT_TRUE(res);
    return res ? nlohmann::json::parse(res->body) : nlohmann::json();
  }

  VirtualClock clock_;
  FakeFeishu fake_;
  httplib::Client client_;
};

TEST_F(FakeFeishuTest, SignedTextGetsTheFullSuccessShape) {
  ASSERT_EQ(notify::FeishuSign(kSecret, kTs), "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=");
  auto res = Post("signed", Signed(Text("请提交"), kSecret).dump());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(nlohmann::json::parse(res->body),
            (nlohmann::json{{"StatusCode", 0}, {"StatusMessage", "success"}, {"code", 0},
                            {"data", nlohmann::json::object()}, {"msg", "success"}}));
  ASSERT_EQ(fake_.Delivered().size(), 1u);
  EXPECT_EQ(fake_.Delivered()[0].msg_type, "text");
}

TEST_F(FakeFeishuTest, BadSignatureOrStaleTimestampIs19021) {
  EXPECT_EQ(Send("signed", Signed(Text("x"), "wrong"))["code"], 19021);
  EXPECT_EQ(Send("signed", Text("x"))["code"], 19021);
  // A millisecond timestamp (the DingTalk habit) is far outside the window.
  nlohmann::json ms = Text("x");
  ms["timestamp"] = std::to_string(kTs * 1000);
  ms["sign"] = notify::FeishuSign(kSecret, kTs * 1000);
  EXPECT_EQ(Send("signed", ms)["code"], 19021);
  EXPECT_EQ(Send("signed", Signed(Text("x"), kSecret, kTs - 3600))["code"], 19021);
  EXPECT_EQ(Send("signed", Signed(Text("x"), kSecret, kTs + 3600))["code"], 0);
}

TEST_F(FakeFeishuTest, UnknownTokenIpKeywordsAndBadBodies) {
  EXPECT_EQ(Send("nope", Text("x"))["code"], 19001);
  EXPECT_EQ(Send("walled", Text("x")),
            (nlohmann::json{{"code", 19022}, {"data", nlohmann::json::object()},
                            {"msg", "Ip Not Allowed"}}));
  EXPECT_EQ(Send("kw", Text("hello"))["code"], 19024);
  EXPECT_EQ(Send("kw", Text("【督办】"))["code"], 0);
  auto bad = Post("plain", "{oops");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad->body)["code"], 9499);
  EXPECT_EQ(Send("plain", {{"msg_type", "text"}})["code"], 9499);
  EXPECT_EQ(Send("plain", {{"msg_type", "interactive"}, {"content", {{"text", "x"}}}})["code"],
            9499);
}

TEST_F(FakeFeishuTest, BodyOver20KBIsBadRequest) {
  EXPECT_EQ(Send("plain", Text(std::string(20 * 1024, 'a')))["code"], 9499);
  EXPECT_EQ(Send("plain", Text(std::string(20 * 1024 - 100, 'a')))["code"], 0);
}

TEST_F(FakeFeishuTest, FivePerSecondAndHundredPerMinute) {
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Send("plain", Text("m"))["code"], 0);
  EXPECT_EQ(Send("plain", Text("m"))["code"], 11232);
  clock_.Advance(std::chrono::seconds(1));
  // 95 more, two every second: each second stays under 5/s.
  for (int i = 0; i < 95; ++i) {
    ASSERT_EQ(Send("plain", Text("m"))["code"], 0) << i;
    if (i % 2 == 1) clock_.Advance(std::chrono::seconds(1));
  }
  clock_.Advance(std::chrono::seconds(1));
  const auto limited = Send("plain", Text("m"));  // the 101st inside 60 s
  EXPECT_EQ(limited["code"], 11232);
  EXPECT_FALSE(limited.contains("StatusCode"));
}

TEST_F(FakeFeishuTest, ForcedFaults) {
  fake_.ForceFault(Fault::ProviderError("11232", "frequency limited"));
  fake_.ForceFault(Fault::HttpError(503));
  EXPECT_EQ(Send("plain", Text("m"))["code"], 11232);
  EXPECT_EQ(Post("plain", Text("m").dump())->status, 503);
  EXPECT_EQ(Send("plain", Text("m"))["code"], 0);
  const auto log = fake_.Requests();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].code, "11232");
  EXPECT_EQ(log[2].code, "0");
  EXPECT_EQ(fake_.TotalDeliveries(), 1);
}

}  // namespace
}  // namespace duban::fakes
