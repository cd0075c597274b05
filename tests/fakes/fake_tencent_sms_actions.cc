// FakeTencentSms: SendSms and the two status pulls, after the checks of
// fake_tencent_sms.cc passed. All run with mu_ held.
#include "fakes/fake_tencent_sms.h"

#include <fmt/format.h>

#include <algorithm>

namespace duban::fakes {
namespace {

// Domestic numbers come back as "+86XXXXXXXXXXX" (or nullopt when invalid);
// anything else starting with '+' is international.
bool IsInternational(const std::string& raw) {
  return !raw.empty() && raw[0] == '+' && raw.rfind("+86", 0) != 0;
}

std::string StringField(const nlohmann::json& body, const char* name) {
  return body.contains(name) && body[name].is_string() ? body[name].get<std::string>() : "";
}

int64_t IntField(const nlohmann::json& body, const char* name, int64_t fallback) {
  return body.contains(name) && body[name].is_number_integer() ? body[name].get<int64_t>()
                                                               : fallback;
}

}  // namespace

FakeReply FakeTencentSms::SendSms(const nlohmann::json& body, SystemTime now) {
  const std::string app_id = StringField(body, "SmsSdkAppId");
  if (app_id.empty()) return Error("MissingParameter", "SmsSdkAppId is required.");
  const auto app = options_.apps.find(app_id);
  if (app == options_.apps.end()) {
    return Error("InvalidParameterValue.SdkAppIdNotExist", "SdkAppId does not exist.");
  }
  if (!body.contains("PhoneNumberSet") || !body["PhoneNumberSet"].is_array() ||
      body["PhoneNumberSet"].empty()) {
    return Error("MissingParameter.EmptyPhoneNumberSet", "The phone number set is empty.");
  }
  const nlohmann::json& numbers = body["PhoneNumberSet"];
  if (numbers.size() > options_.max_numbers) {
    return Error("LimitExceeded.PhoneNumberCountLimit",
                 "The number of phone numbers in one request exceeds 200.");
  }
  size_t international = 0;
  for (const auto& n : numbers) {
    if (!n.is_string()) return Error("InvalidParameterValue.IncorrectPhoneNumber", "Bad number.");
    international += IsInternational(n.get<std::string>()) ? 1 : 0;
  }
  if (international != 0 && international != numbers.size()) {
    return Error("UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
                 "Domestic and international numbers cannot be mixed.");
  }
  const std::string sign = StringField(body, "SignName");
  if (international == 0 && !app->second.sign_names.contains(sign)) {
    return Error("FailedOperation.SignatureIncorrectOrUnapproved",
                 "The signature is incorrect or unapproved.");
  }
  const std::string template_id = StringField(body, "TemplateId");
  const auto tpl = app->second.templates.find(template_id);
  if (tpl == app->second.templates.end()) {
    return Error("FailedOperation.TemplateIncorrectOrUnapproved",
                 "The template is incorrect or unapproved.");
  }
  std::vector<std::string> params;
  if (body.contains("TemplateParamSet")) {
    if (!body["TemplateParamSet"].is_array()) {
      return Error("InvalidParameterValue.TemplateParameterFormatError",
                   "TemplateParamSet must be an array of strings.");
    }
    for (const auto& v : body["TemplateParamSet"]) {
      if (!v.is_string()) {
        return Error("InvalidParameterValue.TemplateParameterFormatError",
                     "TemplateParamSet must be an array of strings.");
      }
      params.push_back(v.get<std::string>());
    }
  }
  if (params.size() != tpl->second) {
    return Error("FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
                 "The number of template parameters does not match the template.");
  }
  const size_t limit = app->second.individual_account ? 12 : app->second.max_param_chars;
  for (const std::string& p : params) {
    if (limit != 0 && Utf8Length(p) > limit) {
      return Error("InvalidParameterValue.TemplateParameterLengthLimit",
                   fmt::format("A template variable exceeds {} characters.", limit));
    }
    if (ContainsUrl(p)) {
      return Error("InvalidParameterValue.ProhibitedUseUrlInTemplateParameter",
                   "URLs are not allowed in template variables.");
    }
  }
  const std::string session = StringField(body, "SessionContext");
  if (session.size() >= 512) return Error("InvalidParameter", "SessionContext is too long.");

  nlohmann::json statuses = nlohmann::json::array();
  std::string codes;
  int delivered = 0;
  for (const auto& n : numbers) {
    const std::string raw = n.get<std::string>();
    std::string phone = raw;
    std::string code = "Ok";
    if (!IsInternational(raw)) {
      const auto mobile = NormalizeMainlandMobile(raw);
      if (mobile) phone = "+86" + *mobile;
      else code = "InvalidParameterValue.IncorrectPhoneNumber";
    }
    if (code == "Ok") {
      int same_day = 0;
      bool recent_same = false;
      for (const Sms& s : sent_) {
        if (s.phone != phone || s.app_id != app_id) continue;
        if (BeijingDate(s.at) == BeijingDate(now)) ++same_day;
        recent_same = recent_same || (s.at > now - options_.same_content_window &&
                                      s.sign_name == sign && s.template_id == template_id &&
                                      s.params == params);
      }
      if (recent_same) code = "LimitExceeded.PhoneNumberThirtySecondLimit";
      else if (same_day >= options_.daily_per_number) code = "LimitExceeded.PhoneNumberDailyLimit";
    }
    nlohmann::json entry = {{"PhoneNumber", phone}, {"SessionContext", session},
                            {"Code", code}, {"IsoCode", IsInternational(raw) ? "" : "CN"}};
    if (code == "Ok") {
      const std::string serial = fmt::format("2433:{}", 104000000000000000ULL + next_id_++);
      sent_.push_back({serial, phone, app_id, sign, template_id, params, session, now});
      entry["SerialNo"] = serial;
      entry["Fee"] = 1;
      entry["Message"] = "send success";
      ++delivered;
    } else {
      entry["SerialNo"] = "";
      entry["Fee"] = 0;
      entry["Message"] = code;
    }
    statuses.push_back(std::move(entry));
    codes += (codes.empty() ? "" : ",") + code;
  }
  FakeReply r = Answer({{"SendStatusSet", statuses}}, codes);
  r.idempotency_key = session;
  r.deliveries = delivered;
  return r;
}

nlohmann::json FakeTencentSms::StatusEntry(const Sms& sms) const {
  const bool domestic = sms.phone.rfind("+86", 0) == 0;
  return {{"UserReceiveTime", BeijingDateTime(sms.at)},
          {"CountryCode", domestic ? "86" : ""},
          {"SubscriberNumber", domestic ? sms.phone.substr(3) : sms.phone},
          {"PhoneNumber", sms.phone},
          {"SerialNo", sms.serial_no},
          {"ReportStatus", "SUCCESS"},
          {"Description", "用户短信送达成功"},
          {"SessionContext", sms.session_context}};
}

FakeReply FakeTencentSms::PullSmsSendStatus(const nlohmann::json& body) {
  const std::string app_id = StringField(body, "SmsSdkAppId");
  if (!options_.apps.contains(app_id)) {
    return Error("InvalidParameterValue.SdkAppIdNotExist", "SdkAppId does not exist.");
  }
  const int64_t limit = IntField(body, "Limit", 0);
  if (limit < 1 || limit > 100) return Error("InvalidParameter", "Limit must be 1-100.");
  nlohmann::json set = nlohmann::json::array();
  for (Sms& s : sent_) {
    if (static_cast<int64_t>(set.size()) >= limit) break;
    if (s.app_id != app_id || s.reported) continue;
    s.reported = true;  // PullSmsSendStatus hands out each receipt once
    set.push_back(StatusEntry(s));
  }
  return Answer({{"PullSmsSendStatusSet", set}}, "Ok");
}

FakeReply FakeTencentSms::PullByPhoneNumber(const nlohmann::json& body) const {
  const std::string app_id = StringField(body, "SmsSdkAppId");
  if (!options_.apps.contains(app_id)) {
    return Error("InvalidParameterValue.SdkAppIdNotExist", "SdkAppId does not exist.");
  }
  if (!body.contains("BeginTime") || !body.contains("PhoneNumber") ||
      !body.contains("Limit") || !body.contains("Offset")) {
    return Error("MissingParameter", "BeginTime, Offset, Limit and PhoneNumber are required.");
  }
  const std::string raw = StringField(body, "PhoneNumber");
  const auto mobile = NormalizeMainlandMobile(raw);
  const std::string phone = mobile ? "+86" + *mobile : raw;
  const SystemTime begin(std::chrono::seconds(IntField(body, "BeginTime", 0)));
  const SystemTime end(std::chrono::seconds(IntField(body, "EndTime", INT64_MAX / 1000000)));
  const int64_t offset = IntField(body, "Offset", 0);
  const int64_t limit = std::clamp<int64_t>(IntField(body, "Limit", 0), 0, 100);
  nlohmann::json set = nlohmann::json::array();
  int64_t index = 0;
  for (const Sms& s : sent_) {
    if (s.app_id != app_id || s.phone != phone || s.at < begin || s.at > end) continue;
    if (index++ < offset) continue;
    if (static_cast<int64_t>(set.size()) >= limit) break;
    set.push_back(StatusEntry(s));
  }
  return Answer({{"PullSmsSendStatusSet", set}}, "Ok");
}

}  // namespace duban::fakes
