#include "notify/rate_limiter.h"

#include <fmt/format.h>

#include <algorithm>

namespace duban::notify {

std::string RateLimit::ToString() const {
  const int64_t ms = window.count();
  if (ms % 3'600'000 == 0) return fmt::format("{}/{}h", tokens, ms / 3'600'000);
  if (ms % 60'000 == 0) return fmt::format("{}/{}m", tokens, ms / 60'000);
  if (ms % 1000 == 0) return fmt::format("{}/{}s", tokens, ms / 1000);
  return fmt::format("{}/{}ms", tokens, ms);
}

RateLimiter::RateLimiter(const Clock* clock, std::vector<RateLimit> limits, Millis margin)
    : clock_(clock), limits_(std::move(limits)), margin_(margin) {
  for (const auto& l : limits_) longest_ = std::max(longest_, l.window);
}

void RateLimiter::Expire(Bucket& b, SteadyTime now) const {
  while (!b.taken.empty() && b.taken.front() + longest_ + margin_ <= now) b.taken.pop_front();
}

void RateLimiter::Sweep(SteadyTime now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Expire(it->second, now);
    const bool idle = it->second.taken.empty() && it->second.blocked_until <= now;
    it = idle ? buckets_.erase(it) : std::next(it);
  }
}

std::optional<Millis> RateLimiter::TryTake(const std::string& key, int n) {
  const SteadyTime now = clock_->SteadyNow();
  if (buckets_.size() > 4096) Sweep(now);
  Bucket& b = buckets_[key];
  Expire(b, now);
  SteadyTime ready = now;
  if (b.blocked_until > now) ready = b.blocked_until;
  for (const auto& limit : limits_) {
    if (n > limit.tokens) {
      // Can never fit; wait a whole window and let the caller try again.
      ready = std::max(ready, now + limit.window + margin_);
      continue;
    }
    // Takes this limit still counts: those after now - window - margin.
    const auto first = std::upper_bound(b.taken.begin(), b.taken.end(),
                                        now - limit.window - margin_);
    const int in_window = static_cast<int>(b.taken.end() - first);
    const int excess = in_window + n - limit.tokens;
    if (excess <= 0) continue;
    // The excess-th oldest counted take must age out first.
    ready = std::max(ready, *(first + (excess - 1)) + limit.window + margin_);
  }
  if (ready > now) return std::chrono::duration_cast<Millis>(ready - now);
  for (int i = 0; i < n; ++i) b.taken.push_back(now);
  return std::nullopt;
}

void RateLimiter::Block(const std::string& key, Millis duration) {
  Bucket& b = buckets_[key];
  b.blocked_until = std::max(b.blocked_until, clock_->SteadyNow() + duration);
}

int RateLimiter::Available(const std::string& key) const {
  const SteadyTime now = clock_->SteadyNow();
  auto it = buckets_.find(key);
  int best = limits_.empty() ? 1 << 30 : limits_.front().tokens;
  for (const auto& l : limits_) best = std::min(best, l.tokens);
  if (it == buckets_.end()) return best;
  if (it->second.blocked_until > now) return 0;
  int available = 1 << 30;
  for (const auto& limit : limits_) {
    const auto& taken = it->second.taken;
    const auto first = std::upper_bound(taken.begin(), taken.end(), now - limit.window - margin_);
    available = std::min(available, limit.tokens - static_cast<int>(taken.end() - first));
  }
  return std::max(0, available);
}

}  // namespace duban::notify
