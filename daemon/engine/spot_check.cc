// Spot-check progress (issue 8, R-B2): one grouped tally of the campaign's
// items, folded per sampled county with its city and third-party group.
#include <fmt/format.h>

#include <map>
#include <set>

#include "engine/engine_impl.h"

namespace duban::engine {

const workflow::ItemKind* SampledKind(const workflow::WorkflowSpec& spec) {
  for (const auto& k : spec.item_kinds) {
    if (k.has_agency && k.fields.Find("house_id") != nullptr) return &k;
  }
  return nullptr;
}

Result<std::vector<SpotCheckRow>> Engine::SpotCheckProgress(const std::string& campaign,
                                                            SystemTime now) const {
  const Campaign* c = impl_->Find(campaign);
  if (c == nullptr) return Status::NotFound("no such campaign", campaign);
  const workflow::ItemKind* sampled = SampledKind(*c->spec);
  if (sampled == nullptr || !c->spec->sampling) {
    return Status::InvalidArgument(
        fmt::format("campaign: '{}' samples no houses (no sampling plan)", campaign));
  }
  // What an inspection can create, and the fields that decide it.
  std::set<std::string> notice_kinds;
  std::set<std::string> flags;
  for (const auto& t : sampled->transitions) {
    for (const auto& d : t.creates) {
      notice_kinds.insert(d.kind);
      if (d.when) {
        for (const auto& f : d.when->Fields()) flags.insert(f);
      }
    }
  }
  auto tally = impl_->store.TallyItems(campaign, now, {flags.begin(), flags.end()});
  if (!tally.ok()) return tally.status();
  const std::string initial = sampled->states[static_cast<size_t>(sampled->initial)].id;
  std::map<std::string, SpotCheckRow> rows;  // by county
  std::map<std::string, std::pair<std::string, std::string>> group_of;  // agency → id, title
  for (const auto& g : c->spec->sampling->groups) group_of[g.agency] = {g.id, g.title};
  for (const auto& t : *tally) {
    const bool is_sample = t.kind == sampled->id;
    if (!is_sample && !notice_kinds.contains(t.kind)) continue;
    SpotCheckRow& r = rows[t.owner];
    if (is_sample) {
      r.counts.sampled += t.count;
      if (t.state != initial) r.counts.inspected += t.count;
      if (t.flagged) r.counts.findings += t.count;
      if (r.agency.empty()) r.agency = t.link;
    } else if (t.open) {
      r.counts.notices_open += t.count;
      if (t.overdue) r.counts.notices_overdue += t.count;
    }
  }
  const Directory& dir = *directory_;
  std::vector<SpotCheckRow> out;
  for (auto& [unit, r] : rows) {
    r.unit = unit;
    const model::Unit* u = dir.FindUnit(unit);
    r.name = u != nullptr ? u->name : unit;
    const model::Unit* city =
        u == nullptr ? nullptr : u->level == model::Level::kCity ? u : dir.Ancestor(unit, model::Level::kCity);
    r.city = city != nullptr ? city->id : "";
    r.city_name = city != nullptr ? city->name : "";
    if (auto g = group_of.find(r.agency); g != group_of.end()) {
      r.group = g->second.first;
      r.group_title = g->second.second;
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace duban::engine
