#include "api/ics_feed.h"

#include "base/crypto.h"

namespace duban::api {
namespace {

// Version tag first, so the format can change without old tokens being
// misread; also keeps the payload apart from an action link's ("v1|…").
constexpr std::string_view kVersion = "ics1";
constexpr std::string_view kKeyLabel = "duban ics feed";

std::string FeedKey(std::string_view link_key) { return crypto::HmacSha256(link_key, kKeyLabel); }

}  // namespace

Result<std::string> SignFeedToken(const std::string& unit, std::string_view key) {
  if (unit.empty() || unit.find('|') != std::string::npos) {
    return Status::InvalidArgument("unit: a feed needs a unit id without '|'");
  }
  const std::string payload = std::string(kVersion) + "|" + unit;
  return crypto::Base64Url(payload) + "." + crypto::Base64Url(crypto::HmacSha256(FeedKey(key), payload));
}

std::optional<std::string> VerifyFeedToken(std::string_view token, std::string_view key) {
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos || token.find('.', dot + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  auto payload = crypto::FromBase64Url(token.substr(0, dot));
  auto mac = crypto::FromBase64Url(token.substr(dot + 1));
  if (!payload || !mac) return std::nullopt;
  if (!crypto::ConstantTimeEquals(crypto::HmacSha256(FeedKey(key), *payload), *mac)) {
    return std::nullopt;
  }
  const size_t bar = payload->find('|');
  if (bar == std::string::npos || std::string_view(*payload).substr(0, bar) != kVersion) {
    return std::nullopt;
  }
  std::string unit = payload->substr(bar + 1);
  if (unit.empty() || unit.find('|') != std::string::npos) return std::nullopt;
  return unit;
}

Result<std::string> MintFeedUrl(const std::string& unit, std::string_view key,
                                std::string_view public_url) {
  auto token = SignFeedToken(unit, key);
  if (!token.ok()) return token.status();
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/ics/" + *token + ".ics";
}

}  // namespace duban::api
