// Periodic summaries (月调度通报): on the configured day, the leaders of each
// town and county get their own subtree's period: reports on time, late and
// missing, items open, overdue and closed, against the period before, and
// the laggards by name with why. Two grouped queries per run, then one pass
// over the owners; the cost follows the campaign's activity in the period,
// and it runs once a month.
#include <fmt/format.h>

#include <map>

#include "engine/engine_impl.h"
#include "engine/laggards.h"

namespace duban::engine {
namespace {

struct Totals {
  int64_t due = 0, on_time = 0, late = 0, missing = 0, resolved = 0, open = 0, overdue = 0;
  void Add(const store::OwnerStats& s) {
    due += s.due;
    on_time += s.on_time;
    late += s.late;
    missing += s.missing;
    resolved += s.resolved;
    open += s.open;
    overdue += s.overdue;
  }
};

// Whole percent of reports made on time; -1 when none were due.
int OnTimeRate(const Totals& t) {
  return t.due == 0 ? -1 : static_cast<int>((t.on_time * 100 + t.due / 2) / t.due);
}

std::string Trend(int now, int before) {
  if (now < 0 || before < 0) return "";
  if (now == before) return "与上期持平";
  return fmt::format("较上期{}{}个百分点", now > before ? "提高" : "下降", std::abs(now - before));
}

}  // namespace

Result<std::vector<LaggardScore>> Engine::Laggards(const std::string& campaign,
                                                  const std::string& under, SystemTime from,
                                                  SystemTime to, SystemTime now, int limit) const {
  const Campaign* c = impl_->Find(campaign);
  if (c == nullptr) return Status::NotFound("no such campaign", campaign);
  std::vector<std::string> report_kinds;
  for (const auto& ob : c->spec->obligations) report_kinds.push_back(ob.id);
  std::vector<std::string> item_kinds;
  for (const auto& k : c->spec->item_kinds) item_kinds.push_back(k.id);
  auto reports = impl_->store.StatsByOwner(campaign, report_kinds, from, to, now);
  if (!reports.ok()) return reports.status();
  auto overdue = impl_->store.OverdueByUnit(campaign, item_kinds, now);
  if (!overdue.ok()) return overdue.status();
  if (!under.empty()) {
    const Directory& dir = *directory_;
    auto outside = [&](const std::string& unit) { return unit == under || !dir.IsUnder(unit, under); };
    std::erase_if(*reports, [&](const store::OwnerStats& s) { return outside(s.owner); });
    std::erase_if(*overdue, [&](const store::OverdueCount& o) { return outside(o.unit); });
  }
  return RankLaggards(*reports, *overdue, limit);
}

std::string SummaryStep(const std::string& summary, const std::string& period) {
  return fmt::format("s/{}/{}", summary, period);
}

Result<std::string> Engine::Impl::RunSummary(const Campaign& c, const StepRef& ref,
                                             SystemTime now, store::EngineBatch& batch) {
  const workflow::Summary* sm = c.spec->FindSummary(ref.a);
  if (sm == nullptr) return std::string("obsolete: summary is no longer in the campaign");
  // The occurrence on the period's date, and the next one (chained now).
  auto day_end = c.time->EndOfDay(ref.b);
  auto due = day_end ? c.time->NextOf(sm->schedule, sm->window, sm->day_off_policy,
                                      *day_end - std::chrono::hours(24))
                     : std::nullopt;
  if (!due || c.time->LocalDate(*due) != ref.b) {
    return std::string("obsolete: the occurrence is no longer in the schedule");
  }
  auto next = c.time->NextOf(sm->schedule, sm->window, sm->day_off_policy, *due);
  if (next) {
    store::Timer nt;
    nt.campaign = c.spec->id;
    nt.step = SummaryStep(sm->id, c.time->LocalDate(*next));
    nt.fire_at = *next;
    batch.new_timers.push_back(std::move(nt));
  }
  // The period runs from the previous occurrence to this one, so periods
  // tile with no gap; the first one looks back as far as the next one is
  // ahead. A summary that comes days late (daemon down) still covers the
  // period up to its date, not up to now.
  auto previous = [&](SystemTime before) -> std::optional<SystemTime> {
    std::optional<SystemTime> found;
    SystemTime t = before - std::chrono::hours(24 * 62);
    for (int i = 0; i < 500; ++i) {
      auto n = c.time->NextOf(sm->schedule, sm->window, sm->day_off_policy, t);
      if (!n || *n >= before) break;
      found = n;
      t = *n;
    }
    return found;
  };
  const Millis len = next ? std::chrono::duration_cast<Millis>(*next - *due)
                          : Millis(std::chrono::hours(24 * 30));
  const SystemTime to = *due;
  const SystemTime from = previous(to).value_or(to - len);
  const SystemTime prev_from = previous(from).value_or(from - (to - from));

  std::vector<std::string> report_kinds;
  for (const auto& ob : c.spec->obligations) report_kinds.push_back(ob.id);
  std::vector<std::string> item_kinds;
  for (const auto& k : c.spec->item_kinds) item_kinds.push_back(k.id);
  auto reports = store.StatsByOwner(c.spec->id, report_kinds, from, to, to);
  auto reports_prev = store.StatsByOwner(c.spec->id, report_kinds, prev_from, from, from);
  auto items = store.StatsByOwner(c.spec->id, item_kinds, from, to, to);
  auto items_prev = store.StatsByOwner(c.spec->id, item_kinds, prev_from, from, from);
  for (auto* r : {&reports, &reports_prev, &items, &items_prev}) {
    if (!r->ok()) return r->status();
  }
  auto overdue = store.OverdueByUnit(c.spec->id, item_kinds, to);
  if (!overdue.ok()) return overdue.status();

  std::vector<model::Level> levels;
  for (auto l : sm->for_levels) levels.push_back(ToModelLevel(l));
  const auto receivers = dir().UnitsAt(levels, c.spec->scope.under);
  // Owner → the receiving units above it (or itself).
  std::map<std::string, std::vector<std::string>> up;
  auto receivers_of = [&](const std::string& owner) -> const std::vector<std::string>& {
    auto it = up.find(owner);
    if (it != up.end()) return it->second;
    std::vector<std::string> out;
    if (const model::Unit* u = dir().FindUnit(owner)) {
      for (model::Level l : levels) {
        const model::Unit* r = u->level == l ? u : dir().Ancestor(owner, l);
        if (r != nullptr) out.push_back(r->id);
      }
    }
    return up.emplace(owner, std::move(out)).first->second;
  };
  struct Acc {
    Totals reports, reports_prev, items, items_prev;
    std::vector<store::OwnerStats> lag_reports;
    std::vector<store::OverdueCount> lag_overdue;
  };
  std::map<std::string, Acc> acc;
  for (const auto& s : *reports) {
    for (const auto& r : receivers_of(s.owner)) {
      acc[r].reports.Add(s);
      acc[r].lag_reports.push_back(s);
    }
  }
  for (const auto& s : *reports_prev) {
    for (const auto& r : receivers_of(s.owner)) acc[r].reports_prev.Add(s);
  }
  for (const auto& s : *items) {
    for (const auto& r : receivers_of(s.owner)) acc[r].items.Add(s);
  }
  // Overdue items count against the unit they are stuck with: a transfer
  // against its department, so a department's town hears about it.
  for (const auto& o : *overdue) {
    for (const auto& r : receivers_of(o.unit)) acc[r].lag_overdue.push_back(o);
  }
  for (const auto& s : *items_prev) {
    for (const auto& r : receivers_of(s.owner)) acc[r].items_prev.Add(s);
  }

  const workflow::TemplateBinding& binding =
      c.spec->templates[static_cast<size_t>(sm->template_binding)];
  int told = 0;
  for (const model::Unit* unit : receivers) {
    const Acc& a = acc[unit->id];
    nlohmann::json f;
    f["campaign"] = c.spec->title;
    f["title"] = sm->title;
    f["unit"] = unit->name;
    f["unit_id"] = unit->id;
    f["period_from"] = c.time->LocalDate(from);
    f["period_to"] = c.time->LocalDate(to - Millis(1));
    f["reports_due"] = a.reports.due;
    f["reports_on_time"] = a.reports.on_time;
    f["reports_late"] = a.reports.late;
    f["reports_missing"] = a.reports.missing;
    const int rate = OnTimeRate(a.reports);
    const int rate_prev = OnTimeRate(a.reports_prev);
    f["has_rate"] = rate >= 0;
    if (rate >= 0) f["on_time_rate"] = rate;
    if (rate_prev >= 0) f["on_time_rate_prev"] = rate_prev;
    if (std::string trend = Trend(rate, rate_prev); !trend.empty()) f["on_time_trend"] = trend;
    f["items_open"] = a.items.open;
    f["items_overdue"] = a.items.overdue;
    f["items_resolved"] = a.items.resolved;
    f["items_resolved_prev"] = a.items_prev.resolved;
    nlohmann::json lag = nlohmann::json::array();
    std::string lag_text;
    // One more than named, in case the receiver itself ranks.
    const int limit = sm->laggards > 0 ? sm->laggards + 1 : 0;
    for (const auto& l : RankLaggards(a.lag_reports, a.lag_overdue, limit)) {
      if (l.unit == unit->id) continue;  // the receiver is not its own laggard
      if (sm->laggards > 0 && static_cast<int>(lag.size()) == sm->laggards) break;
      const model::Unit* lu = dir().FindUnit(l.unit);
      const std::string name = lu != nullptr ? lu->name : l.unit;
      const std::string why = LaggardWhy(l);
      lag.push_back({{"unit", name},
                     {"score", l.score},
                     {"missing", l.missing_reports},
                     {"late", l.late_reports},
                     {"overdue", l.overdue_items},
                     {"stuck_transfers", l.stuck_transfers},
                     {"why", why}});
      lag_text += fmt::format("{}{}（{}）", lag_text.empty() ? "" : "、", name, why);
    }
    for (size_t i = 0; i < lag.size(); ++i) lag[i]["last"] = i + 1 == lag.size();
    f["laggards"] = lag;
    f["laggards_text"] = lag_text.empty() ? "无" : lag_text;
    for (const auto& path : sm->notify) {
      const model::Unit* anchor = dir().Anchor(path, unit->id, "");
      if (anchor == nullptr) continue;
      for (const model::Contact* contact : dir().ContactsOf(anchor->id, path.role_id)) {
        store::Intent in;
        in.recipient = contact->id;
        in.binding = binding.id;
        in.campaign = c.spec->id;
        in.severity = "info";
        in.dedup_key = fmt::format("s/{}/{}/{}/{}", sm->id, ref.b, unit->id, contact->id);
        in.payload = f.dump();
        in.group_until = now + options.group_wait;
        batch.intents.push_back(std::move(in));
        ++told;
      }
    }
  }
  return fmt::format("fired: {} unit(s), {} recipient(s)", receivers.size(), told);
}

}  // namespace duban::engine
