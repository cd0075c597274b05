// Materialising an obligation's occurrence: one item per owing unit (e.g.
// each village's weekly report for the week due Friday 12:00), each with its
// ladder timers, and the timer that will materialise the next occurrence.
#include <fmt/format.h>

#include <algorithm>

#include "engine/engine_impl.h"

namespace duban::engine {

std::vector<store::Timer> Engine::Impl::LadderTimers(const Campaign& c,
                                                             const workflow::Ladder& ladder,
                                                             SystemTime due, int epoch) const {
  std::vector<store::Timer> out;
  for (const auto& step : ladder.steps) {
    store::Timer t;
    t.campaign = c.spec->id;
    t.fire_at = c.time->Apply(step.after, due);
    t.step = LadderStep(ladder.id, step.name, epoch, 0);
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::string> Engine::Impl::Materialize(const Campaign& c, const StepRef& ref,
                                              SystemTime now, store::EngineBatch& batch,
                                              const std::function<Status()>& flush) {
  const workflow::Obligation* ob = c.spec->FindObligation(ref.a);
  if (ob == nullptr) return std::string("obsolete: obligation is no longer in the campaign");
  // The occurrence this timer stands for is the one on the period's date.
  auto due = c.time->OccurrenceOn(*ob, ref.b);
  if (!due) {
    return std::string("obsolete: the occurrence is no longer in the schedule");
  }
  // Owing units: the obligation's levels under the campaign's scope.
  std::vector<model::Level> levels;
  for (auto l : ob->owed_by.empty() ? c.spec->scope.levels : ob->owed_by) {
    levels.push_back(ToModelLevel(l));
  }
  const auto units = dir().UnitsAt(levels, c.spec->scope.under);
  const workflow::Ladder* ladder =
      ob->ladder >= 0 ? &c.spec->ladders[static_cast<size_t>(ob->ladder)] : nullptr;
  const std::vector<store::Timer> ladder_timers =
      ladder != nullptr ? LadderTimers(c, *ladder, *due, 0) : std::vector<store::Timer>{};
  const size_t chunk = static_cast<size_t>(std::max(1, options.materialize_chunk));
  for (const model::Unit* u : units) {
    if (batch.new_items.size() >= chunk) DUBAN_RETURN_IF_ERROR(flush());
    store::EngineBatch::NewItem ni;
    ni.item.campaign = c.spec->id;
    ni.item.kind = ob->id;
    ni.item.key = ObligationItemKey(c.spec->id, ob->id, ref.b, u->id);
    ni.item.owner_unit = u->id;
    ni.item.state = "due";
    ni.item.due_at = *due;
    ni.item.period = ref.b;
    ni.item.state_entered_at = now;
    ni.timers = ladder_timers;
    batch.new_items.push_back(std::move(ni));
  }
  // One audit record for the occurrence, not one per unit: the items follow
  // from the campaign file and the directory, and a province has 16,000.
  store::AuditEntry audit;
  audit.at = now;
  audit.actor = "engine";
  audit.via = "engine";
  audit.action = "obligation.materialize";
  audit.payload = nlohmann::json{{"campaign", c.spec->id},
                                 {"obligation", ob->id},
                                 {"period", ref.b},
                                 {"units", units.size()}}
                      .dump();
  batch.audit.push_back(std::move(audit));
  // Chain: the next occurrence gets its own materialisation timer.
  if (auto next = c.time->NextOccurrence(*ob, *due)) {
    store::Timer nt;
    nt.campaign = c.spec->id;
    nt.step = MaterializeStep(ob->id, c.time->LocalDate(*next));
    nt.fire_at = std::max(now, *next - options.materialize_lead);
    batch.new_timers.push_back(std::move(nt));
  }
  return fmt::format("fired: {} items due {}", units.size(), c.time->Describe(*due));
}

}  // namespace duban::engine
