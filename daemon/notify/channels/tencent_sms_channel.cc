// Tencent Cloud SMS (reference/channels.md §5): SendSms 2021-01-11 and
// PullSmsSendStatusByPhoneNumber, signed with TC3-HMAC-SHA256.
#include <fmt/format.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "notify/channels/signing.h"
#include "notify/channels/sms_channels.h"
#include "notify/channels/text_util.h"

namespace duban::notify {
namespace {

constexpr char kVersion[] = "2021-01-11";

bool OneOf(const std::string& code, std::initializer_list<const char*> codes) {
  for (const char* c : codes) {
    if (code == c) return true;
  }
  return false;
}

std::string StringField(const nlohmann::json& j, const char* field) {
  return j.is_object() && j.contains(field) && j[field].is_string() ? j[field].get<std::string>()
                                                                    : "";
}

}  // namespace

TencentSmsChannel::TencentSmsChannel(SmsOptions options, SmsTemplates templates,
                                     ChannelDeps deps, std::shared_ptr<RateLimiter> per_number)
    : SmsChannel(std::move(options), std::move(templates), std::move(deps),
                 std::move(per_number)) {
  if (options_.url.empty()) options_.url = kDefaultUrl;
  if (options_.region.empty()) options_.region = "ap-guangzhou";
}

HttpRequest TencentSmsChannel::Signed(const std::string& action, const std::string& body) {
  Tc3Request tc3;
  tc3.service = "sms";
  // The Host header is signed, so it is sent exactly as signed.
  tc3.host = UrlAuthority(options_.url);
  tc3.action = action;
  tc3.body = body;
  // The scope date is the UTC date of this timestamp (TencentSignTc3).
  tc3.timestamp = ToUnixMillis(Now()) / 1000;
  const Tc3Signed s = TencentSignTc3(tc3, options_.key_id, options_.key_secret);
  HttpRequest req;
  req.url = options_.url;
  req.headers = {{"Content-Type", tc3.content_type},
                 {"Host", tc3.host},
                 {"X-TC-Action", action},
                 {"X-TC-Version", kVersion},
                 {"X-TC-Timestamp", std::to_string(tc3.timestamp)},
                 {"X-TC-Region", options_.region},
                 {"Authorization", s.authorization}};
  req.body = body;
  req.timeout = options_.timeout;
  return req;
}

void TencentSmsChannel::SendOne(const store::OutboxRow& row, const std::string& mobile,
                                const SmsMessage& message, const std::string& number_key,
                                std::function<void(SendResult)> done) {
  nlohmann::json params = nlohmann::json::array();
  for (const auto& [name, value] : message.params) params.push_back(value);  // {1}, {2}, ...
  nlohmann::json body = {{"PhoneNumberSet", {"+86" + mobile}},
                         {"SmsSdkAppId", options_.sdk_app_id},
                         {"SignName", options_.sign_name},
                         {"TemplateId", message.code},
                         {"TemplateParamSet", params}};
  // Echoed back in receipts: how QueryStatus finds this message (< 512 bytes).
  if (!row.idempotency_key.empty()) body["SessionContext"] = row.idempotency_key.substr(0, 500);
  Fetch(Signed("SendSms", body.dump()), [this, done, number_key](HttpResponse r) {
    Finish(done, Judge(r, number_key));
  });
}

// The Code table of channels.md §5, for Response.Error.Code or, when the
// request went through, the one number's SendStatusSet[0].Code.
SendResult TencentSmsChannel::Judge(const HttpResponse& r, const std::string& number_key) {
  const SystemTime now = Now();
  if (auto t = TransportOutcome(r, now)) return *t;
  const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  const nlohmann::json resp = j.is_object() && j.contains("Response") ? j["Response"] : nlohmann::json();
  std::string code;
  std::string message;
  std::string serial;
  if (resp.is_object() && resp.contains("Error")) {
    code = StringField(resp["Error"], "Code");
    message = StringField(resp["Error"], "Message");
  } else if (resp.is_object() && resp.contains("SendStatusSet") &&
             resp["SendStatusSet"].is_array() && !resp["SendStatusSet"].empty()) {
    const auto& st = resp["SendStatusSet"][0];
    code = StringField(st, "Code");
    message = StringField(st, "Message");
    serial = StringField(st, "SerialNo");
  }
  if (code.empty()) {
    const std::string what = fmt::format("HTTP {}, not a Tencent Cloud answer: {}", r.status,
                                         BodySnippet(r.body, 120));
    return r.status >= 400 ? Broken(what + " (check the channel's url)") : RetrySoon(what);
  }
  const std::string detail = fmt::format("{}: {}", code, message);
  auto limited = [&](SystemTime until) {
    if (per_number_) {
      per_number_->Block(number_key, std::chrono::duration_cast<Millis>(until - now));
    }
    return RetryAfter(until, detail);
  };
  if (code == "Ok") return Sent(serial, detail);
  if (code == "LimitExceeded.PhoneNumberThirtySecondLimit") {
    return limited(now + std::chrono::seconds(30));
  }
  if (code == "LimitExceeded.PhoneNumberOneHourLimit") return limited(now + std::chrono::hours(1));
  if (OneOf(code, {"LimitExceeded.PhoneNumberDailyLimit",
                   "LimitExceeded.PhoneNumberSameContentDailyLimit",
                   "LimitExceeded.DeliveryFrequencyLimit"})) {
    return limited(NextBeijingMidnight(now) + std::chrono::minutes(5));
  }
  if (code == "FailedOperation.MarketingSendTimeConstraint") {
    return RetryAfter(NextBeijingHour(now, 8), detail);
  }
  if (code.rfind("AuthFailure.", 0) == 0 || code == "InternalError.RequestTimeException") {
    return Broken(detail + ClockHint(r, now));
  }
  if (code.rfind("InternalError.", 0) == 0 || code.rfind("RequestLimitExceeded", 0) == 0) {
    return RetrySoon(detail);
  }
  if (code.rfind("UnauthorizedOperation.", 0) == 0 ||
      OneOf(code, {"LimitExceeded.AppDailyLimit", "LimitExceeded.AppMainlandChinaDailyLimit",
                   "FailedOperation.InsufficientBalanceInSmsPackage",
                   "FailedOperation.SignatureIncorrectOrUnapproved",
                   "FailedOperation.TemplateIncorrectOrUnapproved",
                   "FailedOperation.TemplateUnapprovedOrNotExist",
                   "InvalidParameterValue.SdkAppIdNotExist", "UnsupportedRegion", "NoSuchVersion",
                   "InvalidAction", "MissingParameter"})) {
    return Broken(detail);
  }
  if (OneOf(code, {"InvalidParameterValue.IncorrectPhoneNumber",
                   "FailedOperation.PhoneNumberParseFail", "FailedOperation.PhoneNumberInBlacklist",
                   "InvalidParameterValue.TemplateParameterLengthLimit",
                   "InvalidParameterValue.TemplateParameterFormatError",
                   "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter",
                   "InvalidParameterValue.ContentLengthLimit", "FailedOperation.ContainSensitiveWord",
                   "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
                   "MissingParameter.EmptyPhoneNumberSet", "LimitExceeded.PhoneNumberCountLimit",
                   "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber"})) {
    return Rejected(detail);
  }
  return RetrySoon("unknown " + detail);
}

// ---- PullSmsSendStatusByPhoneNumber ------------------------------------------

struct TencentSmsChannel::Query {
  store::OutboxRow row;
  std::string phone;  // +86...
  int64_t begin = 0;  // unix seconds
  int64_t end = 0;
  int64_t offset = 0;
  std::function<void(StatusAnswer)> done;
};

void TencentSmsChannel::QueryStatus(const store::OutboxRow& row,
                                    std::function<void(StatusAnswer)> done) {
  const auto mobile = MainlandMobile(row.address);
  if (!mobile) {
    done({StatusAnswer::Kind::kUnknown, "", "not a mainland mobile number: " + row.address});
    return;
  }
  auto q = std::make_shared<Query>();
  q->row = row;
  q->phone = "+86" + *mobile;
  const SystemTime attempt = row.sending_since.value_or(row.next_attempt_at);
  q->begin = ToUnixMillis(attempt) / 1000 - 300;
  q->end = ToUnixMillis(Now()) / 1000 + 60;
  q->done = std::move(done);
  QueryPage(std::move(q));
}

void TencentSmsChannel::QueryPage(std::shared_ptr<Query> q) {
  constexpr int64_t kLimit = 100;
  const nlohmann::json body = {{"SmsSdkAppId", options_.sdk_app_id}, {"PhoneNumber", q->phone},
                               {"BeginTime", q->begin},            {"EndTime", q->end},
                               {"Offset", q->offset},              {"Limit", kLimit}};
  Fetch(Signed("PullSmsSendStatusByPhoneNumber", body.dump()), [this, q](HttpResponse r) {
    auto answer = [&](StatusAnswer::Kind kind, std::string id, std::string detail) {
      q->done({kind, std::move(id), Scrub(std::move(detail))});
    };
    if (!r.complete() || r.status != 200) {
      return answer(StatusAnswer::Kind::kUnknown, "",
                    r.complete() ? fmt::format("HTTP {} {}", r.status, BodySnippet(r.body, 160))
                                 : r.error_text);
    }
    const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
    const nlohmann::json resp = j.is_object() && j.contains("Response") ? j["Response"] : nlohmann::json();
    if (!resp.is_object() || resp.contains("Error") || !resp.contains("PullSmsSendStatusSet") ||
        !resp["PullSmsSendStatusSet"].is_array()) {
      return answer(StatusAnswer::Kind::kUnknown, "",
                    "PullSmsSendStatusByPhoneNumber: " + BodySnippet(r.body, 160));
    }
    const auto& set = resp["PullSmsSendStatusSet"];
    for (const auto& s : set) {
      const std::string serial = StringField(s, "SerialNo");
      const bool ours = StringField(s, "SessionContext") == q->row.idempotency_key ||
                        (!q->row.provider_id.empty() && serial == q->row.provider_id);
      if (!ours) continue;
      const std::string status = StringField(s, "ReportStatus");
      const std::string detail = fmt::format("receipt {} {} at {}", status,
                                             StringField(s, "Description"),
                                             StringField(s, "UserReceiveTime"));
      if (status == "SUCCESS") return answer(StatusAnswer::Kind::kDelivered, serial, detail);
      if (status == "FAIL") return answer(StatusAnswer::Kind::kFailed, serial, detail);
      return answer(StatusAnswer::Kind::kAcceptedPending, serial, detail);
    }
    if (static_cast<int64_t>(set.size()) == kLimit && q->offset < 10 * kLimit) {
      q->offset += kLimit;
      return QueryPage(q);
    }
    answer(StatusAnswer::Kind::kNotFound, "",
           fmt::format("no receipt with SessionContext {} for {} since the attempt (receipts can "
                       "lag a few minutes behind the send)",
                       q->row.idempotency_key, q->phone));
  });
}

}  // namespace duban::notify
