// Internals of ParseUnits shared by units.cc (one row at a time) and
// unit_hierarchy.cc (the rows against each other and the database).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "importer/sheet.h"
#include "model/model.h"

namespace duban::importer {

// The columns of units.csv, in the order of kUnitColumns.
enum UnitColumn : size_t { kUnitId, kUnitName, kUnitLevel, kUnitParent, kUnitCode, kUnitAttached };

// Significant digits of a division code at `level` (domain.md §6): 2, 4, 6,
// 9, 12; 0 for departments and agencies, which have none.
size_t DivisionDigits(model::Level level);

// A row that passed its own checks and awaits the hierarchy checks.
struct UnitRow {
  model::Unit unit;
  const SheetRow* row = nullptr;  // points into the caller's rows
};

// Checks every row's parent: it must exist in the file or in `existing`, sit
// above the row's level (a department: be of its attached level), not be a
// department, and hold a division code that prefixes the row's. Every file
// unit on a parent cycle is rejected, naming the cycle. A rejected unit takes
// its children with it, until nothing changes. `rejected` maps the ids of
// rows rejected earlier to their row. Returns the accepted units in file
// order; adds a rejection to `out` for each problem.
std::vector<model::Unit> CheckHierarchy(std::vector<UnitRow> rows,
                                        const std::vector<model::Unit>& existing,
                                        std::map<std::string, int> rejected,
                                        std::vector<Rejection>& out);

}  // namespace duban::importer
