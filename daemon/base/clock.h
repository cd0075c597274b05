// Time types and the Clock interface.
//
// Every decision in duban takes `now` from a Clock handed in by its owner;
// nothing below app/ reads the system clock. The one real clock lives in
// runtime/real_clock.cc; tests and `duban simulate` use VirtualClock.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace duban {

// Wall-clock instants, stored and compared in UTC with millisecond precision.
using Millis = std::chrono::milliseconds;
using SystemTime = std::chrono::time_point<std::chrono::system_clock, Millis>;
// Monotonic instants for timeouts and backoff.
using SteadyTime = std::chrono::time_point<std::chrono::steady_clock, Millis>;

inline int64_t ToUnixMillis(SystemTime t) { return t.time_since_epoch().count(); }
inline SystemTime FromUnixMillis(int64_t ms) { return SystemTime(Millis(ms)); }

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SystemTime Now() const = 0;        // schedules, timestamps
  virtual SteadyTime SteadyNow() const = 0;  // timeouts, backoff
  // "real", "offset" or "virtual": recorded with persisted state so a
  // database written on campaign time is not silently reused on real time.
  virtual const char* Kind() const = 0;
  // Clock seconds per real second: 1 except for an accelerated demo clock.
  // The loop divides its sleeps by it.
  virtual double Rate() const { return 1.0; }
};

// A clock that moves only when told to. Thread-safe: tests may advance it from
// the test thread while the loop thread reads it. Its steady time moves with
// its wall time but never backwards, even when SetNow() jumps back (as NTP
// can do to a real wall clock).
class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(SystemTime start) : now_(start) {}

  SystemTime Now() const override;
  SteadyTime SteadyNow() const override;
  const char* Kind() const override { return "virtual"; }

  // Moves wall and steady time forward by `d`. REQUIRES: d >= 0.
  void Advance(Millis d);
  // Sets wall time to `t`, forwards or backwards; steady time advances by the
  // forward distance only.
  void SetNow(SystemTime t);

 private:
  mutable std::mutex mu_;  // guards now_ and steady_
  SystemTime now_;
  SteadyTime steady_{};
};

}  // namespace duban
