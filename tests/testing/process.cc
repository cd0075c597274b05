#include "testing/process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <regex>

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
  // Everything the child needs is built before fork(): the test process has
  // threads, and a child that allocates (setenv, freopen, std::string) can
  // block forever on an allocator lock another thread held at the fork.
  std::string bin = DubanBinary();
  std::vector<char*> argv;
  argv.push_back(bin.data());
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_text;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    if (env.count(entry.substr(0, entry.find('='))) == 0) env_text.push_back(entry);
  }
  for (const auto& [k, v] : env) env_text.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    // Only async-signal-safe calls from here on.
    // Dies with the test: a test that fails an ASSERT before its kill(), or
    // is aborted by a sanitizer, must not leave a daemon running.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    execve(bin.c_str(), argv.data(), envp.data());
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

std::string DemoConfig(const std::string& database, const std::string& rest) {
  return "server:\n  listen: 127.0.0.1:0\n"
         "database:\n  path: " + database + "\n"
         "campaigns: [" + SourcePath("workflows/jiafeng-2024-hundred-day.yaml") + "]\n"
         "templates_dir: " + SourcePath("templates") + "\n"
         "holidays: " + SourcePath("config/calendars/cn-holidays.csv") + "\n" + rest;
}

int ImportDemoTown(const std::string& config, const std::string& log,
                   const std::map<std::string, std::string>& env, const std::string& contacts) {
  const std::string files[][2] = {
      {"units", SourcePath("config/demo/units.csv")},
      {"contacts", contacts.empty() ? SourcePath("config/demo/contacts.csv") : contacts}};
  for (const auto& [what, file] : files) {
    if (int rc = RunDuban({"import", what, file, "--config", config}, log, env); rc != 0) return rc;
  }
  return 0;
}

int ServePort(const std::string& log, std::chrono::seconds limit) {
  static const std::regex kListening(R"(listening on http://127\.0\.0\.1:(\d+)/)");
  int port = 0;
  WaitUntil(
      [&] {
        const std::string text = ReadFileOrDie(log);
        std::smatch m;
        if (std::regex_search(text, m, kListening)) port = std::stoi(m[1]);
        return port != 0;
      },
      limit);
  return port;
}

}  // namespace duban::testing
