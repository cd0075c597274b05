#include "engine/engine.h"

#include <fmt/format.h>

#include "base/strings.h"
#include "engine/engine_impl.h"

namespace duban::engine {

std::optional<StepRef> ParseStep(const std::string& step) {
  const auto parts = Split(step, '/');
  StepRef r;
  if (parts.size() == 3 && (parts[0] == "m" || parts[0] == "s")) {
    r.kind = parts[0][0];
    r.a = parts[1];
    r.b = parts[2];
    return r;
  }
  if (parts.size() == 5 && parts[0] == "l" && parts[3].size() > 1 && parts[4].size() > 1) {
    r.kind = 'l';
    r.a = parts[1];
    r.b = parts[2];
    try {
      r.epoch = std::stoi(parts[3].substr(1));
      r.repeat = std::stoi(parts[4].substr(1));
    } catch (...) {
      return std::nullopt;
    }
    return r;
  }
  if (parts.size() == 5 && parts[0] == "k" && parts[4].size() > 1 && parts[4][0] == 'r') {
    r.kind = 'k';
    r.a = parts[1];
    r.period = parts[2];
    r.b = parts[3];
    try {
      r.repeat = std::stoi(parts[4].substr(1));
    } catch (...) {
      return std::nullopt;
    }
    return r;
  }
  return std::nullopt;
}

const std::set<std::string>& MessageFields() {
  static const std::set<std::string> kFields = {
      // Facts of an item (ladder_step.cc)
      "campaign", "item_id", "unit", "unit_id", "title", "period", "due", "overdue_hours",
      "overdue", "reopened", "reentries", "department", "agency",
      // a ladder step
      "step", "level", "missed_running", "repeat", "pre_due", "epoch",
      // milestones (milestones.cc)
      "milestone", "open_count", "open_total", "days_left",
      // summaries (summaries.cc)
      "period_from", "period_to", "reports_due", "reports_on_time", "reports_late",
      "reports_missing", "has_rate", "on_time_rate", "on_time_rate_prev", "on_time_trend",
      "items_open", "items_overdue", "items_resolved", "items_resolved_prev", "laggards",
      "laggards_text", "score", "missing", "late", "stuck_transfers", "why",
      // the digest (notify/digester.cc)
      "items", "count", "more", "recipient", "last", "link"};
  return kFields;
}

std::string MilestoneStep(const std::string& milestone, const std::string& period,
                          const std::string& step, int repeat) {
  return fmt::format("k/{}/{}/{}/r{}", milestone, period, step, repeat);
}

std::string MaterializeStep(const std::string& obligation, const std::string& period) {
  return fmt::format("m/{}/{}", obligation, period);
}

std::string LadderStep(const std::string& ladder, const std::string& step, int epoch,
                       int repeat) {
  return fmt::format("l/{}/{}/e{}/r{}", ladder, step, epoch, repeat);
}

std::string ObligationItemKey(const std::string& campaign, const std::string& obligation,
                              const std::string& period, const std::string& unit) {
  return fmt::format("{}/{}/{}/{}", campaign, obligation, period, unit);
}

Engine::Engine(Options options, store::Store& store)
    : impl_(std::make_unique<Impl>(std::move(options), store)),
      directory_(std::make_shared<Directory>()) {
  impl_->directory = &directory_;
  for (const auto& spec : impl_->options.campaigns) {
    auto time = CampaignTime::Create(*spec, impl_->options.calendar);
    // The loader validated every rule, so failure here is a bug.
    if (!time.ok()) continue;
    impl_->campaigns[spec->id] = Campaign{spec, std::move(*time)};
  }
}

Engine::~Engine() = default;

void Engine::SetDirectory(std::shared_ptr<const Directory> directory) {
  directory_ = std::move(directory);
}

Result<std::optional<SystemTime>> Engine::NextWake() { return impl_->store.NextTimerAt(); }

Status Engine::Sync(SystemTime now) {
  store::EngineBatch batch;
  for (const auto& [id, c] : impl_->campaigns) {
    for (const auto& ob : c.spec->obligations) {
      // The next occurrence that has not been materialised yet. Occurrences
      // already due when the daemon first meets the campaign are not
      // invented after the fact.
      auto next = c.time->NextOccurrence(ob, now);
      if (!next) continue;
      const std::string period = c.time->LocalDate(*next);
      const std::string step = MaterializeStep(ob.id, period);
      auto exists = impl_->store.HasTimer(id, 0, step);
      if (!exists.ok()) return exists.status();
      if (*exists) continue;
      store::Timer t;
      t.campaign = id;
      t.step = step;
      t.fire_at = std::max(now, *next - impl_->options.materialize_lead);
      batch.new_timers.push_back(std::move(t));
    }
    for (const auto& m : c.spec->milestones) {
      if (auto due = c.time->NextMilestone(m, now)) impl_->ScheduleMilestone(c, m, *due, now, batch);
    }
    // Each summary's next occurrence; later ones are chained as each runs.
    for (const auto& sm : c.spec->summaries) {
      auto next = c.time->NextOf(sm.schedule, sm.window, sm.day_off_policy, now);
      if (!next) continue;
      store::Timer t;
      t.campaign = id;
      t.step = SummaryStep(sm.id, c.time->LocalDate(*next));
      t.fire_at = *next;
      batch.new_timers.push_back(std::move(t));  // kept as it is when it exists
    }
  }
  if (batch.empty()) return Status::OK();
  auto r = impl_->store.CommitEngineBatch(batch, now);
  return r.status();
}

Result<TickStats> Engine::Tick(SystemTime now) {
  TickStats stats;
  while (true) {
    auto due = impl_->store.DueTimers(now, impl_->options.batch_size);
    if (!due.ok()) return due.status();
    if (due->empty()) return stats;
    store::EngineBatch batch;
    auto commit = [&]() -> Status {
      auto counts = impl_->store.CommitEngineBatch(batch, now);
      if (!counts.ok()) return counts.status();
      stats.items_created += counts->items_created;
      stats.intents += counts->intents_created;
      batch = store::EngineBatch();
      return Status::OK();
    };
    for (const auto& t : *due) {
      ++stats.timers;
      const Campaign* c = impl_->Find(t.campaign);
      auto ref = ParseStep(t.step);
      Result<std::string> outcome = std::string("obsolete: campaign is no longer configured");
      if (c != nullptr && !ref) {
        outcome = std::string("obsolete: unknown step");
      } else if (c != nullptr && ref->kind == 'm') {
        outcome = impl_->Materialize(*c, *ref, now, batch, commit);
      } else if (c != nullptr && ref->kind == 's') {
        outcome = impl_->RunSummary(*c, *ref, now, batch);
      } else if (c != nullptr && ref->kind == 'k') {
        outcome = impl_->RunMilestoneStep(*c, t, *ref, now, batch);
      } else if (c != nullptr) {
        outcome = impl_->RunLadderStep(*c, t, *ref, now, batch);
      }
      if (!outcome.ok()) return outcome.status();
      if (StartsWith(*outcome, "skipped")) ++stats.skipped;
      else if (StartsWith(*outcome, "obsolete") || StartsWith(*outcome, "not applicable")) ++stats.obsolete;
      else ++stats.fired;
      batch.fired.push_back({t.id, *outcome});
    }
    DUBAN_RETURN_IF_ERROR(commit());
    if (static_cast<int>(due->size()) < impl_->options.batch_size) return stats;
  }
}

}  // namespace duban::engine
