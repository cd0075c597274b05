// Diff: what an import changes, by id, so that importing the same file twice
// changes nothing the second time and the CLI can say so. Fields are
// compared after normalisation (mobile numbers, division codes, aliases), so
// a file that spells a value differently but means the same is unchanged.
#include <map>

#include "importer/importer.h"

namespace duban::importer {
namespace {

// Collects the names of the fields that differ.
class FieldDiff {
 public:
  template <typename V>
  void Field(const char* name, const V& before, const V& after) {
    if (!(before == after)) names_.emplace_back(name);
  }
  std::vector<std::string> Take() { return std::move(names_); }

 private:
  std::vector<std::string> names_;
};

std::vector<std::string> Changed(const model::Unit& a, const model::Unit& b) {
  FieldDiff d;
  d.Field("name", a.name, b.name);
  d.Field("level", a.level, b.level);
  d.Field("parent_id", a.parent_id, b.parent_id);
  d.Field("division_code", a.division_code, b.division_code);
  d.Field("attached_level", a.attached_level, b.attached_level);
  return d.Take();
}

std::vector<std::string> Changed(const model::Contact& a, const model::Contact& b) {
  FieldDiff d;
  d.Field("unit_id", a.unit_id, b.unit_id);
  d.Field("role", a.role, b.role);
  d.Field("name", a.name, b.name);
  d.Field("mobile", a.mobile, b.mobile);
  d.Field("channels", a.channels, b.channels);
  d.Field("feishu_open_id", a.feishu_open_id, b.feishu_open_id);
  d.Field("quiet_hours", std::make_pair(a.quiet_start_min, a.quiet_end_min),
          std::make_pair(b.quiet_start_min, b.quiet_end_min));
  return d.Take();
}

std::vector<std::string> Changed(const model::House& a, const model::House& b) {
  FieldDiff d;
  d.Field("unit_id", a.unit_id, b.unit_id);
  d.Field("address", a.address, b.address);
  d.Field("is_commercial", a.is_commercial, b.is_commercial);
  d.Field("business_type", a.business_type, b.business_type);
  d.Field("floors", a.floors, b.floors);
  d.Field("structure", a.structure, b.structure);
  d.Field("altered", a.altered, b.altered);
  d.Field("steel", a.steel, b.steel);
  d.Field("hazard_level", a.hazard_level, b.hazard_level);
  return d.Take();
}

template <typename T>
ImportDiff DiffById(const std::vector<T>& existing, const std::vector<T>& incoming) {
  std::map<std::string_view, const T*> before;
  for (const T& e : existing) before.emplace(e.id, &e);
  ImportDiff diff;
  for (const T& rec : incoming) {
    DiffEntry entry;
    entry.id = rec.id;
    const auto it = before.find(rec.id);
    if (it == before.end()) {
      entry.change = Change::kAdded;
      ++diff.summary.added;
    } else {
      entry.changed_fields = Changed(*it->second, rec);
      entry.change = entry.changed_fields.empty() ? Change::kUnchanged : Change::kUpdated;
      ++(entry.changed_fields.empty() ? diff.summary.unchanged : diff.summary.updated);
    }
    diff.entries.push_back(std::move(entry));
  }
  return diff;
}

}  // namespace

ImportDiff Diff(const std::vector<model::Unit>& existing,
                const std::vector<model::Unit>& incoming) {
  return DiffById(existing, incoming);
}

ImportDiff Diff(const std::vector<model::Contact>& existing,
                const std::vector<model::Contact>& incoming) {
  return DiffById(existing, incoming);
}

ImportDiff Diff(const std::vector<model::House>& existing,
                const std::vector<model::House>& incoming) {
  return DiffById(existing, incoming);
}

}  // namespace duban::importer
