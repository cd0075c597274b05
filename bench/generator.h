// The synthetic data generator: a hierarchy of any size (province → city →
// county → town → village, with member-unit departments per town), its
// contacts, and items, timers and outbox rows, all deterministic from a
// seed. Everything is written through the store API (daemon/store/store.h)
// in large transactions: units and contacts with UpsertUnits/Contacts,
// items with their timers through CommitEngineBatch (the engine's own
// write path, 20,000 items per transaction), outbox rows through
// CommitDigest. The two bulk edits that stand in for a week of history are
// SQL in one transaction each, in BulkSql below: the store's ResolveItems
// writes an audit record per report (a week of 400,000 submissions would be
// most of the setup), and there is no "consume timer" call. The resolving
// UPDATE still fires migration 4's trigger, so the reports' pending ladder
// timers are closed as a real submission closes them.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "model/model.h"
#include "store/records.h"

namespace duban::store {
class Store;
}

namespace duban::bench {

inline constexpr char kCampaign[] = "jiafeng-2024-hundred-day";

struct Shape {
  int64_t villages = 1000;
  int villages_per_town = 20;
  int towns_per_county = 15;
  int counties_per_city = 8;
  int cities_per_province = 12;
  int departments_per_town = 0;  // member units (移送 targets)
};

struct Hierarchy {
  std::vector<model::Unit> units;
  std::vector<model::Contact> contacts;
  std::vector<std::string> provinces, cities, counties, towns, villages, departments;
  std::vector<int64_t> village_town;    // index into towns, per village
  std::vector<int64_t> town_county;     // index into counties, per town
  std::vector<int64_t> department_town; // index into towns, per department
};

// Ids are short and positional ("v123", "t6", "x0", "c0", "p0", "d12"), so
// the same shape and seed always give the same directory.
Hierarchy MakeHierarchy(const Shape& shape, uint64_t seed);
Status WriteHierarchy(store::Store& store, const Hierarchy& h);

// The villages of a county (for scoped queries).
std::vector<std::string> VillagesOfCounty(const Hierarchy& h, int64_t county);

struct CaseOptions {
  int64_t count = 0;
  double overdue_share = 0.1;  // due before `now` (their overdue timer fired)
  SystemTime now;
  // Open cases are due between now+min_days and now+max_days; each gets its
  // rectification ladder's timers from its due time on.
  int min_days = 14;
  int max_days = 120;
};
// Open hazard cases in state `rectifying`, owned by random villages.
Status AddCases(store::Store& store, const Hierarchy& h, const CaseOptions& o, uint64_t seed);
// Open transfers in state `sent` from random villages to a department of
// their town, with the acknowledge ladder's timers. REQUIRES departments.
Status AddTransfers(store::Store& store, const Hierarchy& h, int64_t count, SystemTime now,
                    uint64_t seed);
// Items whose only pending timer is the rectification `overdue` step at
// `fire_at`: the wake-up load of the timer scenario.
Status AddDueCases(store::Store& store, const Hierarchy& h, int64_t count, SystemTime fire_at,
                   const std::string& tag, SystemTime now, uint64_t seed);
// Weekly-report items for `weeks` past Fridays before `now` (no timers:
// their ladders ran), for ranking and grid queries. Resolve some with
// BulkSql::ResolveShare.
Status AddPastReports(store::Store& store, const Hierarchy& h, int weeks, SystemTime last_due,
                      SystemTime now);
// `count` pending outbox rows (rendered SMS-sized texts to village
// liaisons) due at `now`.
Status AddPendingOutbox(store::Store& store, const Hierarchy& h, int64_t count, SystemTime now,
                        uint64_t seed);

// The two bulk edits the store API has no call for, as SQL in one
// transaction each on the database file (the store must be closed or idle).
namespace BulkSql {
// Marks a seeded `share` of the open items of `kind` (and `period` when not
// empty) resolved in `state` at `at`. Returns how many.
Result<int64_t> ResolveShare(const std::string& db, const std::string& kind,
                             const std::string& period, double share, const std::string& state,
                             SystemTime at, uint64_t seed);
// Marks unfired timers whose step starts with `step_prefix` and that fire
// before `before` as fired (the daemon ran them earlier in the week).
Result<int64_t> ConsumeTimers(const std::string& db, const std::string& step_prefix,
                              SystemTime before);
// Rows of `table` (for checks).
Result<int64_t> Count(const std::string& db, const std::string& sql);
}  // namespace BulkSql

}  // namespace duban::bench
