// FakeAlibabaSms: request routing and the gateway (signature, time, nonce)
// checks. The SMS actions are in fake_alibaba_sms_actions.cc.
#include "fakes/fake_alibaba_sms.h"

#include <algorithm>
#include <cctype>

#include "base/strings.h"
#include "base/time_format.h"
#include "notify/channels/signing.h"

namespace duban::fakes {
namespace {

constexpr char kVersion[] = "2017-05-25";

int GatewayStatus(const std::string& code) {
  if (code == "InvalidAccessKeyId.NotFound" || code == "InvalidAction.NotFound") return 404;
  if (code.rfind("Signature", 0) == 0 || code.rfind("InvalidTimeStamp", 0) == 0 ||
      code.rfind("Missing", 0) == 0 || code == "IncompleteSignature") {
    return 400;
  }
  return 200;
}

std::string DefaultMessage(const std::string& code) {
  if (code == "isv.BUSINESS_LIMIT_CONTROL") return "触发天级流控Permits:50";
  if (code == "isp.SYSTEM_ERROR") return "系统错误";
  if (code == "isv.AMOUNT_NOT_ENOUGH") return "账户余额不足";
  return code;
}

// Splits "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=b,Signature=c".
std::map<std::string, std::string> ParseAcs3Authorization(const std::string& value) {
  std::map<std::string, std::string> out;
  const size_t space = value.find(' ');
  if (space == std::string::npos) return out;
  for (const std::string& part : Split(value.substr(space + 1), ',')) {
    const size_t eq = part.find('=');
    if (eq != std::string::npos) {
      out[std::string(Trim(part.substr(0, eq)))] = std::string(Trim(part.substr(eq + 1)));
    }
  }
  return out;
}

}  // namespace

FakeAlibabaSms::FakeAlibabaSms(const Clock* clock, Options options)
    : FakeServer(clock), options_(std::move(options)) {
  Start();
}

FakeAlibabaSms::~FakeAlibabaSms() { Stop(); }

std::vector<FakeAlibabaSms::Sms> FakeAlibabaSms::Sent() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sent_;
}

FakeReply FakeAlibabaSms::Reply(const std::string& code, const std::string& message,
                                int http_status, nlohmann::json extra) const {
  extra["RequestId"] = FakeUuid(next_id_++);
  extra["Code"] = code;
  extra["Message"] = message;
  if (http_status != 200) {
    extra["HostId"] = "dysmsapi.aliyuncs.com";
    extra["Recommend"] = "https://api.aliyun.com/troubleshoot?q=" + code;
  }
  FakeReply r;
  r.http_status = http_status;
  r.body = extra.dump();
  r.code = code;
  return r;
}

FakeReply FakeAlibabaSms::ProviderError(const std::string& code,
                                        const std::string& message) {
  return Reply(code, message.empty() ? DefaultMessage(code) : message, GatewayStatus(code));
}

std::optional<FakeReply> FakeAlibabaSms::CheckTime(const std::string& timestamp,
                                                   SystemTime now) {
  const auto t = ParseRfc3339(timestamp);
  if (!t || timestamp.empty() || timestamp.back() != 'Z') {
    return Reply("InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.", 400);
  }
  if (std::chrono::abs(now - *t) > options_.max_skew) {
    return Reply("InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.", 400);
  }
  return std::nullopt;
}

std::optional<FakeReply> FakeAlibabaSms::UseNonce(const std::string& nonce, SystemTime now) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = nonces_.begin(); it != nonces_.end();) {
    it = now - it->second >= options_.nonce_window ? nonces_.erase(it) : std::next(it);
  }
  if (!nonces_.emplace(nonce, now).second) {
    return Reply("SignatureNonceUsed", "Specified signature nonce was used already.", 400);
  }
  return std::nullopt;
}

std::optional<FakeReply> FakeAlibabaSms::AuthV2(const std::string& method, const Params& params,
                                                SystemTime now) {
  for (const char* name : {"AccessKeyId", "Action", "Signature", "SignatureMethod",
                           "SignatureNonce", "SignatureVersion", "Timestamp", "Version"}) {
    if (!params.contains(name)) {
      return Reply(std::string("Missing") + name,
                   std::string(name) + " is mandatory for this action.", 400);
    }
  }
  if (params.at("SignatureMethod") != "HMAC-SHA1" || params.at("SignatureVersion") != "1.0") {
    return Reply("InvalidParameter", "SignatureMethod must be HMAC-SHA1, version 1.0.", 400);
  }
  const auto key = options_.access_keys.find(params.at("AccessKeyId"));
  if (key == options_.access_keys.end()) {
    return Reply("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404);
  }
  if (auto bad = CheckTime(params.at("Timestamp"), now)) return bad;
  const notify::AlibabaV2Signed expected = notify::AlibabaSignV2(method, params, key->second);
  if (params.at("Signature") != expected.signature) {
    return Reply("SignatureDoesNotMatch",
                 "Specified signature is not matched with our calculation. server string to "
                 "sign is:" + expected.string_to_sign, 400);
  }
  return UseNonce(params.at("SignatureNonce"), now);
}

std::optional<FakeReply> FakeAlibabaSms::AuthV3(const httplib::Request& req, SystemTime now) {
  auto auth = ParseAcs3Authorization(req.get_header_value("Authorization"));
  if (!auth.contains("Credential") || !auth.contains("SignedHeaders") ||
      !auth.contains("Signature")) {
    return Reply("IncompleteSignature", "The request signature does not conform to Aliyun standards.", 400);
  }
  for (const char* name : {"host", "x-acs-action", "x-acs-version", "x-acs-date",
                           "x-acs-signature-nonce", "x-acs-content-sha256"}) {
    if (!req.has_header(name)) {
      return Reply("MissingParameter", std::string(name) + " is mandatory for this action.", 400);
    }
  }
  const auto key = options_.access_keys.find(auth["Credential"]);
  if (key == options_.access_keys.end()) {
    return Reply("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404);
  }
  if (auto bad = CheckTime(req.get_header_value("x-acs-date"), now)) return bad;
  if (req.get_header_value("x-acs-content-sha256") != notify::Sha256Hex(req.body)) {
    return Reply("SignatureDoesNotMatch", "x-acs-content-sha256 does not match the body.", 400);
  }
  // The signed list must cover host and every x-acs-* header sent.
  const std::vector<std::string> listed = Split(auth["SignedHeaders"], ';');
  auto is_listed = [&](const std::string& n) {
    return std::find(listed.begin(), listed.end(), n) != listed.end();
  };
  for (const auto& [name, value] : req.headers) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if ((lower == "host" || lower.rfind("x-acs-", 0) == 0) && !is_listed(lower)) {
      return Reply("SignatureDoesNotMatch", "Header " + lower + " must be signed.", 400);
    }
  }
  notify::AlibabaV3Request v3;
  v3.method = req.method;
  v3.path = TargetPath(req.target);
  v3.query = ParseTargetQuery(req.target).value_or(Params{});
  for (const std::string& name : listed) v3.headers[name] = req.get_header_value(name);
  const notify::AlibabaV3Signed expected =
      notify::AlibabaSignV3(v3, auth["Credential"], key->second);
  if (expected.signed_headers != auth["SignedHeaders"] ||
      expected.signature != auth["Signature"]) {
    return Reply("SignatureDoesNotMatch",
                 "Specified signature is not matched with our calculation. server string to "
                 "sign is:" + expected.string_to_sign, 400);
  }
  return UseNonce(req.get_header_value("x-acs-signature-nonce"), now);
}

FakeReply FakeAlibabaSms::Handle(const httplib::Request& req, SystemTime now) {
  if (TargetPath(req.target) != "/" || (req.method != "GET" && req.method != "POST")) {
    return Reply("InvalidAction.NotFound", "Specified api is not found, please check your url and method.", 404);
  }
  auto params = ParseTargetQuery(req.target);
  if (params && req.method == "POST" &&
      req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
    // Form fields and query parameters are one parameter set for V2.
    auto form = ParseQuery(req.body);
    if (form) {
      form->merge(*params);
      params = std::move(form);
    } else {
      params.reset();
    }
  }
  if (!params) return Reply("InvalidParameter", "Malformed percent-encoding.", 400);

  std::string action;
  std::string version;
  if (req.get_header_value("Authorization").rfind("ACS3-HMAC-SHA256 ", 0) == 0) {
    if (auto bad = AuthV3(req, now)) return *bad;
    action = req.get_header_value("x-acs-action");
    version = req.get_header_value("x-acs-version");
  } else {
    if (auto bad = AuthV2(req.method, *params, now)) return *bad;
    action = params->at("Action");
    version = params->at("Version");
  }
  if (version != kVersion ||
      (action != "SendSms" && action != "SendBatchSms" && action != "QuerySendDetails")) {
    return Reply("InvalidAction.NotFound", "Specified api is not found, please check your url and method.", 404);
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (action == "SendSms") return SendSms(*params, now);
  if (action == "SendBatchSms") return SendBatchSms(*params, now);
  return QuerySendDetails(*params);
}

}  // namespace duban::fakes
