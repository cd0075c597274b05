// SmsChannel: what Alibaba and Tencent SMS share before the provider call.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "notify/channels/sms_channels.h"
#include "notify/channels/text_util.h"

namespace duban::notify {

std::vector<RateLimit> DefaultSmsNumberLimits(const std::string& type, int per_day) {
  const Millis day = std::chrono::hours(24);
  if (type == "tencent_sms") {
    return {{1, std::chrono::seconds(30)}, {per_day > 0 ? per_day : 8, day}};
  }
  return {{per_day > 0 ? per_day : 40, day}};
}

SmsChannel::SmsChannel(SmsOptions options, SmsTemplates templates, ChannelDeps deps,
                       std::shared_ptr<RateLimiter> per_number)
    : HttpChannel(options.name, std::move(deps), {options.key_secret}),
      options_(std::move(options)),
      templates_(std::move(templates)),
      per_number_(std::move(per_number)) {}

void SmsChannel::Send(const store::OutboxRow& row, std::function<void(SendResult)> done) {
  const auto mobile = MainlandMobile(row.address);
  if (!mobile) {
    Finish(done, Rejected(fmt::format("'{}' is not a mainland mobile number (contact {})",
                                      row.address, row.recipient)));
    return;
  }
  nlohmann::json context = nlohmann::json::parse(row.params, nullptr, false);
  if (!context.is_object()) context = nlohmann::json::object();
  auto message = templates_.Render(row.binding, context);
  if (!message.ok()) {
    if (message.status().code() == StatusCode::kNotFound) {
      Finish(done, Rejected(fmt::format(
                       "no SMS template code for message kind '{}' on channel '{}': providers "
                       "send only approved templates; add it under the channel's templates:",
                       row.binding, name())));
    } else {
      Finish(done, Rejected("SMS parameters: " + message.status().message()));
    }
    return;
  }
  const std::string key = NumberKey(*mobile, *message);
  if (per_number_ != nullptr) {
    if (auto wait = per_number_->TryTake(key)) {
      Finish(done, RetryAfter(Now() + *wait,
                              fmt::format("{} per-number limit for {} (or the provider's "
                                          "pause for it); next send in {} s",
                                          kHeldPrefix, *mobile, wait->count() / 1000)));
      return;
    }
  }
  if (!TakeTokens("", 1, done)) return;
  SendOne(row, *mobile, *message, key, std::move(done));
}

}  // namespace duban::notify
