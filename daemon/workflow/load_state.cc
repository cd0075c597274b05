#include "workflow/load_state.h"

#include <fmt/format.h>

#include "base/strings.h"

namespace duban::workflow {
namespace {

using yamlread::IndexPath;

// Suggestions cost an edit distance per candidate; beyond this many
// candidates (a hostile file) the hint is skipped rather than the load slowed.
constexpr size_t kMaxSuggestionCandidates = 500;
constexpr size_t kMaxIdLength = 64;

template <typename T>
std::vector<std::string> Ids(const std::vector<T>& v) {
  std::vector<std::string> out;
  for (const auto& x : v) out.push_back(x.id);
  return out;
}

template <typename T>
int IndexOf(const std::vector<T>& v, const std::string& id) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

bool IdRegistry::Add(const std::string& id, const YAML::Node& node,
                     std::string_view path, yamlread::Context& ctx) {
  const auto [it, inserted] = lines_.emplace(id, yamlread::LineOf(node));
  if (inserted) return true;
  ctx.Error(node, path, fmt::format("duplicate {} '{}'", what_, id),
            fmt::format("first defined on line {}", it->second));
  return false;
}

void LoadState::Unknown(const YAML::Node& node, std::string_view path,
                        std::string_view what, const std::string& name,
                        const std::vector<std::string>& candidates,
                        std::string_view plural) {
  // A name that failed to load was already reported; saying it is unknown
  // too would send the user after a second, imaginary mistake.
  if (broken.count(fmt::format("{}:{}", what, name)) > 0) return;
  std::string hint;
  if (candidates.size() <= kMaxSuggestionCandidates &&
      name.size() <= kMaxIdLength) {
    hint = DidYouMean(name, candidates);
  }
  if (hint.empty()) {
    if (candidates.empty()) {
      hint = fmt::format("there are no {} yet", plural);
    } else if (candidates.size() <= 8) {
      std::string list;
      for (const auto& c : candidates) list += (list.empty() ? "" : ", ") + c;
      hint = fmt::format("known {}: {}", plural, list);
    }
  }
  Error(node, path, fmt::format("unknown {} '{}'", what, name),
        std::move(hint));
}

bool LoadState::CheckId(const YAML::Node& node, std::string_view path,
                        const std::string& id) {
  bool ok =
      !id.empty() && id.size() <= kMaxIdLength && id[0] >= 'a' && id[0] <= 'z';
  for (char c : id)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (!ok) {
    Error(node, path,
          fmt::format("'{}' is not a valid id", id.substr(0, kMaxIdLength)),
          "ids use lowercase letters, digits and '_', start with a letter and "
          "have at most 64 "
          "characters; put Chinese text in title or label");
  }
  return ok;
}

std::optional<std::string> LoadState::ReadId(yamlread::MapReader& m,
                                             std::string_view key) {
  auto id = m.String(key, true);
  if (!id) return std::nullopt;
  const auto node = m.Any(key);
  if (!CheckId(*node, yamlread::JoinPath(m.path(), key), *id))
    return std::nullopt;
  return id;
}

std::optional<Date> LoadState::ReadDate(const YAML::Node& node,
                                        std::string_view path) {
  auto text = yamlread::ToString(node, path, ctx);
  if (!text) return std::nullopt;
  auto d = ParseDate(*text);
  if (!d) {
    Error(node, path, fmt::format("'{}' is not a valid date", *text),
          "write dates as YYYY-MM-DD, e.g. 2024-03-25");
  }
  return d;
}

std::optional<std::vector<UnitLevel>> LoadState::ReadLevels(
    const YAML::Node& node, std::string_view path) {
  auto items = AsList(node, path, ctx);
  if (!items) return std::nullopt;
  std::vector<UnitLevel> out;
  bool ok = true;
  for (size_t i = 0; i < items->size(); ++i) {
    const YAML::Node& n = (*items)[i];
    const std::string p =
        node.IsSequence() ? IndexPath(path, i) : std::string(path);
    auto s = yamlread::ToString(n, p, ctx);
    if (!s) {
      ok = false;
      continue;
    }
    auto level = ParseUnitLevel(*s);
    if (!level) {
      Unknown(n, p, "level", *s, UnitLevelNames(), "levels");
      ok = false;
      continue;
    }
    out.push_back(*level);
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<RolePath> LoadState::ReadRolePath(const YAML::Node& node,
                                                std::string_view path) {
  auto text = yamlread::ToString(node, path, ctx);
  if (!text) return std::nullopt;
  std::string error;
  auto syntax = ParseRolePathSyntax(*text, &error);
  if (!syntax) {
    Error(node, path, error);
    return std::nullopt;
  }
  RolePath rp;
  rp.anchor = syntax->anchor;
  rp.ancestor_level = syntax->ancestor_level;
  rp.role_id = syntax->role_id;
  rp.text = *text;
  rp.role = spec.FindRole(rp.role_id);
  if (rp.role < 0) {
    Unknown(node, path, "role", rp.role_id, Ids(spec.roles), "roles");
    return std::nullopt;
  }
  return rp;
}

std::optional<std::vector<RolePath>> LoadState::ReadRolePaths(
    const YAML::Node& node, std::string_view path) {
  auto items = AsList(node, path, ctx);
  if (!items) return std::nullopt;
  std::vector<RolePath> out;
  bool ok = true;
  for (size_t i = 0; i < items->size(); ++i) {
    const std::string p =
        node.IsSequence() ? IndexPath(path, i) : std::string(path);
    auto rp = ReadRolePath((*items)[i], p);
    if (rp)
      out.push_back(std::move(*rp));
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

int LoadState::ResolveLadder(const YAML::Node& node, std::string_view path) {
  auto name = yamlread::ToString(node, path, ctx);
  if (!name) return -1;
  const int i = IndexOf(spec.ladders, *name);
  if (i < 0) {
    Unknown(node, path, "ladder", *name, Ids(spec.ladders), "ladders");
  } else {
    ladder_used[static_cast<size_t>(i)] = true;
  }
  return i;
}

int LoadState::ResolveTemplate(const YAML::Node& node, std::string_view path) {
  auto name = yamlread::ToString(node, path, ctx);
  if (!name) return -1;
  const int i = IndexOf(spec.templates, *name);
  if (i < 0) {
    Unknown(node, path, "template", *name, Ids(spec.templates), "templates");
  } else {
    template_used[static_cast<size_t>(i)] = true;
  }
  return i;
}

int LoadState::ResolvePhase(const YAML::Node& node, std::string_view path) {
  auto name = yamlread::ToString(node, path, ctx);
  if (!name) return -1;
  const int i = IndexOf(spec.phases, *name);
  if (i < 0) Unknown(node, path, "phase", *name, Ids(spec.phases), "phases");
  return i;
}

int LoadState::ResolveMilestone(const YAML::Node& node, std::string_view path) {
  auto name = yamlread::ToString(node, path, ctx);
  if (!name) return -1;
  const int i = IndexOf(spec.milestones, *name);
  if (i < 0)
    Unknown(node, path, "milestone", *name, Ids(spec.milestones), "milestones");
  return i;
}

std::optional<std::vector<YAML::Node>> AsList(const YAML::Node& node,
                                              std::string_view path,
                                              yamlread::Context& ctx) {
  if (node.IsScalar()) return std::vector<YAML::Node>{node};
  if (!node.IsSequence()) {
    ctx.Error(node, path, "expected a value or a list of values");
    return std::nullopt;
  }
  std::vector<YAML::Node> out;
  for (size_t i = 0; i < node.size(); ++i) out.push_back(node[i]);
  return out;
}

}  // namespace duban::workflow
