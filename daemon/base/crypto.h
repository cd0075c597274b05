// Hashing, MACs and secure randomness for duban's own security features
// (audit chain, API tokens, signed action links). OpenSSL 3 underneath;
// nothing hand-written. Pure functions; any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace duban::crypto {

// Lowercase hex of SHA-256(data).
std::string Sha256Hex(std::string_view data);
// Raw 32-byte HMAC-SHA256(key, msg).
std::string HmacSha256(std::string_view key, std::string_view msg);
// Lowercase hex of arbitrary bytes.
std::string Hex(std::string_view bytes);
// `n` bytes from the operating system's CSPRNG (RAND_bytes). Not time: the
// clock rule does not apply, but never use this where a test needs
// reproducibility (sampling uses its own seeded PRNG).
std::string RandomBytes(size_t n);
// URL-safe Base64 without padding (RFC 4648 §5), for tokens in URLs.
std::string Base64Url(std::string_view bytes);
std::optional<std::string> FromBase64Url(std::string_view text);
// Compares in time independent of where the first difference is.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace duban::crypto
