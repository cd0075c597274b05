// The benchmark scenarios (bench/README.md, docs/performance.md). Each
// prints one machine-readable line and returns 0, or 1 when a check of the
// harness itself failed (a count that does not match): never for timing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace duban::bench {

struct Scale {
  bool full = false;
  uint64_t seed = 20240510;
  int runs = 3;           // measured repetitions; the median is printed
  std::string self;       // this binary, for scenarios that re-run a part alone
  std::string cache_dir;  // where generated databases are kept and reused ("" = none)
  int64_t villages = 0;   // overrides a scenario's size where it supports it (0 = the scale's)
  std::vector<std::string> args;  // extra arguments of an internal step
};

int SinkScenario(const Scale& s);
int TimerFlatScenario(const Scale& s);
int FridayNoonScenario(const Scale& s);
int FridayNoonCommitStep(const Scale& s);  // internal: one measured run, in a fresh process
int RestartScenario(const Scale& s);
int DashboardScenario(const Scale& s);
int IngestScenario(const Scale& s);
int ProvinceWeekScenario(const Scale& s);

}  // namespace duban::bench
