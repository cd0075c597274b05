#include "api/action_link.h"

#include <gtest/gtest.h>

#include "base/crypto.h"
#include "base/time_format.h"
#include "store/store.h"
#include "testing/status_matchers.h"

namespace duban::api {
namespace {

const SystemTime kNow = *ParseRfc3339("2024-04-11T16:00:00+08:00");
const std::string kKey(32, 'k');

LinkGrant Grant() {
  LinkGrant g;
  g.item = 42;
  g.contact = "jf-jiafeng-liaison";
  g.action = LinkAction::kReport;
  g.state = "due";
  g.expires_at = kNow + std::chrono::hours(48);
  return g;
}

// Replaces one character of `s` at `pos` with a different Base64Url one.
std::string Flip(std::string s, size_t pos) {
  s[pos] = s[pos] == 'A' ? 'B' : 'A';
  return s;
}

TEST(ActionLinkTest, ASignedLinkVerifiesAndCarriesItsGrant) {
  auto token = SignLink(Grant(), kKey);
  ASSERT_OK(token);
  VerifiedLink v = VerifyLink(*token, kKey, kNow);
  ASSERT_EQ(v.check, LinkCheck::kOk);
  EXPECT_EQ(v.grant.item, 42);
  EXPECT_EQ(v.grant.contact, "jf-jiafeng-liaison");
  EXPECT_EQ(v.grant.action, LinkAction::kReport);
  EXPECT_EQ(v.grant.state, "due");
  EXPECT_EQ(v.grant.expires_at, kNow + std::chrono::hours(48));
  // Only URL-safe characters: the token goes into an SMS as it is.
  EXPECT_EQ(token->find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."),
            std::string::npos);
}

TEST(ActionLinkTest, ExpiredLinksAreToldApartFromForgedOnes) {
  auto token = SignLink(Grant(), kKey);
  ASSERT_OK(token);
  EXPECT_EQ(VerifyLink(*token, kKey, kNow + std::chrono::hours(48)).check, LinkCheck::kExpired);
  EXPECT_EQ(VerifyLink(*token, kKey, kNow + std::chrono::hours(47)).check, LinkCheck::kOk);
}

TEST(ActionLinkTest, TamperedForgedAndForeignLinksAreRefused) {
  auto token = SignLink(Grant(), kKey);
  ASSERT_OK(token);
  const size_t dot = token->find('.');
  // A changed payload byte, a changed MAC byte, another server's key.
  EXPECT_EQ(VerifyLink(Flip(*token, 3), kKey, kNow).check, LinkCheck::kForged);
  EXPECT_EQ(VerifyLink(Flip(*token, dot + 3), kKey, kNow).check, LinkCheck::kForged);
  EXPECT_EQ(VerifyLink(*token, std::string(32, 'x'), kNow).check, LinkCheck::kForged);
  // A payload naming another item, with the MAC of the real one.
  LinkGrant other = Grant();
  other.item = 43;
  auto forged_item = SignLink(other, std::string(32, 'x'));
  ASSERT_OK(forged_item);
  const std::string swapped =
      forged_item->substr(0, forged_item->find('.')) + token->substr(dot);
  EXPECT_EQ(VerifyLink(swapped, kKey, kNow).check, LinkCheck::kForged);
  // A later expiry written into an otherwise genuine payload.
  LinkGrant longer = Grant();
  longer.expires_at += std::chrono::hours(24 * 365);
  auto longer_token = SignLink(longer, std::string(32, 'x'));
  ASSERT_OK(longer_token);
  EXPECT_EQ(VerifyLink(longer_token->substr(0, longer_token->find('.')) + token->substr(dot),
                       kKey, kNow)
                .check,
            LinkCheck::kForged);
}

TEST(ActionLinkTest, MalformedTokensAreRefusedWithoutParsing) {
  for (const std::string& bad : std::vector<std::string>{"", ".", "abc", "abc.", ".abc", "a.b.c", "!!!.???",
                                "djF8NDJ8.", "a b.c"}) {
    EXPECT_NE(VerifyLink(bad, kKey, kNow).check, LinkCheck::kOk) << bad;
  }
  // A correctly signed payload that is not ours in form.
  const std::string payload = "v2|42|c|report|due|1";
  const std::string token =
      crypto::Base64Url(payload) + "." + crypto::Base64Url(crypto::HmacSha256(kKey, payload));
  EXPECT_EQ(VerifyLink(token, kKey, kNow).check, LinkCheck::kMalformed);
}

// Found by fuzz/action_link_fuzzer, with payloads signed by the right key:
// an expiry past SystemTime's range overflowed "exp * 1000" (undefined; in
// practice a link expired long ago), and an empty contact verified although
// SignLink never issues one.
TEST(ActionLinkTest, SignedPayloadsSignLinkCannotWriteAreMalformed) {
  auto sign = [](const std::string& payload) {
    return crypto::Base64Url(payload) + "." + crypto::Base64Url(crypto::HmacSha256(kKey, payload));
  };
  for (const char* payload :
       {"v1|42|c|report|due|9223372036854776", "v1|42|c|report|due|-9223372036854776",
        "v1|42||report|due|1713000000"}) {
    EXPECT_EQ(VerifyLink(sign(payload), kKey, kNow).check, LinkCheck::kMalformed) << payload;
  }
  const VerifiedLink last = VerifyLink(sign("v1|42|c|report|due|9223372036854775"), kKey, kNow);
  EXPECT_EQ(last.check, LinkCheck::kOk);
  EXPECT_EQ(ToUnixMillis(last.grant.expires_at), 9223372036854775000);
}

TEST(ActionLinkTest, SigningRefusesFieldsThatWouldBreakThePayload) {
  LinkGrant g = Grant();
  g.contact = "a|b";
  EXPECT_FALSE(SignLink(g, kKey).ok());
  g = Grant();
  g.item = 0;
  EXPECT_FALSE(SignLink(g, kKey).ok());
}

TEST(ActionLinkTest, MintedLinksLiveUnderThePublicUrl) {
  auto url = MintActionLink(Grant(), kKey, "https://duban.example.gov.cn/");
  ASSERT_OK(url);
  ASSERT_EQ(url->rfind("https://duban.example.gov.cn/a/", 0), 0u) << *url;
  const std::string token = url->substr(std::string("https://duban.example.gov.cn/a/").size());
  EXPECT_EQ(VerifyLink(token, kKey, kNow).check, LinkCheck::kOk);
  LinkGrant ack = Grant();
  ack.action = LinkAction::kAck;
  ack.state = "sent";
  auto ack_url = MintActionLink(ack, kKey, "http://127.0.0.1:8080");
  ASSERT_OK(ack_url);
  VerifiedLink v = VerifyLink(ack_url->substr(ack_url->find("/a/") + 3), kKey, kNow);
  EXPECT_EQ(v.grant.action, LinkAction::kAck);
  EXPECT_EQ(v.grant.state, "sent");
}

TEST(ActionLinkTest, TheLinkKeyIsCreatedOnceAndKept) {
  auto store = store::OpenSqlite({":memory:"}, kNow);
  ASSERT_OK(store);
  auto first = LoadOrCreateLinkKey(**store);
  ASSERT_OK(first);
  EXPECT_EQ(first->size(), 32u);
  auto stored = (*store)->GetMeta("link_key");
  ASSERT_OK(stored);
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ(**stored, crypto::Hex(*first));
  auto second = LoadOrCreateLinkKey(**store);
  ASSERT_OK(second);
  EXPECT_EQ(*second, *first);
  ASSERT_OK((*store)->SetMeta("link_key", "not hex"));
  EXPECT_FALSE(LoadOrCreateLinkKey(**store).ok());
}

}  // namespace
}  // namespace duban::api
