// Running `duban` (or any command) as a subprocess from tests: one shot with
// its output captured, or in the background with output to a log, and
// waiting for another process to reach a state.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace duban::testing {

struct ShellRun {
  int exit_code = -1;  // -1 when the command did not exit normally
  std::string output;  // stdout and stderr together
};

// Runs `command` through /bin/sh and waits for it; its stderr is in the
// output too unless `with_stderr` is false (then it is discarded).
ShellRun Shell(const std::string& command, bool with_stderr = true);
// Shell(DubanBinary() + " " + args).
ShellRun Duban(const std::string& args);

// Starts `duban <args>` with stdout and stderr appended to `log` and `env`
// set; returns its pid (the caller waits for it).
pid_t SpawnDuban(const std::vector<std::string>& args, const std::string& log,
                 const std::map<std::string, std::string>& env = {});
// Runs `duban <args>` like SpawnDuban and waits; its exit code, or -1.
int RunDuban(const std::vector<std::string>& args, const std::string& log,
             const std::map<std::string, std::string>& env = {});

// The text of a daemon config for the demo town's seed campaign (shipped
// templates and holiday calendar), listening on a free loopback port, with
// its database at `database` and then `rest` (the `channels:` block, and any
// `notify:` section) appended as is.
std::string DemoConfig(const std::string& database, const std::string& rest);

// Imports the demo town's units, then `contacts` (default: the demo
// contacts) with `duban import`; the first non-zero exit code, or 0.
int ImportDemoTown(const std::string& config, const std::string& log,
                   const std::map<std::string, std::string>& env = {},
                   const std::string& contacts = "");

// The port a `duban serve` logging to `log` announced ("listening on
// http://127.0.0.1:<port>/"), once it has, or 0 after `limit`.
int ServePort(const std::string& log, std::chrono::seconds limit);

// Polls `done` every 50 ms until it holds or `limit` of real time passes:
// for waiting on another process, never for timing it.
template <typename F>
bool WaitUntil(F done, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

}  // namespace duban::testing
