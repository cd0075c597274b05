// Internal to the loader: the state of one load (where errors go, the spec
// being built, what has been used) and the resolvers every section reader
// shares, so that "unknown role", "unknown ladder" and friends read the same
// everywhere.
//
// One LoadState per LoadCampaignText call; not shared between threads.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/workflow.h"
#include "yamlread/yamlread.h"

namespace duban::workflow {

// Ids of one namespace (states of a kind, phases, ...), for duplicates.
class IdRegistry {
 public:
  explicit IdRegistry(std::string what) : what_(std::move(what)) {}
  // False (after reporting "duplicate <what> 'id'") when `id` was seen.
  bool Add(const std::string& id, const YAML::Node& node, std::string_view path,
           yamlread::Context& ctx);

 private:
  std::string what_;
  std::map<std::string, int> lines_;  // id → line of its first definition
};

struct LoadState {
  LoadState(yamlread::Context& c, const LoadOptions& o, WorkflowSpec& s)
      : ctx(c), options(o), spec(s) {}

  yamlread::Context& ctx;
  const LoadOptions& options;
  WorkflowSpec& spec;
  std::vector<bool> ladder_used;
  std::vector<bool> template_used;
  std::vector<YAML::Node> ladder_nodes;    // where each ladder is declared
  std::vector<YAML::Node> template_nodes;  // where each template is declared
  // Obligations, milestones and item kinds share one namespace: each becomes
  // an item kind in the engine.
  IdRegistry item_ids{"item kind id"};
  std::set<std::string> broken;  // "<what>:<name>", see MarkBroken
  // `creates:` entries of transitions, checked against their target kinds
  // once every kind is read (a kind may create one defined after it).
  struct PendingCreate {
    YAML::Node node;
    std::string path;
    size_t kind_index = 0;   // the creating kind in spec.item_kinds
    std::string transition;  // its name
    size_t entry = 0;        // index in Transition::creates
  };
  std::vector<PendingCreate> pending_creates;

  void Error(const YAML::Node& node, std::string_view path, std::string message,
             std::string hint = {}) {
    ctx.Error(node, path, std::move(message), std::move(hint));
  }

  // Reports "unknown <what> 'name'" with a did-you-mean or the known names
  // (`plural`: "states"), unless the name is marked broken.
  void Unknown(const YAML::Node& node, std::string_view path,
               std::string_view what, const std::string& name,
               const std::vector<std::string>& candidates,
               std::string_view plural);
  // Marks a name whose definition had errors, so references to it are not
  // reported again as unknown. `what` is as in Unknown().
  void MarkBroken(std::string_view what, const std::string& name) {
    broken.insert(std::string(what) + ":" + name);
  }

  // Reads an id under `key` and checks its spelling (lowercase letters,
  // digits and '_', starting with a letter).
  std::optional<std::string> ReadId(yamlread::MapReader& m,
                                    std::string_view key);
  bool CheckId(const YAML::Node& node, std::string_view path,
               const std::string& id);

  std::optional<Date> ReadDate(const YAML::Node& node, std::string_view path);
  std::optional<std::vector<UnitLevel>> ReadLevels(const YAML::Node& node,
                                                   std::string_view path);
  std::optional<RolePath> ReadRolePath(const YAML::Node& node,
                                       std::string_view path);
  // One role path or a list of them.
  std::optional<std::vector<RolePath>> ReadRolePaths(const YAML::Node& node,
                                                     std::string_view path);

  // Index of a declared ladder / template binding / phase / milestone; -1
  // after reporting an unknown name. Marks ladders and templates used.
  int ResolveLadder(const YAML::Node& node, std::string_view path);
  int ResolveTemplate(const YAML::Node& node, std::string_view path);
  int ResolvePhase(const YAML::Node& node, std::string_view path);
  int ResolveMilestone(const YAML::Node& node, std::string_view path);
};

// Turns a node into a list of nodes: a sequence as is, a scalar as a list of
// one. Reports anything else.
std::optional<std::vector<YAML::Node>> AsList(const YAML::Node& node,
                                              std::string_view path,
                                              yamlread::Context& ctx);

}  // namespace duban::workflow
