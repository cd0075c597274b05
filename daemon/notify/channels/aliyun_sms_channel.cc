// Alibaba Cloud SMS (reference/channels.md §4): SendSms and
// QuerySendDetails with RPC signature V2, parameters in a form POST body.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "base/crypto.h"
#include "notify/channels/signing.h"
#include "notify/channels/sms_channels.h"
#include "notify/channels/text_util.h"

namespace duban::notify {
namespace {

bool OneOf(const std::string& code, std::initializer_list<const char*> codes) {
  for (const char* c : codes) {
    if (code == c) return true;
  }
  return false;
}

// A fresh version-4 UUID for SignatureNonce (random, never reused).
std::string Nonce() {
  std::string b = crypto::RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3F) | 0x80);
  const std::string h = crypto::Hex(b);
  return fmt::format("{}-{}-{}-{}-{}", h.substr(0, 8), h.substr(8, 4), h.substr(12, 4),
                     h.substr(16, 4), h.substr(20));
}

std::string JsonString(const nlohmann::json& j, const char* field) {
  if (!j.contains(field)) return "";
  const auto& v = j[field];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

AliyunSmsChannel::AliyunSmsChannel(SmsOptions options, SmsTemplates templates, ChannelDeps deps,
                                   std::shared_ptr<RateLimiter> per_number)
    : SmsChannel(std::move(options), std::move(templates), std::move(deps),
                 std::move(per_number)) {
  if (options_.url.empty()) options_.url = kDefaultUrl;
}

HttpRequest AliyunSmsChannel::Signed(std::map<std::string, std::string> params) {
  params["AccessKeyId"] = options_.key_id;
  params["Format"] = "JSON";
  params["RegionId"] = "cn-hangzhou";
  params["SignatureMethod"] = "HMAC-SHA1";
  params["SignatureNonce"] = Nonce();
  params["SignatureVersion"] = "1.0";
  params["Timestamp"] = UtcIso8601Seconds(ToUnixMillis(Now()) / 1000);
  params["Version"] = "2017-05-25";
  HttpRequest req;
  req.url = options_.url;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  req.body = AlibabaSignV2("POST", params, options_.key_secret).encoded_request;
  req.timeout = options_.timeout;
  return req;
}

void AliyunSmsChannel::SendOne(const store::OutboxRow& row, const std::string& mobile,
                               const SmsMessage& message, const std::string& number_key,
                               std::function<void(SendResult)> done) {
  // Every value a string: {"code":123} would be isv.INVALID_JSON_PARAM.
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [k, v] : message.params) params[k] = v;
  std::map<std::string, std::string> p = {{"Action", "SendSms"},
                                          {"PhoneNumbers", mobile},
                                          {"SignName", options_.sign_name},
                                          {"TemplateCode", message.code},
                                          {"TemplateParam", params.dump()}};
  // OutId must stay under 256 characters; it lets QuerySendDetails find
  // this message after a timeout or a crash.
  if (!row.idempotency_key.empty()) p["OutId"] = row.idempotency_key.substr(0, 255);
  Fetch(Signed(std::move(p)), [this, done, number_key](HttpResponse r) {
    Finish(done, Judge(r, number_key));
  });
}

// The Code table of channels.md §4. Gateway codes (Signature*, InvalidTimeStamp)
// come with HTTP 400/404, so any 4xx is judged by its Code too.
SendResult AliyunSmsChannel::Judge(const HttpResponse& r, const std::string& number_key) {
  const SystemTime now = Now();
  if (auto t = TransportOutcome(r, now)) return *t;
  const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("Code") || !j["Code"].is_string()) {
    const std::string what = fmt::format("HTTP {}, not an Alibaba Cloud answer: {}", r.status,
                                         BodySnippet(r.body, 120));
    return r.status >= 400 ? Broken(what + " (check the channel's url)") : RetrySoon(what);
  }
  const std::string code = j["Code"];
  std::string message = JsonString(j, "Message");
  // SignatureDoesNotMatch carries the server's string to sign: long, and
  // only useful when debugging by hand.
  if (code == "SignatureDoesNotMatch") message = message.substr(0, message.find(" server string"));
  const std::string detail = fmt::format("{}: {}", code, message);
  if (code == "OK") return Sent(JsonString(j, "BizId"), detail);
  if (code == "isv.BUSINESS_LIMIT_CONTROL") {
    // 触发分钟级/小时级/天级流控: wait for that window to pass.
    Millis wait = std::chrono::hours(1);
    if (message.find("分钟") != std::string::npos) wait = std::chrono::minutes(1);
    else if (message.find("小时") != std::string::npos) wait = std::chrono::hours(1);
    else if (message.find("天") != std::string::npos) wait = std::chrono::hours(24);
    if (per_number_) per_number_->Block(number_key, wait);
    return RetryAfter(now + wait, detail);
  }
  if (code == "isp.SYSTEM_ERROR" || code.rfind("Throttling", 0) == 0) return RetrySoon(detail);
  if (OneOf(code, {"SignatureDoesNotMatch", "InvalidTimeStamp.Expired", "InvalidTimeStamp.Format"})) {
    return Broken(detail + ClockHint(r, now));
  }
  if (OneOf(code, {"isv.DAY_LIMIT_CONTROL", "isv.MONTH_LIMIT_CONTROL", "isv.OUT_OF_SERVICE",
                   "isv.AMOUNT_NOT_ENOUGH", "isp.RAM_PERMISSION_DENY", "isv.PRODUCT_UN_SUBSCRIPT",
                   "isv.ACCOUNT_NOT_EXISTS", "isv.ACCOUNT_ABNORMAL", "isv.DENY_IP_RANGE",
                   "isv.SMS_SIGNATURE_ILLEGAL", "isv.SIGN_STATE_ILLEGAL",
                   "isv.SMS_SIGNATURE_SCENE_ILLEGAL", "isv.SMS_TEMPLATE_ILLEGAL",
                   "InvalidAccessKeyId.NotFound", "SignatureNonceUsed"}) ||
      code.rfind("Missing", 0) == 0) {
    return Broken(detail);
  }
  if (OneOf(code, {"isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT",
                   "isv.TEMPLATE_MISSING_PARAMETERS", "isv.TEMPLATE_PARAMS_ILLEGAL",
                   "isv.INVALID_JSON_PARAM", "isv.PARAM_LENGTH_LIMIT", "isv.PARAM_NOT_SUPPORT_URL",
                   "isv.BLACK_KEY_CONTROL_LIMIT", "isv.SMS_CONTENT_ILLEGAL",
                   "isv.INVALID_PARAMETERS"})) {
    return Rejected(detail);
  }
  return RetrySoon("unknown " + detail);
}

// ---- QuerySendDetails ------------------------------------------------------

struct AliyunSmsChannel::Query {
  store::OutboxRow row;
  std::string mobile;
  std::vector<std::string> dates;  // yyyyMMdd, Beijing time
  size_t date_index = 0;
  int page = 1;
  std::function<void(StatusAnswer)> done;
};

void AliyunSmsChannel::QueryStatus(const store::OutboxRow& row,
                                   std::function<void(StatusAnswer)> done) {
  const auto mobile = MainlandMobile(row.address);
  if (!mobile) {
    done({StatusAnswer::Kind::kUnknown, "", "not a mainland mobile number: " + row.address});
    return;
  }
  auto q = std::make_shared<Query>();
  q->row = row;
  q->mobile = *mobile;
  const SystemTime attempt = row.sending_since.value_or(row.next_attempt_at);
  q->dates.push_back(BeijingYmd(attempt));
  if (BeijingYmd(Now()) != q->dates.front()) q->dates.push_back(BeijingYmd(Now()));
  q->done = std::move(done);
  QueryPage(std::move(q));
}

void AliyunSmsChannel::QueryPage(std::shared_ptr<Query> q) {
  constexpr int kPageSize = 50;
  std::map<std::string, std::string> p = {{"Action", "QuerySendDetails"},
                                          {"PhoneNumber", q->mobile},
                                          {"SendDate", q->dates[q->date_index]},
                                          {"PageSize", std::to_string(kPageSize)},
                                          {"CurrentPage", std::to_string(q->page)}};
  if (!q->row.provider_id.empty()) p["BizId"] = q->row.provider_id;
  Fetch(Signed(std::move(p)), [this, q](HttpResponse r) {
    auto answer = [&](StatusAnswer::Kind kind, std::string id, std::string detail) {
      q->done({kind, std::move(id), Scrub(std::move(detail))});
    };
    if (!r.complete() || r.status != 200) {
      answer(StatusAnswer::Kind::kUnknown, "",
             r.complete() ? fmt::format("HTTP {} {}", r.status, BodySnippet(r.body, 160))
                          : r.error_text);
      return;
    }
    const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_object() || JsonString(j, "Code") != "OK") {
      answer(StatusAnswer::Kind::kUnknown, "", "QuerySendDetails: " + BodySnippet(r.body, 160));
      return;
    }
    const nlohmann::json dtos = j.contains("SmsSendDetailDTOs")
                                    ? j["SmsSendDetailDTOs"].value("SmsSendDetailDTO",
                                                                   nlohmann::json::array())
                                    : nlohmann::json::array();
    for (const auto& d : dtos) {
      const bool ours = !q->row.provider_id.empty() || JsonString(d, "OutId") == q->row.idempotency_key;
      if (!ours) continue;
      const std::string status = JsonString(d, "SendStatus");
      const std::string detail =
          fmt::format("QuerySendDetails: SendStatus {} {} at {}", status, JsonString(d, "ErrCode"),
                      JsonString(d, "SendDate"));
      const std::string id = q->row.provider_id;
      if (status == "3") return answer(StatusAnswer::Kind::kDelivered, id, detail);
      if (status == "2") return answer(StatusAnswer::Kind::kFailed, id, detail);
      return answer(StatusAnswer::Kind::kAcceptedPending, id, detail);
    }
    const int64_t total = j.contains("TotalCount") && j["TotalCount"].is_number_integer()
                              ? j["TotalCount"].get<int64_t>()
                              : std::atoll(JsonString(j, "TotalCount").c_str());
    if (int64_t{q->page} * kPageSize < total && q->page < 20) {
      ++q->page;
      return QueryPage(q);
    }
    if (q->date_index + 1 < q->dates.size()) {
      ++q->date_index;
      q->page = 1;
      return QueryPage(q);
    }
    answer(StatusAnswer::Kind::kNotFound, "",
           fmt::format("QuerySendDetails lists no message with OutId {} to {} on {}",
                       q->row.idempotency_key, q->mobile, fmt::join(q->dates, ", ")));
  });
}

}  // namespace duban::notify
