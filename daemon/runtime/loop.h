// Loop: the one event loop that owns duban's state (STYLE rule 2). Wraps a
// Boost.Asio io_context behind a narrow interface so that Asio headers stay
// in runtime/'s .cc files.
//
// Run() is called on the loop thread; Post() may be called from any thread
// (HTTP workers, the curl thread) to hand work to the loop. Everything else
// must be called on the loop thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "base/clock.h"

namespace duban::runtime {

class Loop {
 public:
  Loop();
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // Runs until Stop(). Returns on the calling thread.
  void Run();
  // Makes Run() return after the handler now executing. Any thread.
  void Stop();
  // Queues `fn` to run on the loop thread. Any thread.
  void Post(std::function<void()> fn);

  // Calls `handler(signal_number)` on the loop thread for SIGINT, SIGTERM and
  // SIGHUP while the loop runs.
  void OnSignals(std::function<void(int)> handler);

  // A single re-armable timer: Arm() replaces any previous deadline. The
  // engine sleeps on one of these until its earliest due timer.
  class Timer {
   public:
    virtual ~Timer() = default;
    virtual void Arm(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
    virtual void Cancel() = 0;
  };
  std::unique_ptr<Timer> NewTimer();

  // Calls `fn` every `period` until the loop stops.
  void Every(std::chrono::milliseconds period, std::function<void()> fn);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace duban::runtime
