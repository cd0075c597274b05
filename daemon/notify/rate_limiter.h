// RateLimiter: token buckets that keep duban under a provider's rate limits
// (reference/channels.md: a DingTalk or WeCom robot takes 20 messages a
// minute, a Feishu bot 100 a minute and 5 a second, an SMS number so many a
// day). One limiter serves one endpoint; keys inside it separate what the
// provider counts separately (one key per mobile number for SMS, the empty
// key for a robot).
//
// The buckets refill per token, not continuously: a token taken at t comes
// back at t + window + margin. Providers count a sliding window ("20 in any
// 60 s", and DingTalk then blocks the robot for 10 minutes), and a classic
// bucket that refills 20/min continuously would let through 20 + a few in
// one window. Per-token refill is exactly "at most N in any window"; the
// margin covers the time between taking a token and the request arriving.
//
// Time comes only from the injected Clock's SteadyNow(). Not thread-safe:
// call from the loop thread (channels do).
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"

namespace duban::notify {

struct RateLimit {
  int tokens = 1;    // at most this many ...
  Millis window{};   // ... in any window of this length
  // "20/1m", "5/1s", "45/24h" for listings.
  std::string ToString() const;
};

class RateLimiter {
 public:
  // `clock` must outlive this. An empty `limits` never limits.
  RateLimiter(const Clock* clock, std::vector<RateLimit> limits,
              Millis margin = std::chrono::seconds(1));

  // Takes `n` tokens for `key` from every limit, or none. Returns nullopt
  // when taken; otherwise how long from now until `n` tokens are available
  // under every limit and any Block() has ended (> 0).
  std::optional<Millis> TryTake(const std::string& key, int n = 1);
  // Refuses every token for `key` during `duration` from now: the provider
  // said it throttled us (DingTalk's 10-minute block).
  void Block(const std::string& key, Millis duration);

  // Tokens `key` could take now under the tightest limit (0 while blocked).
  int Available(const std::string& key) const;
  const std::vector<RateLimit>& limits() const { return limits_; }

 private:
  struct Bucket {
    std::deque<SteadyTime> taken;  // oldest first, within the longest window
    SteadyTime blocked_until{};
  };
  // Drops takes that no limit counts any more.
  void Expire(Bucket& b, SteadyTime now) const;
  // Drops buckets with nothing to remember, so per-number keys do not pile up.
  void Sweep(SteadyTime now);

  const Clock* clock_;
  std::vector<RateLimit> limits_;
  Millis margin_;
  Millis longest_{0};
  std::map<std::string, Bucket> buckets_;
};

}  // namespace duban::notify
