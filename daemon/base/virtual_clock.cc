#include <cassert>

#include "base/clock.h"

namespace duban {

SystemTime VirtualClock::Now() const {
  std::lock_guard<std::mutex> lock(mu_);
  return now_;
}

SteadyTime VirtualClock::SteadyNow() const {
  std::lock_guard<std::mutex> lock(mu_);
  return steady_;
}

void VirtualClock::Advance(Millis d) {
  assert(d.count() >= 0);
  std::lock_guard<std::mutex> lock(mu_);
  now_ += d;
  steady_ += d;
}

void VirtualClock::SetNow(SystemTime t) {
  std::lock_guard<std::mutex> lock(mu_);
  if (t > now_) steady_ += t - now_;
  now_ = t;
}

}  // namespace duban
