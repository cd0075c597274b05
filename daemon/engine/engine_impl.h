// Engine internals shared by engine.cc, materialize.cc and ladder_step.cc.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/campaign_time.h"
#include "engine/engine.h"
#include "store/store.h"
#include "workflow/spec.h"

namespace duban::engine {

struct Campaign {
  std::shared_ptr<const workflow::WorkflowSpec> spec;
  std::unique_ptr<CampaignTime> time;
};

// A parsed timer step. Formats:
//   m/<obligation>/<period>                     materialise one occurrence
//   l/<ladder>/<step>/e<epoch>/r<repeat>        one ladder step of an item
//   k/<milestone>/<period>/<step>/r<repeat>     a milestone's countdown or overdue step
struct StepRef {
  char kind = '?';
  std::string period;  // 'k' only: the milestone occurrence's local date
  std::string a;  // obligation, ladder or milestone id
  std::string b;  // period or step name
  int epoch = 0;
  int repeat = 0;
};
std::optional<StepRef> ParseStep(const std::string& step);
std::string MaterializeStep(const std::string& obligation, const std::string& period);
std::string LadderStep(const std::string& ladder, const std::string& step, int epoch, int repeat);
std::string MilestoneStep(const std::string& milestone, const std::string& period,
                          const std::string& step, int repeat);
//   s/<summary>/<period>                        one periodic summary (月调度通报)
std::string SummaryStep(const std::string& summary, const std::string& period);
// The natural key of one unit's item for one occurrence of an obligation:
// materialisation creates it, a submission finds it by it.
std::string ObligationItemKey(const std::string& campaign, const std::string& obligation,
                              const std::string& period, const std::string& unit);

// Field values as the JSON object stored in an item's data and in audit
// payloads.
nlohmann::json ValuesToJson(const workflow::FieldValues& values);

struct Engine::Impl {
  Options options;
  store::Store& store;
  std::map<std::string, Campaign> campaigns;  // by campaign id
  std::shared_ptr<const Directory>* directory = nullptr;

  Impl(Options o, store::Store& s) : options(std::move(o)), store(s) {}
  const Directory& dir() const { return **directory; }
  const Campaign* Find(const std::string& id) const {
    auto it = campaigns.find(id);
    return it == campaigns.end() ? nullptr : &it->second;
  }

  // Each returns the outcome text recorded on the timer and appends the
  // writes it decided to `batch`.
  // `flush` commits `batch` and empties it: a large occurrence is committed
  // materialize_chunk items at a time (inserts are idempotent by key, so a
  // crash between chunks is repaired when the timer runs again).
  Result<std::string> Materialize(const Campaign& c, const StepRef& ref, SystemTime now,
                                  store::EngineBatch& batch,
                                  const std::function<Status()>& flush);
  Result<std::string> RunLadderStep(const Campaign& c, const store::Timer& t,
                                    const StepRef& ref, SystemTime now,
                                    store::EngineBatch& batch);
  // The ladder timers of a new item due at `due`.
  std::vector<store::Timer> LadderTimers(const Campaign& c, const workflow::Ladder& ladder,
                                         SystemTime due, int epoch) const;
  // Timers for every countdown and overdue step of the milestone occurrence
  // due at `due` whose moment is still ahead (stale reminders are not made).
  void ScheduleMilestone(const Campaign& c, const workflow::Milestone& m, SystemTime due,
                         SystemTime now, store::EngineBatch& batch) const;
  Result<std::string> RunMilestoneStep(const Campaign& c, const store::Timer& t,
                                       const StepRef& ref, SystemTime now,
                                       store::EngineBatch& batch);
  Result<std::string> RunSummary(const Campaign& c, const StepRef& ref, SystemTime now,
                                 store::EngineBatch& batch);
  // Due time and ladder timers of an item entering `state` at `entered`.
  struct SlaPlan {
    std::optional<SystemTime> due;
    std::vector<store::Timer> timers;
  };
  Result<SlaPlan> PlanSla(const Campaign& c, const workflow::ItemKind& kind, int state,
                          const nlohmann::json& data, workflow::Severity severity,
                          SystemTime entered, int epoch) const;
  // True when `actor` holds one of the roles in `by` for an item of
  // `owner` (and `department`).
  bool MayAct(const std::vector<workflow::RolePath>& by, const std::string& owner,
              const std::string& department, const Actor& actor) const;
  int64_t created_seq = 0;  // disambiguates generated item keys
  // Facts about an item that templates may use.
  nlohmann::json Facts(const Campaign& c, const store::Item& item, SystemTime now) const;
};

}  // namespace duban::engine
