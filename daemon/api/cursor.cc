#include "api/cursor.h"

#include <fmt/format.h>

#include <charconv>

#include "base/crypto.h"

namespace duban::api {
namespace {

constexpr std::string_view kTag = "c1:";

}  // namespace

std::string EncodeCursor(std::string_view key) {
  return crypto::Base64Url(std::string(kTag) + std::string(key));
}

std::optional<std::string> DecodeCursor(std::string_view cursor) {
  if (cursor.empty() || cursor.size() > 512) return std::nullopt;
  auto raw = crypto::FromBase64Url(cursor);
  if (!raw || raw->rfind(kTag, 0) != 0 || raw->size() == kTag.size()) return std::nullopt;
  return raw->substr(kTag.size());
}

std::optional<int64_t> DecodeIdCursor(std::string_view cursor) {
  auto key = DecodeCursor(cursor);
  if (!key) return std::nullopt;
  int64_t id = 0;
  auto [ptr, ec] = std::from_chars(key->data(), key->data() + key->size(), id);
  if (ec != std::errc() || ptr != key->data() + key->size() || id <= 0) return std::nullopt;
  return id;
}

Result<int> ParseLimit(std::string_view text) {
  if (text.empty()) return kDefaultLimit;
  int n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size() || n < 1 || n > kMaxLimit) {
    return Status::InvalidArgument(
        fmt::format("limit: expected a whole number from 1 to {}, got '{}'", kMaxLimit, text));
  }
  return n;
}

}  // namespace duban::api
