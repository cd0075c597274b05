// Which units an API caller may see: its token's unit and everything under
// it (admin: everything). Departments and agencies see their own unit, and
// items only when sent to them (Engine::InScope). Pure over a Directory;
// call where the directory is safe to read (the loop thread).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "engine/directory.h"
#include "engine/engine.h"

namespace duban::api {

// `root` and every unit below it, in id order.
std::vector<std::string> Subtree(const engine::Directory& dir, const std::string& root);

// The unit to list under for a request filtered by `unit` ("" = none):
// "" means everything (admin without a filter). kInvalidArgument "unit: …"
// for an unknown unit, kPermissionDenied for one outside the caller's
// scope. A filter above the caller's own unit narrows to its own unit.
Result<std::string> ScopeRoot(const engine::Directory& dir, const engine::Actor& actor,
                              const std::string& unit);

// True when the caller may see records of `unit_id`.
bool SeesUnit(const engine::Directory& dir, const engine::Actor& actor,
              const std::string& unit_id);

// True for department and agency tokens, which see items sent to them.
bool ByDepartment(const engine::Actor& actor);

}  // namespace duban::api
