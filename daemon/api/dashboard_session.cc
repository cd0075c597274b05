#include "api/dashboard_session.h"

#include <fmt/format.h>

#include <charconv>

#include "base/crypto.h"
#include "base/strings.h"

namespace duban::api {
namespace {

// Domain-separated so a session MAC can never pass as an action link's or a
// CSRF token's, though all three use the same key.
std::string SessionMac(std::string_view body, std::string_view key) {
  return crypto::Base64Url(crypto::HmacSha256(key, "dashboard-session|" + std::string(body)));
}

}  // namespace

std::string MintSession(std::string_view token_id, SystemTime expires_at, std::string_view key) {
  const std::string body = fmt::format("s1.{}.{}", token_id, ToUnixMillis(expires_at));
  return body + "." + SessionMac(body, key);
}

std::optional<SessionClaim> VerifySession(std::string_view cookie, std::string_view key,
                                          SystemTime now) {
  if (cookie.size() > 256) return std::nullopt;
  const size_t mac_at = cookie.rfind('.');
  if (mac_at == std::string_view::npos) return std::nullopt;
  const std::string_view body = cookie.substr(0, mac_at);
  if (!crypto::ConstantTimeEquals(SessionMac(body, key), cookie.substr(mac_at + 1))) {
    return std::nullopt;
  }
  const std::vector<std::string> parts = Split(body, '.');
  if (parts.size() != 3 || parts[0] != "s1" || parts[1].empty()) return std::nullopt;
  int64_t ms = 0;
  const auto [end, ec] = std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), ms);
  if (ec != std::errc() || end != parts[2].data() + parts[2].size()) return std::nullopt;
  SessionClaim claim{parts[1], FromUnixMillis(ms)};
  if (now >= claim.expires_at) return std::nullopt;
  return claim;
}

std::string CsrfFor(std::string_view cookie, std::string_view key) {
  return crypto::Base64Url(crypto::HmacSha256(key, "dashboard-csrf|" + std::string(cookie)))
      .substr(0, 32);
}

bool CsrfMatches(std::string_view cookie, std::string_view presented, std::string_view key) {
  return !cookie.empty() && crypto::ConstantTimeEquals(CsrfFor(cookie, key), presented);
}

std::string CookieValue(std::string_view header, std::string_view name) {
  for (const std::string& part : Split(header, ';')) {
    const std::string_view p = Trim(part);
    if (p.size() > name.size() && p.substr(0, name.size()) == name && p[name.size()] == '=') {
      return std::string(p.substr(name.size() + 1));
    }
  }
  return "";
}

std::string SessionSetCookie(std::string_view value, bool secure) {
  const auto max_age = value.empty() ? 0 : std::chrono::seconds(kSessionLifetime).count();
  return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}", kSessionCookie,
                     value, max_age, secure ? "; Secure" : "");
}

}  // namespace duban::api
