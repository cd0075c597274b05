// Progress for long CLI work (import, export, audit verify, simulate,
// sample). On a terminal: a bar with count, rate and ETA, redrawn at most
// every 100 ms. Otherwise (a pipe, a log, CI): a plain line every few
// seconds. Either way Finish() prints one summary line.
//
// Time comes from the injected clock (the real one in commands), so the
// output is deterministic under a virtual clock in tests.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "base/clock.h"

namespace duban::app {

class Progress {
 public:
  // `total` 0 = unknown (no bar, no ETA). `out` is usually stderr.
  Progress(std::string what, int64_t total, const Clock& clock, std::FILE* out = stderr,
           bool force_terminal = false);
  // Records `done` units of work so far; draws when due.
  void Update(int64_t done);
  // Prints the summary line: "<what>: <summary> (<done> in <secs> s)".
  void Finish(const std::string& summary);

 private:
  void Draw(bool final);

  std::string what_;
  int64_t total_;
  const Clock& clock_;
  std::FILE* out_;
  bool terminal_;
  SystemTime start_;
  SystemTime last_draw_;
  int64_t done_ = 0;
  bool drew_ = false;
};

}  // namespace duban::app
