#include "fakes/fake_wecom.h"

#include <gtest/gtest.h>
#include <httplib.h>

namespace duban::fakes {
namespace {

class FakeWeComTest : public ::testing::Test {
 protected:
  FakeWeComTest()
      : clock_(FromUnixMillis(1700000000000)),
        fake_(&clock_, {.keys = {"good-key"}}),
        client_(fake_.base_url()) {}

  nlohmann::json Send(const nlohmann::json& body, const std::string& key = "good-key") {
    return SendRaw(body.dump(), key);
  }
  nlohmann::json SendRaw(const std::string& body, const std::string& key = "good-key") {
    auto res = client_.Post("/cgi-bin/webhook/send?key=" + key, body, "application/json");
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 200);
    return nlohmann::json::parse(res->body);
  }
  static nlohmann::json Text(const std::string& content) {
    return {{"msgtype", "text"}, {"text", {{"content", content}}}};
  }

  VirtualClock clock_;
  FakeWeCom fake_;
  httplib::Client client_;
};

TEST_F(FakeWeComTest, DeliversTextWithMobileMentions) {
  const auto reply = Send({{"msgtype", "text"},
                           {"text", {{"content", "请@张三处理"},
                                     {"mentioned_mobile_list", {"13800001111"}}}}});
  EXPECT_EQ(reply, (nlohmann::json{{"errcode", 0}, {"errmsg", "ok"}}));
  ASSERT_EQ(fake_.Delivered().size(), 1u);
  EXPECT_EQ(fake_.Delivered()[0].mentioned_mobiles, std::vector<std::string>{"13800001111"});
  EXPECT_EQ(fake_.Requests()[0].code, "0");
}

TEST_F(FakeWeComTest, MarkdownIgnoresMobileMentions) {
  EXPECT_EQ(Send({{"msgtype", "markdown"},
                  {"markdown", {{"content", "**督办**"},
                                {"mentioned_mobile_list", {"13800001111"}}}}})["errcode"],
            0);
  ASSERT_EQ(fake_.Delivered().size(), 1u);
  EXPECT_TRUE(fake_.Delivered()[0].mentioned_mobiles.empty());
}

TEST_F(FakeWeComTest, UnknownKeyIsInvalidWebhookUrl) {
  const auto reply = Send(Text("x"), "bad-key");
  EXPECT_EQ(reply["errcode"], 93000);
  EXPECT_EQ(reply["errmsg"].get<std::string>().rfind("invalid webhook url, hint: [", 0), 0u);
}

TEST_F(FakeWeComTest, SizesAreCountedInUtf8Bytes) {
  // 682 Chinese characters are 2046 bytes; one more is over 2048.
  std::string ok;
  for (int i = 0; i < 682; ++i) ok += "督";
  EXPECT_EQ(Send(Text(ok))["errcode"], 0);
  const auto over = Send(Text(ok + "督"));
  EXPECT_EQ(over["errcode"], 40058);
  EXPECT_NE(over["errmsg"].get<std::string>().find("exceed max length 2048"),
            std::string::npos);
  const std::string md(4097, 'a');
  EXPECT_EQ(Send({{"msgtype", "markdown"}, {"markdown", {{"content", md}}}})["errcode"],
            40058);
  EXPECT_EQ(Send({{"msgtype", "markdown"},
                  {"markdown", {{"content", md.substr(1)}}}})["errcode"],
            0);
}

TEST_F(FakeWeComTest, RejectsEmptyContentUnknownTypeAndBadJson) {
  EXPECT_EQ(Send(Text(""))["errcode"], 44004);
  EXPECT_EQ(Send({{"msgtype", "text"}})["errcode"], 44004);
  EXPECT_EQ(Send({{"msgtype", "voice"}})["errcode"], 40008);
  EXPECT_EQ(SendRaw("{not json")["errcode"], 40058);
  EXPECT_TRUE(fake_.Delivered().empty());
}

TEST_F(FakeWeComTest, NewsNeedsOneToEightArticlesAndTruncates) {
  nlohmann::json article = nlohmann::json::object();
  article["title"] = std::string(200, 't');
  article["description"] = std::string(600, 'd');
  article["url"] = "https://example.com";
  auto news = [](const nlohmann::json& articles) {
    nlohmann::json body = {{"msgtype", "news"}};
    body["news"]["articles"] = articles;
    return body;
  };
  nlohmann::json nine = nlohmann::json::array();
  for (int i = 0; i < 9; ++i) nine.push_back(article);
  nlohmann::json no_url = nlohmann::json::array();
  no_url.push_back(nlohmann::json{{"title", "no url"}});
  nlohmann::json one = nlohmann::json::array();
  one.push_back(article);

  EXPECT_EQ(Send(news(nlohmann::json::array()))["errcode"], 40058);
  EXPECT_EQ(Send(news(nine))["errcode"], 40058);
  EXPECT_EQ(Send(news(no_url))["errcode"], 40058);
  EXPECT_EQ(Send(news(one))["errcode"], 0);
  const auto delivered = fake_.Delivered();
  ASSERT_EQ(delivered.size(), 1u);
  const auto& kept = delivered[0].body["news"]["articles"][0];
  EXPECT_EQ(kept["title"].get<std::string>().size(), 128u);
  EXPECT_EQ(kept["description"].get<std::string>().size(), 512u);
}

TEST_F(FakeWeComTest, TwentyFirstMessageInAMinuteGets45009) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(Send(Text("m"))["errcode"], 0) << i;
    clock_.Advance(std::chrono::seconds(2));
  }
  EXPECT_EQ(Send(Text("m"))["errcode"], 45009);
  // The first message leaves the sliding window 60 s after it was sent.
  clock_.Advance(std::chrono::seconds(21));
  EXPECT_EQ(Send(Text("m"))["errcode"], 0);
}

TEST_F(FakeWeComTest, ForcedFaults) {
  fake_.ForceFault(Fault::ProviderError("-1", "system busy"));
  fake_.ForceFault(Fault::NonJson());
  EXPECT_EQ(Send(Text("m"))["errcode"], -1);
  auto res = client_.Post("/cgi-bin/webhook/send?key=good-key", Text("m").dump(),
                          "application/json");
  EXPECT_TRUE(nlohmann::json::parse(res->body, nullptr, false).is_discarded());
  EXPECT_EQ(Send(Text("m"))["errcode"], 0);
  EXPECT_EQ(fake_.RequestCount(), 3u);
  EXPECT_EQ(fake_.TotalDeliveries(), 1);
}

}  // namespace
}  // namespace duban::fakes
