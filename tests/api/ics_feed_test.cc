#include "api/ics_feed.h"

#include <gtest/gtest.h>

#include "api/action_link.h"
#include "base/crypto.h"
#include "base/time_format.h"
#include "testing/status_matchers.h"

namespace duban::api {
namespace {

const std::string kKey(32, 'k');

// Replaces one character of `s` at `pos` with a different Base64Url one.
std::string Flip(std::string s, size_t pos) {
  s[pos] = s[pos] == 'A' ? 'B' : 'A';
  return s;
}

TEST(FeedTokenTest, VerifiesToTheUnitItWasSignedFor) {
  auto token = SignFeedToken("jf-jiafeng", kKey);
  ASSERT_OK(token);
  EXPECT_EQ(VerifyFeedToken(*token, kKey), "jf-jiafeng");
  // The same unit always gets the same token, so a URL shown twice is one URL.
  EXPECT_EQ(*SignFeedToken("jf-jiafeng", kKey), *token);
  EXPECT_NE(*SignFeedToken("jf-lizhuang", kKey), *token);
}

TEST(FeedTokenTest, DamagedForgedOrForeignTokensAreRefused) {
  const std::string token = *SignFeedToken("jf-jiafeng", kKey);
  const size_t dot = token.find('.');
  EXPECT_EQ(VerifyFeedToken(token, std::string(32, 'x')), std::nullopt);
  EXPECT_EQ(VerifyFeedToken(Flip(token, 0), kKey), std::nullopt);
  EXPECT_EQ(VerifyFeedToken(Flip(token, dot + 1), kKey), std::nullopt);
  EXPECT_EQ(VerifyFeedToken(token.substr(0, token.size() - 1), kKey), std::nullopt);
  EXPECT_EQ(VerifyFeedToken(token.substr(0, dot), kKey), std::nullopt);
  EXPECT_EQ(VerifyFeedToken(token + ".x", kKey), std::nullopt);
  EXPECT_EQ(VerifyFeedToken("", kKey), std::nullopt);
  EXPECT_EQ(VerifyFeedToken(".", kKey), std::nullopt);
  // Another unit's payload under this token's MAC.
  const std::string other = *SignFeedToken("jf-lizhuang", kKey);
  EXPECT_EQ(VerifyFeedToken(other.substr(0, other.find('.')) + token.substr(dot), kKey),
            std::nullopt);
  // A correctly signed payload of another version, or without a unit.
  const std::string feed_key = crypto::HmacSha256(kKey, "duban ics feed");
  for (const std::string payload : {"ics2|jf-jiafeng", "ics1|", "ics1", "v1|jf-jiafeng"}) {
    const std::string forged =
        crypto::Base64Url(payload) + "." + crypto::Base64Url(crypto::HmacSha256(feed_key, payload));
    EXPECT_EQ(VerifyFeedToken(forged, kKey), std::nullopt) << payload;
  }
}

TEST(FeedTokenTest, FeedTokensAndActionLinksAreNotInterchangeable) {
  const SystemTime now = *ParseRfc3339("2024-04-11T16:00:00+08:00");
  LinkGrant g;
  g.item = 42;
  g.contact = "jf-jiafeng-liaison";
  g.state = "due";
  g.expires_at = now + std::chrono::hours(48);
  const std::string link = *SignLink(g, kKey);
  EXPECT_EQ(VerifyFeedToken(link, kKey), std::nullopt);
  EXPECT_NE(VerifyLink(*SignFeedToken("jf-jiafeng", kKey), kKey, now).check, LinkCheck::kOk);
}

TEST(FeedTokenTest, MintFeedUrlJoinsThePublicUrl) {
  auto url = MintFeedUrl("jiafeng", kKey, "https://duban.example.gov.cn/");
  ASSERT_OK(url);
  EXPECT_EQ(*url, "https://duban.example.gov.cn/ics/" + *SignFeedToken("jiafeng", kKey) + ".ics");
  EXPECT_EQ(MintFeedUrl("", kKey, "http://x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MintFeedUrl("a|b", kKey, "http://x").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace duban::api
