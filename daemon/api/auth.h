// Bearer-token authentication for /api/v1: parsing "dbn_<id>_<secret>",
// checking a presented secret against the stored hash, and the engine actor
// a token acts as. Pure functions; any thread. The store lookup happens in
// the caller, on the loop thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "engine/engine.h"
#include "store/records.h"

namespace duban::api {

// The two parts of a presented token.
struct PresentedToken {
  std::string id;      // "t_3f9a0c1e42"
  std::string secret;  // 48 lowercase hex characters
};

// Parses an Authorization header value "Bearer dbn_<id>_<secret>".
// nullopt for anything else (no scheme, wrong prefix, bad characters).
std::optional<PresentedToken> ParseBearer(std::string_view header);

// Why a token was refused, for the log (never shown with the secret).
enum class TokenCheck { kOk, kUnknown, kWrongSecret, kExpired, kRevoked };
const char* TokenCheckName(TokenCheck c);

// Checks `presented` against `stored` (nullopt: no token with that id) at
// `now`. The secret's hash is compared in constant time, and computed even
// for an unknown id so timing does not tell which ids exist.
TokenCheck CheckToken(const PresentedToken& presented,
                      const std::optional<store::ApiToken>& stored, SystemTime now);

// The actor a token acts as: id "token:<id>", via "api", its role and unit.
engine::Actor ActorFor(const store::ApiToken& token);

// True for admin, supervisor, office, liaison, department, agency.
bool IsTokenRole(std::string_view role);

}  // namespace duban::api
