// Scenarios over a big generated database and the real daemon process:
// restart, dashboard queries, and a province's week through
// `simulate`'s machinery.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

#include "api/scope.h"
#include "app/simulate.h"
#include "bench_util.h"
#include "engine/engine.h"
#include "generator.h"
#include "http_tools.h"
#include "inproc.h"
#include "scenarios.h"
#include "store/store.h"
#include "workflow/workflow.h"

namespace duban::bench {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const char kNow[] =
    "2024-05-08T10:00+08:00";  // a Wednesday of the rectification phase
const char kNowPlus1[] = "2024-05-08T10:01+08:00";

// The "province with a million items" both restart and dashboard read.
struct BigShape {
  Shape shape;
  int64_t items = 0;  // total
  int64_t transfers = 0;
  int report_weeks = 8;  // weekly reports per village before now
  int64_t outbox = 0;    // pending rows
};

BigShape Big(const Scale& s) {
  BigShape b;
  b.shape.villages = s.full ? 16000 : 100;
  b.shape.departments_per_town = 2;
  b.items = s.full ? 1000000 : 5000;
  b.transfers = s.full ? 20000 : 100;
  b.outbox = s.full ? 100000 : 500;
  return b;
}

// Generates the big database at `db`, or copies it from the cache.
Status MakeBigDb(const Scale& s, const WorkDir& dir, const std::string& db,
                 double* gen_s) {
  const std::string cached =
      s.cache_dir.empty() ? ""
                          : fmt::format("{}/big-{}-{}.db", s.cache_dir,
                                        s.full ? "full" : "small", s.seed);
  *gen_s = 0;
  if (!cached.empty() && std::filesystem::exists(cached)) {
    CopyFile(cached, db);
    // A cache written before a schema change would make every measured
    // start run the new migrations (migration 4 rewrites the timers of a
    // million items: ~15 s). Open the copy once here, untimed, so that
    // restart measures a restart, not an upgrade.
    const auto t = Steady::now();
    auto store = store::OpenSqlite({db, 5000}, At(kNow));
    if (!store.ok()) return store.status();
    const double s_migrate = SecondsSince(t);
    std::fprintf(stderr, "  cached database opened at schema %d in %.1f s\n",
                 (*store)->SchemaVersion(), s_migrate);
    return Status::OK();
  }
  const auto t = Steady::now();
  const BigShape b = Big(s);
  const SystemTime now = At(kNow);
  const std::string cfg = WriteConfig(dir, db, 0, "");
  {
    auto p = InProc::Open(cfg, now);
    if (!p.ok()) return p.status();
    auto& in = **p;
    const Hierarchy h = MakeHierarchy(b.shape, s.seed);
    DUBAN_RETURN_IF_ERROR(WriteHierarchy(*in.store, h));
    DUBAN_RETURN_IF_ERROR(AddPastReports(*in.store, h, b.report_weeks,
                                         At("2024-05-03T12:00+08:00"), now));
    const int64_t reports =
        static_cast<int64_t>(h.villages.size()) * b.report_weeks;
    CaseOptions co;
    co.count = b.items - reports - b.transfers;
    co.now = now;
    DUBAN_RETURN_IF_ERROR(AddCases(*in.store, h, co, s.seed));
    DUBAN_RETURN_IF_ERROR(
        AddTransfers(*in.store, h, b.transfers, now, s.seed + 1));
    DUBAN_RETURN_IF_ERROR(
        AddPendingOutbox(*in.store, h, b.outbox, now, s.seed + 2));
  }
  auto resolved =
      BulkSql::ResolveShare(db, "weekly_report", "", 0.8, "submitted",
                            At("2024-05-03T09:00+08:00"), s.seed);
  if (!resolved.ok()) return resolved.status();
  *gen_s = SecondsSince(t);
  std::fprintf(stderr, "  generated %lld items, %lld outbox rows in %.1f s\n",
               static_cast<long long>(b.items),
               static_cast<long long>(b.outbox), *gen_s);
  if (!cached.empty()) {
    std::filesystem::create_directories(s.cache_dir);
    CopyFile(db, cached);
  }
  return Status::OK();
}

}  // namespace

int RestartScenario(const Scale& s) {
  const BigShape b = Big(s);
  WorkDir dir("restart");
  Sink sink;
  const int port = FreePort();
  const std::string db = dir.File("duban.db");
  double gen_s = 0;
  if (Status st = MakeBigDb(s, dir, db, &gen_s); !st.ok()) return Fail(st);
  const std::string cfg = WriteConfig(dir, db, port, sink.url());
  const std::string snapshot = dir.File("snapshot.db");
  CopyFile(db, snapshot);
  std::vector<double> healthz, first, rate, rss;
  for (int r = 0; r < s.runs; ++r) {
    RemoveDb(db);
    CopyFile(snapshot, db);
    sink.Reset();
    const auto start = Steady::now();
    const pid_t pid = SpawnDuban({"serve", "--config", cfg, "--clock-start",
                                  kNowPlus1, "--allow-clock-change"},
                                 dir.File("serve.log"));
    const auto limit = start + seconds(s.full ? 600 : 60);
    double up = -1;
    while (Steady::now() < limit) {
      if (GetStatus(port, "/healthz") == 200) {
        up = SecondsSince(start);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    // Full scale: the delivery rate over the first 3,000 rows (see
    // friday_noon).
    const int64_t want = std::min<int64_t>(b.outbox, s.full ? 3000 : b.outbox);
    while (sink.count() < want && Steady::now() < limit) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    rss.push_back(PeakRssMib(pid));
    StopChild(pid);
    if (up < 0) return Fail("/healthz never answered 200");
    if (sink.count() < want) {
      return Fail(fmt::format("the sink got {} of {} pending messages",
                              sink.count(), want));
    }
    healthz.push_back(up);
    first.push_back(
        std::chrono::duration<double>(sink.first() - start).count());
    const double span = sink.span_seconds();
    rate.push_back(span > 0 ? static_cast<double>(sink.count()) / span : 0.0);
  }
  Line("restart")
      .Add("n", b.items)
      .Add("outbox", b.outbox)
      .Add("gen_s", gen_s, 1)
      .Add("healthz_s", Median(healthz))
      .Add("dispatch_resumed_s", Median(first))
      .Add("deliver_msgs_per_s", Median(rate), 0)
      .Add("serve_rss_mib", Median(rss), 0)
      .Add("runs", static_cast<int64_t>(s.runs))
      .Print();
  return 0;
}

int DashboardScenario(const Scale& s) {
  const BigShape b = Big(s);
  WorkDir dir("dashboard");
  const std::string db = dir.File("duban.db");
  double gen_s = 0;
  if (Status st = MakeBigDb(s, dir, db, &gen_s); !st.ok()) return Fail(st);
  const std::string cfg = WriteConfig(dir, db, 0, "");
  const SystemTime now = At(kNow);
  auto p = InProc::Open(cfg, now);
  if (!p.ok()) return Fail(p.status());
  auto& in = **p;
  if (Status st = in.StartRunner(); !st.ok()) return Fail(st);
  store::Store& db_store = *in.store;
  const engine::Engine& engine = in.runner->engine();
  const engine::Directory& units = engine.directory();
  std::shared_ptr<const workflow::WorkflowSpec> spec;
  for (const auto& c : engine.campaigns()) {
    if (c->id == kCampaign) spec = c;
  }
  if (spec == nullptr || spec->obligations.empty())
    return Fail("the campaign has no obligation");
  const Hierarchy h = MakeHierarchy(b.shape, s.seed);
  const int queries = s.full ? 40 : 5;
  std::mt19937_64 rng(s.seed);
  std::uniform_int_distribution<size_t> county(0, h.counties.size() - 1);
  std::uniform_int_distribution<size_t> town(0, h.towns.size() - 1);
  // Overdue list for a county, both ways it is asked. The API,
  // GET /api/v1/items?unit=<county>&overdue=true: one ListItems over the
  // county's subtree (api::Subtree, departments included) with the default
  // page of 50 (+1). The dashboard, /overdue?unit=<county>: OverdueLines in
  // daemon/api/dashboard_pages.cc, a page of 500 with the campaign set, then
  // the step each item last reached (LastFiredSteps) and its messages
  // (OutboxForItem, one call per item); all three are timed, and apart.
  std::vector<double> api_ms, page_ms, page_list_ms, page_steps_ms,
      page_msgs_ms;
  int64_t overdue_rows = 0;
  for (int q = 0; q < queries; ++q) {
    const std::vector<std::string> owners =
        api::Subtree(units, h.counties[county(rng)]);
    store::ItemQuery api_query;
    api_query.owner_units = owners;
    api_query.overdue_at = now;
    api_query.limit = 51;
    auto t = Steady::now();
    auto listed = db_store.ListItems(api_query);
    api_ms.push_back(SecondsSince(t) * 1000);
    if (!listed.ok()) return Fail(listed.status());

    store::ItemQuery page_query;
    page_query.campaign = spec->id;
    page_query.owner_units = owners;
    page_query.overdue_at = now;
    page_query.limit = 500;
    t = Steady::now();
    auto items = db_store.ListItems(page_query);
    if (!items.ok()) return Fail(items.status());
    const double list_ms = SecondsSince(t) * 1000;
    std::vector<std::pair<std::string, store::ItemId>> keys;
    for (const auto& it : *items) keys.emplace_back(it.campaign, it.id);
    const auto t_steps = Steady::now();
    auto steps = db_store.LastFiredSteps(keys);
    if (!steps.ok()) return Fail(steps.status());
    const double steps_ms = SecondsSince(t_steps) * 1000;
    const auto t_msgs = Steady::now();
    for (const auto& it : *items) {
      auto msgs = db_store.OutboxForItem(it.id);
      if (!msgs.ok()) return Fail(msgs.status());
    }
    page_msgs_ms.push_back(SecondsSince(t_msgs) * 1000);
    page_ms.push_back(SecondsSince(t) * 1000);
    page_list_ms.push_back(list_ms);
    page_steps_ms.push_back(steps_ms);
    overdue_rows += static_cast<int64_t>(items->size());
  }
  if (overdue_rows == 0) return Fail("no overdue items in any county");
  // Laggard ranking for the province: Engine::Laggards as the dashboard's
  // /laggards page calls it for a province token (28 days, 100 rows); the
  // API's /campaigns/{id}/laggards is the same call with 50.
  std::vector<double> laggard_ms;
  for (int q = 0; q < std::max(3, queries / 4); ++q) {
    const auto t = Steady::now();
    auto r = engine.Laggards(spec->id, h.provinces[0], now - hours(24 * 28),
                             now, now, 100);
    laggard_ms.push_back(SecondsSince(t) * 1000);
    if (!r.ok()) return Fail(r.status());
    if (r->empty()) return Fail("an empty laggard ranking");
  }
  // Compliance grid for a town: what the dashboard's /compliance page reads
  // for a town token (Compliance → ReportItems in dashboard_pages.cc): the
  // first obligation's report items owned in the town's subtree, due from
  // 8 weeks before now to a week after, at most 50,000.
  std::vector<double> grid_ms;
  int64_t grid_rows = 0;
  for (int q = 0; q < queries; ++q) {
    store::ItemQuery query;
    query.campaign = spec->id;
    query.owner_units = api::Subtree(units, h.towns[town(rng)]);
    query.kind = spec->obligations.front().id;
    query.due_from = now - hours(24 * 7 * 8);
    query.due_to = now + hours(24 * 7);
    query.limit = 50000;
    const auto t = Steady::now();
    auto r = db_store.ListItems(query);
    grid_ms.push_back(SecondsSince(t) * 1000);
    if (!r.ok()) return Fail(r.status());
    grid_rows += static_cast<int64_t>(r->size());
  }
  if (grid_rows == 0) return Fail("no report items in any town's grid");
  // Laggards' two store reads apart: StatsByOwner (per-owner report record
  // over 28 days, campaign-wide; also the stand-in timed before the grid had
  // a query) and OverdueByUnit (open overdue items grouped per unit).
  std::vector<std::string> item_kinds;
  for (const auto& k : spec->item_kinds) item_kinds.push_back(k.id);
  std::vector<double> stats_ms, overdue_by_unit_ms;
  for (int q = 0; q < std::max(3, queries / 4); ++q) {
    auto t = Steady::now();
    auto r = db_store.StatsByOwner(kCampaign, {"weekly_report"},
                                   now - hours(24 * 28), now, now);
    stats_ms.push_back(SecondsSince(t) * 1000);
    if (!r.ok()) return Fail(r.status());
    t = Steady::now();
    auto o = db_store.OverdueByUnit(kCampaign, item_kinds, now);
    overdue_by_unit_ms.push_back(SecondsSince(t) * 1000);
    if (!o.ok()) return Fail(o.status());
  }
  Line("dashboard")
      .Add("n", b.items)
      .Add("overdue_county_p50_ms", Median(page_ms), 2)
      .Add("overdue_county_p95_ms", Percentile(page_ms, 95), 2)
      .Add("overdue_county_list_p50_ms", Median(page_list_ms), 2)
      .Add("overdue_county_steps_p50_ms", Median(page_steps_ms), 2)
      .Add("overdue_county_msgs_p50_ms", Median(page_msgs_ms), 2)
      .Add("overdue_county_rows", overdue_rows / queries)
      .Add("overdue_api_p50_ms", Median(api_ms), 2)
      .Add("overdue_api_p95_ms", Percentile(api_ms, 95), 2)
      .Add("laggards_province_p50_ms", Median(laggard_ms), 1)
      .Add("laggards_province_p95_ms", Percentile(laggard_ms, 95), 1)
      .Add("grid_town_p50_ms", Median(grid_ms), 2)
      .Add("grid_town_p95_ms", Percentile(grid_ms, 95), 2)
      .Add("grid_town_rows", grid_rows / queries)
      .Add("stats_by_owner_p95_ms", Percentile(stats_ms, 95), 1)
      .Add("overdue_by_unit_p95_ms", Percentile(overdue_by_unit_ms, 95), 1)
      .Add("queries", static_cast<int64_t>(queries))
      .Print();
  return 0;
}

int ProvinceWeekScenario(const Scale& s) {
  Shape shape;
  shape.villages = s.full ? 16000 : 200;
  shape.departments_per_town = 2;
  const int64_t cases = s.full ? 100000 : 1000;
  const int64_t transfers = s.full ? 20000 : 200;
  // Small scale: the Thursday alone, so CTest stays within seconds.
  const SystemTime from =
      At(s.full ? "2024-05-06T00:00+08:00" : "2024-05-09T00:00+08:00");
  const int days = s.full ? 7 : 1;
  const int thursday = s.full ? 3 : 0;
  const SystemTime to = from + hours(24 * days);
  WorkDir dir("week");
  const std::string db = dir.File("duban.db");
  const std::string cfg = WriteConfig(dir, db, 0, "");
  const Hierarchy h = MakeHierarchy(shape, s.seed);
  {
    auto p = InProc::Open(cfg, from - minutes(1));
    if (!p.ok()) return Fail(p.status());
    auto& in = **p;
    if (Status st = WriteHierarchy(*in.store, h); !st.ok()) return Fail(st);
    CaseOptions co;
    co.count = cases;
    co.now = from - minutes(1);
    co.min_days = 1;
    co.max_days = 60;
    if (Status st = AddCases(*in.store, h, co, s.seed); !st.ok())
      return Fail(st);
    if (Status st = AddTransfers(*in.store, h, transfers, co.now, s.seed + 1);
        !st.ok())
      return Fail(st);
  }
  // The week's traffic: 80% of villages and departments report on Thursday
  // or Friday morning, a tenth of the transfers are signed for, 3% of the
  // cases are submitted for acceptance.
  std::mt19937_64 rng(s.seed);
  std::uniform_real_distribution<double> unit(0, 1);
  std::uniform_int_distribution<int> minute(0, 9 * 60 - 1);
  auto local = [](SystemTime t) {
    const auto ms = ToUnixMillis(t) + 8 * 3600 * 1000;
    const auto d =
        std::chrono::floor<std::chrono::days>(SystemTime(Millis(ms)));
    const std::chrono::year_month_day ymd{std::chrono::sys_days(d)};
    const auto mins = (ms / 60000) % (24 * 60);
    return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}+08:00",
                       static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()),
                       static_cast<unsigned>(ymd.day()), mins / 60, mins % 60);
  };
  const std::string events = dir.File("events.jsonl");
  int64_t n_events = 0;
  {
    std::ofstream out(events);
    std::vector<std::string> owing = h.villages;
    owing.insert(owing.end(), h.departments.begin(), h.departments.end());
    for (const auto& u : owing) {
      if (unit(rng) >= 0.8) continue;
      const SystemTime at =
          from + hours(24 * thursday + 9) + minutes(minute(rng));
      out << fmt::format(
                 R"({{"at":"{}","type":"submit","obligation":"weekly_report","unit":"{}","period":"2024-05-10","fields":{{"mis_checked":12,"mis_surveyed":0,"missed":0,"key_checked":6,"key_hazards":1,"key_rectified":0,"appraisal_checked":3,"appraisal_noncompliant":0,"work_summary":"完成错漏排专项核查"}}}})",
                 local(at), u)
          << "\n";
      ++n_events;
    }
    for (int64_t t = 0; t < transfers; ++t) {
      if (unit(rng) >= 0.1) continue;
      const SystemTime at =
          from + hours(24 * (t % std::min(days, 5)) + 9) + minutes(minute(rng));
      out << fmt::format(
                 R"({{"at":"{}","type":"ack","item":"bench-transfer/{}"}})",
                 local(at), t)
          << "\n";
      ++n_events;
    }
    for (int64_t c = 0; c < cases; ++c) {
      if (unit(rng) >= 0.03) continue;
      const SystemTime at =
          from + hours(24 * (c % std::min(days, 5)) + 9) + minutes(minute(rng));
      out << fmt::format(
                 R"({{"at":"{}","type":"transition","item":"bench-case/{}","transition":"submit_for_acceptance","fields":{{"photos_uploaded":true}}}})",
                 local(at), c)
          << "\n";
      ++n_events;
    }
  }
  Diagnostics diags;
  auto config = config::LoadConfig(cfg, &diags);
  if (config == nullptr) return Fail(diags.ToString());
  auto log = std::make_shared<spdlog::logger>("bench-sim");
  log->set_level(spdlog::level::off);
  app::SimulationOptions o;
  o.from = from;
  o.to = to;
  o.events_file = events;
  o.database_copy = dir.File("sim.db");
  std::vector<double> walls;
  app::SimulationResult last;
  for (int r = 0; r < s.runs; ++r) {
    const auto t = Steady::now();
    auto result = app::Simulate(*config, o, *log);
    walls.push_back(SecondsSince(t));
    if (!result.ok()) return Fail(result.status());
    last = std::move(*result);
    if (last.events_applied != n_events) {
      return Fail(fmt::format("{} of {} events applied", last.events_applied,
                              n_events));
    }
  }
  Line("province_week")
      .Add("n", shape.villages)
      .Add("cases", cases)
      .Add("transfers", transfers)
      .Add("days", static_cast<int64_t>(days))
      .Add("events", n_events)
      .Add("timers", static_cast<int64_t>(last.timers))
      .Add("messages", static_cast<int64_t>(last.messages.size()))
      .Add("wall_s", Median(walls), 2)
      .Add("rss_mib", PeakRssMib(), 0)
      .Add("runs", static_cast<int64_t>(s.runs))
      .Print();
  return 0;
}

}  // namespace duban::bench
