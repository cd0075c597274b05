#include "bench_util.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/time_format.h"

namespace duban::bench {

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  rank = std::clamp<size_t>(rank, 1, v.size());
  return v[rank - 1];
}

double PeakRssMib(pid_t pid) {
  const std::string path =
      pid == 0 ? std::string("/proc/self/status") : fmt::format("/proc/{}/status", pid);
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::strtod(line.c_str() + 6, nullptr) / 1024.0;  // kB
    }
  }
  return -1;
}

Line& Line::Add(const std::string& key, const std::string& value) {
  if (!text_.empty()) text_ += ' ';
  text_ += key + "=" + value;
  return *this;
}
Line& Line::Add(const std::string& key, int64_t value) {
  return Add(key, std::to_string(value));
}
Line& Line::Add(const std::string& key, double value, int precision) {
  return Add(key, fmt::format("{:.{}f}", value, precision));
}
void Line::Print() const {
  std::fputs((text_ + "\n").c_str(), stdout);
  std::fflush(stdout);
}

Progress::Progress(std::string what, int64_t total) : what_(std::move(what)), total_(total) {}

void Progress::Add(int64_t n) {
  done_ += n;
  const auto now = Steady::now();
  if (now - last_ < std::chrono::seconds(2)) return;
  last_ = now;
  const double s = std::chrono::duration<double>(now - start_).count();
  const double rate = s > 0 ? static_cast<double>(done_) / s : 0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0;
  std::fprintf(stderr, "  %s: %lld/%lld (%.0f/s, ETA %.0f s)\n", what_.c_str(),
               static_cast<long long>(done_), static_cast<long long>(total_), rate, eta);
}

void Progress::Done() {
  const double s = SecondsSince(start_);
  std::fprintf(stderr, "  %s: %lld in %.1f s (%.0f/s)\n", what_.c_str(),
               static_cast<long long>(done_), s, s > 0 ? static_cast<double>(done_) / s : 0.0);
}

SystemTime At(const std::string& rfc3339) {
  auto t = ParseRfc3339(rfc3339);
  if (!t) {
    std::fprintf(stderr, "bad time constant %s\n", rfc3339.c_str());
    std::abort();
  }
  return *t;
}

WorkDir::WorkDir(const std::string& tag) {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  std::string templ = base + "/duban-bench-" + tag + "-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  path_ = buf.data();
}

WorkDir::~WorkDir() {
  if (std::getenv("DUBAN_BENCH_KEEP") != nullptr) {
    std::fprintf(stderr, "  kept %s\n", path_.c_str());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string WriteConfig(const WorkDir& dir, const std::string& db, int port,
                        const std::string& sink_url) {
  const std::string src = DUBAN_SOURCE_DIR;
  {
    std::ofstream s(dir.File("webhook.secret"));
    s << "bench-secret\n";
  }
  const std::string text = fmt::format(
      R"(server:
  listen: 127.0.0.1:{port}
  threads: 8
database:
  path: {db}
time_zone: Asia/Shanghai
log_level: warn
campaigns:
  - {src}/workflows/jiafeng-2024-hundred-day.yaml
templates_dir: {src}/templates
holidays: {src}/config/calendars/cn-holidays.csv
channels:
  - name: sms
    type: webhook
    url: {url}
    secret: file:{secret}
  - name: town-robot
    type: webhook
    url: {url}
    secret: file:{secret}
)",
      fmt::arg("port", port), fmt::arg("db", db), fmt::arg("src", src),
      fmt::arg("url", sink_url.empty() ? std::string("http://127.0.0.1:9/hook") : sink_url),
      fmt::arg("secret", dir.File("webhook.secret")));
  const std::string path = dir.File("duban.yaml");
  std::ofstream out(path);
  out << text;
  return path;
}

void CopyFile(const std::string& from, const std::string& to) {
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

void RemoveDb(const std::string& db) {
  std::error_code ec;
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(db + ext, ec);
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "bench check failed: %s\n", what.c_str());
  return 1;
}
int Fail(const Status& st) { return Fail(st.ToString()); }

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

namespace {

std::vector<char*> Argv(const std::vector<std::string>& args, std::string* binary) {
  *binary = DUBAN_BINARY;
  std::vector<char*> argv;
  argv.push_back(binary->data());
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

pid_t SpawnDuban(const std::vector<std::string>& args, const std::string& log) {
  std::string binary;
  std::vector<char*> argv = Argv(args, &binary);
  const pid_t pid = fork();
  if (pid == 0) {
    FILE* f = std::fopen(log.c_str(), "a");
    if (f != nullptr) {
      dup2(fileno(f), 1);
      dup2(fileno(f), 2);
    }
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

std::string RunDuban(const std::vector<std::string>& args, int* code) {
  int fds[2];
  if (pipe(fds) != 0) return "";
  std::string binary;
  std::vector<char*> argv = Argv(args, &binary);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  *code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

void StopChild(pid_t pid) {
  kill(pid, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
}

}  // namespace duban::bench
