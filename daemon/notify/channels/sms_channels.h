// The SMS channels of reference/channels.md §4-5: Alibaba Cloud SMS
// (dysmsapi 2017-05-25, SendSms, RPC signature V2 by form POST) and Tencent
// Cloud SMS (SendSms 2021-01-11, TC3-HMAC-SHA256). Mainland providers send
// only pre-approved templates: the row's message kind (binding) picks the
// template code and the parameters are rendered from the row's render
// context (OutboxRow::params) by SmsTemplates, shortened to fit. One row is
// one recipient, so one SendSms per row, carrying the row's idempotency key
// (Alibaba OutId, Tencent SessionContext) for status queries.
//
// Two rate limiters apply: the endpoint's (rate_per_minute for the whole
// account, if configured) and a per-number one that keeps below the
// providers' per-number flow control.
//
// Loop thread only (see HttpChannel).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "notify/channels/http_channel.h"
#include "notify/channels/sms_params.h"

namespace duban::notify {

struct SmsOptions {
  std::string name;
  std::string url;         // "" = the provider's public endpoint
  std::string key_id;      // Alibaba AccessKeyId / Tencent SecretId
  std::string key_secret;  // Alibaba AccessKeySecret / Tencent SecretKey
  std::string sign_name;   // the approved signature (签名)
  std::string sdk_app_id;  // Tencent SmsSdkAppId
  std::string region = "ap-guangzhou";  // Tencent X-TC-Region
  Millis timeout{std::chrono::seconds(10)};
};

// Per-number limits below the providers' defaults (channels.md): Alibaba
// counts 50 a day per signature+template+number, so 40 a rolling day per
// number and template; Tencent 1 per 30 s and (10 or 2, the docs conflict)
// a day per number, so 1 per 30 s and 8 a rolling day. `per_day` > 0
// replaces the daily figure.
std::vector<RateLimit> DefaultSmsNumberLimits(const std::string& type, int per_day);

class SmsChannel : public HttpChannel {
 public:
  bool CanQueryStatus() const override { return true; }
  void Send(const store::OutboxRow& row, std::function<void(SendResult)> done) final;
  const SmsTemplates& templates() const { return templates_; }

 protected:
  SmsChannel(SmsOptions options, SmsTemplates templates, ChannelDeps deps,
             std::shared_ptr<RateLimiter> per_number);

  // The provider's SendSms for one bare 11-digit `mobile`. `number_key` is
  // the per-number bucket, to block when the provider reports its limit.
  virtual void SendOne(const store::OutboxRow& row, const std::string& mobile,
                       const SmsMessage& message, const std::string& number_key,
                       std::function<void(SendResult)> done) = 0;
  // The per-number bucket for `mobile` and `message`.
  virtual std::string NumberKey(const std::string& mobile, const SmsMessage& message) const = 0;

  SmsOptions options_;
  SmsTemplates templates_;
  std::shared_ptr<RateLimiter> per_number_;
};

class AliyunSmsChannel final : public SmsChannel {
 public:
  static constexpr char kDefaultUrl[] = "https://dysmsapi.aliyuncs.com/";

  AliyunSmsChannel(SmsOptions options, SmsTemplates templates, ChannelDeps deps,
                   std::shared_ptr<RateLimiter> per_number);
  // QuerySendDetails by number and Beijing date (the attempt's, and today's
  // if later), filtered by BizId when the row has one, matched by OutId.
  void QueryStatus(const store::OutboxRow& row, std::function<void(StatusAnswer)> done) override;

 protected:
  void SendOne(const store::OutboxRow& row, const std::string& mobile, const SmsMessage& message,
               const std::string& number_key, std::function<void(SendResult)> done) override;
  std::string NumberKey(const std::string& mobile, const SmsMessage& message) const override {
    return mobile + "/" + message.code;
  }

 private:
  struct Query;
  HttpRequest Signed(std::map<std::string, std::string> params);
  SendResult Judge(const HttpResponse& r, const std::string& number_key);
  void QueryPage(std::shared_ptr<Query> q);
};

class TencentSmsChannel final : public SmsChannel {
 public:
  static constexpr char kDefaultUrl[] = "https://sms.tencentcloudapi.com/";

  TencentSmsChannel(SmsOptions options, SmsTemplates templates, ChannelDeps deps,
                    std::shared_ptr<RateLimiter> per_number);
  // PullSmsSendStatusByPhoneNumber from shortly before the attempt until
  // now, matched by SessionContext (or SerialNo). Tencent lists receipts
  // only, so a message sent moments ago may be kNotFound for a while.
  void QueryStatus(const store::OutboxRow& row, std::function<void(StatusAnswer)> done) override;

 protected:
  void SendOne(const store::OutboxRow& row, const std::string& mobile, const SmsMessage& message,
               const std::string& number_key, std::function<void(SendResult)> done) override;
  std::string NumberKey(const std::string& mobile, const SmsMessage&) const override {
    return mobile;
  }

 private:
  struct Query;
  HttpRequest Signed(const std::string& action, const std::string& body);
  SendResult Judge(const HttpResponse& r, const std::string& number_key);
  void QueryPage(std::shared_ptr<Query> q);
};

}  // namespace duban::notify
