// The ingest scenario: weekly reports posted to the real daemon's HTTP API
// by keep-alive clients, each durable when its answer arrives.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "bench_util.h"
#include "generator.h"
#include "http_tools.h"
#include "inproc.h"
#include "scenarios.h"

namespace duban::bench {

using std::chrono::minutes;
using std::chrono::seconds;

int IngestScenario(const Scale& s) {
  const int64_t villages = s.full ? 16000 : 200;
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
    const Hierarchy h = MakeHierarchy({.villages = villages}, s.seed);
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
  std::mutex mu;  // guards latencies and errors
  std::vector<double> latencies;
  int64_t errors = 0;
  std::string first_error;
  std::atomic<int64_t> next{0};
  const auto start = Steady::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      ApiClient api(port, token);
      std::vector<double> mine;
      while (true) {
        const int64_t v = next.fetch_add(1);
        if (v >= villages) break;
        const std::string body = fmt::format(
            R"({{"campaign":"{}","obligation":"weekly_report","unit":"v{}","period":"2024-05-10","fields":{{"mis_checked":{},"mis_surveyed":0,"missed":0,"key_checked":5,"key_hazards":1,"key_rectified":0,"appraisal_checked":2,"appraisal_noncompliant":0,"work_summary":"完成错漏排专项核查"}}}})",
            kCampaign, v, 10 + v % 7);
        std::string reply;
        const auto t = Steady::now();
        const int status = api.Post("/api/v1/reports", body, &reply);
        mine.push_back(SecondsSince(t) * 1000);
        if (status < 200 || status >= 300) {
          std::lock_guard<std::mutex> lock(mu);
          if (errors++ == 0) first_error = fmt::format("HTTP {} {}", status, reply.substr(0, 200));
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  const double wall = SecondsSince(start);
  StopChild(pid);
  if (errors > 0) return Fail(fmt::format("{} ingest errors, first: {}", errors, first_error));
  auto resolved = BulkSql::Count(db, "SELECT COUNT(*) FROM items WHERE kind = 'weekly_report' AND resolved_at IS NOT NULL");
  if (!resolved.ok() || *resolved != villages) return Fail("not every report was recorded");
  Line("ingest").Add("n", villages).Add("clients", static_cast<int64_t>(clients))
      .Add("events_per_s", static_cast<double>(villages) / wall, 0)
      .Add("p50_ms", Median(latencies), 2).Add("p99_ms", Percentile(latencies, 99), 2)
      .Add("batch_endpoint", "none").Print();
  return 0;
}

}  // namespace duban::bench
