#include "api/action_link.h"

#include <fmt/format.h>

#include <charconv>
#include <limits>
#include <vector>

#include "base/crypto.h"
#include "store/store.h"

namespace duban::api {
namespace {

// Version tag first, so the format can change without old links being
// misread as new ones.
constexpr std::string_view kVersion = "v1";
constexpr size_t kKeyBytes = 32;
// The largest expiry, in seconds, that fits SystemTime's milliseconds.
constexpr int64_t kMaxExpirySeconds = std::numeric_limits<int64_t>::max() / 1000;

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string_view::npos ? s.size() - start : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return out;
}

template <typename T>
bool ParseInt(std::string_view s, T* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::optional<std::string> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    unsigned v = 0;
    auto [ptr, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
    if (ec != std::errc() || ptr != hex.data() + i + 2) return std::nullopt;
    out.push_back(static_cast<char>(v));
  }
  return out;
}

}  // namespace

const char* LinkActionName(LinkAction action) {
  return action == LinkAction::kAck ? "ack" : "report";
}

Result<std::string> SignLink(const LinkGrant& g, std::string_view key) {
  if (g.item <= 0) return Status::InvalidArgument("item: a link needs an item id");
  if (g.contact.empty() || g.contact.find('|') != std::string::npos ||
      g.state.find('|') != std::string::npos) {
    return Status::InvalidArgument("contact: contact and state may not be empty or contain '|'");
  }
  // Seconds are enough for an expiry and keep the link short.
  const int64_t exp = ToUnixMillis(g.expires_at) / 1000;
  const std::string payload = fmt::format("{}|{}|{}|{}|{}|{}", kVersion, g.item, g.contact,
                                          LinkActionName(g.action), g.state, exp);
  return crypto::Base64Url(payload) + "." + crypto::Base64Url(crypto::HmacSha256(key, payload));
}

VerifiedLink VerifyLink(std::string_view token, std::string_view key, SystemTime now) {
  VerifiedLink out;
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos || token.find('.', dot + 1) != std::string_view::npos) {
    return out;
  }
  auto payload = crypto::FromBase64Url(token.substr(0, dot));
  auto mac = crypto::FromBase64Url(token.substr(dot + 1));
  if (!payload || !mac) return out;
  if (!crypto::ConstantTimeEquals(crypto::HmacSha256(key, *payload), *mac)) {
    out.check = LinkCheck::kForged;
    return out;
  }
  const auto parts = Split(*payload, '|');
  if (parts.size() != 6 || parts[0] != kVersion) return out;
  LinkGrant g;
  int64_t exp = 0;
  if (!ParseInt(parts[1], &g.item) || g.item <= 0 || !ParseInt(parts[5], &exp)) return out;
  // Only payloads SignLink wrote pass the MAC, and it writes neither an
  // expiry this far out nor an empty contact; refuse them all the same,
  // rather than overflow the conversion to milliseconds or act for no one.
  if (exp > kMaxExpirySeconds || exp < -kMaxExpirySeconds || parts[2].empty()) return out;
  g.contact = std::string(parts[2]);
  if (parts[3] == "report") {
    g.action = LinkAction::kReport;
  } else if (parts[3] == "ack") {
    g.action = LinkAction::kAck;
  } else {
    return out;
  }
  g.state = std::string(parts[4]);
  g.expires_at = FromUnixMillis(exp * 1000);
  out.grant = std::move(g);
  out.check = now >= out.grant.expires_at ? LinkCheck::kExpired : LinkCheck::kOk;
  return out;
}

Result<std::string> MintActionLink(const LinkGrant& grant, std::string_view key,
                                   std::string_view public_url) {
  auto token = SignLink(grant, key);
  if (!token.ok()) return token.status();
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/a/" + *token;
}

Result<std::string> LoadOrCreateLinkKey(store::Store& store) {
  auto existing = store.GetMeta("link_key");
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    auto raw = FromHex(**existing);
    if (!raw || raw->size() < 16) {
      return Status::Internal("the link_key in the meta table is not hex of at least 16 bytes");
    }
    return *raw;
  }
  const std::string raw = crypto::RandomBytes(kKeyBytes);
  DUBAN_RETURN_IF_ERROR(store.SetMeta("link_key", crypto::Hex(raw)));
  return raw;
}

}  // namespace duban::api
