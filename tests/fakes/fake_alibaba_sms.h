// FakeAlibabaSms: Alibaba Cloud SMS (dysmsapi 2017-05-25, channels.md §4
// and §7) on loopback, at "/" like the real endpoint.
//
// Gateway checks (HTTP 400/404 as observed upstream): RPC Signature V2 by GET
// query or form POST, or ACS3-HMAC-SHA256 (V3) when an Authorization header
// is present; parameters are URL-decoded and re-encoded canonically, so a
// client that signs a differently encoded string (space as '+', '*' kept,
// '~' escaped, single encoding) gets SignatureDoesNotMatch. Then
// Missing<Name>, InvalidAccessKeyId.NotFound, InvalidTimeStamp.Format /
// .Expired (> 15 min), SignatureDoesNotMatch (message carries the server's
// string to sign), SignatureNonceUsed (within 15 min), InvalidAction.NotFound.
//
// Business checks (HTTP 200): SendSms / SendBatchSms numbers per §6
// (isv.MOBILE_NUMBER_ILLEGAL), <= 1000 / <= 100 numbers
// (isv.MOBILE_COUNT_OVER_LIMIT), registered signature / template
// (isv.SMS_SIGNATURE_ILLEGAL / isv.SMS_TEMPLATE_ILLEGAL), TemplateParam a
// JSON object of strings (isv.INVALID_JSON_PARAM), every variable present
// (isv.TEMPLATE_MISSING_PARAMETERS), within its max characters
// (isv.PARAM_LENGTH_LIMIT), no URL (isv.PARAM_NOT_SUPPORT_URL), flow control
// (isv.BUSINESS_LIMIT_CONTROL "触发天级流控Permits:50": 50 per rolling 24 h
// per signature+template+number; captcha templates 1 per natural minute and
// 5 per natural hour in UTC+8 and 10 per rolling day per signature+number).
// A request with one limited number is rejected whole. Success is
// {"Code":"OK","Message":"OK","BizId":"<digits>^0","RequestId":...}.
// QuerySendDetails (PhoneNumber, SendDate yyyyMMdd in UTC+8, PageSize <= 50,
// CurrentPage, optional BizId) lists sent messages with their OutId, so a
// client can ask "was this sent?" after a timeout. Answers are always JSON,
// whatever Format says. The idempotency key is OutId; each number counts as
// one delivery.
//
// Threads: as FakeServer; every public method may be called from any thread.
#pragma once

#include <atomic>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fakes/fake_server.h"
#include "fakes/fake_util.h"

namespace duban::fakes {

class FakeAlibabaSms final : public FakeServer {
 public:
  struct Template {
    enum class Kind { kNotification, kCaptcha, kPromotion };
    Kind kind = Kind::kNotification;
    std::string content{};                       // "${name}您好，..."
    std::map<std::string, size_t> variables{};   // name -> max characters
  };
  struct Options {
    std::map<std::string, std::string> access_keys{};  // id -> secret
    std::set<std::string> signatures{};
    std::map<std::string, Template> templates{};        // by TemplateCode
    Millis max_skew{std::chrono::minutes(15)};
    Millis nonce_window{std::chrono::minutes(15)};
    int daily_limit = 50;
    int captcha_per_minute = 1;
    int captcha_per_hour = 5;
    int captcha_per_day = 10;
    size_t max_numbers = 1000;
    size_t max_batch = 100;
  };
  struct Sms {
    std::string biz_id;
    std::string phone;  // bare 11 digits
    std::string sign_name;
    std::string template_code;
    nlohmann::json params;
    std::string out_id;
    std::string content;  // 【sign】 + rendered template
    SystemTime at;
  };

  // `clock` must outlive this.
  FakeAlibabaSms(const Clock* clock, Options options);
  ~FakeAlibabaSms() override;

  std::vector<Sms> Sent() const;

 protected:
  FakeReply Handle(const httplib::Request& req, SystemTime now) override;
  FakeReply ProviderError(const std::string& code,
                          const std::string& message) override;

 private:
  using Params = std::map<std::string, std::string>;

  // Each returns the rejection, or nullopt when the request may proceed.
  std::optional<FakeReply> AuthV2(const std::string& method, const Params& params,
                                  SystemTime now);
  std::optional<FakeReply> AuthV3(const httplib::Request& req, SystemTime now);
  std::optional<FakeReply> CheckTime(const std::string& timestamp, SystemTime now);
  // Locks mu_ itself.
  std::optional<FakeReply> UseNonce(const std::string& nonce, SystemTime now);
  std::optional<FakeReply> CheckMessage(const std::string& raw_phone,
                                        const std::string& sign,
                                        const std::string& template_code,
                                        const nlohmann::json& params,
                                        std::string* phone) const;
  std::optional<FakeReply> CheckFlow(const std::string& sign, const std::string& tpl,
                                     const std::string& phone, SystemTime now) const;

  // REQUIRES: mu_ held.
  FakeReply SendSms(const Params& p, SystemTime now);
  FakeReply SendBatchSms(const Params& p, SystemTime now);
  FakeReply QuerySendDetails(const Params& p) const;
  std::string Deliver(const std::vector<std::string>& phones,
                      const std::vector<std::string>& signs, const std::string& tpl,
                      const std::vector<nlohmann::json>& params, const std::string& out_id,
                      SystemTime now);

  FakeReply Reply(const std::string& code, const std::string& message,
                  int http_status = 200,
                  nlohmann::json extra = nlohmann::json::object()) const;

  const Options options_;
  mutable std::mutex mu_;  // guards sent_ and nonces_
  std::vector<Sms> sent_;
  std::map<std::string, SystemTime> nonces_;  // nonce -> first use
  mutable std::atomic<uint64_t> next_id_{1};  // RequestId and BizId sequence
};

}  // namespace duban::fakes
