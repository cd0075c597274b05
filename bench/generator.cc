#include "generator.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "bench_util.h"
#include "store/store.h"

namespace duban::bench {
namespace {

using std::chrono::days;
using std::chrono::hours;

constexpr int64_t kItemsPerTxn = 20000;

int64_t Groups(int64_t n, int per) { return std::max<int64_t>(1, (n + per - 1) / per); }

model::Unit MakeUnit(std::string id, std::string name, model::Level level, std::string parent) {
  model::Unit u;
  u.id = std::move(id);
  u.name = std::move(name);
  u.level = level;
  u.parent_id = std::move(parent);
  return u;
}

void AddContact(Hierarchy& h, const std::string& unit, const std::string& role,
                const std::string& name, const std::string& channel) {
  model::Contact c;
  c.id = unit + "-" + role;
  c.unit_id = unit;
  c.role = role;
  c.name = name;
  if (channel == "sms") c.mobile = fmt::format("+86138{:08d}", h.contacts.size() % 100000000);
  c.channels = {channel};
  h.contacts.push_back(std::move(c));
}

// The local date (Asia/Shanghai, UTC+8 with no DST since 1991) of `t`.
std::string LocalDate(SystemTime t) {
  const auto d = std::chrono::floor<days>(t + hours(8));
  const std::chrono::year_month_day ymd{std::chrono::sys_days(d)};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

store::Timer MakeTimer(const std::string& ladder, const std::string& step, SystemTime at) {
  store::Timer t;
  t.campaign = kCampaign;
  t.step = fmt::format("l/{}/{}/e0/r0", ladder, step);
  t.fire_at = at;
  return t;
}

// Commits `batch` when it holds kItemsPerTxn items (or `flush`).
Status MaybeCommit(store::Store& store, store::EngineBatch& batch, SystemTime now,
                   Progress& progress, bool flush) {
  if (batch.new_items.empty() || (!flush && static_cast<int64_t>(batch.new_items.size()) < kItemsPerTxn)) {
    return Status::OK();
  }
  const auto n = static_cast<int64_t>(batch.new_items.size());
  auto r = store.CommitEngineBatch(batch, now);
  if (!r.ok()) return r.status();
  batch = store::EngineBatch{};
  progress.Add(n);
  return Status::OK();
}

}  // namespace

Hierarchy MakeHierarchy(const Shape& s, uint64_t seed) {
  (void)seed;  // the hierarchy is positional; the seed drives the items
  Hierarchy h;
  const int64_t towns = Groups(s.villages, s.villages_per_town);
  const int64_t counties = Groups(towns, s.towns_per_county);
  const int64_t cities = Groups(counties, s.counties_per_city);
  const int64_t provinces = Groups(cities, s.cities_per_province);
  h.units.reserve(static_cast<size_t>(s.villages + towns * (1 + s.departments_per_town) +
                                      counties + cities + provinces));
  for (int64_t i = 0; i < provinces; ++i) {
    h.provinces.push_back(fmt::format("p{}", i));
    h.units.push_back(MakeUnit(h.provinces.back(), fmt::format("第{}省", i), model::Level::kProvince, ""));
  }
  for (int64_t i = 0; i < cities; ++i) {
    h.cities.push_back(fmt::format("c{}", i));
    h.units.push_back(MakeUnit(h.cities.back(), fmt::format("第{}市", i), model::Level::kCity,
                               h.provinces[static_cast<size_t>(i / s.cities_per_province)]));
  }
  for (int64_t i = 0; i < counties; ++i) {
    h.counties.push_back(fmt::format("x{}", i));
    h.units.push_back(MakeUnit(h.counties.back(), fmt::format("第{}县", i), model::Level::kCounty,
                               h.cities[static_cast<size_t>(i / s.counties_per_city)]));
    AddContact(h, h.counties.back(), "task_force", fmt::format("县专班{}", i), "sms");
  }
  for (int64_t i = 0; i < towns; ++i) {
    const std::string id = fmt::format("t{}", i);
    h.towns.push_back(id);
    h.town_county.push_back(i / s.towns_per_county);
    h.units.push_back(MakeUnit(id, fmt::format("第{}镇", i), model::Level::kTown,
                               h.counties[static_cast<size_t>(i / s.towns_per_county)]));
    AddContact(h, id, "office", fmt::format("镇规建办{}", i), "sms");
    AddContact(h, id, "supervisor", fmt::format("分管领导{}", i), "sms");
    AddContact(h, id, "group_chat", fmt::format("第{}镇工作群", i), "town-robot");
    for (int d = 0; d < s.departments_per_town; ++d) {
      const std::string did = fmt::format("d{}", h.departments.size());
      h.departments.push_back(did);
      h.department_town.push_back(i);
      model::Unit u = MakeUnit(did, fmt::format("第{}镇成员单位{}", i, d), model::Level::kDepartment, id);
      u.attached_level = model::Level::kTown;
      h.units.push_back(std::move(u));
      AddContact(h, did, "department_contact", fmt::format("成员单位联络人{}", did), "sms");
      AddContact(h, did, "head", fmt::format("成员单位负责人{}", did), "sms");
    }
  }
  h.villages.reserve(static_cast<size_t>(s.villages));
  for (int64_t i = 0; i < s.villages; ++i) {
    const std::string id = fmt::format("v{}", i);
    h.villages.push_back(id);
    h.village_town.push_back(i / s.villages_per_town);
    h.units.push_back(MakeUnit(id, fmt::format("第{}村", i), model::Level::kVillage,
                               h.towns[static_cast<size_t>(i / s.villages_per_town)]));
    AddContact(h, id, "liaison", fmt::format("联络员{}", i), "sms");
    AddContact(h, id, "head", fmt::format("村主任{}", i), "sms");
  }
  return h;
}

Status WriteHierarchy(store::Store& store, const Hierarchy& h) {
  DUBAN_RETURN_IF_ERROR(store.UpsertUnits(h.units));
  return store.UpsertContacts(h.contacts);
}

std::vector<std::string> VillagesOfCounty(const Hierarchy& h, int64_t county) {
  std::vector<std::string> out;
  for (size_t v = 0; v < h.villages.size(); ++v) {
    if (h.town_county[static_cast<size_t>(h.village_town[v])] == county) out.push_back(h.villages[v]);
  }
  return out;
}

Status AddCases(store::Store& store, const Hierarchy& h, const CaseOptions& o, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> village(0, h.villages.size() - 1);
  std::uniform_int_distribution<int> future(o.min_days * 24, o.max_days * 24);
  std::uniform_int_distribution<int> past(1, 60 * 24);
  std::uniform_real_distribution<double> unit(0, 1);
  Progress progress("cases", o.count);
  store::EngineBatch batch;
  for (int64_t n = 0; n < o.count; ++n) {
    const bool overdue = unit(rng) < o.overdue_share;
    const SystemTime due = overdue ? o.now - hours(past(rng)) : o.now + hours(future(rng));
    store::EngineBatch::NewItem ni;
    store::Item& it = ni.item;
    it.campaign = kCampaign;
    it.kind = "hazard_case";
    it.key = fmt::format("bench-case/{}", n);
    it.owner_unit = h.villages[village(rng)];
    it.state = "rectifying";
    it.severity = "warning";
    it.due_at = due;
    it.state_entered_at = o.now - days(30);
    it.data = fmt::format(
        R"({{"house_id":"H{:08d}","hazard_level":"{}","method":"reinforce","deadline":"{}"}})", n,
        unit(rng) < 0.7 ? "general" : "serious", LocalDate(due));
    // The rectification ladder from its due time; steps already passed
    // (overdue cases) are not pending any more.
    const std::pair<const char*, SystemTime> steps[] = {
        {"week_before", due - days(7)},
        {"overdue", due},
        {"supervision", due + days(7)},
        {"talk", due + days(21)}};
    for (const auto& [name, at] : steps) {
      if (at > o.now) ni.timers.push_back(MakeTimer("rectification", name, at));
    }
    batch.new_items.push_back(std::move(ni));
    DUBAN_RETURN_IF_ERROR(MaybeCommit(store, batch, o.now, progress, false));
  }
  DUBAN_RETURN_IF_ERROR(MaybeCommit(store, batch, o.now, progress, true));
  progress.Done();
  return Status::OK();
}

Status AddTransfers(store::Store& store, const Hierarchy& h, int64_t count, SystemTime now,
                    uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> village(0, h.villages.size() - 1);
  std::uniform_int_distribution<int> age(0, 6 * 24);
  Progress progress("transfers", count);
  store::EngineBatch batch;
  // Departments per town, in order.
  std::vector<std::vector<size_t>> by_town(h.towns.size());
  for (size_t d = 0; d < h.departments.size(); ++d) {
    by_town[static_cast<size_t>(h.department_town[d])].push_back(d);
  }
  for (int64_t n = 0; n < count; ++n) {
    const size_t v = village(rng);
    const auto& deps = by_town[static_cast<size_t>(h.village_town[v])];
    if (deps.empty()) return Status::InvalidArgument("transfers need departments");
    const SystemTime sent = now - hours(age(rng));
    const SystemTime due = sent + days(3);
    store::EngineBatch::NewItem ni;
    store::Item& it = ni.item;
    it.campaign = kCampaign;
    it.kind = "transfer";
    it.key = fmt::format("bench-transfer/{}", n);
    it.owner_unit = h.villages[v];
    it.department_unit = h.departments[deps[static_cast<size_t>(n) % deps.size()]];
    it.state = "sent";
    it.due_at = due;
    it.state_entered_at = sent;
    it.data = fmt::format(R"({{"problem":"经营性自建房未办理安全鉴定，移送第{}号","case_id":"H{:08d}"}})", n, n);
    const std::pair<const char*, SystemTime> steps[] = {
        {"notice", sent},
        {"overdue", due},
        {"supervision", due + days(2)},
        {"county_supervision", due + days(9)}};
    for (const auto& [name, at] : steps) {
      if (at > now) ni.timers.push_back(MakeTimer("transfer_acknowledge", name, at));
    }
    batch.new_items.push_back(std::move(ni));
    DUBAN_RETURN_IF_ERROR(MaybeCommit(store, batch, now, progress, false));
  }
  DUBAN_RETURN_IF_ERROR(MaybeCommit(store, batch, now, progress, true));
  progress.Done();
  return Status::OK();
}

Status AddDueCases(store::Store& store, const Hierarchy& h, int64_t count, SystemTime fire_at,
                   const std::string& tag, SystemTime now, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> village(0, h.villages.size() - 1);
  Progress progress("due cases " + tag, count);
  store::EngineBatch batch;
  for (int64_t n = 0; n < count; ++n) {
    store::EngineBatch::NewItem ni;
    store::Item& it = ni.item;
    it.campaign = kCampaign;
    it.kind = "hazard_case";
    it.key = fmt::format("bench-due/{}/{}", tag, n);
    it.owner_unit = h.villages[village(rng)];
    it.state = "rectifying";
    it.severity = "warning";
    it.due_at = fire_at;
    it.state_entered_at = now - days(30);
    it.data = fmt::format(R"({{"house_id":"D{}-{:06d}","hazard_level":"general","deadline":"{}"}})",
                          tag, n, LocalDate(fire_at));
    ni.timers.push_back(MakeTimer("rectification", "overdue", fire_at));
    batch.new_items.push_back(std::move(ni));
    DUBAN_RETURN_IF_ERROR(MaybeCommit(store, batch, now, progress, false));
  }
  DUBAN_RETURN_IF_ERROR(MaybeCommit(store, batch, now, progress, true));
  return Status::OK();
}

Status AddPastReports(store::Store& store, const Hierarchy& h, int weeks, SystemTime last_due,
                      SystemTime now) {
  Progress progress("past reports", static_cast<int64_t>(h.villages.size()) * weeks);
  store::EngineBatch batch;
  for (int w = 0; w < weeks; ++w) {
    const SystemTime due = last_due - days(7 * w);
    const std::string period = LocalDate(due);
    for (const auto& v : h.villages) {
      store::EngineBatch::NewItem ni;
      store::Item& it = ni.item;
      it.campaign = kCampaign;
      it.kind = "weekly_report";
      it.key = fmt::format("{}/weekly_report/{}/{}", kCampaign, period, v);
      it.owner_unit = v;
      it.state = "due";
      it.due_at = due;
      it.period = period;
      it.state_entered_at = due - days(7);
      batch.new_items.push_back(std::move(ni));
      DUBAN_RETURN_IF_ERROR(MaybeCommit(store, batch, now, progress, false));
    }
  }
  DUBAN_RETURN_IF_ERROR(MaybeCommit(store, batch, now, progress, true));
  progress.Done();
  return Status::OK();
}

Status AddPendingOutbox(store::Store& store, const Hierarchy& h, int64_t count, SystemTime now,
                        uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> village(0, h.villages.size() - 1);
  Progress progress("outbox rows", count);
  store::DigestCommit d;
  d.outcome = "sent";
  for (int64_t n = 0; n < count; ++n) {
    const std::string& v = h.villages[village(rng)];
    store::OutboxRow r;
    r.idempotency_key = fmt::format("bench/{}", n);
    r.channel = "sms";
    r.recipient = v + "-liaison";
    r.address = fmt::format("+86138{:08d}", n);
    r.binding = "item_overdue";
    r.campaign = kCampaign;
    r.severity = "warning";
    r.body = fmt::format(
        "【督办】{}：您村有隐患房屋整治已逾期（房屋编号H{:08d}），请尽快整改并在平台上传整治照片。",
        v, n);
    r.next_attempt_at = now;
    d.rows.push_back(std::move(r));
    if (static_cast<int64_t>(d.rows.size()) == kItemsPerTxn || n + 1 == count) {
      DUBAN_RETURN_IF_ERROR(store.CommitDigest(d, now));
      progress.Add(static_cast<int64_t>(d.rows.size()));
      d.rows.clear();
    }
  }
  progress.Done();
  return Status::OK();
}

namespace BulkSql {

Result<int64_t> ResolveShare(const std::string& db, const std::string& kind,
                             const std::string& period, double share, const std::string& state,
                             SystemTime at, uint64_t seed) {
  try {
    SQLite::Database conn(db, SQLite::OPEN_READWRITE);
    conn.exec("PRAGMA journal_mode=WAL");
    std::vector<int64_t> ids;
    {
      SQLite::Statement q(conn,
                          "SELECT id FROM items WHERE kind = ? AND resolved_at IS NULL AND "
                          "(? = '' OR period = ?) ORDER BY id");
      q.bind(1, kind);
      q.bind(2, period);
      q.bind(3, period);
      while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    }
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0, 1);
    SQLite::Transaction txn(conn);
    SQLite::Statement u(conn,
                        "UPDATE items SET state = ?, resolved_at = ?, updated_at = ? WHERE id = ?");
    int64_t n = 0;
    for (int64_t id : ids) {
      if (unit(rng) >= share) continue;
      u.reset();
      u.bind(1, state);
      u.bind(2, static_cast<int64_t>(ToUnixMillis(at)));
      u.bind(3, static_cast<int64_t>(ToUnixMillis(at)));
      u.bind(4, id);
      n += u.exec();
    }
    txn.commit();
    return n;
  } catch (const std::exception& e) {
    return Status::Internal("bulk resolve", e.what());
  }
}

Result<int64_t> ConsumeTimers(const std::string& db, const std::string& step_prefix,
                              SystemTime before) {
  try {
    SQLite::Database conn(db, SQLite::OPEN_READWRITE);
    SQLite::Transaction txn(conn);
    SQLite::Statement u(conn,
                        "UPDATE timers SET fired_at = fire_at, outcome = 'fired (bench history)' "
                        "WHERE fired_at IS NULL AND fire_at < ? AND substr(step, 1, ?) = ?");
    u.bind(1, static_cast<int64_t>(ToUnixMillis(before)));
    u.bind(2, static_cast<int>(step_prefix.size()));
    u.bind(3, step_prefix);
    const int64_t n = u.exec();
    txn.commit();
    return n;
  } catch (const std::exception& e) {
    return Status::Internal("bulk timers", e.what());
  }
}

Result<int64_t> Count(const std::string& db, const std::string& sql) {
  try {
    SQLite::Database conn(db, SQLite::OPEN_READONLY);
    return conn.execAndGet(sql).getInt64();
  } catch (const std::exception& e) {
    return Status::Internal("count", e.what());
  }
}

}  // namespace BulkSql
}  // namespace duban::bench
