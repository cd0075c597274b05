#include "api/auth.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "api/api.h"
#include "base/crypto.h"

namespace duban::api {
namespace {

constexpr std::string_view kPrefix = "dbn_";
constexpr size_t kSecretBytes = 24;  // 48 hex characters, 192 bits

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

}  // namespace

const std::vector<std::string>& TokenRoles() {
  static const std::vector<std::string> kRoles = {"admin",   "supervisor", "office",
                                                  "liaison", "department", "agency"};
  return kRoles;
}

bool IsTokenRole(std::string_view role) {
  const auto& roles = TokenRoles();
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

IssuedToken NewToken(const std::string& role, const std::string& unit_id,
                     const std::string& contact_id, const std::string& label,
                     SystemTime created_at, std::optional<SystemTime> expires_at) {
  IssuedToken out;
  const std::string secret = crypto::Hex(crypto::RandomBytes(kSecretBytes));
  out.record.id = "t_" + crypto::Hex(crypto::RandomBytes(5));
  out.record.secret_hash = crypto::Sha256Hex(secret);
  out.record.role = role;
  out.record.unit_id = unit_id;
  out.record.contact_id = contact_id;
  out.record.label = label;
  out.record.created_at = created_at;
  out.record.expires_at = expires_at;
  out.bearer = fmt::format("{}{}_{}", kPrefix, out.record.id, secret);
  return out;
}

std::optional<PresentedToken> ParseBearer(std::string_view header) {
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() < kScheme.size()) return std::nullopt;
  // The scheme is case-insensitive (RFC 9110 §11.1).
  for (size_t i = 0; i + 1 < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return std::nullopt;
    }
  }
  if (header[kScheme.size() - 1] != ' ') return std::nullopt;
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  token.remove_prefix(kPrefix.size());
  // The secret is hex, so the last '_' ends the id ("t_3f9a…").
  const size_t cut = token.rfind('_');
  if (cut == std::string_view::npos || cut == 0) return std::nullopt;
  PresentedToken out{std::string(token.substr(0, cut)), std::string(token.substr(cut + 1))};
  if (out.id.size() > 64 || out.secret.size() != 2 * kSecretBytes || !IsLowerHex(out.secret)) {
    return std::nullopt;
  }
  for (char c : out.id) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '_' || c == '-';
    if (!ok) return std::nullopt;
  }
  return out;
}

const char* TokenCheckName(TokenCheck c) {
  switch (c) {
    case TokenCheck::kOk: return "ok";
    case TokenCheck::kUnknown: return "unknown token";
    case TokenCheck::kWrongSecret: return "wrong secret";
    case TokenCheck::kExpired: return "expired token";
    case TokenCheck::kRevoked: return "revoked token";
  }
  return "?";
}

TokenCheck CheckToken(const PresentedToken& presented,
                      const std::optional<store::ApiToken>& stored, SystemTime now) {
  const std::string hash = crypto::Sha256Hex(presented.secret);
  // A fixed stand-in keeps the comparison's cost the same for unknown ids.
  static const std::string kNoHash(64, '0');
  const bool match = crypto::ConstantTimeEquals(hash, stored ? stored->secret_hash : kNoHash);
  if (!stored) return TokenCheck::kUnknown;
  if (!match) return TokenCheck::kWrongSecret;
  if (stored->revoked_at && *stored->revoked_at <= now) return TokenCheck::kRevoked;
  if (stored->expires_at && *stored->expires_at <= now) return TokenCheck::kExpired;
  return TokenCheck::kOk;
}

engine::Actor ActorFor(const store::ApiToken& token) {
  engine::Actor a;
  a.id = "token:" + token.id;
  a.via = "api";
  a.auth_role = token.role;
  a.unit = token.unit_id;
  return a;
}

}  // namespace duban::api
