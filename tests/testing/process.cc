#include "testing/process.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "testing/paths.h"

namespace duban::testing {

ShellRun Shell(const std::string& command, bool with_stderr) {
  ShellRun r;
  FILE* p = popen((command + (with_stderr ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

ShellRun Duban(const std::string& args) { return Shell(DubanBinary() + " " + args); }

pid_t SpawnDuban(const std::vector<std::string>& args, const std::string& log,
                 const std::map<std::string, std::string>& env) {
  const pid_t pid = fork();
  if (pid == 0) {
    // Dies with the test: a test that fails an ASSERT before its kill(), or
    // is aborted by a sanitizer, must not leave a daemon running.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    FILE* f = std::freopen(log.c_str(), "a", stdout);
    if (f != nullptr) dup2(fileno(stdout), STDERR_FILENO);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::string bin = DubanBinary();
    std::vector<char*> argv;
    argv.push_back(bin.data());
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

int RunDuban(const std::vector<std::string>& args, const std::string& log,
             const std::map<std::string, std::string>& env) {
  const pid_t pid = SpawnDuban(args, log, env);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace duban::testing
