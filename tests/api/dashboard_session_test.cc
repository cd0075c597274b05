#include "api/dashboard_session.h"

#include <gtest/gtest.h>

namespace duban::api {
namespace {

const std::string kKey(32, 'k');
const SystemTime kNow = FromUnixMillis(1'712'900'000'000);

TEST(DashboardSessionTest, AMintedSessionVerifiesUntilItExpires) {
  const std::string cookie = MintSession("t_abc123", kNow + std::chrono::hours(12), kKey);
  auto claim = VerifySession(cookie, kKey, kNow);
  ASSERT_TRUE(claim);
  EXPECT_EQ(claim->token_id, "t_abc123");
  EXPECT_FALSE(VerifySession(cookie, kKey, kNow + std::chrono::hours(12)));
  EXPECT_FALSE(VerifySession(cookie, std::string(32, 'x'), kNow));
}

TEST(DashboardSessionTest, AnyChangeToTheCookieIsRefused) {
  const std::string cookie = MintSession("t_abc123", kNow + std::chrono::hours(1), kKey);
  for (size_t i = 0; i < cookie.size(); ++i) {
    std::string bad = cookie;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(VerifySession(bad, kKey, kNow)) << i;
  }
  // A longer expiry under the old signature.
  std::string later = cookie;
  later.replace(later.find('.', 3) + 1, 1, "9");
  EXPECT_FALSE(VerifySession(later, kKey, kNow));
  EXPECT_FALSE(VerifySession("", kKey, kNow));
  EXPECT_FALSE(VerifySession("s1.t_a.1.", kKey, kNow));
}

TEST(DashboardSessionTest, CsrfTokenBelongsToItsSession) {
  const std::string a = MintSession("t_a", kNow + std::chrono::hours(1), kKey);
  const std::string b = MintSession("t_b", kNow + std::chrono::hours(1), kKey);
  const std::string csrf = CsrfFor(a, kKey);
  EXPECT_TRUE(CsrfMatches(a, csrf, kKey));
  EXPECT_FALSE(CsrfMatches(b, csrf, kKey));
  EXPECT_FALSE(CsrfMatches(a, "", kKey));
  EXPECT_FALSE(CsrfMatches("", CsrfFor("", kKey), kKey));
}

TEST(DashboardSessionTest, CookieHeaderParsingAndSetCookieAttributes) {
  EXPECT_EQ(CookieValue("a=1; duban_session=s1.x.2.m; b=3", kSessionCookie), "s1.x.2.m");
  EXPECT_EQ(CookieValue("xduban_session=1", kSessionCookie), "");
  EXPECT_EQ(CookieValue("", kSessionCookie), "");
  const std::string set = SessionSetCookie("v", false);
  EXPECT_NE(set.find("duban_session=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200"),
            std::string::npos);
  EXPECT_EQ(set.find("Secure"), std::string::npos);
  EXPECT_NE(SessionSetCookie("", true).find("Max-Age=0; Secure"), std::string::npos);
}

}  // namespace
}  // namespace duban::api
