// Directory: the hierarchy and its people in memory, for resolving role
// paths ("parent.office", "ancestor(county).task_force") to contacts without
// a query per step. Built from the store at start and after each import.
//
// Immutable after construction; any thread may read it. Memory: a national
// directory holds ~0.5 M units and ~1 M contacts, so the indexes are keyed
// by views of the ids the vectors own (no second copy of each id), and the
// contacts of a unit are a range of one sorted index (docs/performance.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/model.h"
#include "workflow/role_path.h"

namespace duban::engine {

class Directory {
 public:
  Directory() = default;
  Directory(std::vector<model::Unit> units, std::vector<model::Contact> contacts);
  // The indexes point into the vectors' elements: a move keeps them (the
  // vectors' buffers move with it), a copy would not.
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;
  Directory(Directory&&) = default;
  Directory& operator=(Directory&&) = default;

  const model::Unit* FindUnit(const std::string& id) const;
  const model::Contact* FindContact(const std::string& id) const;
  // Contacts of `unit_id` holding `role`, in id order.
  std::vector<const model::Contact*> ContactsOf(const std::string& unit_id,
                                                const std::string& role) const;
  // The nearest unit at `level` above `unit_id` (not itself); nullptr if none.
  const model::Unit* Ancestor(const std::string& unit_id, model::Level level) const;
  // Every unit at one of `levels` under `root` (or anywhere when root is
  // empty), in id order.
  std::vector<const model::Unit*> UnitsAt(const std::vector<model::Level>& levels,
                                          const std::string& root) const;
  // True when `unit_id` is `root` or below it.
  bool IsUnder(const std::string& unit_id, const std::string& root) const;

  // The unit a role path points at, from an item's owner (and department,
  // for department.* paths); nullptr when there is none.
  const model::Unit* Anchor(const workflow::RolePath& path, const std::string& owner,
                            const std::string& department) const;

  size_t unit_count() const { return units_.size(); }

 private:
  std::vector<model::Unit> units_;        // by id
  std::vector<model::Contact> contacts_;  // by id
  std::unordered_map<std::string_view, uint32_t> unit_index_;     // id → units_
  std::unordered_map<std::string_view, uint32_t> contact_index_;  // id → contacts_
  std::vector<uint32_t> by_unit_;  // contacts_ positions ordered by (unit_id, id)
};

// workflow's level enum to the model's (they name the same levels).
model::Level ToModelLevel(workflow::UnitLevel level);

}  // namespace duban::engine
