// BuildAttachmentTable: the villages from the directory, their report items
// from the store, then the pure core. Shared by the dashboard and
// `duban export table`.
#include <fmt/format.h>

#include <algorithm>

#include "engine/directory.h"
#include "store/store.h"
#include "tables/tables.h"
#include "workflow/spec.h"

namespace duban::tables {
namespace {

const workflow::Obligation* PickObligation(const workflow::WorkflowSpec& spec,
                                           const std::string& wanted) {
  if (!wanted.empty()) return spec.FindObligation(wanted);
  if (const auto* o = spec.FindObligation("weekly_report")) return o;
  for (const auto& o : spec.obligations) {
    if (!ColumnsOf(o).empty()) return &o;
  }
  return nullptr;
}

// Every item the query matches, page by page (ListItems caps each page).
Result<std::vector<store::Item>> AllItems(store::Store& store, store::ItemQuery q) {
  std::vector<store::Item> out;
  q.limit = 1000;
  for (;;) {
    auto page = store.ListItems(q);
    if (!page.ok()) return page.status();
    out.insert(out.end(), page->begin(), page->end());
    if (static_cast<int>(page->size()) < q.limit) return out;
    q.after_id = page->back().id;
  }
}

// The statistical code orders villages as the town's own tables do; units
// without one go last, by id.
bool DirectoryOrder(const model::Unit* a, const model::Unit* b) {
  if (a->division_code.empty() != b->division_code.empty()) return b->division_code.empty();
  if (a->division_code != b->division_code) return a->division_code < b->division_code;
  return a->id < b->id;
}

}  // namespace

Result<Table> BuildAttachmentTable(store::Store& store, const engine::Directory& dir,
                                   const workflow::WorkflowSpec& spec,
                                   const TableRequest& request, SystemTime now) {
  const workflow::Obligation* ob = PickObligation(spec, request.obligation);
  if (ob == nullptr) {
    return Status::NotFound(fmt::format("活动 {} 没有该报表 (no such report)", spec.id),
                            request.obligation);
  }
  const std::string root = request.unit.empty() ? spec.scope.under : request.unit;
  const model::Unit* root_unit = root.empty() ? nullptr : dir.FindUnit(root);
  if (!root.empty() && root_unit == nullptr) {
    return Status::NotFound("没有该单位 (no such unit)", root);
  }
  std::vector<const model::Unit*> units = dir.UnitsAt({model::Level::kVillage}, root);
  if (units.empty()) return Status::NotFound("该单位下没有行政村 (no villages under)", root);
  std::sort(units.begin(), units.end(), DirectoryOrder);

  AttachmentInput in;
  in.columns = ColumnsOf(*ob);
  in.view = request.view;
  in.now = now;
  in.unit_name = root_unit ? root_unit->name : "全部";
  in.title = spec.title + "集中摸排情况表";
  if (root_unit && in.title.find(root_unit->name) == std::string::npos) {
    in.title = root_unit->name + in.title;
  }
  if (!ob->window.ranges.empty()) in.since = workflow::FormatDate(ob->window.ranges.front().first);
  std::vector<std::string> ids;
  for (const model::Unit* u : units) {
    ids.push_back(u->id);
    std::string name = u->name;
    // Under a county, a village's town tells same-named villages apart.
    if (u->parent_id != root) {
      if (const model::Unit* p = dir.FindUnit(u->parent_id)) name = p->name + "·" + name;
    }
    in.villages.push_back({u->id, std::move(name)});
  }

  store::ItemQuery q;
  q.campaign = spec.id;
  q.kind = ob->id;
  q.owner_units = ids;
  if (request.period == "latest") {
    // The newest week whose due time has passed; before the first one, the
    // week now open. Reads the villages' reports so far (villages × weeks).
    store::ItemQuery past = q;
    past.due_to = now + std::chrono::milliseconds(1);
    auto items = AllItems(store, past);
    if (!items.ok()) return items.status();
    for (const auto& it : *items) in.period = std::max(in.period, it.period);
    if (in.period.empty()) {
      store::ItemQuery next = q;
      next.due_from = now;
      auto upcoming = AllItems(store, next);
      if (!upcoming.ok()) return upcoming.status();
      for (const auto& it : *upcoming) {
        if (in.period.empty() || it.period < in.period) in.period = it.period;
      }
    }
    if (in.period.empty()) return Status::NotFound("还没有周报 (no report is owed yet)", spec.id);
  } else {
    if (!workflow::ParseDate(request.period)) {
      return Status::InvalidArgument(
          "周报日期应为 YYYY-MM-DD 或 latest (the week is its due date, e.g. 2024-04-12)",
          request.period);
    }
    in.period = request.period;
  }
  const workflow::Date day = *workflow::ParseDate(in.period);
  const auto next_day = workflow::Date{std::chrono::sys_days(day) + std::chrono::days(1)};
  // The week's items are due on its local date; the weekly view also needs
  // every earlier report (each village's baseline).
  if (request.view == View::kCumulative) q.due_from = spec.timezone.ToInstant(day, Millis(0));
  q.due_to = spec.timezone.ToInstant(next_day, Millis(0));
  auto items = AllItems(store, q);
  if (!items.ok()) return items.status();
  bool owed = false;
  for (const store::Item& it : *items) {
    owed = owed || it.period == in.period;
    in.reports.push_back({it.owner_unit, it.period, it.due_at, it.resolved_at, it.data});
  }
  if (!owed) {
    return Status::NotFound(
        fmt::format("{} 没有到期的周报 (no report was due that day)", in.period), spec.id);
  }
  Table t = ComputeAttachmentTable(in);
  if (!ob->title.empty()) t.subtitle = ob->title + "　" + t.subtitle;
  return t;
}

}  // namespace duban::tables
