// The real clocks. RealClock is the only place in duban that reads the system
// clock. OffsetClock runs campaign time for demos and training: it starts at a
// chosen instant and advances with real time, optionally accelerated.
//
// Both are thread-safe and immutable after construction.
#pragma once

#include "base/clock.h"

namespace duban::runtime {

class RealClock final : public Clock {
 public:
  SystemTime Now() const override;
  SteadyTime SteadyNow() const override;
  const char* Kind() const override { return "real"; }
};

class OffsetClock final : public Clock {
 public:
  // Campaign time equals `start` at construction and then advances `rate`
  // campaign milliseconds per real millisecond. REQUIRES: rate >= 1.
  OffsetClock(const Clock& real, SystemTime start, double rate);

  SystemTime Now() const override;
  SteadyTime SteadyNow() const override;
  const char* Kind() const override { return "offset"; }
  double Rate() const override { return rate_; }

 private:
  const Clock& real_;
  SystemTime start_;
  SteadyTime real_start_;
  double rate_;
};

}  // namespace duban::runtime
