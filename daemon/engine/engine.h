// Engine: the workflow state machine. On each wake-up it claims the timers
// that are due, evaluates each (materialise next week's report items, run a
// ladder step), and commits the result (timers consumed, items and timers
// created, intents emitted) in one transaction per batch. The cost of a
// wake-up follows the number of due timers, never the size of the database.
//
// Loop thread only. The engine never includes notify/: it writes intents and
// app wakes notify.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "engine/directory.h"
#include "store/records.h"
#include "workflow/fields.h"

namespace duban::schedule {
class Calendar;
}
namespace duban::store {
class Store;
}
namespace duban::workflow {
struct WorkflowSpec;
}

namespace duban::engine {

struct Options {
  std::vector<std::shared_ptr<const workflow::WorkflowSpec>> campaigns;
  const schedule::Calendar* calendar = nullptr;  // must outlive the engine
  int batch_size = 500;  // timers per transaction
  Millis group_wait{std::chrono::minutes(2)};  // digest window for non-critical intents
  // Report items are created this long before their due time, so a week's
  // items exist before the week starts.
  Millis materialize_lead{std::chrono::hours(24 * 7)};
};

// What a Tick did, for logs, metrics and tests.
struct TickStats {
  int timers = 0;
  int fired = 0;
  int skipped = 0;   // catch-up: a reminder whose moment had passed
  int obsolete = 0;  // the item was resolved, or the step no longer applies
  int items_created = 0;
  int intents = 0;
};

// A weekly report (or other obligation) submitted for one unit and period.
struct Submission {
  std::string campaign;
  std::string obligation;
  std::string unit;
  std::string period;  // the local due date "2024-04-12"
  workflow::FieldValues fields;
  std::string actor;   // who submitted: a contact or token id
};

class Engine {
 public:
  Engine(Options options, store::Store& store);
  ~Engine();

  // Replaces the directory (after an import). Any time on the loop thread.
  void SetDirectory(std::shared_ptr<const Directory> directory);
  const Directory& directory() const { return *directory_; }

  // Makes sure each obligation has its next materialisation timer. Idempotent;
  // call at start and after a reload.
  Status Sync(SystemTime now);
  // Processes every timer due at `now`, in fire order, in batches.
  Result<TickStats> Tick(SystemTime now);
  // The earliest pending timer; nullopt when none.
  Result<std::optional<SystemTime>> NextWake();

  // Records a submission. Late ones are accepted and marked late. Errors:
  // kNotFound (no such item), kConflict (already submitted),
  // kInvalidArgument with one "field: message" line per invalid field.
  Result<store::Item> Submit(const Submission& submission, SystemTime now);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::shared_ptr<const Directory> directory_;
};

}  // namespace duban::engine
