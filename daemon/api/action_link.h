// Signed one-tap action links: the token in "/a/<token>" is
// Base64Url(payload) "." Base64Url(HMAC-SHA256(key, payload)), where the
// payload binds item, contact, action, the item's state at issue and the
// expiry. Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/api.h"
#include "base/clock.h"

namespace duban::api {

// "report" / "ack".
const char* LinkActionName(LinkAction action);

// The token for `grant` ("<payload>.<mac>"). kInvalidArgument when a field
// contains the payload separator '|' or the item id is not positive.
Result<std::string> SignLink(const LinkGrant& grant, std::string_view key);

// Why a presented link token was refused.
enum class LinkCheck {
  kOk,
  kMalformed,  // not two Base64Url parts, or a payload we cannot read
  kForged,     // the MAC does not match (tampered, or another server's key)
  kExpired,    // signature fine, but past its expiry
};

struct VerifiedLink {
  LinkCheck check = LinkCheck::kMalformed;
  LinkGrant grant;  // filled for kOk and kExpired
};

// Verifies `token` with `key` at `now`. The MAC is checked (in constant
// time) before the payload is parsed, so a forged token reveals nothing.
VerifiedLink VerifyLink(std::string_view token, std::string_view key, SystemTime now);

}  // namespace duban::api
