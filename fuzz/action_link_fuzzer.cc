// Action-link tokens: api::VerifyLink with a fixed key, and SignLink.
//
// The first input byte picks a mode (the rest is the payload of that mode):
//   't'   the rest is a presented token, as it arrives in "/a/<token>";
//   'p'   the rest is a link payload ("v1|42|c|report|s|1712980800"), signed
//         here with the fixed key, so the fuzzer reaches the payload parser
//         behind the MAC check;
//   other the rest describes a grant (FuzzedDataProvider); it is signed,
//         verified, and one byte of the token is then changed.
//
// Properties: a token verifies only with the key it was signed with; a
// verified grant is well formed and re-signs to a token that verifies to the
// same grant; kOk and kExpired follow the expiry; whatever SignLink issues
// verifies to the grant it was given (expiry in whole seconds); a changed
// token never verifies to a different grant.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/action_link.h"
#include "base/crypto.h"
#include "fuzz_check.h"

namespace {

using namespace duban;
using api::LinkCheck;

constexpr std::string_view kKey = "fuzz-link-key-0123456789abcdef-32b";
constexpr std::string_view kOtherKey = "another-server-key-0123456789abcdef";
const SystemTime kNow = FromUnixMillis(1712894400000);

bool SameGrant(const api::LinkGrant& a, const api::LinkGrant& b) {
  return a.item == b.item && a.contact == b.contact && a.action == b.action &&
         a.state == b.state && a.expires_at == b.expires_at;
}

// What a verified token must be, whatever its bytes were.
void CheckVerified(std::string_view token, const api::VerifiedLink& v) {
  if (v.check != LinkCheck::kOk && v.check != LinkCheck::kExpired) return;
  const api::LinkGrant& g = v.grant;
  FUZZ_CHECK(g.item > 0);
  FUZZ_CHECK(g.contact.find('|') == std::string::npos);
  FUZZ_CHECK(g.state.find('|') == std::string::npos);
  FUZZ_CHECK((v.check == LinkCheck::kOk) == (kNow < g.expires_at));
  FUZZ_CHECK(api::VerifyLink(token, kOtherKey, kNow).check == LinkCheck::kForged);
  auto again = api::SignLink(g, kKey);
  FUZZ_CHECK(again.ok());
  const api::VerifiedLink v2 = api::VerifyLink(*again, kKey, kNow);
  FUZZ_CHECK(v2.check == v.check);
  FUZZ_CHECK(SameGrant(v2.grant, g));
}

void PresentedToken(std::string_view token) {
  const api::VerifiedLink v = api::VerifyLink(token, kKey, kNow);
  CheckVerified(token, v);
}

void SignedPayload(std::string_view payload) {
  const std::string token = crypto::Base64Url(payload) + "." +
                            crypto::Base64Url(crypto::HmacSha256(kKey, payload));
  const api::VerifiedLink v = api::VerifyLink(token, kKey, kNow);
  FUZZ_CHECK(v.check != LinkCheck::kForged);
  CheckVerified(token, v);
}

void RoundTrip(FuzzedDataProvider& in) {
  api::LinkGrant g;
  g.item = in.ConsumeIntegral<int64_t>();
  g.action = in.ConsumeBool() ? api::LinkAction::kAck : api::LinkAction::kReport;
  g.contact = in.ConsumeRandomLengthString(64);
  g.state = in.ConsumeRandomLengthString(64);
  // Links are issued for days or weeks; allow any instant from 1970 to 2100.
  g.expires_at = FromUnixMillis(in.ConsumeIntegralInRange<int64_t>(0, 4102444800000));
  auto token = api::SignLink(g, kKey);
  if (!token.ok()) {
    FUZZ_CHECK(token.status().code() == StatusCode::kInvalidArgument);
    FUZZ_CHECK(g.item <= 0 || g.contact.empty() || g.contact.find('|') != std::string::npos ||
               g.state.find('|') != std::string::npos);
    return;
  }
  const api::VerifiedLink v = api::VerifyLink(*token, kKey, kNow);
  FUZZ_CHECK(v.check == LinkCheck::kOk || v.check == LinkCheck::kExpired);
  api::LinkGrant want = g;
  want.expires_at = FromUnixMillis(ToUnixMillis(g.expires_at) / 1000 * 1000);
  FUZZ_CHECK(SameGrant(v.grant, want));
  CheckVerified(*token, v);

  // Tampering: change one byte; the result may still verify only when the
  // change did not change what the token carries (Base64 padding bits).
  if (token->empty()) return;
  std::string bad = *token;
  const size_t at = in.ConsumeIntegralInRange<size_t>(0, bad.size() - 1);
  const char with = static_cast<char>(in.ConsumeIntegral<uint8_t>());
  if (bad[at] == with) return;
  bad[at] = with;
  const api::VerifiedLink t = api::VerifyLink(bad, kKey, kNow);
  if (t.check == LinkCheck::kOk || t.check == LinkCheck::kExpired) {
    FUZZ_CHECK(SameGrant(t.grant, want));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0]) {
    case 't':
      PresentedToken(rest);
      break;
    case 'p':
      SignedPayload(rest);
      break;
    default: {
      FuzzedDataProvider in(data + 1, size - 1);
      RoundTrip(in);
      break;
    }
  }
  return 0;
}
