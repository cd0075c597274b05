// Opaque pagination cursors for list endpoints ("?limit=&cursor=", answer
// carries "next_cursor"). A cursor wraps the key of the last row returned
// (an item id, a unit id) with a version tag, Base64Url-encoded, so
// clients pass it back unchanged and never build one. Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace duban::api {

// The cursor for "continue after `key`".
std::string EncodeCursor(std::string_view key);
// The key inside `cursor`; nullopt when it was not made by EncodeCursor.
std::optional<std::string> DecodeCursor(std::string_view cursor);
// The key inside `cursor` as a positive integer id; nullopt otherwise.
std::optional<int64_t> DecodeIdCursor(std::string_view cursor);

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 500;

// "?limit=": empty → kDefaultLimit; 1..kMaxLimit; else kInvalidArgument
// "limit: …".
Result<int> ParseLimit(std::string_view text);

}  // namespace duban::api
