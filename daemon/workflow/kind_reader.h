// Internal to the loader: the reader of one item kind, shared by
// load_item_kinds.cc and load_states.cc.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "workflow/load_sections.h"

namespace duban::workflow {

// Reads one item kind; the methods are split between load_states.cc
// (states, SLAs, lifecycle checks) and load_item_kinds.cc (the rest).
struct KindReader {
  ItemKind& kind;
  std::string path;  // "item_kinds[2]"
  LadderUse use;
  LoadState& s;
  bool fields_ok = true;  // false: conditions are skipped (see ReadFieldSet)

  // Index of a state named at `node`; -1 after reporting an unknown state.
  int StateIndex(const YAML::Node& node, const std::string& path);

  // The kind's field named at `node`; nullptr after reporting (unless the
  // field itself failed to load).
  const FieldSpec* Field(const YAML::Node& node, const std::string& path);

  // Role paths relative to an item; department.* and agency.* need a link.
  std::optional<std::vector<RolePath>> Roles(const YAML::Node& node,
                                             const std::string& path);

  // One `creates:` entry; its target kind is checked later (CheckCreates).
  std::optional<DerivedItem> ReadDerived(const YAML::Node& node, const std::string& path);

  FieldSet Input(const std::optional<YAML::Node>& required,
                 const std::optional<YAML::Node>& optional,
                 const std::string& path);
  std::optional<SlaRule> SlaPart(const YAML::Node& node, yamlread::MapReader& m,
                                 const std::string& path,
                                 const std::optional<SlaRule>& base);
  std::optional<Sla> ReadSla(const YAML::Node& node, const std::string& path);
  void ReadStates(const YAML::Node& list, const std::string& path,
                  std::vector<YAML::Node>& nodes);
  std::optional<Transition> ReadTransition(const YAML::Node& node,
                                           const std::string& path);
  void ReadCreate(const YAML::Node& node, const std::string& path);
  void ReadSeverityRules(const YAML::Node& list, const std::string& path);
};

}  // namespace duban::workflow
