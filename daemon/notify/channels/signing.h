// Request signing for the chat robots and SMS providers of
// /work/shared/reference/channels.md, plus the hashing and encoding
// primitives they are built from. All crypto is OpenSSL 3 (EVP).
//
// Everything here is a pure function: no I/O, no clock reads (timestamps are
// parameters), no state. Safe to call from any thread. Byte strings are
// std::string holding raw bytes; text is UTF-8.
//
// Generic webhook scheme (duban's own, for receivers we do not control):
//   X-Duban-Timestamp: <unix seconds, decimal>
//   X-Duban-Signature: lowercase hex(HMAC-SHA256(key = secret,
//                                    msg = timestamp + "." + raw body bytes))
//   X-Duban-Idempotency-Key: <stable id of the outbox row>
// A receiver recomputes the signature over the exact body bytes it got and
// rejects a timestamp more than a few minutes from its clock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace duban::notify {

// ---- Primitives -----------------------------------------------------------

// Raw 32-byte HMAC-SHA256 / 20-byte HMAC-SHA1 digests.
std::string HmacSha256(std::string_view key, std::string_view msg);
std::string HmacSha1(std::string_view key, std::string_view msg);
// Raw 32-byte SHA-256 and its lowercase hex form.
std::string Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);
// Lowercase hex of arbitrary bytes.
std::string HexLower(std::string_view bytes);
// Standard alphabet with padding, no line breaks.
std::string Base64Encode(std::string_view bytes);
// Returns nullopt unless `text` is valid padded standard Base64.
std::optional<std::string> Base64Decode(std::string_view text);

// RFC 3986 percent-encoding as Alibaba Cloud requires: keeps A-Z a-z 0-9
// - _ . ~ and writes every other byte as %XY with uppercase hex (space is
// %20, '*' is %2A, '~' stays literal). Input is taken as UTF-8 bytes.
std::string PercentEncodeRfc3986(std::string_view s);
// Encoding for a query-string value (DingTalk's sign=, tokens, ...). The
// same unreserved set as PercentEncodeRfc3986, so '+' '/' '=' are escaped.
std::string UrlEncode(std::string_view s);
// Decodes %XY escapes; with `plus_is_space`, '+' becomes ' ' (form and query
// encoding). Returns nullopt on a malformed escape.
std::optional<std::string> UrlDecode(std::string_view s, bool plus_is_space);

// "2017-07-12T02:42:19Z" (Alibaba Timestamp / x-acs-date) for unix seconds.
std::string UtcIso8601Seconds(int64_t unix_seconds);
// "2019-02-25": the UTC calendar date of unix seconds (Tencent scope date).
std::string UtcDate(int64_t unix_seconds);

// ---- Chat robots ----------------------------------------------------------

struct DingTalkSignature {
  std::string base64;       // Base64(HMAC-SHA256(secret, ts + "\n" + secret))
  std::string url_encoded;  // the value to put after "&sign="
};
// DingTalk 加签 (channels.md §1). `ts_ms` is unix time in milliseconds.
DingTalkSignature DingTalkSign(std::string_view secret, int64_t ts_ms);

// Feishu 签名校验 (§3): Base64(HMAC-SHA256(key = ts + "\n" + secret, "")).
// `ts_seconds` is unix seconds. The result goes into the JSON body as is.
std::string FeishuSign(std::string_view secret, int64_t ts_seconds);

// The generic webhook's X-Duban-Signature (scheme in the header comment).
std::string WebhookSignature(std::string_view secret, int64_t ts_seconds,
                             std::string_view body);

// ---- Alibaba Cloud --------------------------------------------------------

// Parameters by name; std::map keeps them in byte order as both signature
// versions require.
using SignParams = std::map<std::string, std::string>;

// "k=v&k=v" over `params` (any "Signature" entry is skipped), names and
// values encoded with PercentEncodeRfc3986.
std::string AlibabaCanonicalQuery(const SignParams& params);

struct AlibabaV2Signed {
  std::string canonical_query;  // without Signature
  std::string string_to_sign;   // METHOD&%2F&enc(canonical_query)
  std::string signature;        // Base64(HMAC-SHA1(secret + "&", sts))
  // canonical_query + "&Signature=" + enc(signature): the GET query string
  // or the form-urlencoded POST body.
  std::string encoded_request;
};
// RPC Signature V2 (§4). `method` is "GET" or "POST"; `params` must already
// hold every common parameter (AccessKeyId, SignatureNonce, Timestamp, ...).
AlibabaV2Signed AlibabaSignV2(std::string_view method, const SignParams& params,
                              std::string_view access_key_secret);

struct AlibabaV3Request {
  std::string method = "POST";
  std::string path = "/";
  SignParams query;  // decoded names and values
  // Request headers by name (any case). Signed are host, content-type and
  // every x-acs-*; others are ignored. x-acs-content-sha256 must be present.
  std::map<std::string, std::string> headers;
};
struct AlibabaV3Signed {
  std::string canonical_request;
  std::string signed_headers;  // "host;x-acs-action;..."
  std::string string_to_sign;  // "ACS3-HMAC-SHA256\n" + hex(sha256(cr))
  std::string signature;       // lowercase hex
  std::string authorization;   // the Authorization header value
};
// ACS3-HMAC-SHA256 (§4, V3).
AlibabaV3Signed AlibabaSignV3(const AlibabaV3Request& request,
                              std::string_view access_key_id,
                              std::string_view access_key_secret);

// ---- Tencent Cloud --------------------------------------------------------

struct Tc3Request {
  std::string service = "sms";
  std::string host = "sms.tencentcloudapi.com";
  std::string action = "SendSms";  // signed only when sign_action
  std::string content_type = "application/json; charset=utf-8";
  std::string body;                // exact bytes sent
  int64_t timestamp = 0;           // X-TC-Timestamp, unix seconds
  // false: SignedHeaders=content-type;host (the classic form);
  // true:  SignedHeaders=content-type;host;x-tc-action.
  bool sign_action = false;
};
struct Tc3Signed {
  std::string date;               // UTC date of `timestamp`
  std::string hashed_payload;     // hex SHA-256 of the body
  std::string canonical_request;
  std::string signed_headers;
  std::string string_to_sign;
  std::string signature;          // lowercase hex
  std::string authorization;      // the Authorization header value
};
// TC3-HMAC-SHA256 (§5). Header values are lowercased and trimmed in the
// canonical request, as Tencent specifies.
Tc3Signed TencentSignTc3(const Tc3Request& request, std::string_view secret_id,
                         std::string_view secret_key);

}  // namespace duban::notify
