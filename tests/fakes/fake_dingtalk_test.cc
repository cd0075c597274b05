#include "fakes/fake_dingtalk.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include "notify/channels/signing.h"

namespace duban::fakes {
namespace {

// The channels.md §1 vector: secret and timestamp.
constexpr char kSecret[] = "SECexample0123456789";
constexpr int64_t kTsMs = 1700000000005;

class FakeDingTalkTest : public ::testing::Test {
 protected:
  FakeDingTalkTest()
      : clock_(FromUnixMillis(kTsMs + 2000)),
        fake_(&clock_, {.robots = {{"signed", {.secret = kSecret}},
                                   {"plain", {}},
                                   {"kw", {.keywords = {"督办"}}}}}),
        client_(fake_.base_url()) {}

  static std::string Text(const std::string& content) {
    return nlohmann::json{{"msgtype", "text"}, {"text", {{"content", content}}}}.dump();
  }

  // Posts `body` as robot `token`; signs with `secret` at `ts_ms` if given.
  nlohmann::json Send(const std::string& token, const std::string& body,
                      const std::string& secret = "", int64_t ts_ms = kTsMs) {
    std::string target = "/robot/send?access_token=" + token;
    if (!secret.empty()) {
      target += "&timestamp=" + std::to_string(ts_ms) +
                "&sign=" + notify::DingTalkSign(secret, ts_ms).url_encoded;
    }
    auto res = client_.Post(target, body, "application/json;charset=utf-8");
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 200);
    return nlohmann::json::parse(res->body);
  }

  VirtualClock clock_;
  FakeDingTalk fake_;
  httplib::Client client_;
};

TEST_F(FakeDingTalkTest, AcceptsTheWorkedExampleSignature) {
  // The §1 vector's Base64 contains '+' and '/', so this also proves the
  // URL-encoding step.
  ASSERT_EQ(notify::DingTalkSign(kSecret, kTsMs).url_encoded,
            "Loq%2F%2B0zEmVCRGs5fpiBuhpjcKwLIsBSmz64QbWIFQs8%3D");
  const auto reply = Send("signed", Text("提醒：请提交报表"), kSecret);
  EXPECT_EQ(reply, (nlohmann::json{{"errcode", 0}, {"errmsg", "ok"}}));
  ASSERT_EQ(fake_.Delivered().size(), 1u);
  EXPECT_EQ(fake_.Delivered()[0].body["text"]["content"], "提醒：请提交报表");
  EXPECT_EQ(fake_.Requests()[0].code, "0");
  EXPECT_EQ(fake_.DeliveriesFor(""), 1);
}

TEST_F(FakeDingTalkTest, RejectsBadOrMissingOrUnencodedSignature) {
  EXPECT_EQ(Send("signed", Text("x"), "SECwrong")["errcode"], 310000);
  EXPECT_EQ(Send("signed", Text("x"))["errcode"], 310000);
  // Skipping the URL-encoding step: '+' arrives as a space. (httplib would
  // escape the '+' itself unless told not to.)
  client_.set_url_encode(false);
  const std::string raw = notify::DingTalkSign(kSecret, kTsMs).base64;
  auto res = client_.Post("/robot/send?access_token=signed&timestamp=" +
                              std::to_string(kTsMs) + "&sign=" + raw,
                          Text("x"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(res->body)["errmsg"], "sign not match");
  EXPECT_EQ(fake_.Delivered().size(), 0u);
}

TEST_F(FakeDingTalkTest, RejectsTimestampMoreThanAnHourOff) {
  const int64_t stale = kTsMs - 3600 * 1000 - 5000;
  const auto reply = Send("signed", Text("x"), kSecret, stale);
  EXPECT_EQ(reply["errcode"], 310000);
  EXPECT_EQ(Send("signed", Text("x"), kSecret, kTsMs + 3600 * 1000)["errcode"], 0);
}

TEST_F(FakeDingTalkTest, UnknownTokenWrongMethodAndContentType) {
  EXPECT_EQ(Send("nope", Text("x")),
            (nlohmann::json{{"errcode", 300001}, {"errmsg", "token is not exist"}}));
  auto get = client_.Get("/robot/send?access_token=plain");
  EXPECT_EQ(nlohmann::json::parse(get->body)["errcode"], 43002);
  auto form = client_.Post("/robot/send?access_token=plain", "a=b",
                           "application/x-www-form-urlencoded");
  EXPECT_EQ(nlohmann::json::parse(form->body)["errcode"], 43004);
  EXPECT_EQ(client_.Post("/other", "{}", "application/json")->status, 404);
}

TEST_F(FakeDingTalkTest, ChecksBodyMsgtypeAndRequiredFields) {
  EXPECT_EQ(Send("plain", "{oops")["errcode"], 40035);
  EXPECT_EQ(Send("plain", R"({"msgtype":"voice"})")["errcode"], 400105);
  EXPECT_EQ(Send("plain", R"({"msgtype":"markdown","markdown":{"title":"t"}})"),
            (nlohmann::json{{"errcode", 40035}, {"errmsg", "缺少参数 text"}}));
  EXPECT_EQ(Send("plain", R"({"msgtype":"markdown","markdown":{"title":"t","text":"# x"}})")
                ["errcode"],
            0);
  EXPECT_EQ(Send("plain", R"({"msgtype":"actionCard","actionCard":{"title":"t","text":"x"}})")
                ["errcode"],
            40035);
  EXPECT_EQ(Send("plain", Text(std::string(20001, 'a')))["errcode"], 460101);
}

TEST_F(FakeDingTalkTest, KeywordModeNeedsAKeyword) {
  EXPECT_EQ(Send("kw", Text("hello")),
            (nlohmann::json{{"errcode", 310000}, {"errmsg", "keywords not in content"}}));
  EXPECT_EQ(Send("kw", Text("【督办】请处理"))["errcode"], 0);
}

TEST_F(FakeDingTalkTest, TwentyFirstMessageInAMinuteThrottlesForTenMinutes) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(Send("plain", Text("m"))["errcode"], 0) << i;
    clock_.Advance(std::chrono::seconds(1));
  }
  EXPECT_EQ(Send("plain", Text("m")),
            (nlohmann::json{{"errcode", 130101},
                            {"errmsg", "send too fast, exceed 20 times per minute"}}));
  // Other robots are unaffected.
  EXPECT_EQ(Send("kw", Text("督办")) ["errcode"], 0);
  // The window has long slid past, but the 10-minute block holds.
  clock_.Advance(std::chrono::minutes(9));
  EXPECT_EQ(Send("plain", Text("m"))["errcode"], 130101);
  clock_.Advance(std::chrono::minutes(1));
  EXPECT_EQ(Send("plain", Text("m"))["errcode"], 0);
  EXPECT_EQ(fake_.Delivered().size(), 22u);
}

TEST_F(FakeDingTalkTest, ForcedFaults) {
  fake_.ForceFault(Fault::ProviderError("-1", "系统繁忙"));
  fake_.ForceFault(Fault::HttpError(500));
  EXPECT_EQ(Send("plain", Text("m")),
            (nlohmann::json{{"errcode", -1}, {"errmsg", "系统繁忙"}}));
  EXPECT_EQ(client_.Post("/robot/send?access_token=plain", Text("m"),
                         "application/json")->status, 500);
  EXPECT_EQ(Send("plain", Text("m"))["errcode"], 0);
  const auto log = fake_.Requests();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].code, "-1");
  EXPECT_EQ(log[1].http_status, 500);
  EXPECT_EQ(fake_.Delivered().size(), 1u);
}

}  // namespace
}  // namespace duban::fakes
