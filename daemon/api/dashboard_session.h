// Dashboard sessions: a token presented once at /login becomes a signed,
// HttpOnly, SameSite=Strict cookie, so the secret never sits in the
// browser. The cookie names the token and an expiry and is signed with the
// daemon's link key (HMAC-SHA256); it holds no state on the server, so a
// restart logs nobody out, and every request still looks the token up, so
// revoking it ends its sessions at once. Forms carry a CSRF token derived
// from the cookie. Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace duban::api {

inline constexpr std::string_view kSessionCookie = "duban_session";
// Long enough for a working day, short enough that a forgotten browser on
// a shared office PC does not stay signed in overnight.
inline constexpr std::chrono::hours kSessionLifetime{12};

// The cookie value for a session of token `token_id` ending at `expires_at`.
std::string MintSession(std::string_view token_id, SystemTime expires_at, std::string_view key);

struct SessionClaim {
  std::string token_id;
  SystemTime expires_at;
};
// The token a cookie value speaks for; nullopt when it is malformed, forged
// or expired at `now`.
std::optional<SessionClaim> VerifySession(std::string_view cookie, std::string_view key,
                                          SystemTime now);

// The CSRF token of a session (the form field "csrf"), and its check in
// constant time.
std::string CsrfFor(std::string_view cookie, std::string_view key);
bool CsrfMatches(std::string_view cookie, std::string_view presented, std::string_view key);

// The value of cookie `name` in a Cookie header; "" when absent.
std::string CookieValue(std::string_view header, std::string_view name);

// The Set-Cookie header value that stores (or, with an empty value,
// clears) the session; `secure` adds Secure (an https public URL).
std::string SessionSetCookie(std::string_view value, bool secure);

}  // namespace duban::api
