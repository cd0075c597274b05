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
  // The store reads them in id order; sorting again costs little and keeps
  // ContactsOf's "in id order" true for any caller.
  std::sort(units_.begin(), units_.end(),
            [](const model::Unit& a, const model::Unit& b) { return a.id < b.id; });
  std::sort(contacts_.begin(), contacts_.end(),
            [](const model::Contact& a, const model::Contact& b) { return a.id < b.id; });
  units_.shrink_to_fit();  // growth by doubling can leave half a vector unused
  contacts_.shrink_to_fit();
  unit_index_.reserve(units_.size());
  for (size_t i = 0; i < units_.size(); ++i) {
    unit_index_.emplace(units_[i].id, static_cast<uint32_t>(i));
  }
  contact_index_.reserve(contacts_.size());
  by_unit_.reserve(contacts_.size());
  for (size_t i = 0; i < contacts_.size(); ++i) {
    contact_index_.emplace(contacts_[i].id, static_cast<uint32_t>(i));
    by_unit_.push_back(static_cast<uint32_t>(i));
  }
  // Stable: within a unit the contacts stay in id order.
  std::stable_sort(by_unit_.begin(), by_unit_.end(), [this](uint32_t a, uint32_t b) {
    return contacts_[a].unit_id < contacts_[b].unit_id;
  });
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
  auto first = std::lower_bound(by_unit_.begin(), by_unit_.end(), unit_id,
                                [this](uint32_t i, const std::string& u) {
                                  return contacts_[i].unit_id < u;
                                });
  for (auto it = first; it != by_unit_.end() && contacts_[*it].unit_id == unit_id; ++it) {
    if (contacts_[*it].role == role) out.push_back(&contacts_[*it]);
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
