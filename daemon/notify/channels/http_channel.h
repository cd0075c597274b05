// HttpChannel: what the six network channels (DingTalk, WeCom, Feishu,
// webhook, Alibaba Cloud SMS, Tencent Cloud SMS) share: the HTTP client,
// the clock, the endpoint's rate limiter, contact lookup for @mentions,
// the mapping of transport failures to SendResult kinds, and scrubbing
// secrets out of every detail string.
//
// Loop thread only, like every Channel. Send() answers synchronously (on
// the caller's thread, the loop) when it refuses before any network I/O, and
// otherwise from the HttpClient's posted completion.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/model.h"
#include "notify/channel.h"
#include "notify/http/http_client.h"
#include "notify/rate_limiter.h"

namespace duban::notify {

using ContactLookup = std::function<std::optional<model::Contact>(const std::string& id)>;

// What every network channel is built with. The pointers must outlive it.
struct ChannelDeps {
  HttpClient* http = nullptr;
  const Clock* clock = nullptr;
  // Per endpoint; may be shared by channels that post to the same robot.
  std::shared_ptr<RateLimiter> limiter;
  ContactLookup find_contact;  // may be empty: no @mentions
};

// How the detail of a message held by duban's own rate limits begins.
inline constexpr char kHeldPrefix[] = "held by duban's own";

// Builders for SendResults.
SendResult Sent(std::string provider_id, std::string detail = {});
SendResult RetrySoon(std::string detail);
SendResult RetryAfter(SystemTime at, std::string detail);
SendResult Broken(std::string detail);
SendResult Rejected(std::string detail);

// Maps what went wrong below the provider's own answer: kTimeout,
// kConnect, kTransport and HTTP 5xx are kRetrySoon, HTTP 429 kRetryAfter
// (Retry-After seconds, else a minute). nullopt when the response is a
// complete non-5xx, non-429 answer the provider's own table must judge.
std::optional<SendResult> TransportOutcome(const HttpResponse& r, SystemTime now);

// " (server Date: ..., our clock: ..., offset +3s)": for signature and
// timestamp failures, since a skewed clock is their most common cause.
std::string ClockHint(const HttpResponse& r, SystemTime now);

// The first `max_bytes` of a body, for details.
std::string BodySnippet(const std::string& body, size_t max_bytes = 200);

class HttpChannel : public Channel {
 public:
  const std::string& name() const override { return name_; }
  const RateLimiter* limiter() const { return deps_.limiter.get(); }

 protected:
  // `secrets` are scrubbed from every detail this channel reports.
  HttpChannel(std::string name, ChannelDeps deps, std::vector<std::string> secrets);

  SystemTime Now() const { return deps_.clock->Now(); }
  // Takes `n` tokens for `key`; when none are left, answers `done` with
  // kRetryAfter at the moment they will be and returns false. Such details
  // start with kHeldPrefix, so listings can tell a hold from a failure.
  bool TakeTokens(const std::string& key, int n, const std::function<void(SendResult)>& done);
  // Sends `request`; `then` runs on the loop thread with the response.
  void Fetch(HttpRequest request, std::function<void(HttpResponse)> then);
  // `done(Scrub(result))`.
  void Finish(const std::function<void(SendResult)>& done, SendResult result) const;
  std::string Scrub(std::string text) const;
  std::optional<model::Contact> FindContact(const std::string& id) const;

  const std::string name_;
  ChannelDeps deps_;

 private:
  std::vector<std::string> secrets_;
};

}  // namespace duban::notify
