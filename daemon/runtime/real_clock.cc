#include "runtime/real_clock.h"

#include <cassert>

namespace duban::runtime {

SystemTime RealClock::Now() const {
  return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
}

SteadyTime RealClock::SteadyNow() const {
  return std::chrono::time_point_cast<Millis>(std::chrono::steady_clock::now());
}

OffsetClock::OffsetClock(const Clock& real, SystemTime start, double rate)
    : real_(real), start_(start), real_start_(real.SteadyNow()), rate_(rate) {
  assert(rate >= 1.0);
}

// Campaign time is derived from the steady clock, so an NTP step of the host
// clock does not move campaign time.
SystemTime OffsetClock::Now() const {
  const auto elapsed = real_.SteadyNow() - real_start_;
  return start_ + Millis(static_cast<int64_t>(static_cast<double>(elapsed.count()) * rate_));
}

SteadyTime OffsetClock::SteadyNow() const {
  const auto elapsed = real_.SteadyNow() - real_start_;
  return SteadyTime(Millis(static_cast<int64_t>(static_cast<double>(elapsed.count()) * rate_)));
}

}  // namespace duban::runtime
