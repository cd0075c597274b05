// Scenarios that drive the engine in-process: the sink's ceiling, flat
// timer cost, and the national Friday noon (its delivery through the real
// daemon process).
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "bench_util.h"
#include "generator.h"
#include "http_tools.h"
#include "inproc.h"
#include "scenarios.h"

namespace duban::bench {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// Runs `self --step ...` and returns its last stdout line.
std::string RunSelf(const Scale& s, const std::vector<std::string>& args, int* code) {
  std::string cmd = s.self;
  for (const auto& a : args) cmd += " '" + a + "'";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out, line;
  char buf[4096];
  while (p != nullptr && std::fgets(buf, sizeof buf, p) != nullptr) out = buf;
  *code = p != nullptr ? pclose(p) : -1;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// "k=v" out of a line; "" when absent.
std::string Field(const std::string& line, const std::string& key) {
  const std::string k = " " + key + "=";
  const auto at = (" " + line).find(k);
  if (at == std::string::npos) return "";
  const auto from = at + k.size() - 1;
  return line.substr(from, line.find(' ', from) - from);
}

const char kFriday[] = "2024-05-10T12:00+08:00";
const char kFridayPeriod[] = "2024-05-10";

}  // namespace

int SinkScenario(const Scale& s) {
  Sink sink;
  const int clients = 4;
  const double secs = s.full ? 3.0 : 0.5;
  std::vector<double> rates;
  int64_t total = 0;
  for (int r = 0; r < s.runs; ++r) {
    sink.Reset();
    const int64_t ok = LoadSink(sink.url(), clients, secs);
    total += ok;
    if (ok == 0 || sink.count() != ok) return Fail("sink counted a different number than answered");
    rates.push_back(static_cast<double>(ok) / secs);
  }
  Line("sink").Add("n", total).Add("clients", static_cast<int64_t>(clients))
      .Add("msgs_per_s", Median(rates), 0).Add("runs", static_cast<int64_t>(s.runs)).Print();
  return 0;
}

int TimerFlatScenario(const Scale& s) {
  const std::vector<int64_t> sizes =
      s.full ? std::vector<int64_t>{10000, 100000, 1000000} : std::vector<int64_t>{600, 2000, 6000};
  const int64_t due = s.full ? 1000 : 100;
  const int64_t villages = s.full ? 2000 : 40;
  const SystemTime t0 = At("2024-05-06T09:00+08:00");
  Line line("timer_flat");
  line.Add("n", sizes.back()).Add("due", due);
  std::vector<double> medians;
  for (int64_t size : sizes) {
    WorkDir dir("timer");
    const std::string cfg = WriteConfig(dir, dir.File("duban.db"), 0, "");
    auto p = InProc::Open(cfg, t0 - hours(1));
    if (!p.ok()) return Fail(p.status());
    auto& in = **p;
    const Hierarchy h = MakeHierarchy({.villages = villages}, s.seed);
    if (Status st = WriteHierarchy(*in.store, h); !st.ok()) return Fail(st);
    CaseOptions co;
    co.count = size - due * s.runs;
    co.overdue_share = 0;
    co.now = t0 - hours(1);
    if (Status st = AddCases(*in.store, h, co, s.seed); !st.ok()) return Fail(st);
    for (int r = 1; r <= s.runs; ++r) {
      if (Status st = AddDueCases(*in.store, h, due, t0 + hours(r), std::to_string(r), co.now,
                                  s.seed + static_cast<uint64_t>(r));
          !st.ok()) {
        return Fail(st);
      }
    }
    if (Status st = in.StartRunner(); !st.ok()) return Fail(st);
    // Whatever the campaign itself has due at t0 (this week's report items).
    if (auto r = in.TickUntilIdle(t0); !r.ok()) return Fail(r.status());
    std::vector<double> ms;
    for (int r = 1; r <= s.runs; ++r) {
      const SystemTime at = t0 + hours(r);
      in.clock.SetNow(at);
      const auto start = Steady::now();
      auto tick = in.runner->Tick(at);
      ms.push_back(SecondsSince(start) * 1000);
      if (!tick.ok()) return Fail(tick.status());
      if (tick->engine.timers != due || tick->engine.fired != due) {
        return Fail(fmt::format("size {}: {} timers ran, {} fired, expected {}", size,
                                tick->engine.timers, tick->engine.fired, due));
      }
    }
    auto open = in.store->CountOpenByOwner(kCampaign, {"hazard_case"});
    int64_t open_cases = 0;
    if (open.ok()) {
      for (const auto& [owner, n] : *open) open_cases += n;
    }
    // Every case is still open: the due ones only escalated.
    if (open_cases != size) return Fail(fmt::format("{} open cases, expected {}", open_cases, size));
    medians.push_back(Median(ms));
    line.Add(fmt::format("tick_ms_{}", size), medians.back(), 2);
  }
  const auto [lo, hi] = std::minmax_element(medians.begin(), medians.end());
  line.Add("ratio", *hi / *lo, 2).Add("runs", static_cast<int64_t>(s.runs)).Print();
  return 0;
}

// One measured run in a fresh process: from the deadline to every overdue
// digest committed. Args: config path, expected digests.
int FridayNoonCommitStep(const Scale& s) {
  if (s.args.size() != 2) return Fail("friday_noon_commit: expected <config> <expected digests>");
  const SystemTime friday = At(kFriday);
  auto p = InProc::Open(s.args[0], friday - seconds(30));
  if (!p.ok()) return Fail(p.status());
  auto& in = **p;
  // Digests stay queued (as 'retry' until 13:00) for the delivery run.
  in.channel.hold_until = friday + hours(1);
  if (Status st = in.StartRunner(); !st.ok()) return Fail(st);
  const double rss_before = PeakRssMib();
  const auto start = Steady::now();
  // The wake-up at the deadline: every report's missing_digest step.
  in.clock.SetNow(friday);
  auto engine = in.runner->Tick(friday);
  if (!engine.ok()) return Fail(engine.status());
  const double engine_s = SecondsSince(start);
  // The digest window (notify.group_wait, 2 min of campaign time) closes:
  // one digest per town office naming its missing villages.
  auto digest = in.TickUntilIdle(friday + minutes(2));
  if (!digest.ok()) return Fail(digest.status());
  const double total_s = SecondsSince(start);
  const int64_t expected = std::stoll(s.args[1]);
  if (digest->digests != expected) {
    return Fail(fmt::format("{} digests, expected {}", digest->digests, expected));
  }
  Line("friday_noon_commit").Add("timers", static_cast<int64_t>(engine->engine.timers))
      .Add("intents", static_cast<int64_t>(engine->engine.intents))
      .Add("digests", static_cast<int64_t>(digest->digests)).Add("engine_s", engine_s)
      .Add("digest_s", total_s - engine_s).Add("commit_s", total_s)
      .Add("rss_start_mib", rss_before, 0).Add("rss_mib", PeakRssMib(), 0).Print();
  return 0;
}

int FridayNoonScenario(const Scale& s) {
  const int64_t villages = s.villages > 0 ? s.villages : s.full ? 500000 : 400;
  const SystemTime friday = At(kFriday);
  // Just after the previous Friday's deadline: the engine's next
  // occurrence is this Friday, materialised a week ahead (at once).
  const SystemTime materialize_at = friday - hours(24 * 7) + minutes(30);
  WorkDir dir("friday");
  Sink sink;
  const int port = FreePort();
  const std::string db = dir.File("duban.db");
  const std::string cfg = WriteConfig(dir, db, port, sink.url());
  double gen_s = 0, materialize_s = 0;
  int64_t expected_digests = 0;
  {
    const auto t = Steady::now();
    auto p = InProc::Open(cfg, materialize_at);
    if (!p.ok()) return Fail(p.status());
    auto& in = **p;
    {
      const Hierarchy h = MakeHierarchy({.villages = villages}, s.seed);
      if (Status st = WriteHierarchy(*in.store, h); !st.ok()) return Fail(st);
      std::fprintf(stderr, "  hierarchy: %zu units, %zu contacts in %.1f s\n", h.units.size(),
                   h.contacts.size(), SecondsSince(t));
    }
    gen_s = SecondsSince(t);
    if (Status st = in.StartRunner(); !st.ok()) return Fail(st);
    // The engine materialises the week's report items itself, a week ahead.
    const auto m = Steady::now();
    auto r = in.TickUntilIdle(materialize_at);
    if (!r.ok()) return Fail(r.status());
    materialize_s = SecondsSince(m);
    if (r->engine.items_created != villages) {
      return Fail(fmt::format("{} report items materialised, expected {}", r->engine.items_created,
                              villages));
    }
  }
  // The week's history, in bulk (generator.h): 80% of villages submitted,
  // and the Thursday and Friday-morning reminders ran.
  auto submitted = BulkSql::ResolveShare(db, "weekly_report", kFridayPeriod, 0.8, "submitted",
                                         friday - hours(20), s.seed);
  if (!submitted.ok()) return Fail(submitted.status());
  auto consumed = BulkSql::ConsumeTimers(db, "l/weekly_report/", friday);
  if (!consumed.ok()) return Fail(consumed.status());
  auto towns = BulkSql::Count(
      db, fmt::format("SELECT COUNT(DISTINCT u.parent_id) FROM items i JOIN units u ON u.id = "
                      "i.owner_unit WHERE i.kind = 'weekly_report' AND i.period = '{}' AND "
                      "i.resolved_at IS NULL",
                      kFridayPeriod));
  if (!towns.ok()) return Fail(towns.status());
  expected_digests = *towns;
  const std::string snapshot = dir.File("snapshot.db");
  CopyFile(db, snapshot);

  std::vector<double> commit, engine, digest, rss;
  std::string last;
  for (int r = 0; r < s.runs; ++r) {
    RemoveDb(db);
    CopyFile(snapshot, db);
    int code = 0;
    last = RunSelf(s, {"--step", "friday_noon_commit", cfg, std::to_string(expected_digests)},
                   &code);
    if (code != 0 || Field(last, "commit_s").empty()) return Fail("friday_noon_commit: " + last);
    commit.push_back(std::stod(Field(last, "commit_s")));
    engine.push_back(std::stod(Field(last, "engine_s")));
    digest.push_back(std::stod(Field(last, "digest_s")));
    rss.push_back(std::stod(Field(last, "rss_mib")));
  }
  // Delivery: the real daemon, started just after the window closed, sends
  // the digests (and anything else pending) to the sink, no rate limit.
  auto pending = BulkSql::Count(db, "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'retry')");
  if (!pending.ok()) return Fail(pending.status());
  sink.Reset();
  const auto start = Steady::now();
  const pid_t pid = SpawnDuban({"serve", "--config", cfg, "--clock-start", "2024-05-10T13:00+08:00",
                                "--allow-clock-change"},
                               dir.File("serve.log"));
  const auto limit = start + seconds(s.full ? 900 : 60);
  // At full scale the rate is taken over the first 3,000 messages: with one
  // fsync per outbox state change, all 25,000 would take minutes.
  const int64_t want = std::min<int64_t>(*pending, s.full ? 3000 : *pending);
  while (sink.count() < want && Steady::now() < limit) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double serve_rss = PeakRssMib(pid);
  const double first_s = std::chrono::duration<double>(sink.first() - start).count();
  StopChild(pid);
  if (sink.count() < want) {
    return Fail(fmt::format("the sink got {} of {} messages", sink.count(), want));
  }
  const double span = sink.span_seconds();
  Line("friday_noon").Add("n", villages).Add("missing", villages - *submitted)
      .Add("digests", expected_digests).Add("gen_s", gen_s, 1).Add("materialize_s", materialize_s, 2)
      .Add("engine_s", Median(engine)).Add("digest_s", Median(digest)).Add("commit_s", Median(commit))
      .Add("commit_rss_mib", Median(rss), 0).Add("pending", *pending).Add("delivered", sink.count())
      .Add("first_msg_s", first_s, 2)
      .Add("deliver_msgs_per_s", span > 0 ? static_cast<double>(sink.count()) / span : 0.0, 0)
      .Add("serve_rss_mib", serve_rss, 0).Add("duplicates", sink.duplicates())
      .Add("runs", static_cast<int64_t>(s.runs)).Print();
  return 0;
}

}  // namespace duban::bench
