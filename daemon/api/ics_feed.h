// Signed calendar-feed tokens, for "/ics/<token>.ics" (ics_routes.cc): a
// unit's upcoming deadlines as iCalendar, which phones subscribe to.
//
//   token   = Base64Url(payload) "." Base64Url(HMAC-SHA256(feed key, payload))
//   payload = "ics1|<unit id>"
//   feed key = HMAC-SHA256(link key, "duban ics feed")
//
// The feed key is derived from the action-link key, so no second secret is
// kept, yet a feed token is no action-link MAC (and the version tag differs).
// No expiry: a subscription URL is typed into a phone once and fetched for
// months, so it must not lapse; the version tag leaves room for a per-unit
// generation later. Revoking today means rotating the link key.
//
// Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/api.h"

namespace duban::api {

// The token for `unit`'s feed; always the same for the same unit and key.
// kInvalidArgument when the unit id is empty or contains '|'.
Result<std::string> SignFeedToken(const std::string& unit, std::string_view key);

// The unit a token was signed for; nullopt when it is malformed, forged or of
// another version (which of these is not said: the caller answers 404). The
// MAC is compared in constant time before the payload is read.
std::optional<std::string> VerifyFeedToken(std::string_view token, std::string_view key);

// Registers GET /ics/{token}.ics (ics_routes.cc).
void RegisterIcsRoutes(HttpServer::Impl& s);

}  // namespace duban::api
