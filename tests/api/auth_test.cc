#include "api/auth.h"

#include <gtest/gtest.h>

#include "api/api.h"
#include "base/crypto.h"
#include "base/time_format.h"

namespace duban::api {
namespace {

const SystemTime kNow = *ParseRfc3339("2024-04-12T10:00:00+08:00");

TEST(AuthTest, NewTokenKeepsOnlyTheHashAndParsesBack) {
  IssuedToken t = NewToken("liaison", "jf-jiafeng", "jf-jiafeng-liaison", "手机", kNow,
                           kNow + std::chrono::hours(24));
  ASSERT_EQ(t.bearer.rfind("dbn_t_", 0), 0u) << t.bearer;
  auto parsed = ParseBearer("Bearer " + t.bearer);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->id, t.record.id);
  EXPECT_EQ(crypto::Sha256Hex(parsed->secret), t.record.secret_hash);
  // The record holds no trace of the secret itself.
  EXPECT_EQ(t.record.secret_hash.find(parsed->secret), std::string::npos);
  EXPECT_EQ(t.record.id.find(parsed->secret), std::string::npos);
  EXPECT_EQ(t.record.role, "liaison");
  EXPECT_EQ(t.record.unit_id, "jf-jiafeng");
  // Two tokens never share an id or a secret.
  IssuedToken u = NewToken("liaison", "jf-jiafeng", "", "", kNow, std::nullopt);
  EXPECT_NE(u.record.id, t.record.id);
  EXPECT_NE(u.record.secret_hash, t.record.secret_hash);
}

TEST(AuthTest, ParseBearerRefusesAnythingButOurFormat) {
  const std::string secret(48, 'a');
  EXPECT_TRUE(ParseBearer("Bearer dbn_t_01_" + secret));
  EXPECT_TRUE(ParseBearer("bearer dbn_t_01_" + secret));  // the scheme is case-insensitive
  for (const std::string& bad : std::vector<std::string>{
           "", "Bearer", "Bearer ", "dbn_t_01_" + secret, "Basic dbn_t_01_" + secret,
        "Bearer xyz_t_01_" + secret, "Bearer dbn_t_01_" + std::string(47, 'a'),
        "Bearer dbn_t_01_" + std::string(48, 'A'), "Bearer dbn_t_01_" + std::string(48, 'g'),
        "Bearer dbn__" + secret, "Bearer dbn_" + secret, "Bearer dbn_t 01_" + secret,
        "Bearer dbn_t_01_" + secret + "_"}) {
    EXPECT_FALSE(ParseBearer(bad)) << bad;
  }
}

class CheckTokenTest : public ::testing::Test {
 protected:
  CheckTokenTest() {
    issued_ = NewToken("office", "jiafeng", "", "", kNow, kNow + std::chrono::hours(1));
    presented_ = *ParseBearer("Bearer " + issued_.bearer);
  }
  IssuedToken issued_;
  PresentedToken presented_;
};

TEST_F(CheckTokenTest, AcceptsTheRightSecretUntilExpiry) {
  EXPECT_EQ(CheckToken(presented_, issued_.record, kNow), TokenCheck::kOk);
  EXPECT_EQ(CheckToken(presented_, issued_.record, kNow + std::chrono::minutes(59)),
            TokenCheck::kOk);
  // Expiry is exclusive: at the instant itself the token is dead.
  EXPECT_EQ(CheckToken(presented_, issued_.record, kNow + std::chrono::hours(1)),
            TokenCheck::kExpired);
}

TEST_F(CheckTokenTest, RefusesWrongSecretUnknownIdAndRevocation) {
  PresentedToken wrong = presented_;
  wrong.secret[0] = wrong.secret[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(CheckToken(wrong, issued_.record, kNow), TokenCheck::kWrongSecret);
  EXPECT_EQ(CheckToken(presented_, std::nullopt, kNow), TokenCheck::kUnknown);
  store::ApiToken revoked = issued_.record;
  revoked.revoked_at = kNow - std::chrono::seconds(1);
  EXPECT_EQ(CheckToken(presented_, revoked, kNow), TokenCheck::kRevoked);
  // A wrong secret is reported as such even on a revoked token: the caller
  // learns nothing about the token's state without its secret.
  EXPECT_EQ(CheckToken(wrong, revoked, kNow), TokenCheck::kWrongSecret);
  store::ApiToken forever = issued_.record;
  forever.expires_at.reset();
  EXPECT_EQ(CheckToken(presented_, forever, kNow + std::chrono::hours(24 * 3650)),
            TokenCheck::kOk);
}

TEST(AuthTest, ConstantTimeEqualsComparesWholeStrings) {
  EXPECT_TRUE(crypto::ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(crypto::ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(crypto::ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(crypto::ConstantTimeEquals("", "a"));
  EXPECT_TRUE(crypto::ConstantTimeEquals("", ""));
}

TEST(AuthTest, ActorCarriesTheTokensRoleAndUnitButNoSecret) {
  IssuedToken t = NewToken("department", "jf-market", "", "", kNow, std::nullopt);
  engine::Actor a = ActorFor(t.record);
  EXPECT_EQ(a.id, "token:" + t.record.id);
  EXPECT_EQ(a.via, "api");
  EXPECT_EQ(a.auth_role, "department");
  EXPECT_EQ(a.unit, "jf-market");
  EXPECT_TRUE(a.contact_role.empty());
  EXPECT_FALSE(a.admin());
  EXPECT_TRUE(ActorFor(NewToken("admin", "shanxi", "", "", kNow, std::nullopt).record).admin());
}

TEST(AuthTest, TokenRolesAreTheSixOfTheIssue) {
  EXPECT_EQ(TokenRoles(), (std::vector<std::string>{"admin", "supervisor", "office", "liaison",
                                                    "department", "agency"}));
  EXPECT_TRUE(IsTokenRole("agency"));
  EXPECT_FALSE(IsTokenRole("head"));
}

}  // namespace
}  // namespace duban::api
