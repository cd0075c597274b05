#include "engine/directory.h"

#include <algorithm>

namespace duban::engine {

model::Level ToModelLevel(workflow::UnitLevel level) {
  switch (level) {
    case workflow::UnitLevel::kProvince: return model::Level::kProvince;
    case workflow::UnitLevel::kCity: return model::Level::kCity;
    case workflow::UnitLevel::kCounty: return model::Level::kCounty;
    case workflow::UnitLevel::kTown: return model::Level::kTown;
    case workflow::UnitLevel::kVillage: return model::Level::kVillage;
    case workflow::UnitLevel::kDepartment: return model::Level::kDepartment;
    case workflow::UnitLevel::kAgency: return model::Level::kAgency;
  }
  return model::Level::kVillage;
}

Directory::Directory(std::vector<model::Unit> units, std::vector<model::Contact> contacts)
    : units_(std::move(units)), contacts_(std::move(contacts)) {
  std::sort(units_.begin(), units_.end(),
            [](const model::Unit& a, const model::Unit& b) { return a.id < b.id; });
  std::sort(contacts_.begin(), contacts_.end(),
            [](const model::Contact& a, const model::Contact& b) { return a.id < b.id; });
  for (size_t i = 0; i < units_.size(); ++i) unit_index_[units_[i].id] = i;
  for (size_t i = 0; i < contacts_.size(); ++i) {
    contact_index_[contacts_[i].id] = i;
    contacts_by_unit_[contacts_[i].unit_id].push_back(i);
  }
}

const model::Unit* Directory::FindUnit(const std::string& id) const {
  auto it = unit_index_.find(id);
  return it == unit_index_.end() ? nullptr : &units_[it->second];
}

const model::Contact* Directory::FindContact(const std::string& id) const {
  auto it = contact_index_.find(id);
  return it == contact_index_.end() ? nullptr : &contacts_[it->second];
}

std::vector<const model::Contact*> Directory::ContactsOf(const std::string& unit_id,
                                                         const std::string& role) const {
  std::vector<const model::Contact*> out;
  auto it = contacts_by_unit_.find(unit_id);
  if (it == contacts_by_unit_.end()) return out;
  for (size_t i : it->second) {
    if (contacts_[i].role == role) out.push_back(&contacts_[i]);
  }
  return out;
}

const model::Unit* Directory::Ancestor(const std::string& unit_id, model::Level level) const {
  const model::Unit* u = FindUnit(unit_id);
  // Bounded walk: the importer rejects cycles, but a corrupt table must not
  // hang the engine.
  for (int depth = 0; u != nullptr && depth < 32; ++depth) {
    u = u->parent_id.empty() ? nullptr : FindUnit(u->parent_id);
    if (u != nullptr && u->level == level) return u;
  }
  return nullptr;
}

bool Directory::IsUnder(const std::string& unit_id, const std::string& root) const {
  const model::Unit* u = FindUnit(unit_id);
  for (int depth = 0; u != nullptr && depth < 32; ++depth) {
    if (u->id == root) return true;
    u = u->parent_id.empty() ? nullptr : FindUnit(u->parent_id);
  }
  return false;
}

std::vector<const model::Unit*> Directory::UnitsAt(const std::vector<model::Level>& levels,
                                                   const std::string& root) const {
  std::vector<const model::Unit*> out;
  for (const auto& u : units_) {
    if (std::find(levels.begin(), levels.end(), u.level) == levels.end()) continue;
    if (!root.empty() && !IsUnder(u.id, root)) continue;
    out.push_back(&u);
  }
  return out;
}

const model::Unit* Directory::Anchor(const workflow::RolePath& path, const std::string& owner,
                                     const std::string& department) const {
  using Anchor = workflow::RolePath::Anchor;
  switch (path.anchor) {
    case Anchor::kSelf:
      return FindUnit(owner);
    case Anchor::kParent: {
      const model::Unit* u = FindUnit(owner);
      return u == nullptr || u->parent_id.empty() ? nullptr : FindUnit(u->parent_id);
    }
    case Anchor::kAncestor:
      return Ancestor(owner, ToModelLevel(path.ancestor_level));
    case Anchor::kDepartment:
      return department.empty() ? nullptr : FindUnit(department);
    case Anchor::kAgency:
      // An item links one unit: the department it was sent to, or the
      // third-party agency that inspects it (both in department_unit).
      return department.empty() ? nullptr : FindUnit(department);
  }
  return nullptr;
}

}  // namespace duban::engine
