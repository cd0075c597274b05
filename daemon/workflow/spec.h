// WorkflowSpec: one campaign file (workflows/*.yaml), parsed, validated and
// resolved. The engine executes it directly: names are resolved to indices,
// time rules are parsed, fields are typed.
//
// Built once by the loader and shared as shared_ptr<const WorkflowSpec>;
// immutable, so any thread may read it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/fields.h"
#include "workflow/ladder.h"
#include "workflow/lifecycle.h"
#include "workflow/role_path.h"
#include "workflow/time_expr.h"

namespace duban::workflow {

using Date = schedule::Date;
using schedule::FormatDate;  // "2024-06-30"
// Parses exactly "YYYY-MM-DD" naming a real calendar day; nullopt otherwise.
std::optional<Date> ParseDate(std::string_view text);

struct Role {
  std::string id;     // "liaison"
  std::string label;  // "村联络员"
};

// Inclusive range of local calendar days; `last` absent = open-ended.
struct DateRange {
  Date first;
  std::optional<Date> last;
  bool Contains(Date d) const { return d >= first && (!last || d <= *last); }
};

struct Phase {
  std::string id;
  std::string title;  // "集中摸排"
  DateRange days;     // neighbouring phases may share their boundary day
};

// Where a recurring obligation or a sampled task applies. Disjoint ranges in
// date order; empty = always.
struct Window {
  std::vector<DateRange> ranges;
  bool Contains(Date d) const;
};

struct Obligation {
  std::string id;
  std::string title;
  std::vector<UnitLevel> owed_by;  // empty: every unit level in scope
  RolePath owed_to;
  TimeRule schedule;
  Window window;
  DayOffPolicy day_off_policy = DayOffPolicy::kKeep;
  bool due_inclusive = false;  // false: a submission at the due instant is late
  bool accept_late = true;     // late submissions are recorded as late
  FieldSet fields;
  int ladder = -1;  // index into WorkflowSpec::ladders
};

struct Milestone {
  std::string id;
  std::string title;
  TimeRule due;
  std::vector<UnitLevel> owed_by;
  DayOffPolicy day_off_policy = DayOffPolicy::kKeep;
  std::vector<LadderStep> countdown;  // before due, compiled from `countdown`
  int ladder = -1;                    // after due; -1 = none
};

// A periodic summary to the leaders of each unit at some levels about their
// own subtree (月调度通报): reports on time, late and missing, items open,
// overdue and closed, the laggards by name, each against the period before.
struct Summary {
  std::string id;
  std::string title;
  TimeRule schedule;  // "monthly 25 09:00"
  Window window;
  DayOffPolicy day_off_policy = DayOffPolicy::kKeep;
  std::vector<UnitLevel> for_levels;  // units that receive their subtree's summary
  std::vector<RolePath> notify;       // relative to each such unit: self.supervisor
  int template_binding = -1;          // index into WorkflowSpec::templates
  int laggards = 3;                   // how many laggards to name
};

// A sampled unit is named by unit id or by statistical division code
// (GB/T 2260, a prefix of the units' 12-digit codes); exactly one is set.
struct SampleUnit {
  std::string unit;  // "jf-shangcun"
  std::string code;  // "620102"
  std::string name;  // "兰州市城关区"
  int houses = 0;
  int min_commercial = 0;
};

struct SampleGroup {
  std::string id;
  std::string title;
  std::string agency;       // unit id of the third-party agency
  std::string agency_name;  // "兰州有色冶金设计研究院有限公司"
  std::vector<SampleUnit> units;
  int Houses() const;
};

struct SamplingPlan {
  std::string description;
  // At most this percentage of a unit's sample may come from one town or
  // subdistrict while other towns still have candidates (`max_town_share`,
  // whole percent 1-100; see docs/sampling.md).
  int max_town_share = 50;
  std::vector<SampleGroup> groups;
  int Houses() const;
};

struct Scope {
  std::string under;              // root unit id; empty = everything configured
  std::vector<UnitLevel> levels;  // levels taking part
  std::vector<std::string> units;  // unit ids taking part explicitly
};

struct WorkflowSpec {
  std::string source_file;
  std::string id;
  std::string title;
  std::string document;  // the issuing document, e.g. "嘉政发〔2024〕27号"
  TimeZone timezone;     // default Asia/Shanghai
  std::string holidays;  // holiday calendar name, "cn-holidays"
  DayOffPolicy day_off_policy = DayOffPolicy::kKeep;  // default for deadlines
  Scope scope;
  std::vector<Role> roles;
  std::vector<Phase> phases;
  std::vector<TemplateBinding> templates;
  std::vector<Ladder> ladders;
  std::vector<Obligation> obligations;
  std::vector<Milestone> milestones;
  std::vector<Summary> summaries;
  std::vector<ItemKind> item_kinds;
  std::optional<SamplingPlan> sampling;

  // Lookups by id; nullptr / -1 when absent.
  int FindRole(std::string_view id) const;
  const Phase* FindPhase(std::string_view id) const;
  const Ladder* FindLadder(std::string_view id) const;
  const Obligation* FindObligation(std::string_view id) const;
  const Milestone* FindMilestone(std::string_view id) const;
  const Summary* FindSummary(std::string_view id) const;
  const ItemKind* FindItemKind(std::string_view id) const;
  // The phases whose days contain `d` (two on a shared boundary day).
  std::vector<const Phase*> PhasesOn(Date d) const;
};

}  // namespace duban::workflow
