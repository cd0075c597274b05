// FakeTencentSms: Tencent Cloud SMS (API 3.0, version 2021-01-11,
// channels.md §5 and §7) on loopback: POST / with a JSON body. Every answer
// is HTTP 200; request-level failures are
// {"Response":{"Error":{"Code":..,"Message":..},"RequestId":..}}.
//
// Checks, in order: POST on "/" (else UnsupportedOperation), the X-TC-Action,
// X-TC-Version, X-TC-Timestamp, X-TC-Region, Content-Type and Host headers
// (MissingParameter), |now - X-TC-Timestamp| <= 300 s
// (AuthFailure.SignatureExpire), the TC3-HMAC-SHA256 Authorization:
// known SecretId (AuthFailure.SecretIdNotFound), scope date == the UTC date
// of X-TC-Timestamp, service "sms", SignedHeaders "content-type;host" or
// "content-type;host;x-tc-action", signature over the raw body bytes and the
// headers as received (AuthFailure.SignatureFailure); then version
// (NoSuchVersion), region (UnsupportedRegion), action (InvalidAction).
// SendSms: SmsSdkAppId (InvalidParameterValue.SdkAppIdNotExist), 1-200
// numbers (MissingParameter.EmptyPhoneNumberSet,
// LimitExceeded.PhoneNumberCountLimit), not mixed domestic/international
// (UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber),
// SignName and TemplateId registered (FailedOperation.Signature/
// TemplateIncorrectOrUnapproved), TemplateParamSet strings
// (InvalidParameterValue.TemplateParameterFormatError) of the template's
// count (FailedOperation.TemplateParamSetNotMatchApprovedTemplate), each
// within the limit (12 characters for individual accounts, else configured:
// InvalidParameterValue.TemplateParameterLengthLimit) and without a URL
// (…ProhibitedUseUrlInTemplateParameter). Per number inside SendStatusSet:
// InvalidParameterValue.IncorrectPhoneNumber (§6),
// LimitExceeded.PhoneNumberThirtySecondLimit (same content within 30 s),
// LimitExceeded.PhoneNumberDailyLimit (per calendar day, UTC+8), else "Ok".
// PullSmsSendStatus (each receipt once) and PullSmsSendStatusByPhoneNumber
// (repeatable, by time range) report SessionContext, so a client can ask
// "was this sent?" after a timeout. The idempotency key is SessionContext;
// each "Ok" number counts as one delivery. The logged code is Error.Code or
// the per-number codes joined with ','.
//
// Threads: as FakeServer; every public method may be called from any thread.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fakes/fake_server.h"
#include "fakes/fake_util.h"

namespace duban::fakes {

class FakeTencentSms final : public FakeServer {
 public:
  struct App {
    std::set<std::string> sign_names{};
    std::map<std::string, size_t> templates{};  // TemplateId -> parameter count
    bool individual_account = false;  // variables over 12 characters rejected
    size_t max_param_chars = 0;       // otherwise; 0 = no limit
  };
  struct Options {
    std::map<std::string, std::string> secrets{};  // SecretId -> SecretKey
    std::map<std::string, App> apps{};             // by SmsSdkAppId
    std::set<std::string> regions{"ap-guangzhou", "ap-beijing", "ap-nanjing"};
    Millis max_skew{std::chrono::seconds(300)};
    Millis same_content_window{std::chrono::seconds(30)};
    int daily_per_number = 10;  // channels.md: 10 or 2, configurable
    size_t max_numbers = 200;
  };
  struct Sms {
    std::string serial_no;
    std::string phone;  // "+86..." or the international number as sent
    std::string app_id;
    std::string sign_name;
    std::string template_id;
    std::vector<std::string> params;
    std::string session_context;
    SystemTime at;
    bool reported = false;  // returned by PullSmsSendStatus already
  };

  // `clock` must outlive this.
  FakeTencentSms(const Clock* clock, Options options);
  ~FakeTencentSms() override;

  std::vector<Sms> Sent() const;

 protected:
  FakeReply Handle(const httplib::Request& req, SystemTime now) override;
  FakeReply ProviderError(const std::string& code,
                          const std::string& message) override;

 private:
  std::optional<FakeReply> Authenticate(const httplib::Request& req, SystemTime now) const;
  // REQUIRES: mu_ held.
  FakeReply SendSms(const nlohmann::json& body, SystemTime now);
  FakeReply PullSmsSendStatus(const nlohmann::json& body);
  FakeReply PullByPhoneNumber(const nlohmann::json& body) const;
  nlohmann::json StatusEntry(const Sms& sms) const;

  FakeReply Error(const std::string& code, const std::string& message) const;
  FakeReply Answer(nlohmann::json response, std::string code) const;

  const Options options_;
  mutable std::mutex mu_;  // guards sent_
  std::vector<Sms> sent_;
  mutable std::atomic<uint64_t> next_id_{1};  // RequestId and SerialNo sequence
};

}  // namespace duban::fakes
