// FakeAlibabaSms: SendSms, SendBatchSms and QuerySendDetails, after the
// gateway checks of fake_alibaba_sms.cc passed. All run with mu_ held.
#include "fakes/fake_alibaba_sms.h"

#include <fmt/format.h>

#include <cstdlib>

#include "base/strings.h"

namespace duban::fakes {
namespace {

using Kind = FakeAlibabaSms::Template::Kind;

std::optional<long> ParseLong(const std::string& s) {
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0') return std::nullopt;
  return v;
}

// "${name}您好" with {"name":"张三"} -> "张三您好".
std::string Render(std::string text, const nlohmann::json& params) {
  for (const auto& [name, value] : params.items()) {
    const std::string var = "${" + name + "}";
    const std::string v = value.is_string() ? value.get<std::string>() : value.dump();
    for (size_t pos = text.find(var); pos != std::string::npos; pos = text.find(var, pos + v.size())) {
      text.replace(pos, var.size(), v);
    }
  }
  return text;
}

std::optional<nlohmann::json> ParseArray(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) return std::nullopt;
  return j;
}

}  // namespace

std::optional<FakeReply> FakeAlibabaSms::CheckMessage(const std::string& raw_phone,
                                                      const std::string& sign,
                                                      const std::string& template_code,
                                                      const nlohmann::json& params,
                                                      std::string* phone) const {
  const auto normalized = NormalizeMainlandMobile(raw_phone);
  if (!normalized) return Reply("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号");
  *phone = *normalized;
  if (!options_.signatures.contains(sign)) {
    return Reply("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名");
  }
  const auto tpl = options_.templates.find(template_code);
  if (tpl == options_.templates.end()) {
    return Reply("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板");
  }
  if (!params.is_object()) {
    return Reply("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值");
  }
  for (const auto& [name, value] : params.items()) {
    if (!value.is_string()) {
      return Reply("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值");
    }
  }
  for (const auto& [name, max_chars] : tpl->second.variables) {
    if (!params.contains(name)) {
      return Reply("isv.TEMPLATE_MISSING_PARAMETERS", "模板变量缺少对应参数值");
    }
    const std::string value = params[name];
    if (Utf8Length(value) > max_chars) {
      return Reply("isv.PARAM_LENGTH_LIMIT", "参数超出长度限制");
    }
    if (ContainsUrl(value)) return Reply("isv.PARAM_NOT_SUPPORT_URL", "不支持URL");
  }
  return std::nullopt;
}

std::optional<FakeReply> FakeAlibabaSms::CheckFlow(const std::string& sign,
                                                   const std::string& tpl,
                                                   const std::string& phone,
                                                   SystemTime now) const {
  auto limited = [&](const char* window, int permits) {
    return Reply("isv.BUSINESS_LIMIT_CONTROL",
                       fmt::format("触发{}级流控Permits:{}", window, permits));
  };
  const bool captcha = options_.templates.at(tpl).kind == Kind::kCaptcha;
  const std::string now_text = BeijingDateTime(now);
  int minute = 0, hour = 0, day = 0;
  for (const Sms& s : sent_) {
    if (s.phone != phone || s.sign_name != sign) continue;
    const bool s_captcha = options_.templates.at(s.template_code).kind == Kind::kCaptcha;
    if (captcha != s_captcha || (!captcha && s.template_code != tpl)) continue;
    const std::string t = BeijingDateTime(s.at);
    if (t.compare(0, 16, now_text, 0, 16) == 0) ++minute;  // natural minute, UTC+8
    if (t.compare(0, 13, now_text, 0, 13) == 0) ++hour;    // natural hour, UTC+8
    if (s.at > now - std::chrono::hours(24)) ++day;         // rolling 24 h
  }
  if (captcha) {
    if (minute >= options_.captcha_per_minute) return limited("分钟", options_.captcha_per_minute);
    if (hour >= options_.captcha_per_hour) return limited("小时", options_.captcha_per_hour);
    if (day >= options_.captcha_per_day) return limited("天", options_.captcha_per_day);
    return std::nullopt;
  }
  if (day >= options_.daily_limit) return limited("天", options_.daily_limit);
  return std::nullopt;
}

std::string FakeAlibabaSms::Deliver(const std::vector<std::string>& phones,
                                    const std::vector<std::string>& signs,
                                    const std::string& tpl,
                                    const std::vector<nlohmann::json>& params,
                                    const std::string& out_id, SystemTime now) {
  const std::string biz_id = fmt::format("{}^0", 900619746936498440ULL + next_id_++);
  for (size_t i = 0; i < phones.size(); ++i) {
    const std::string content =
        "【" + signs[i] + "】" + Render(options_.templates.at(tpl).content, params[i]);
    sent_.push_back({biz_id, phones[i], signs[i], tpl, params[i], out_id, content, now});
  }
  return biz_id;
}

FakeReply FakeAlibabaSms::SendSms(const Params& p, SystemTime now) {
  for (const char* name : {"PhoneNumbers", "SignName", "TemplateCode"}) {
    if (!p.contains(name)) {
      return Reply(std::string("Missing") + name,
                   std::string(name) + " is mandatory for this action.", 400);
    }
  }
  const std::vector<std::string> raw = Split(p.at("PhoneNumbers"), ',');
  if (raw.size() > options_.max_numbers) {
    return Reply("isv.MOBILE_COUNT_OVER_LIMIT", "手机号码数量超过限制");
  }
  const std::string out_id = p.contains("OutId") ? p.at("OutId") : "";
  if (out_id.size() >= 256) return Reply("isv.INVALID_PARAMETERS", "OutId 超过长度限制");
  nlohmann::json params = nlohmann::json::object();
  if (p.contains("TemplateParam")) {
    params = nlohmann::json::parse(p.at("TemplateParam"), nullptr, false);
    if (params.is_discarded()) {
      return Reply("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值");
    }
  }
  const std::string& sign = p.at("SignName");
  const std::string& tpl = p.at("TemplateCode");
  std::vector<std::string> phones(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (auto bad = CheckMessage(raw[i], sign, tpl, params, &phones[i])) return *bad;
  }
  for (const std::string& phone : phones) {
    if (auto bad = CheckFlow(sign, tpl, phone, now)) return *bad;
  }
  const std::string biz_id =
      Deliver(phones, std::vector<std::string>(phones.size(), sign), tpl,
              std::vector<nlohmann::json>(phones.size(), params), out_id, now);
  FakeReply r = Reply("OK", "OK", 200, {{"BizId", biz_id}});
  r.idempotency_key = out_id;
  r.deliveries = static_cast<int>(phones.size());
  return r;
}

FakeReply FakeAlibabaSms::SendBatchSms(const Params& p, SystemTime now) {
  for (const char* name : {"PhoneNumberJson", "SignNameJson", "TemplateCode"}) {
    if (!p.contains(name)) {
      return Reply(std::string("Missing") + name,
                   std::string(name) + " is mandatory for this action.", 400);
    }
  }
  const auto phones_json = ParseArray(p.at("PhoneNumberJson"));
  const auto signs_json = ParseArray(p.at("SignNameJson"));
  if (!phones_json || !signs_json || phones_json->size() != signs_json->size()) {
    return Reply("isv.INVALID_PARAMETERS", "参数异常");
  }
  if (phones_json->size() > options_.max_batch) {
    return Reply("isv.MOBILE_COUNT_OVER_LIMIT", "手机号码数量超过限制");
  }
  std::vector<nlohmann::json> params(phones_json->size(), nlohmann::json::object());
  if (p.contains("TemplateParamJson")) {
    const auto params_json = ParseArray(p.at("TemplateParamJson"));
    if (!params_json) return Reply("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值");
    if (params_json->size() != params.size()) return Reply("isv.INVALID_PARAMETERS", "参数异常");
    for (size_t i = 0; i < params.size(); ++i) params[i] = (*params_json)[i];
  }
  const std::string out_id = p.contains("OutId") ? p.at("OutId") : "";
  if (out_id.size() >= 256) return Reply("isv.INVALID_PARAMETERS", "OutId 超过长度限制");
  const std::string& tpl = p.at("TemplateCode");
  std::vector<std::string> phones(params.size());
  std::vector<std::string> signs(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    const auto& ph = (*phones_json)[i];
    const auto& sg = (*signs_json)[i];
    if (!ph.is_string() || !sg.is_string()) return Reply("isv.INVALID_PARAMETERS", "参数异常");
    signs[i] = sg.get<std::string>();
    if (auto bad = CheckMessage(ph.get<std::string>(), signs[i], tpl, params[i], &phones[i])) {
      return *bad;
    }
  }
  for (size_t i = 0; i < phones.size(); ++i) {
    if (auto bad = CheckFlow(signs[i], tpl, phones[i], now)) return *bad;
  }
  FakeReply r = Reply("OK", "OK", 200, {{"BizId", Deliver(phones, signs, tpl, params, out_id, now)}});
  r.idempotency_key = out_id;
  r.deliveries = static_cast<int>(phones.size());
  return r;
}

FakeReply FakeAlibabaSms::QuerySendDetails(const Params& p) const {
  for (const char* name : {"PhoneNumber", "SendDate", "PageSize", "CurrentPage"}) {
    if (!p.contains(name)) {
      return Reply(std::string("Missing") + name,
                         std::string(name) + " is mandatory for this action.", 400);
    }
  }
  const auto phone = NormalizeMainlandMobile(p.at("PhoneNumber"));
  if (!phone) return Reply("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号");
  const auto page_size = ParseLong(p.at("PageSize"));
  const auto page = ParseLong(p.at("CurrentPage"));
  if (!page_size || *page_size < 1 || *page_size > 50 || !page || *page < 1) {
    return Reply("isv.INVALID_PARAMETERS", "参数异常");
  }
  const std::string biz_id = p.contains("BizId") ? p.at("BizId") : "";
  nlohmann::json dtos = nlohmann::json::array();
  int total = 0;
  for (const Sms& s : sent_) {
    if (s.phone != *phone || BeijingDate(s.at) != p.at("SendDate") ||
        (!biz_id.empty() && s.biz_id != biz_id)) {
      continue;
    }
    const long index = total++;
    if (index < (*page - 1) * *page_size || index >= *page * *page_size) continue;
    dtos.push_back({{"PhoneNum", s.phone}, {"SendStatus", 3}, {"ErrCode", "DELIVERED"},
                    {"TemplateCode", s.template_code}, {"Content", s.content},
                    {"SendDate", BeijingDateTime(s.at)}, {"ReceiveDate", BeijingDateTime(s.at)},
                    {"OutId", s.out_id}});
  }
  return Reply("OK", "OK", 200,
                     {{"TotalCount", total}, {"SmsSendDetailDTOs", {{"SmsSendDetailDTO", dtos}}}});
}

}  // namespace duban::fakes
