// Milestones (June 30, December 15): countdown summaries 7/3/1 working days
// before, and escalation after, naming what is still open in each unit.
// These run on campaign-level timers (no item): at each step the open items
// are counted per owing unit, so the cost is one grouped query over open
// items plus one intent per unit that still has work, never a scan of
// every unit's history.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "engine/engine_impl.h"

namespace duban::engine {
namespace {

// Countdown steps first, then the milestone's own ladder.
const workflow::LadderStep* FindMilestoneStep(const workflow::WorkflowSpec& spec,
                                              const workflow::Milestone& m,
                                              const std::string& name) {
  for (const auto& s : m.countdown) {
    if (s.name == name) return &s;
  }
  if (m.ladder >= 0) {
    for (const auto& s : spec.ladders[static_cast<size_t>(m.ladder)].steps) {
      if (s.name == name) return &s;
    }
  }
  return nullptr;
}

bool BeforeDue(const workflow::TimeOffset& after) {
  const schedule::Offset& o = after.offset;
  return o.kind == schedule::Offset::Kind::kDuration ? o.duration < Millis(0) : o.days < 0;
}

}  // namespace

void Engine::Impl::ScheduleMilestone(const Campaign& c, const workflow::Milestone& m,
                                     SystemTime due, SystemTime now,
                                     store::EngineBatch& batch) const {
  const std::string period = c.time->LocalDate(due);
  auto add = [&](const workflow::LadderStep& step) {
    const SystemTime at = c.time->Apply(step.after, due);
    if (at < now && BeforeDue(step.after)) return;  // a countdown whose day has passed
    store::Timer t;
    t.campaign = c.spec->id;
    t.fire_at = std::max(at, now);
    t.step = MilestoneStep(m.id, period, step.name, 0);
    batch.new_timers.push_back(std::move(t));  // an existing timer is kept as it is
  };
  for (const auto& s : m.countdown) add(s);
  if (m.ladder >= 0) {
    for (const auto& s : c.spec->ladders[static_cast<size_t>(m.ladder)].steps) add(s);
  }
}

Result<std::string> Engine::Impl::RunMilestoneStep(const Campaign& c, const store::Timer& t,
                                                   const StepRef& ref, SystemTime now,
                                                   store::EngineBatch& batch) {
  const workflow::Milestone* m = c.spec->FindMilestone(ref.a);
  const workflow::LadderStep* step =
      m == nullptr ? nullptr : FindMilestoneStep(*c.spec, *m, ref.b);
  if (step == nullptr) return std::string("obsolete: milestone step is no longer in the campaign");
  // The occurrence this step belongs to: the first due time on its date.
  auto day_end = c.time->EndOfDay(ref.period);
  auto due = day_end ? c.time->NextMilestone(*m, *day_end - std::chrono::hours(24)) : std::nullopt;
  if (!due || c.time->LocalDate(*due) != ref.period) {
    return std::string("obsolete: the milestone date changed");
  }
  // The next occurrence of a recurring milestone is scheduled once this one
  // is due.
  if (!BeforeDue(step->after)) {
    if (auto next = c.time->NextMilestone(*m, *due)) ScheduleMilestone(c, *m, *next, now, batch);
  }
  if (BeforeDue(step->after) && now >= *due) {
    return fmt::format("skipped: countdown for {} came after the deadline (daemon was not running)",
                       c.time->Describe(*due));
  }
  // After downtime, of several countdowns whose moments have passed only the
  // latest is sent: "还有7个工作日" on the day of the 3-day one misleads.
  const SystemTime moment = c.time->Apply(step->after, *due);
  for (const auto& other : m->countdown) {
    const SystemTime at = c.time->Apply(other.after, *due);
    if (at > moment && at <= now) {
      return fmt::format("skipped: superseded by {} (daemon was not running)", other.name);
    }
  }

  // Open work per owing unit: each open item counts for its owner and for
  // the owner's ancestors at an owing level.
  std::vector<std::string> kinds;
  for (const auto& k : c.spec->item_kinds) kinds.push_back(k.id);
  auto counts = store.CountOpenByOwner(c.spec->id, kinds);
  if (!counts.ok()) return counts.status();
  std::vector<model::Level> levels;
  for (auto l : m->owed_by.empty() ? c.spec->scope.levels : m->owed_by) {
    levels.push_back(ToModelLevel(l));
  }
  std::map<std::string, int64_t> open;  // owing unit → open items, in id order
  for (const auto& [owner, n] : *counts) {
    const model::Unit* u = dir().FindUnit(owner);
    if (u == nullptr) continue;
    if (!c.spec->scope.under.empty() && !dir().IsUnder(owner, c.spec->scope.under)) continue;
    for (model::Level l : levels) {
      const model::Unit* owing = u->level == l ? u : dir().Ancestor(owner, l);
      if (owing != nullptr) open[owing->id] += n;
    }
  }
  // Items linked to a department or agency at an owing level (a sampled
  // house and the agency inspecting it) count for that unit too: its own
  // people hear the breakdown by owner ("城关区5项、红古区3项"), those above
  // it one line with its total.
  std::map<std::string, std::map<std::string, int64_t>> by_link;  // link → owner → open
  const bool link_levels =
      std::any_of(levels.begin(), levels.end(), [](model::Level l) {
        return l == model::Level::kAgency || l == model::Level::kDepartment;
      });
  if (link_levels) {
    auto links = store.CountOpenByLink(c.spec->id, kinds);
    if (!links.ok()) return links.status();
    for (const auto& lc : *links) {
      const model::Unit* l = dir().FindUnit(lc.link);
      if (l == nullptr || std::find(levels.begin(), levels.end(), l->level) == levels.end()) {
        continue;
      }
      if (!c.spec->scope.under.empty() && !dir().IsUnder(lc.owner, c.spec->scope.under)) continue;
      by_link[lc.link][lc.owner] += lc.count;
    }
  }
  if (open.empty() && by_link.empty()) return std::string("not applicable: nothing open");

  const workflow::TemplateBinding& binding =
      c.spec->templates[static_cast<size_t>(step->template_binding)];
  const bool critical = step->severity == workflow::Severity::kCritical;
  int told = 0;
  int64_t total = 0;
  for (const auto& [unit_id, n] : open) total += n;
  auto facts_for = [&](const std::string& unit_id, int64_t n, int64_t of_total) {
    const model::Unit* unit = dir().FindUnit(unit_id);
    nlohmann::json facts;
    facts["campaign"] = c.spec->title;
    facts["title"] = m->title;
    facts["milestone"] = m->id;
    facts["unit"] = unit != nullptr ? unit->name : unit_id;
    facts["unit_id"] = unit_id;
    facts["open_count"] = n;
    facts["open_total"] = of_total;
    facts["due"] = c.time->Describe(*due);
    facts["days_left"] = c.time->WorkingDaysUntil(now, *due);
    facts["step"] = step->name;
    facts["level"] = std::string(workflow::EscalationLevelName(step->level));
    return facts;
  };
  auto tell = [&](const model::Contact* contact, const nlohmann::json& facts,
                  const std::string& key) {
    store::Intent in;
    in.recipient = contact->id;
    in.binding = binding.id;
    in.campaign = c.spec->id;
    in.severity = std::string(workflow::SeverityName(step->severity));
    in.dedup_key = fmt::format("{}/{}/{}", t.step, key, contact->id);
    in.payload = facts.dump();
    in.group_until = critical ? now : now + options.group_wait;
    in.bypass_quiet_hours = step->bypass_quiet_hours || critical;
    batch.intents.push_back(std::move(in));
    ++told;
  };
  for (const auto& [unit_id, n] : open) {
    const nlohmann::json facts = facts_for(unit_id, n, total);
    for (const auto& path : step->notify) {
      const model::Unit* anchor = dir().Anchor(path, unit_id, "");
      if (anchor == nullptr) continue;
      for (const model::Contact* contact : dir().ContactsOf(anchor->id, path.role_id)) {
        tell(contact, facts, unit_id);
      }
    }
  }
  for (const auto& [link, owners] : by_link) {
    int64_t link_total = 0;
    for (const auto& [owner, n] : owners) link_total += n;
    const nlohmann::json summary = facts_for(link, link_total, link_total);
    for (const auto& path : step->notify) {
      const model::Unit* anchor = dir().Anchor(path, link, "");
      if (anchor == nullptr) continue;
      for (const model::Contact* contact : dir().ContactsOf(anchor->id, path.role_id)) {
        if (anchor->id != link) {
          tell(contact, summary, link);
          continue;
        }
        for (const auto& [owner, n] : owners) {
          tell(contact, facts_for(owner, n, link_total), link + "/" + owner);
        }
      }
    }
    if (open.empty()) total += link_total;  // else the owners' count already has them
  }
  return fmt::format("fired: {} unit(s) with {} open item(s), {} recipient(s)",
                     open.size() + by_link.size(), total, told);
}

}  // namespace duban::engine
