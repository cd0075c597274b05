// Campaign loader: workflow::LoadCampaignText over arbitrary bytes.
//
// Beyond "no crash, no UB, no escaping exception" it checks what the engine
// relies on without checking again: a spec is returned exactly when no error
// was reported, and in a returned spec every index (states, transitions,
// ladders, templates, roles, milestones) is in range, every lookup by id
// finds its own entry, and every time rule and offset prints to text that
// parses back to the same value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "schedule/schedule.h"
#include "workflow/workflow.h"

namespace {

using namespace duban;
using namespace duban::workflow;

// 2024-04-12T04:00:00Z, a Friday inside the sample campaigns' phases.
const SystemTime kNow = FromUnixMillis(1712894400000);

bool InRange(int index, size_t size) { return index >= 0 && static_cast<size_t>(index) < size; }
bool OptionalIndex(int index, size_t size) { return index == -1 || InRange(index, size); }

void CheckRolePath(const WorkflowSpec& spec, const RolePath& p) {
  FUZZ_CHECK(InRange(p.role, spec.roles.size()));
  FUZZ_CHECK(spec.roles[static_cast<size_t>(p.role)].id == p.role_id);
}

void CheckRule(const WorkflowSpec& spec, const TimeRule& r, DayOffPolicy policy) {
  auto again = schedule::ParseRule(r.rule.ToString());
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == r.rule);
  schedule::Context ctx;
  ctx.zone = spec.timezone;
  ctx.policy = policy;
  if (auto next = schedule::NextAfter(r.rule, kNow, ctx)) FUZZ_CHECK(*next > kNow);
}

void CheckOffset(const TimeOffset& o) {
  auto again = schedule::ParseOffset(o.offset.ToString());
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == o.offset);
}

void CheckLadders(const WorkflowSpec& spec) {
  for (const Ladder& ladder : spec.ladders) {
    FUZZ_CHECK(spec.FindLadder(ladder.id) == &ladder);
    for (const LadderStep& step : ladder.steps) {
      FUZZ_CHECK(OptionalIndex(step.template_binding, spec.templates.size()));
      for (const RolePath& p : step.notify) CheckRolePath(spec, p);
      CheckOffset(step.after);
      if (step.repeat) CheckOffset(step.repeat->every);
      if (step.digest_at_min) FUZZ_CHECK(*step.digest_at_min >= 0 && *step.digest_at_min < 1440);
    }
  }
}

void CheckItemKind(const WorkflowSpec& spec, const ItemKind& kind) {
  FUZZ_CHECK(spec.FindItemKind(kind.id) == &kind);
  FUZZ_CHECK(!kind.states.empty());
  FUZZ_CHECK(InRange(kind.initial, kind.states.size()));
  for (size_t s = 0; s < kind.states.size(); ++s) {
    const State& state = kind.states[s];
    FUZZ_CHECK(kind.FindState(state.id) == static_cast<int>(s));
    for (int t : state.outgoing) {
      FUZZ_CHECK(InRange(t, kind.transitions.size()));
      FUZZ_CHECK(kind.AllowedFrom(t, static_cast<int>(s)));
    }
    if (state.sla) {
      for (const SlaRule& rule : state.sla->by_severity) {
        FUZZ_CHECK(OptionalIndex(rule.ladder, spec.ladders.size()));
        if (rule.from == SlaRule::From::kMilestone) {
          FUZZ_CHECK(InRange(rule.milestone, spec.milestones.size()));
        }
        if (rule.from == SlaRule::From::kField) FUZZ_CHECK(kind.fields.Find(rule.field) != nullptr);
        if (rule.offset) CheckOffset(*rule.offset);
      }
    }
  }
  for (size_t t = 0; t < kind.transitions.size(); ++t) {
    const Transition& tr = kind.transitions[t];
    FUZZ_CHECK(kind.FindTransition(tr.name) == static_cast<int>(t));
    FUZZ_CHECK(InRange(tr.to, kind.states.size()));
    for (int from : tr.from) FUZZ_CHECK(InRange(from, kind.states.size()));
    for (const RolePath& p : tr.by) CheckRolePath(spec, p);
    for (const DerivedItem& d : tr.creates) FUZZ_CHECK(spec.FindItemKind(d.kind) != nullptr);
    // What the API does with an empty request: must answer, not crash.
    (void)kind.ValidateTransition(static_cast<int>(t), {}, {});
  }
  for (const RolePath& p : kind.create_by) CheckRolePath(spec, p);
  (void)kind.SeverityOf({});
}

void CheckSpec(const WorkflowSpec& spec) {
  for (size_t r = 0; r < spec.roles.size(); ++r) {
    FUZZ_CHECK(spec.FindRole(spec.roles[r].id) == static_cast<int>(r));
  }
  for (const Phase& phase : spec.phases) {
    FUZZ_CHECK(spec.FindPhase(phase.id) == &phase);
    if (phase.days.last) FUZZ_CHECK(phase.days.first <= *phase.days.last);
  }
  CheckLadders(spec);
  for (const Obligation& o : spec.obligations) {
    FUZZ_CHECK(spec.FindObligation(o.id) == &o);
    FUZZ_CHECK(OptionalIndex(o.ladder, spec.ladders.size()));
    CheckRolePath(spec, o.owed_to);
    CheckRule(spec, o.schedule, o.day_off_policy);
    (void)Validate(o.fields, {});
  }
  for (const Milestone& m : spec.milestones) {
    FUZZ_CHECK(spec.FindMilestone(m.id) == &m);
    FUZZ_CHECK(OptionalIndex(m.ladder, spec.ladders.size()));
    CheckRule(spec, m.due, m.day_off_policy);
    for (const LadderStep& step : m.countdown) {
      FUZZ_CHECK(OptionalIndex(step.template_binding, spec.templates.size()));
      CheckOffset(step.after);
    }
  }
  for (const Summary& s : spec.summaries) {
    FUZZ_CHECK(spec.FindSummary(s.id) == &s);
    FUZZ_CHECK(InRange(s.template_binding, spec.templates.size()));
    for (const RolePath& p : s.notify) CheckRolePath(spec, p);
    CheckRule(spec, s.schedule, s.day_off_policy);
  }
  for (const ItemKind& kind : spec.item_kinds) CheckItemKind(spec, kind);
  (void)spec.PhasesOn(spec.timezone.LocalDate(kNow));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  LoadOptions options;  // templates and calendars unchecked: more gets through
  Diagnostics diags;
  auto spec = LoadCampaignText(text, "fuzz.yaml", options, &diags);
  fuzz::CheckDiagnostics(diags, spec != nullptr, text);
  if (spec) CheckSpec(*spec);
  return 0;
}
