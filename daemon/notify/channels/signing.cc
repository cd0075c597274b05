#include "notify/channels/signing.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <vector>

#include "base/check.h"

namespace duban::notify {
namespace {

std::string Hmac(const char* digest, std::string_view key,
                 std::string_view msg) {
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t out_len = 0;
  // EVP_Q_mac accepts a null key pointer only with length 0; give it a
  // valid address either way.
  static constexpr unsigned char kEmpty[1] = {0};
  const void* key_ptr =
      key.empty() ? static_cast<const void*>(kEmpty) : key.data();
  const unsigned char* msg_ptr =
      msg.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(msg.data());
  unsigned char* res =
      EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key_ptr, key.size(),
                msg_ptr, msg.size(), out, sizeof(out), &out_len);
  DUBAN_CHECK(res != nullptr);
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string TrimCopy(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

std::chrono::year_month_day CivilDate(int64_t unix_seconds) {
  const auto tp = std::chrono::sys_seconds(std::chrono::seconds(unix_seconds));
  return std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(tp));
}

}  // namespace

std::string HmacSha256(std::string_view key, std::string_view msg) {
  return Hmac("SHA256", key, msg);
}

std::string HmacSha1(std::string_view key, std::string_view msg) {
  return Hmac("SHA1", key, msg);
}

std::string Sha256(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  DUBAN_CHECK(EVP_Digest(data.data(), data.size(), out, &out_len, EVP_sha256(),
                         nullptr) == 1);
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

std::string Sha256Hex(std::string_view data) { return HexLower(Sha256(data)); }

std::string HexLower(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  size_t padding = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '=') {
      // Padding only in the last two positions, and nothing after it.
      if (i + 2 < text.size()) return std::nullopt;
      ++padding;
    } else if (padding > 0 ||
               !(std::isalnum(c) != 0 || c == '+' || c == '/')) {
      return std::nullopt;
    }
  }
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts padding as zero bytes; drop them.
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

std::string PercentEncodeRfc3986(std::string_view s) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (IsUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xF]);
    }
  }
  return out;
}

std::string UrlEncode(std::string_view s) { return PercentEncodeRfc3986(s); }

std::optional<std::string> UrlDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = HexValue(s[i + 1]);
      const int lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string UtcIso8601Seconds(int64_t unix_seconds) {
  const auto ymd = CivilDate(unix_seconds);
  const int64_t secs_of_day = ((unix_seconds % 86400) + 86400) % 86400;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()),
                static_cast<int>(secs_of_day / 3600),
                static_cast<int>(secs_of_day / 60 % 60),
                static_cast<int>(secs_of_day % 60));
  return buf;
}

std::string UtcDate(int64_t unix_seconds) {
  return UtcIso8601Seconds(unix_seconds).substr(0, 10);
}

DingTalkSignature DingTalkSign(std::string_view secret, int64_t ts_ms) {
  std::string to_sign = std::to_string(ts_ms);
  to_sign += '\n';
  to_sign += secret;
  DingTalkSignature sig;
  sig.base64 = Base64Encode(HmacSha256(secret, to_sign));
  sig.url_encoded = UrlEncode(sig.base64);
  return sig;
}

std::string FeishuSign(std::string_view secret, int64_t ts_seconds) {
  // The key is the joined string and the message is empty: the reverse of
  // DingTalk, on purpose (channels.md §3).
  std::string key = std::to_string(ts_seconds);
  key += '\n';
  key += secret;
  return Base64Encode(HmacSha256(key, ""));
}

std::string WebhookSignature(std::string_view secret, int64_t ts_seconds,
                             std::string_view body) {
  std::string msg = std::to_string(ts_seconds);
  msg += '.';
  msg += body;
  return HexLower(HmacSha256(secret, msg));
}

std::string AlibabaCanonicalQuery(const SignParams& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (name == "Signature") continue;
    if (!out.empty()) out += '&';
    out += PercentEncodeRfc3986(name);
    out += '=';
    out += PercentEncodeRfc3986(value);
  }
  return out;
}

AlibabaV2Signed AlibabaSignV2(std::string_view method, const SignParams& params,
                              std::string_view access_key_secret) {
  AlibabaV2Signed s;
  s.canonical_query = AlibabaCanonicalQuery(params);
  // The canonical query is encoded a second time here; that is the rule,
  // not a bug (channels.md §4 step 4).
  s.string_to_sign = std::string(method) + "&" + PercentEncodeRfc3986("/") +
                     "&" + PercentEncodeRfc3986(s.canonical_query);
  std::string key(access_key_secret);
  key += '&';
  s.signature = Base64Encode(HmacSha1(key, s.string_to_sign));
  s.encoded_request =
      s.canonical_query + "&Signature=" + PercentEncodeRfc3986(s.signature);
  return s;
}

AlibabaV3Signed AlibabaSignV3(const AlibabaV3Request& request,
                              std::string_view access_key_id,
                              std::string_view access_key_secret) {
  // Lowercase names; std::map sorts them.
  std::map<std::string, std::string> signed_headers;
  for (const auto& [name, value] : request.headers) {
    const std::string lower = ToLower(name);
    if (lower == "host" || lower == "content-type" ||
        lower.rfind("x-acs-", 0) == 0) {
      signed_headers[lower] = TrimCopy(value);
    }
  }
  AlibabaV3Signed s;
  std::string header_block;
  for (const auto& [name, value] : signed_headers) {
    header_block += name + ":" + value + "\n";
    if (!s.signed_headers.empty()) s.signed_headers += ';';
    s.signed_headers += name;
  }
  const auto sha = signed_headers.find("x-acs-content-sha256");
  const std::string payload_hash =
      sha != signed_headers.end() ? sha->second : Sha256Hex("");
  s.canonical_request = request.method + "\n" + request.path + "\n" +
                        AlibabaCanonicalQuery(request.query) + "\n" +
                        header_block + "\n" + s.signed_headers + "\n" +
                        payload_hash;
  s.string_to_sign = "ACS3-HMAC-SHA256\n" + Sha256Hex(s.canonical_request);
  s.signature = HexLower(HmacSha256(access_key_secret, s.string_to_sign));
  s.authorization = "ACS3-HMAC-SHA256 Credential=" + std::string(access_key_id) +
                    ",SignedHeaders=" + s.signed_headers +
                    ",Signature=" + s.signature;
  return s;
}

Tc3Signed TencentSignTc3(const Tc3Request& request, std::string_view secret_id,
                         std::string_view secret_key) {
  Tc3Signed s;
  s.date = UtcDate(request.timestamp);
  s.hashed_payload = Sha256Hex(request.body);
  std::string headers = "content-type:" + ToLower(TrimCopy(request.content_type)) +
                        "\nhost:" + ToLower(TrimCopy(request.host)) + "\n";
  s.signed_headers = "content-type;host";
  if (request.sign_action) {
    headers += "x-tc-action:" + ToLower(TrimCopy(request.action)) + "\n";
    s.signed_headers += ";x-tc-action";
  }
  s.canonical_request = "POST\n/\n\n" + headers + "\n" + s.signed_headers +
                        "\n" + s.hashed_payload;
  const std::string scope = s.date + "/" + request.service + "/tc3_request";
  s.string_to_sign = "TC3-HMAC-SHA256\n" + std::to_string(request.timestamp) +
                     "\n" + scope + "\n" + Sha256Hex(s.canonical_request);
  std::string k = HmacSha256("TC3" + std::string(secret_key), s.date);
  k = HmacSha256(k, request.service);
  k = HmacSha256(k, "tc3_request");
  s.signature = HexLower(HmacSha256(k, s.string_to_sign));
  s.authorization = "TC3-HMAC-SHA256 Credential=" + std::string(secret_id) + "/" +
                    scope + ", SignedHeaders=" + s.signed_headers +
                    ", Signature=" + s.signature;
  return s;
}

}  // namespace duban::notify
