// duban-bench: runs the benchmark scenarios and prints one line per
// scenario, "scenario=<name> n=<size> metric=value ...".
//
//   duban-bench [--scale small|full] [--scenario NAME] [--runs N] [--seed N]
//               [--cache DIR] [--villages N]
//
// --villages N runs friday_noon at N villages instead of the scale's size
// (profiling at a medium size: callgrind cannot run the full one).
//
// Without --scenario every scenario runs, each in a fresh process (so peak
// RSS is each one's own). The small scale checks that the harness works in
// a few seconds (CTest label `bench`); the full scale is the issue's.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "scenarios.h"

namespace {

using duban::bench::Scale;

const std::map<std::string, int (*)(const Scale&)>& Scenarios() {
  static const std::map<std::string, int (*)(const Scale&)> kAll = {
      {"sink", duban::bench::SinkScenario},
      {"timer_flat", duban::bench::TimerFlatScenario},
      {"friday_noon", duban::bench::FridayNoonScenario},
      {"restart", duban::bench::RestartScenario},
      {"dashboard", duban::bench::DashboardScenario},
      {"ingest", duban::bench::IngestScenario},
      {"province_week", duban::bench::ProvinceWeekScenario},
  };
  return kAll;
}

const char* const kOrder[] = {"sink",    "timer_flat", "friday_noon",  "restart",
                              "dashboard", "ingest",   "province_week"};

int Usage() {
  std::fprintf(stderr,
               "usage: duban-bench [--scale small|full] [--scenario NAME] [--runs N] [--seed N] "
               "[--cache DIR] [--villages N]\nscenarios:");
  for (const char* n : kOrder) std::fprintf(stderr, " %s", n);
  std::fprintf(stderr, "\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Scale s;
  std::string scenario;
  char self[4096] = {0};
  if (readlink("/proc/self/exe", self, sizeof self - 1) > 0) s.self = self;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--scale") {
      const std::string v = value();
      if (v != "small" && v != "full") return Usage();
      s.full = v == "full";
    } else if (a == "--scenario") {
      scenario = value();
    } else if (a == "--runs") {
      s.runs = std::max(1, std::atoi(value().c_str()));
    } else if (a == "--seed") {
      s.seed = std::strtoull(value().c_str(), nullptr, 10);
    } else if (a == "--cache") {
      s.cache_dir = value();
    } else if (a == "--villages") {
      s.villages = std::max<int64_t>(0, std::atoll(value().c_str()));
    } else if (a == "--step") {  // internal: a measured part in its own process
      scenario = value();
      for (++i; i < argc; ++i) s.args.push_back(argv[i]);
      if (scenario == "friday_noon_commit") return duban::bench::FridayNoonCommitStep(s);
      return Usage();
    } else {
      return Usage();
    }
  }
  if (!scenario.empty()) {
    auto it = Scenarios().find(scenario);
    if (it == Scenarios().end()) return Usage();
    return it->second(s);
  }
  // Every scenario in a child process of its own.
  int failed = 0;
  for (const char* name : kOrder) {
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) _exit(Scenarios().at(name)(s));
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "scenario %s failed\n", name);
      ++failed;
    }
  }
  return failed == 0 ? 0 : 1;
}
