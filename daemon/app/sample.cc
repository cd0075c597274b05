#include "app/sample.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "workflow/lifecycle.h"

namespace duban::app {
namespace {

std::string MetaKey(const std::string& campaign) { return "sample_draw_seq:" + campaign; }

std::string CsvCell(const std::string& v) {
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Whether `code` (a unit's division code) is the plan's `plan_code`.
bool SameDivision(const std::string& code, const std::string& plan_code) {
  return !code.empty() && sampling::DivisionPrefix(code) == sampling::DivisionPrefix(plan_code);
}

}  // namespace

std::string RegisterCsvFromStore(const std::vector<model::House>& houses,
                                 const engine::Directory& dir) {
  std::vector<const model::House*> sorted;
  for (const auto& h : houses) sorted.push_back(&h);
  std::sort(sorted.begin(), sorted.end(),
            [](const model::House* a, const model::House* b) { return a->id < b->id; });
  std::string out = "房屋编号,区划代码,乡镇（街道）,是否经营性,隐患等级\n";
  for (const model::House* h : sorted) {
    if (h->hazard_level.empty() || h->hazard_level == "none") continue;
    std::string code;
    for (const model::Unit* u = dir.FindUnit(h->unit_id); u != nullptr && code.empty();
         u = u->parent_id.empty() ? nullptr : dir.FindUnit(u->parent_id)) {
      code = u->division_code;
    }
    const model::Unit* town = dir.Ancestor(h->unit_id, model::Level::kTown);
    out += fmt::format("{},{},{},{},{}\n", CsvCell(h->id), CsvCell(code),
                       CsvCell(town != nullptr ? town->name : ""), h->is_commercial ? "是" : "否",
                       CsvCell(h->hazard_level));
  }
  return out;
}

Result<std::vector<std::string>> PlanOwners(const workflow::SamplingPlan& plan,
                                            const engine::Directory& dir) {
  std::vector<std::string> owners;
  std::string missing;
  for (const auto& g : plan.groups) {
    for (const auto& u : g.units) {
      std::string found;
      if (!u.unit.empty()) {
        if (dir.FindUnit(u.unit) != nullptr) found = u.unit;
      } else {
        for (const model::Level l : {model::Level::kCounty, model::Level::kCity}) {
          for (const model::Unit* cand : dir.UnitsAt({l}, "")) {
            if (found.empty() && SameDivision(cand->division_code, u.code)) found = cand->id;
          }
        }
      }
      if (found.empty()) {
        missing += fmt::format("\n  {} {}", u.code.empty() ? u.unit : u.code, u.name);
      }
      owners.push_back(found);
    }
  }
  if (!missing.empty()) {
    return Status::InvalidArgument(
        "抽样计划中的以下县区不在单位目录中，请先导入单位 (plan units missing from the "
        "directory; run duban import units first):" +
        missing);
  }
  return owners;
}

std::map<std::string, std::string> UnitCodes(const workflow::SamplingPlan& plan,
                                             const engine::Directory& dir) {
  std::map<std::string, std::string> out;
  for (const auto& g : plan.groups) {
    for (const auto& u : g.units) {
      if (u.unit.empty()) continue;
      if (const model::Unit* unit = dir.FindUnit(u.unit); unit && !unit->division_code.empty()) {
        out[u.unit] = unit->division_code;
      }
    }
  }
  return out;
}

std::vector<const workflow::ItemKind*> PerUnitKinds(const workflow::WorkflowSpec& spec) {
  const workflow::ItemKind* sampled = engine::SampledKind(spec);
  std::vector<const workflow::ItemKind*> out;
  for (const auto& k : spec.item_kinds) {
    if (k.has_agency && &k != sampled) out.push_back(&k);
  }
  return out;
}

Result<Published> PublishDraw(engine::Engine& engine, store::Store& store,
                              const workflow::WorkflowSpec& spec, const sampling::Draw& draw,
                              const std::vector<std::string>& owners,
                              const std::string& register_file, SystemTime now,
                              const std::function<void(int done, int total)>& progress) {
  const workflow::ItemKind* sampled = engine::SampledKind(spec);
  if (sampled == nullptr) {
    return Status::InvalidArgument(
        fmt::format("campaign '{}' has no item kind linking an agency with a house_id field",
                    spec.id));
  }
  if (owners.size() != draw.units.size()) {
    return Status::InvalidArgument("the draw does not match the campaign's sampling plan");
  }
  const nlohmann::json drawn = sampling::DrawToJson(draw);
  auto earlier = store.GetMeta(MetaKey(spec.id));
  if (!earlier.ok()) return earlier.status();
  if (earlier->has_value()) {
    // The same draw again (a run cut short): create what is missing. Any
    // other draw is refused: one campaign, one published sample.
    auto recorded = RecordedDraw(store, spec.id);
    if (!recorded.ok()) return recorded.status();
    if ((*recorded)["draw"] != drawn) {
      return Status::Conflict(
          fmt::format("「{}」已发布过抽样结果（审计记录第{}条），不能重新抽取；核对请用 duban "
                      "sample verify (already drawn: audit record {})",
                      spec.title, **earlier, **earlier));
    }
  } else {
    // The record first: items without the draw they came from would be
    // hand-picked as far as anyone can tell.
    nlohmann::json payload = {
        {"campaign", spec.id}, {"register_file", register_file}, {"draw", drawn}};
    store::AuditEntry audit;
    audit.at = now;
    audit.actor = "cli";
    audit.via = "cli";
    audit.action = "sample.draw";
    audit.payload = payload.dump();
    auto appended = store.AppendAudit(audit);
    if (!appended.ok()) return appended.status();
    DUBAN_RETURN_IF_ERROR(store.SetMeta(MetaKey(spec.id), std::to_string(appended->seq)));
  }

  const std::vector<const workflow::ItemKind*> per_unit = PerUnitKinds(spec);
  engine::Actor actor;
  actor.id = "cli";
  actor.via = "cli";
  actor.auth_role = "admin";
  Published out;
  const int total = draw.Houses() + static_cast<int>(per_unit.size() * draw.units.size());
  int done = 0;
  for (size_t i = 0; i < draw.units.size(); ++i) {
    const sampling::UnitDraw& u = draw.units[i];
    for (const auto& h : u.picked) {
      engine::NewItemRequest r;
      r.campaign = spec.id;
      r.kind = sampled->id;
      r.owner_unit = owners[i];
      r.department_unit = u.agency;
      r.key = fmt::format("{}/{}/{}", spec.id, sampled->id, h.id);
      r.fields["house_id"] = h.id;
      if (sampled->fields.Find("commercial") != nullptr) r.fields["commercial"] = h.commercial;
      auto created = engine.CreateItem(r, actor, now);
      // A key that exists (a crash between records) is already done.
      if (!created.ok() && created.status().code() != StatusCode::kConflict) {
        return created.status();
      }
      if (created.ok()) ++out.houses;
      if (progress) progress(++done, total);
    }
    for (const workflow::ItemKind* k : per_unit) {
      engine::NewItemRequest r;
      r.campaign = spec.id;
      r.kind = k->id;
      r.owner_unit = owners[i];
      r.department_unit = u.agency;
      r.key = fmt::format("{}/{}/{}", spec.id, k->id, owners[i]);
      auto created = engine.CreateItem(r, actor, now);
      if (!created.ok() && created.status().code() != StatusCode::kConflict) {
        return created.status();
      }
      if (created.ok()) ++out.evaluations;
      if (progress) progress(++done, total);
    }
  }
  return out;
}

Result<nlohmann::json> RecordedDraw(store::Store& store, const std::string& campaign) {
  auto seq = store.GetMeta(MetaKey(campaign));
  if (!seq.ok()) return seq.status();
  if (!seq->has_value()) {
    return Status::NotFound(fmt::format("「{}」尚未发布抽样结果 (no draw recorded)", campaign));
  }
  const int64_t n = std::stoll(**seq);
  auto entries = store.AuditAfter(n - 1, 1);
  if (!entries.ok()) return entries.status();
  if (entries->empty() || (*entries)[0].seq != n || (*entries)[0].action != "sample.draw") {
    return Status::Internal(fmt::format("audit record {} is not the draw it should be", n));
  }
  auto j = nlohmann::json::parse((*entries)[0].payload, nullptr, false);
  if (!j.is_object() || !j.contains("draw")) {
    return Status::Internal(fmt::format("audit record {} holds no draw", n));
  }
  return j;
}

}  // namespace duban::app
