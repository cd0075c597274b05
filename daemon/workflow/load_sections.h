// Internal to the loader: one reader per top-level section of a campaign
// file. Each reads its key from `top`, reports every problem it finds through
// the LoadState and fills its part of the spec. They run in dependency order
// (roles before anything that names a role, ladders before their users), so
// every reference resolves the moment it is read, whatever the order of the
// keys in the file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/load_state.h"

namespace duban::workflow {

void ReadHeader(yamlread::MapReader& top,
                LoadState& s);  // id, title, timezone, calendar
void ReadScope(yamlread::MapReader& top, LoadState& s);
void ReadRoles(yamlread::MapReader& top, LoadState& s);
void ReadPhases(yamlread::MapReader& top, LoadState& s);
void ReadTemplates(yamlread::MapReader& top, LoadState& s);
void ReadLadders(yamlread::MapReader& top, LoadState& s);
void ReadMilestones(yamlread::MapReader& top, LoadState& s);
void ReadObligations(yamlread::MapReader& top, LoadState& s);
void ReadSummaries(yamlread::MapReader& top, LoadState& s);
void ReadItemKinds(yamlread::MapReader& top, LoadState& s);
void ReadSampling(yamlread::MapReader& top, LoadState& s);

// The most entries any list or mapping section may have; a campaign needs
// far fewer, and the cap keeps every cross-check cheap on hostile input.
inline constexpr size_t kMaxEntries = 500;
// Reports "too many <what>" and returns false when `node` has more entries.
bool CheckCount(const YAML::Node& node, std::string_view path,
                std::string_view what, size_t max, LoadState& s);

// `fields:` (a list of field definitions) and `checks:` (conditions over
// them) of an obligation or item kind. `*complete` (if given) is false when
// some field could not be read; checks are then not read either, since they
// would report fields that are missing only because of an earlier error.
// Fields that fail to load are marked broken under BrokenFieldKey(path, name).
FieldSet ReadFieldSet(const std::optional<YAML::Node>& fields,
                      const std::optional<YAML::Node>& checks,
                      const std::string& path, LoadState& s,
                      bool* complete = nullptr);
std::string BrokenFieldKey(const std::string& set_path,
                           const std::string& name);
// A list of conditions, each a string or {condition, message}, over `fields`.
std::vector<Condition> ReadConditions(const YAML::Node& list,
                                      const std::string& path,
                                      const FieldSet& fields, LoadState& s);
// One condition (a string or {condition, message}).
std::optional<Condition> ReadCondition(const YAML::Node& node,
                                       const std::string& path,
                                       const FieldSet& fields, LoadState& s);

// Where a ladder is used, for the checks that depend on the user.
struct LadderUse {
  std::string what;  // "item kind 'hazard_case'", "milestone 'finish'"
  bool has_department = false;
  bool has_agency = false;
  bool is_obligation = false;
};
// Resolves a `ladder:` reference and checks that its steps fit the user:
// department.* and agency.* need items that link one; consecutive_missed
// needs an obligation. -1 after reporting a problem.
int ResolveLadderFor(const YAML::Node& node, const std::string& path,
                     const LadderUse& use, LoadState& s);
// Same check for steps that are not in a named ladder (countdowns).
bool CheckStepsFor(const std::vector<LadderStep>& steps, const YAML::Node& node,
                   const std::string& path, const LadderUse& use, LoadState& s);

// Reads `key` as info | warning | critical.
std::optional<Severity> ReadSeverity(yamlread::MapReader& m,
                                     std::string_view key,
                                     bool required = false);

// Reads one ladder step (also used for milestone countdowns).
std::optional<LadderStep> ReadStep(const YAML::Node& node,
                                   const std::string& path, LoadState& s);

// Validates item kind structure after reading: reachability from the initial
// state, dead ends, at least one terminal state.
void CheckLifecycle(const YAML::Node& kind_node, const std::string& path,
                    const std::vector<YAML::Node>& state_nodes, ItemKind& kind,
                    LoadState& s);

}  // namespace duban::workflow
