// Item kinds: the lifecycle of a hazard case, a transfer, an inspection
// finding, a spot-check task. States, transitions with who may perform them
// and which fields they need, guards, SLAs and severity rules, all resolved to
// indices so the engine never looks anything up by name on a hot path.
//
// Immutable after loading; any thread.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/fields.h"
#include "workflow/ladder.h"
#include "workflow/role_path.h"
#include "workflow/time_expr.h"

namespace duban::workflow {

// When an item in a state is due, and which ladder escalates it.
struct SlaRule {
  enum class From { kEntered, kField, kMilestone };
  From from = From::kEntered;
  std::optional<TimeOffset> offset;  // kEntered: offset from entering the state
  std::string field;   // kField: a date field; due at 23:59:59 that day
  int milestone = -1;  // kMilestone: index into WorkflowSpec::milestones
  int ladder = -1;     // index into WorkflowSpec::ladders; -1 = no escalation
};

// One rule per severity (indexed by Severity); rules for warning and critical
// start as copies of the info rule and differ where the campaign says so.
struct Sla {
  std::array<SlaRule, 3> by_severity;
  const SlaRule& For(Severity s) const {
    return by_severity[static_cast<int>(s)];
  }
};

struct State {
  std::string id;
  std::string label;
  bool terminal = false;  // resolved: no SLA, escalation stops
  std::optional<Sla> sla;
  std::vector<int> outgoing;  // indices into ItemKind::transitions
};

// An item a transition creates alongside itself, in the same transaction
// (R-B8: an inspection that finds a serious hazard issues a rectification
// notice): of `kind`, owned by the same unit, when `when` holds over the
// item's data after the transition. At most one per item and rule.
struct DerivedItem {
  std::string kind;
  std::optional<Condition> when;  // absent: always
  // Target field of the new item ← field of this item.
  std::vector<std::pair<std::string, std::string>> copy;
  // Target date field of the new item ← the local date `offset` after now.
  std::vector<std::pair<std::string, TimeOffset>> dates;
};

struct Transition {
  std::string name;
  std::string title;
  std::vector<int> from;  // state indices
  int to = -1;
  std::vector<RolePath> by;  // who may perform it; empty = anyone in scope
  FieldSet input;            // fields the transition takes, with `required`
  std::vector<Condition>
      guards;        // over item data with input applied, before sets
  FieldValues sets;  // constants written on success
  std::vector<DerivedItem> creates;
};

// The first rule whose condition holds gives an item's severity.
struct SeverityRule {
  std::optional<Condition> when;  // absent: always
  Severity severity = Severity::kInfo;
};

struct ItemKind {
  std::string id;
  std::string title;
  std::vector<UnitLevel> owner;  // levels that may own items of this kind
  bool has_department = false;   // items link a department (移送)
  bool has_agency = false;       // items link a third-party agency
  FieldSet fields;               // the item's data record
  std::vector<State> states;
  int initial = 0;
  std::vector<Transition> transitions;
  FieldSet create;  // fields required to create an item
  std::vector<RolePath> create_by;
  std::vector<SeverityRule> severity;

  int FindState(std::string_view id) const;         // -1 when absent
  int FindTransition(std::string_view name) const;  // -1 when absent
  // True when `transition` may be performed from `state`.
  bool AllowedFrom(int transition, int state) const;
  // Severity of an item holding `data`; kInfo when no rule matches.
  Severity SeverityOf(const FieldValues& data) const;
  // Validates a transition request: input fields, then guards over `data`
  // merged with `input` (the transition's `sets` are written afterwards).
  // REQUIRES: `transition` indexes transitions.
  std::vector<FieldError> ValidateTransition(int transition,
                                             const FieldValues& data,
                                             const FieldValues& input) const;
};

}  // namespace duban::workflow
