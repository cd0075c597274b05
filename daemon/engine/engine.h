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
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "engine/directory.h"
#include "engine/laggards.h"
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
struct ItemKind;
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
  // A materialisation commits its items this many units a transaction: a
  // national occurrence (500,000 villages) in one transaction would hold
  // the write lock for many seconds and all its items in memory at once.
  int materialize_chunk = 5000;
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

// Who is acting. API callers act through a token (auth role + unit scope),
// action-link callers as the contact the link was issued to, the engine and
// the CLI as themselves. Every change is audited with actor and via.
struct Actor {
  std::string id;    // "token:t_3f9a", "contact:jf-shangcun-liaison", "cli", "engine"
  std::string via;   // api, link, cli, engine, import
  // Token role: admin, supervisor, office, liaison, department, agency; ""
  // for contacts (they act by their campaign role).
  std::string auth_role;
  std::string unit;          // the actor's unit (the token's scope)
  std::string contact_role;  // a contact's campaign role ("liaison")
  bool admin() const { return auth_role == "admin"; }
};

// A new item from the API (hazard case, transfer, inspection finding).
struct NewItemRequest {
  std::string campaign;
  std::string kind;             // an item kind of the campaign
  std::string owner_unit;
  std::string department_unit;  // kinds with a department (移送)
  std::string key;              // optional natural key; default "<kind>/<n>"
  workflow::FieldValues fields;
};

// A transition of an item's lifecycle ("start_rectification").
struct TransitionRequest {
  store::ItemId item = 0;
  std::string transition;
  workflow::FieldValues input;
};

// Errors of CreateItem/Transition/Acknowledge/Submit, for mapping to HTTP:
// kNotFound (404), kConflict (409: wrong state, already done),
// kInvalidArgument (422: detail = "field: message" lines; the first field
// is Status::detail's first word before ':'), kPermissionDenied (403).

// The campaign as of now: phase and upcoming deadlines.
struct CampaignStatus {
  std::string id;
  std::string title;
  struct PhaseInfo {
    std::string id;
    std::string title;
    std::string start;  // local dates "2024-04-01"
    std::string end;
    int days_left = 0;  // calendar days to the end, inclusive of today
  };
  std::vector<PhaseInfo> current;  // usually one; two on a boundary day
  struct Deadline {
    std::string what;   // obligation or milestone id
    std::string title;
    SystemTime at;
  };
  std::vector<Deadline> next;  // the next occurrence of each obligation and milestone
};

// Spot-check progress (issue 8) of one county (or city sampled as a whole):
// its sampled houses, how many are inspected, how many inspections found a
// serious hazard or a collapse risk, and the notices and control orders
// those created, open and overdue.
struct SpotCheckCounts {
  int64_t sampled = 0;
  int64_t inspected = 0;  // left the initial state
  int64_t findings = 0;   // inspections whose result creates a notice or order
  int64_t notices_open = 0;
  int64_t notices_overdue = 0;
  void Add(const SpotCheckCounts& o) {
    sampled += o.sampled;
    inspected += o.inspected;
    findings += o.findings;
    notices_open += o.notices_open;
    notices_overdue += o.notices_overdue;
  }
};
struct SpotCheckRow {
  std::string unit;  // the county (or city sampled whole)
  std::string name;
  std::string city;  // its city (itself when it is one)
  std::string city_name;
  std::string agency;  // the third-party agency inspecting it
  std::string group;   // the plan's group id ("group1") and title
  std::string group_title;
  SpotCheckCounts counts;
};

// The item kind a spot-check draw creates, one per sampled house: the kind
// that links an agency and has a house_id field. nullptr when none.
const workflow::ItemKind* SampledKind(const workflow::WorkflowSpec& spec);

// A weekly report (or other obligation) submitted for one unit and period.
struct Submission {
  std::string campaign;
  std::string obligation;
  std::string unit;
  std::string period;  // the local due date "2024-04-12"
  workflow::FieldValues fields;
  Actor actor;
};

// Every field a message context can hold: the facts the engine writes into
// intents (items, ladders, milestones, summaries) and what notify adds when
// it builds a digest (items, count, more, recipient, last, link). `duban
// check` reports a template that uses anything else: it would render empty.
// Keep in step with Facts(), the ladder, milestone and summary steps, and
// the digester.
const std::set<std::string>& MessageFields();

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
  // kPermissionDenied unless the actor may report for the unit.
  Result<store::Item> Submit(const Submission& submission, SystemTime now);
  // Records many submissions: each is judged exactly as Submit judges it and
  // gets Submit's result, in the order given (a second submission for an
  // item accepted earlier in the batch gets kConflict, as one request later
  // would), and every accepted one is committed in one transaction, so all
  // are durable on return. The outer error means nothing was saved: the
  // commit failed (kUnavailable, kResourceExhausted, ...).
  Result<std::vector<Result<store::Item>>> SubmitBatch(const std::vector<Submission>& submissions,
                                                       SystemTime now);

  // Creates an item of a campaign's item kind in its initial state, with the
  // state's SLA timers. Checks the kind's create fields and create_by roles.
  Result<store::Item> CreateItem(const NewItemRequest& request, const Actor& actor,
                                 SystemTime now);
  // Performs a lifecycle transition: allowed from the current state (409),
  // by this actor (403), with valid input and guards (422). Entering a state
  // with an SLA bumps the item's sla_epoch and schedules that state's ladder.
  Result<store::Item> Transition(const TransitionRequest& request, const Actor& actor,
                                 SystemTime now);
  // Records that the owner (or the department, for transfers) has seen an
  // item; pending reminders about it stop. kConflict when already done.
  Result<store::Item> Acknowledge(store::ItemId item, const Actor& actor, SystemTime now);
  // True when `actor` may read or act on items owned by `owner` (or sent to
  // `department`): its unit is an ancestor-or-self of either.
  bool InScope(const Actor& actor, const store::Item& item) const;

  Result<CampaignStatus> StatusOf(const std::string& campaign, SystemTime now) const;
  // The laggard ranking (laggards.h) of the units strictly under `under`
  // ("" = every unit): reports due in [from, to) as of `now`, and what is
  // overdue with each unit at `now`. At most `limit` (0 = all). kNotFound
  // for an unknown campaign. Reads two grouped queries.
  // Spot-check progress per sampled county, in unit id order. The sampled
  // kind is the one linking an agency with a house_id field; notices are
  // the kinds its transitions create. kNotFound for an unknown campaign,
  // kInvalidArgument for a campaign that samples nothing.
  Result<std::vector<SpotCheckRow>> SpotCheckProgress(const std::string& campaign,
                                                      SystemTime now) const;
  Result<std::vector<LaggardScore>> Laggards(const std::string& campaign, const std::string& under,
                                             SystemTime from, SystemTime to, SystemTime now,
                                             int limit) const;
  std::vector<std::shared_ptr<const workflow::WorkflowSpec>> campaigns() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::shared_ptr<const Directory> directory_;
};

}  // namespace duban::engine
