// The ingest scenario: weekly reports posted to the real daemon's HTTP API
// by keep-alive clients, one a request and then in batches, each durable
// when its answer arrives.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <thread>

#include "bench_util.h"
#include "generator.h"
#include "http_tools.h"
#include "inproc.h"
#include "scenarios.h"

namespace duban::bench {

using std::chrono::minutes;
using std::chrono::seconds;

namespace {

// One weekly report of village v<v> for the week due 2024-05-10.
std::string ReportJson(int64_t v) {
  return fmt::format(
      R"({{"campaign":"{}","obligation":"weekly_report","unit":"v{}","period":"2024-05-10","fields":{{"mis_checked":{},"mis_surveyed":0,"missed":0,"key_checked":5,"key_hazards":1,"key_rectified":0,"appraisal_checked":2,"appraisal_noncompliant":0,"work_summary":"完成错漏排专项核查"}}}})",
      kCampaign, v, 10 + v % 7);
}

// CPU seconds (user + system) used so far by `pid`, or by its thread `tid`
// when not 0 (the daemon's loop runs on its main thread, tid = pid); -1
// when unknown. Unlike wall time, this does not grow with what else the
// machine runs.
double CpuSeconds(pid_t pid, pid_t tid = 0) {
  std::ifstream in(tid == 0 ? fmt::format("/proc/{}/stat", pid)
                            : fmt::format("/proc/{}/task/{}/stat", pid, tid));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name, which is in parentheses and may hold
  // spaces: state is field 3, utime 14, stime 15.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string f;
  double ticks = 0;
  for (int k = 3; k <= 15 && fields >> f; ++k) {
    if (k >= 14) ticks += std::strtod(f.c_str(), nullptr);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// What `clients` keep-alive clients measured posting `requests` requests.
struct Load {
  double wall_s = 0;
  std::vector<double> latencies_ms;  // one per request
  int64_t errors = 0;
  std::string first_error;
};

// Runs `clients` threads, each with its own keep-alive connection, taking
// request numbers 0..requests-1 in turn; `post(api, k, &reply)` sends
// request k and returns whether its answer was the expected one.
template <class Post>
Load RunClients(int port, const std::string& token, int clients, int64_t requests, Post post) {
  Load out;
  std::mutex mu;  // guards out
  std::atomic<int64_t> next{0};
  const auto start = Steady::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      ApiClient api(port, token);
      std::vector<double> mine;
      std::string reply;
      while (true) {
        const int64_t k = next.fetch_add(1);
        if (k >= requests) break;
        const auto t = Steady::now();
        const bool ok = post(api, k, &reply);
        mine.push_back(SecondsSince(t) * 1000);
        if (!ok) {
          std::lock_guard<std::mutex> lock(mu);
          if (out.errors++ == 0) out.first_error = reply.substr(0, 300);
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      out.latencies_ms.insert(out.latencies_ms.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  out.wall_s = SecondsSince(start);
  return out;
}

}  // namespace

// Two phases on one daemon: single reports (POST /api/v1/reports, one per
// village of the first `single` villages), then batches of `batch` reports
// (POST /api/v1/reports/batch) for the next `batched` villages. Every
// report must be recorded: that is the harness check. Besides wall-clock
// rates and latencies it prints the daemon's CPU time per report (cpu_us:
// all threads; loop_us: the loop thread, which judges and commits every
// report alone, so 1e6 / loop_us bounds events/s on any machine).
int IngestScenario(const Scale& s) {
  const int64_t single = s.full ? 16000 : 200;
  const int64_t batched = s.full ? 120000 : 2000;
  const int64_t batch = 500;
  const int clients = 4;
  WorkDir dir("ingest");
  const int port = FreePort();
  const std::string db = dir.File("duban.db");
  const std::string cfg = WriteConfig(dir, db, port, "");
  const SystemTime monday = At("2024-05-06T09:00+08:00");
  {
    auto p = InProc::Open(cfg, monday - minutes(1));
    if (!p.ok()) return Fail(p.status());
    auto& in = **p;
    const Hierarchy h = MakeHierarchy({.villages = single + batched}, s.seed);
    if (Status st = WriteHierarchy(*in.store, h); !st.ok()) return Fail(st);
    if (Status st = in.StartRunner(); !st.ok()) return Fail(st);
    auto r = in.TickUntilIdle(monday);  // this week's report items
    if (!r.ok()) return Fail(r.status());
  }
  int code = 0;
  std::string token = RunDuban({"token", "create", "--role", "admin", "--unit", "p0", "--config", cfg}, &code);
  while (!token.empty() && (token.back() == '\n' || token.back() == ' ')) token.pop_back();
  if (code != 0 || token.empty()) return Fail("duban token create failed");
  const pid_t pid = SpawnDuban({"serve", "--config", cfg, "--clock-start", "2024-05-06T09:01+08:00",
                                "--allow-clock-change"},
                               dir.File("serve.log"));
  const auto limit = Steady::now() + seconds(60);
  while (GetStatus(port, "/healthz") != 200 && Steady::now() < limit) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const double cpu0 = CpuSeconds(pid);
  const double loop0 = CpuSeconds(pid, pid);
  const Load one =
      RunClients(port, token, clients, single, [](ApiClient& api, int64_t v, std::string* reply) {
        const int status = api.Post("/api/v1/reports", ReportJson(v), reply);
        return status >= 200 && status < 300;
      });
  const double cpu1 = CpuSeconds(pid);
  const double loop1 = CpuSeconds(pid, pid);
  const int64_t batches = (batched + batch - 1) / batch;
  const Load many =
      RunClients(port, token, clients, batches, [&](ApiClient& api, int64_t k, std::string* reply) {
        const int64_t first = single + k * batch;
        const int64_t end = std::min(first + batch, single + batched);
        std::string body = R"({"reports":[)";
        for (int64_t v = first; v < end; ++v) {
          if (v > first) body += ',';
          body += ReportJson(v);
        }
        body += "]}";
        const int status = api.Post("/api/v1/reports/batch", body, reply);
        // The answer's keys are sorted: "accepted", "refused", "results".
        return status == 200 && reply->find(R"("refused":0,)") != std::string::npos;
      });
  const double cpu2 = CpuSeconds(pid);
  const double loop2 = CpuSeconds(pid, pid);
  StopChild(pid);
  if (one.errors > 0) {
    return Fail(fmt::format("{} ingest errors, first: {}", one.errors, one.first_error));
  }
  if (many.errors > 0) {
    return Fail(fmt::format("{} batch ingest errors, first: {}", many.errors, many.first_error));
  }
  auto resolved = BulkSql::Count(db, "SELECT COUNT(*) FROM items WHERE kind = 'weekly_report' AND resolved_at IS NOT NULL");
  if (!resolved.ok() || *resolved != single + batched) {
    return Fail(fmt::format("not every report was recorded: {} of {}",
                            resolved.ok() ? *resolved : -1, single + batched));
  }
  Line("ingest")
      .Add("n", single)
      .Add("clients", static_cast<int64_t>(clients))
      .Add("events_per_s", static_cast<double>(single) / one.wall_s, 0)
      .Add("p50_ms", Median(one.latencies_ms), 2)
      .Add("p99_ms", Percentile(one.latencies_ms, 99), 2)
      .Add("cpu_us", (cpu1 - cpu0) * 1e6 / static_cast<double>(single), 0)
      .Add("loop_us", (loop1 - loop0) * 1e6 / static_cast<double>(single), 0)
      .Add("batch", batch)
      .Add("batch_n", batched)
      .Add("batch_events_per_s", static_cast<double>(batched) / many.wall_s, 0)
      .Add("batch_p50_ms", Median(many.latencies_ms), 2)
      .Add("batch_p99_ms", Percentile(many.latencies_ms, 99), 2)
      .Add("batch_cpu_us", (cpu2 - cpu1) * 1e6 / static_cast<double>(batched), 0)
      .Add("batch_loop_us", (loop2 - loop1) * 1e6 / static_cast<double>(batched), 0)
      .Print();
  return 0;
}

}  // namespace duban::bench
