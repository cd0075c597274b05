// FakeTencentSms: routing, common headers and TC3 authentication. The SMS
// actions are in fake_tencent_sms_actions.cc.
#include "fakes/fake_tencent_sms.h"

#include <fmt/format.h>

#include <cstdlib>

#include "base/strings.h"
#include "notify/channels/signing.h"

namespace duban::fakes {
namespace {

constexpr char kVersion[] = "2021-01-11";

// "TC3-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=x;y, Signature=z".
std::map<std::string, std::string> ParseTc3Authorization(const std::string& value) {
  std::map<std::string, std::string> out;
  const std::string prefix = "TC3-HMAC-SHA256 ";
  if (value.rfind(prefix, 0) != 0) return out;
  for (const std::string& part : Split(value.substr(prefix.size()), ',')) {
    const size_t eq = part.find('=');
    if (eq != std::string::npos) {
      out[std::string(Trim(part.substr(0, eq)))] = std::string(Trim(part.substr(eq + 1)));
    }
  }
  return out;
}

}  // namespace

FakeTencentSms::FakeTencentSms(const Clock* clock, Options options)
    : FakeServer(clock), options_(std::move(options)) {
  Start();
}

FakeTencentSms::~FakeTencentSms() { Stop(); }

std::vector<FakeTencentSms::Sms> FakeTencentSms::Sent() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sent_;
}

FakeReply FakeTencentSms::Answer(nlohmann::json response, std::string code) const {
  response["RequestId"] = FakeUuid(next_id_++);
  FakeReply r;
  r.body = nlohmann::json{{"Response", std::move(response)}}.dump();
  r.code = std::move(code);
  return r;
}

FakeReply FakeTencentSms::Error(const std::string& code, const std::string& message) const {
  return Answer({{"Error", {{"Code", code}, {"Message", message}}}}, code);
}

FakeReply FakeTencentSms::ProviderError(const std::string& code,
                                        const std::string& message) {
  return Error(code, message.empty() ? code : message);
}

std::optional<FakeReply> FakeTencentSms::Authenticate(const httplib::Request& req,
                                                      SystemTime now) const {
  for (const char* name : {"X-TC-Action", "X-TC-Version", "X-TC-Timestamp", "X-TC-Region",
                           "Content-Type", "Host"}) {
    if (!req.has_header(name)) {
      return Error("MissingParameter",
                   fmt::format("The request is missing a required parameter `{}`.", name));
    }
  }
  const std::string ts_text = req.get_header_value("X-TC-Timestamp");
  char* end = nullptr;
  const long long ts = std::strtoll(ts_text.c_str(), &end, 10);
  if (ts_text.empty() || *end != '\0') {
    return Error("InvalidParameter", "X-TC-Timestamp must be unix seconds.");
  }
  if (std::chrono::abs(now - SystemTime(std::chrono::seconds(ts))) > options_.max_skew) {
    return Error("AuthFailure.SignatureExpire",
                 "Signature expired. Timestamp and server time cannot differ by more than "
                 "5 minutes.");
  }
  const auto failure = [this] {
    return Error("AuthFailure.SignatureFailure",
                 "The provided credentials could not be validated. Please check your "
                 "signature is correct.");
  };
  auto auth = ParseTc3Authorization(req.get_header_value("Authorization"));
  if (!auth.contains("Credential") || !auth.contains("SignedHeaders") ||
      !auth.contains("Signature")) {
    return failure();
  }
  const std::vector<std::string> scope = Split(auth["Credential"], '/');
  if (scope.size() != 4) return failure();
  const auto secret = options_.secrets.find(scope[0]);
  if (secret == options_.secrets.end()) {
    return Error("AuthFailure.SecretIdNotFound", "The SecretId is not found.");
  }
  const std::string& signed_headers = auth["SignedHeaders"];
  // The scope date must be the UTC date: signing with the Beijing date
  // breaks every call between 00:00 and 08:00 Beijing time.
  if (scope[1] != notify::UtcDate(ts) || scope[2] != "sms" || scope[3] != "tc3_request" ||
      (signed_headers != "content-type;host" &&
       signed_headers != "content-type;host;x-tc-action")) {
    return failure();
  }
  notify::Tc3Request tc3;
  tc3.service = "sms";
  tc3.host = req.get_header_value("Host");
  tc3.action = req.get_header_value("X-TC-Action");
  tc3.content_type = req.get_header_value("Content-Type");
  tc3.body = req.body;
  tc3.timestamp = ts;
  tc3.sign_action = signed_headers == "content-type;host;x-tc-action";
  if (notify::TencentSignTc3(tc3, scope[0], secret->second).signature != auth["Signature"]) {
    return failure();
  }
  return std::nullopt;
}

FakeReply FakeTencentSms::Handle(const httplib::Request& req, SystemTime now) {
  if (req.method != "POST" || TargetPath(req.target) != "/") {
    return Error("UnsupportedOperation", "Only POST / with a JSON body is supported.");
  }
  if (auto bad = Authenticate(req, now)) return *bad;
  if (req.get_header_value("X-TC-Version") != kVersion) {
    return Error("NoSuchVersion", "The API version does not exist.");
  }
  if (!options_.regions.contains(req.get_header_value("X-TC-Region"))) {
    return Error("UnsupportedRegion", "The region is not supported.");
  }
  const std::string action = req.get_header_value("X-TC-Action");
  if (action != "SendSms" && action != "PullSmsSendStatus" &&
      action != "PullSmsSendStatusByPhoneNumber") {
    return Error("InvalidAction", "The action does not exist.");
  }
  const nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Error("FailedOperation.JsonParseFail", "Failed to parse the request body.");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (action == "SendSms") return SendSms(body, now);
  if (action == "PullSmsSendStatus") return PullSmsSendStatus(body);
  return PullByPhoneNumber(body);
}

}  // namespace duban::fakes
