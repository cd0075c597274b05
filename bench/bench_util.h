// Helpers shared by the benchmark scenarios: steady-clock timing, medians
// and percentiles, peak RSS from /proc, a progress line for long
// generation, the bench's daemon configuration, and running `duban` as a
// child process. Single-threaded unless a function says otherwise.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace duban::bench {

using Steady = std::chrono::steady_clock;

inline double SecondsSince(Steady::time_point t0) {
  return std::chrono::duration<double>(Steady::now() - t0).count();
}

double Median(std::vector<double> v);
// The p-th percentile (0..100) by nearest rank.
double Percentile(std::vector<double> v, double p);

// VmHWM (peak resident set) in MiB of this process, or of `pid`; -1 if unknown.
double PeakRssMib(pid_t pid = 0);

// One machine-readable line: "scenario=<name> k=v k=v ...", printed on
// stdout in the order the fields were added.
class Line {
 public:
  explicit Line(const std::string& scenario) { Add("scenario", scenario); }
  Line& Add(const std::string& key, const std::string& value);
  Line& Add(const std::string& key, int64_t value);
  Line& Add(const std::string& key, double value, int precision = 3);
  void Print() const;

 private:
  std::string text_;
};

// Prints "what: done/total (rate/s, ETA s)" on stderr at most every two
// seconds, and a one-line summary from Done().
class Progress {
 public:
  Progress(std::string what, int64_t total);
  void Add(int64_t n);
  void Done();

 private:
  std::string what_;
  int64_t total_;
  int64_t done_ = 0;
  Steady::time_point start_ = Steady::now();
  Steady::time_point last_ = start_;
};

// Campaign time: an RFC 3339 instant ("2024-05-10T12:00+08:00"). Aborts on
// a malformed constant (they are all literals in the scenarios).
SystemTime At(const std::string& rfc3339);

// A directory of its own under $TMPDIR (or /tmp), removed by the destructor
// unless DUBAN_BENCH_KEEP is set.
class WorkDir {
 public:
  explicit WorkDir(const std::string& tag);
  ~WorkDir();
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Writes the bench's daemon configuration: the shipped campaign, templates
// and holiday calendar; the database at `db`; the API on 127.0.0.1:`port`;
// both channel names the generated contacts use (`sms`, `town-robot`) as
// signed webhooks to `sink_url` with no rate limit. Returns its path.
std::string WriteConfig(const WorkDir& dir, const std::string& db, int port,
                        const std::string& sink_url);

void CopyFile(const std::string& from, const std::string& to);
// Removes a SQLite database with its -wal and -shm files.
void RemoveDb(const std::string& db);

// Prints "bench check failed: ..." and returns 1 (a scenario's exit code).
int Fail(const std::string& what);
int Fail(const Status& st);

// A free TCP port on 127.0.0.1 (bound, read and released).
int FreePort();

// Starts `duban <args>` (the daemon binary built with the bench), output to
// `log`. Returns its pid.
pid_t SpawnDuban(const std::vector<std::string>& args, const std::string& log);
// Runs `duban <args>` and returns its standard output; exit code in *code.
std::string RunDuban(const std::vector<std::string>& args, int* code);
// SIGTERM, then waits; SIGKILL after 10 s.
void StopChild(pid_t pid);

}  // namespace duban::bench
