// Running one ladder step of an item: decide whether it still applies, who
// hears about it, and what comes next (a repeat).
#include <fmt/format.h>

#include "base/time_format.h"
#include "engine/engine_impl.h"

namespace duban::engine {
namespace {

const workflow::LadderStep* FindStep(const workflow::Ladder& ladder, const std::string& name) {
  for (const auto& s : ladder.steps) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

bool IsPreDue(const workflow::TimeOffset& after) {
  const schedule::Offset& o = after.offset;
  return o.kind == schedule::Offset::Kind::kDuration ? o.duration < Millis(0) : o.days < 0;
}

// Missed = not submitted before its due time (never, or late).
bool Missed(const store::Item& item) {
  return !item.resolved_at || (item.due_at && *item.resolved_at >= *item.due_at);
}

}  // namespace

nlohmann::json Engine::Impl::Facts(const Campaign& c, const store::Item& item,
                                   SystemTime now) const {
  nlohmann::json f;
  f["campaign"] = c.spec->title;
  f["item_id"] = item.id;
  const model::Unit* unit = dir().FindUnit(item.owner_unit);
  f["unit"] = unit != nullptr ? unit->name : item.owner_unit;
  f["unit_id"] = item.owner_unit;
  if (const workflow::Obligation* ob = c.spec->FindObligation(item.kind)) {
    f["title"] = ob->title;
  } else if (const workflow::ItemKind* k = c.spec->FindItemKind(item.kind)) {
    f["title"] = k->title;
  } else {
    f["title"] = item.kind;
  }
  f["period"] = item.period;
  // A transfer names the department it waits on: the reader above both
  // must know whose delay it is.
  if (!item.department_unit.empty()) {
    const model::Unit* d = dir().FindUnit(item.department_unit);
    if (d == nullptr || d->level == model::Level::kDepartment) {
      f["department"] = d != nullptr ? d->name : item.department_unit;
    } else {
      f["agency"] = d->name;  // a sampled house: the agency inspecting it
    }
  }
  // A case back in a state it had left (failed acceptance, reopened): its
  // SLA restarted, and messages say so.
  if (auto d = nlohmann::json::parse(item.data, nullptr, false);
      d.is_object() && d.value("_reentries", 0) > 0) {
    f["reopened"] = true;
    f["reentries"] = d.value("_reentries", 0);
  }
  if (item.due_at) {
    f["due"] = c.time->Describe(*item.due_at);
    if (now > *item.due_at) {
      const auto late = std::chrono::duration_cast<std::chrono::minutes>(now - *item.due_at);
      f["overdue_hours"] = late.count() / 60;
      f["overdue"] = late.count() >= 24 * 60 ? fmt::format("{}天", late.count() / (24 * 60))
                                              : fmt::format("{}小时", late.count() / 60);
    }
  }
  return f;
}

Result<std::string> Engine::Impl::RunLadderStep(const Campaign& c, const store::Timer& t,
                                                const StepRef& ref, SystemTime now,
                                                store::EngineBatch& batch) {
  const workflow::Ladder* ladder = c.spec->FindLadder(ref.a);
  const workflow::LadderStep* step = ladder == nullptr ? nullptr : FindStep(*ladder, ref.b);
  if (step == nullptr) return std::string("obsolete: ladder step is no longer in the campaign");
  auto item = store.GetItem(t.item_id);
  if (!item.ok()) return item.status();
  if (!item->has_value()) return std::string("obsolete: item not found");
  const store::Item& it = **item;
  if (!it.open()) return std::string("obsolete: resolved before this step");
  if (it.sla_epoch != ref.epoch) return std::string("obsolete: the item changed state");
  // An acknowledgement stops reminders of the current step; only resolution
  // stops escalation.
  if (it.acknowledged_at && IsPreDue(step->after)) {
    return std::string("obsolete: acknowledged");
  }
  // Catch-up after downtime: a reminder meant for before the deadline is
  // useless once the deadline has passed.
  if (IsPreDue(step->after) && it.due_at && now >= *it.due_at) {
    return fmt::format("skipped: reminder due {} came after the deadline {} (daemon was not "
                       "running)",
                       c.time->Describe(t.fire_at), c.time->Describe(*it.due_at));
  }
  int missed_run = 1;
  if (step->consecutive_missed >= 2) {
    auto prev = store.PreviousOccurrences(it.campaign, it.kind, it.owner_unit, it.period,
                                          step->consecutive_missed - 1);
    if (!prev.ok()) return prev.status();
    for (const auto& p : *prev) {
      if (!Missed(p)) break;
      ++missed_run;
    }
    if (missed_run < step->consecutive_missed) {
      return fmt::format("not applicable: missed {} running, needs {}", missed_run,
                         step->consecutive_missed);
    }
  }
  nlohmann::json facts = Facts(c, it, now);
  facts["step"] = step->name;
  facts["level"] = std::string(workflow::EscalationLevelName(step->level));
  facts["missed_running"] = missed_run;
  facts["repeat"] = ref.repeat;
  // For notify's send-time re-check: an acknowledgement drops reminders
  // before the deadline (not escalations), and a message about a state the
  // item has since left is not sent.
  facts["pre_due"] = IsPreDue(step->after);
  facts["epoch"] = it.sla_epoch;
  const workflow::TemplateBinding& binding =
      c.spec->templates[static_cast<size_t>(step->template_binding)];
  const bool critical = step->severity == workflow::Severity::kCritical;
  int told = 0;
  std::vector<std::string> nobody;
  for (const auto& path : step->notify) {
    const model::Unit* anchor = dir().Anchor(path, it.owner_unit, it.department_unit);
    const auto contacts =
        anchor == nullptr ? std::vector<const model::Contact*>{} : dir().ContactsOf(anchor->id, path.role_id);
    if (contacts.empty()) nobody.push_back(path.text);
    for (const model::Contact* contact : contacts) {
      store::Intent in;
      in.recipient = contact->id;
      in.binding = binding.id;
      in.campaign = c.spec->id;
      in.item_id = it.id;
      in.severity = std::string(workflow::SeverityName(step->severity));
      in.dedup_key = fmt::format("{}/{}/{}", it.id, t.step, contact->id);
      in.payload = facts.dump();
      in.group_until = critical              ? now
                       : step->digest_at_min ? c.time->NextAt(now, *step->digest_at_min)
                                             : now + options.group_wait;
      in.bypass_quiet_hours = step->bypass_quiet_hours || critical;
      batch.intents.push_back(std::move(in));
      ++told;
    }
  }
  // Repeats are chained one at a time. After downtime, repeats whose moment
  // has passed are not sent in a burst: the next one is the first after now.
  if (step->repeat && ref.repeat < step->repeat->times) {
    SystemTime next = t.fire_at;
    int n = ref.repeat;
    while (n < step->repeat->times) {
      next = c.time->Apply(step->repeat->every, next);
      ++n;
      if (next > now) break;
    }
    if (next > now) {
      store::Timer rt;
      rt.campaign = c.spec->id;
      rt.item_id = it.id;
      rt.fire_at = next;
      rt.step = LadderStep(ladder->id, step->name, ref.epoch, n);
      batch.new_timers.push_back(std::move(rt));
    }
  }
  std::string outcome = fmt::format("fired: {} recipient(s)", told);
  if (!nobody.empty()) {
    outcome += "; no contact for";
    for (const auto& n : nobody) outcome += " " + n;
  }
  return outcome;
}

}  // namespace duban::engine
