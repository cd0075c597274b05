// Readers for item kinds: transitions with roles, fields, guards and
// constant writes, creation, and severity rules. States and SLAs are in
// load_states.cc.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "workflow/condition_parser.h"
#include "workflow/kind_reader.h"
#include "workflow/time_reader.h"

namespace duban::workflow {

using yamlread::IndexPath;
using yamlread::JoinPath;
using yamlread::MapReader;

std::optional<std::vector<RolePath>> KindReader::Roles(
    const YAML::Node& node, const std::string& path) {
  auto paths = s.ReadRolePaths(node, path);
  if (!paths) return std::nullopt;
  for (const auto& rp : *paths) {
    const bool dept =
        rp.anchor == RolePath::Anchor::kDepartment && !kind.has_department;
    const bool agency =
        rp.anchor == RolePath::Anchor::kAgency && !kind.has_agency;
    if (dept || agency) {
      s.Error(
          node, path,
          fmt::format("role '{}' needs the item's {}, but items of this kind "
                      "have none",
                      rp.text, dept ? "department" : "agency"),
          fmt::format("add 'links: [{}]' to the item kind",
                      dept ? "department" : "agency"));
      return std::nullopt;
    }
  }
  return paths;
}

FieldSet KindReader::Input(const std::optional<YAML::Node>& required,
                           const std::optional<YAML::Node>& optional,
                           const std::string& path) {
  FieldSet set;
  std::set<std::string> seen;
  const std::pair<const std::optional<YAML::Node>*, const char*> lists[] = {
      {&required, "fields"}, {&optional, "optional_fields"}};
  for (const auto& [node, key] : lists) {
    if (!*node) continue;
    const std::string p = JoinPath(path, key);
    auto items = AsList(**node, p, s.ctx);
    if (!items) continue;
    for (size_t i = 0; i < items->size(); ++i) {
      const std::string ip = (*node)->IsSequence() ? IndexPath(p, i) : p;
      const FieldSpec* f = Field((*items)[i], ip);
      if (f == nullptr) continue;
      if (!seen.insert(f->name).second) {
        s.Error((*items)[i], ip,
                fmt::format("field '{}' is listed twice", f->name));
        continue;
      }
      FieldSpec copy = *f;
      copy.required = std::string_view(key) == "fields";
      set.fields.push_back(std::move(copy));
    }
  }
  // The kind's checks apply to a form when the form carries all they read.
  for (const auto& c : kind.fields.checks) {
    const auto names = c.Fields();
    if (std::all_of(names.begin(), names.end(),
                    [&](const auto& n) { return seen.count(n) > 0; })) {
      set.checks.push_back(c);
    }
  }
  return set;
}

std::optional<Transition> KindReader::ReadTransition(const YAML::Node& node,
                                                     const std::string& path) {
  MapReader m(node, path, &s.ctx);
  if (!m.valid()) return std::nullopt;
  Transition t;
  auto name = s.ReadId(m, "name");
  t.title = m.String("title").value_or("");
  auto from = m.Any("from", true);
  auto to = m.Any("to", true);
  auto by = m.Any("by");
  auto fields = m.Any("fields");
  auto optional = m.Any("optional_fields");
  auto guards = m.Any("requires");
  auto sets = m.Map("sets");
  auto creates = m.Sequence("creates");
  m.Allow("description");
  m.Finish();
  bool ok = name.has_value() && from && to;
  if (from) {
    auto items = AsList(*from, JoinPath(path, "from"), s.ctx);
    ok = ok && items.has_value();
    for (size_t i = 0; items && i < items->size(); ++i) {
      const std::string p = from->IsSequence()
                                ? IndexPath(JoinPath(path, "from"), i)
                                : JoinPath(path, "from");
      const int st = StateIndex((*items)[i], p);
      if (st >= 0)
        t.from.push_back(st);
      else
        ok = false;
    }
  }
  if (to) {
    t.to = StateIndex(*to, JoinPath(path, "to"));
    ok = ok && t.to >= 0;
  }
  if (by) {
    auto roles = Roles(*by, JoinPath(path, "by"));
    if (roles)
      t.by = std::move(*roles);
    else
      ok = false;
  }
  t.input = Input(fields, optional, path);
  if (guards && fields_ok)
    t.guards =
        ReadConditions(*guards, JoinPath(path, "requires"), kind.fields, s);
  if (sets) {
    for (auto it = sets->begin(); it != sets->end(); ++it) {
      const FieldSpec* f = Field(it->first, JoinPath(path, "sets"));
      if (f == nullptr) {
        ok = false;
        continue;
      }
      const std::string p = JoinPath(JoinPath(path, "sets"), f->name);
      auto text = yamlread::ToString(it->second, p, s.ctx);
      ConditionError error;
      auto value = text ? LiteralFor(*f, *text, &error) : std::nullopt;
      if (!value) {
        if (text) s.Error(it->second, p, error.message, error.hint);
        ok = false;
        continue;
      }
      t.sets[f->name] = *value;
    }
  }
  std::vector<LoadState::PendingCreate> pending;
  if (creates && CheckCount(*creates, JoinPath(path, "creates"), "creates", 20, s)) {
    for (size_t i = 0; i < creates->size(); ++i) {
      const std::string p = IndexPath(JoinPath(path, "creates"), i);
      auto d = ReadDerived((*creates)[i], p);
      if (!d) {
        ok = false;
        continue;
      }
      pending.push_back({(*creates)[i], p, s.spec.item_kinds.size(), "", t.creates.size()});
      t.creates.push_back(std::move(*d));
    }
  }
  if (!ok) return std::nullopt;
  t.name = *name;
  for (auto& pc : pending) {
    pc.transition = t.name;
    s.pending_creates.push_back(std::move(pc));
  }
  return t;
}

std::optional<DerivedItem> KindReader::ReadDerived(const YAML::Node& node,
                                                   const std::string& path) {
  MapReader m(node, path, &s.ctx);
  if (!m.valid()) return std::nullopt;
  DerivedItem d;
  auto kind_id = m.String("kind", true);
  auto when = m.Any("when");
  auto copy = m.Map("fields");
  auto dates = m.Map("dates");
  m.Allow("description");
  m.Finish();
  bool ok = kind_id.has_value();
  d.kind = kind_id.value_or("");
  if (when && fields_ok) {
    d.when = ReadCondition(*when, JoinPath(path, "when"), kind.fields, s);
    ok = ok && d.when.has_value();
  }
  if (copy) {
    for (auto it = copy->begin(); it != copy->end(); ++it) {
      const std::string p = JoinPath(JoinPath(path, "fields"), it->first.as<std::string>(""));
      const FieldSpec* source = Field(it->second, p);  // a field of this kind
      if (source == nullptr) {
        ok = false;
        continue;
      }
      d.copy.emplace_back(it->first.as<std::string>(""), source->name);
    }
  }
  if (dates) {
    for (auto it = dates->begin(); it != dates->end(); ++it) {
      const std::string p = JoinPath(JoinPath(path, "dates"), it->first.as<std::string>(""));
      auto offset = ReadOffset(it->second, p, s.ctx);
      if (!offset) {
        ok = false;
        continue;
      }
      d.dates.emplace_back(it->first.as<std::string>(""), *offset);
    }
  }
  if (!ok) return std::nullopt;
  return d;
}

void KindReader::ReadCreate(const YAML::Node& node, const std::string& path) {
  MapReader m(node, path, &s.ctx);
  auto by = m.Any("by");
  auto fields = m.Any("fields");
  auto optional = m.Any("optional_fields");
  m.Finish();
  if (by)
    kind.create_by =
        Roles(*by, JoinPath(path, "by")).value_or(std::vector<RolePath>{});
  kind.create = Input(fields, optional, path);
}

void KindReader::ReadSeverityRules(const YAML::Node& list,
                                   const std::string& path) {
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string p = IndexPath(path, i);
    MapReader m(list[i], p, &s.ctx);
    if (!m.valid()) continue;
    auto when = m.Any("when");
    auto severity = ReadSeverity(m, "severity", true);
    m.Allow("description");
    m.Finish();
    SeverityRule rule;
    if (when) {
      if (!fields_ok) continue;
      rule.when = ReadCondition(*when, JoinPath(p, "when"), kind.fields, s);
      if (!rule.when) continue;
    }
    if (!severity) continue;
    rule.severity = *severity;
    kind.severity.push_back(std::move(rule));
  }
}

namespace {

void ReadItemKind(const YAML::Node& node, const std::string& path,
                  LoadState& s) {
  MapReader m(node, path, &s.ctx);
  if (!m.valid()) return;
  ItemKind kind;
  auto id = s.ReadId(m, "id");
  kind.title = m.String("title", true).value_or("");
  auto owner = m.Any("owner", true);
  auto links = m.StringList("links");
  auto fields = m.Any("fields");
  auto checks = m.Any("checks");
  auto states = m.Sequence("states", true);
  auto initial = m.Any("initial", true);
  auto transitions = m.Sequence("transitions", true);
  auto create = m.Map("create");
  auto severity = m.Sequence("severity");
  m.Allow("description");
  m.Finish();
  if (id) s.item_ids.Add(*id, *m.Any("id"), JoinPath(path, "id"), s.ctx);
  kind.id = id.value_or("");
  if (owner) {
    if (auto levels = s.ReadLevels(*owner, JoinPath(path, "owner")))
      kind.owner = *levels;
  }
  for (size_t i = 0; links && i < links->size(); ++i) {
    const std::string& l = (*links)[i];
    if (l == "department")
      kind.has_department = true;
    else if (l == "agency")
      kind.has_agency = true;
    else
      s.Unknown((*m.Any("links"))[i], IndexPath(JoinPath(path, "links"), i),
                "link", l, {"department", "agency"}, "links");
  }
  KindReader r{kind, path,
               LadderUse{fmt::format("item kind '{}'", kind.id),
                         kind.has_department, kind.has_agency, false},
               s};
  kind.fields = ReadFieldSet(fields, checks, path, s, &r.fields_ok);
  for (size_t i = 0; fields && fields->IsSequence() && i < fields->size();
       ++i) {
    const YAML::Node required =
        (*fields)[i].IsMap() ? (*fields)[i]["required"] : YAML::Node();
    if (required.IsDefined() && required.IsScalar() &&
        required.Scalar() == "true") {
      s.ctx.Warning(required,
                    IndexPath(JoinPath(path, "fields"), i) + ".required",
                    "'required' has no effect in an item kind",
                    "list the field under create.fields or a transition's "
                    "fields instead");
    }
  }
  std::vector<YAML::Node> state_nodes;
  if (states &&
      CheckCount(*states, JoinPath(path, "states"), "states", kMaxEntries, s)) {
    r.ReadStates(*states, JoinPath(path, "states"), state_nodes);
  }
  bool complete = states.has_value() && state_nodes.size() == states->size();
  if (initial) {
    kind.initial = r.StateIndex(*initial, JoinPath(path, "initial"));
    complete = complete && kind.initial >= 0;
  }
  if (transitions && CheckCount(*transitions, JoinPath(path, "transitions"),
                                "transitions", kMaxEntries, s)) {
    IdRegistry names("transition");
    for (size_t i = 0; i < transitions->size(); ++i) {
      const std::string p = IndexPath(JoinPath(path, "transitions"), i);
      auto t = r.ReadTransition((*transitions)[i], p);
      if (!t || !names.Add(t->name, (*transitions)[i]["name"],
                           JoinPath(p, "name"), s.ctx)) {
        complete = false;
        continue;
      }
      kind.transitions.push_back(std::move(*t));
    }
  }
  if (create) {
    r.ReadCreate(*create, JoinPath(path, "create"));
  } else {
    // Without a create block an item may start with any of its fields and
    // needs none.
    kind.create.fields = kind.fields.fields;
    for (auto& f : kind.create.fields) f.required = false;
  }
  if (severity && CheckCount(*severity, JoinPath(path, "severity"),
                             "severity rules", kMaxEntries, s)) {
    r.ReadSeverityRules(*severity, JoinPath(path, "severity"));
  }
  // Reachability over a partly read lifecycle would only repeat earlier
  // errors in other words.
  if (complete && transitions) CheckLifecycle(node, path, state_nodes, kind, s);
  if (kind.initial < 0) kind.initial = 0;
  s.spec.item_kinds.push_back(std::move(kind));
}

}  // namespace

// Every `creates:` entry against the kind it creates, now that all are read.
static void CheckCreates(LoadState& s) {
  for (const auto& pc : s.pending_creates) {
    if (pc.kind_index >= s.spec.item_kinds.size()) continue;
    ItemKind& parent = s.spec.item_kinds[pc.kind_index];
    const int ti = parent.FindTransition(pc.transition);
    if (ti < 0) continue;
    auto& creates = parent.transitions[static_cast<size_t>(ti)].creates;
    if (pc.entry >= creates.size()) continue;
    const DerivedItem& d = creates[pc.entry];
    const ItemKind* target = s.spec.FindItemKind(d.kind);
    if (target == nullptr) {
      std::vector<std::string> ids;
      for (const auto& k : s.spec.item_kinds) ids.push_back(k.id);
      s.Unknown(pc.node["kind"], JoinPath(pc.path, "kind"), "item kind", d.kind, ids,
                "item kinds");
      continue;
    }
    if (target->has_department || target->has_agency) {
      s.Error(pc.node["kind"], JoinPath(pc.path, "kind"),
              fmt::format("'{}' links a department or agency; a transition can only create "
                          "items owned by the same unit and linked to nothing",
                          d.kind));
      continue;
    }
    bool owner_ok = false;
    for (auto l : parent.owner) {
      owner_ok = owner_ok || std::find(target->owner.begin(), target->owner.end(), l) !=
                                 target->owner.end();
    }
    if (!owner_ok) {
      s.Error(pc.node["kind"], JoinPath(pc.path, "kind"),
              fmt::format("'{}' cannot be owned by the units that own '{}'", d.kind,
                          parent.id));
    }
    std::set<std::string> given;
    for (const auto& [to, from] : d.copy) {
      const FieldSpec* f = target->fields.Find(to);
      const FieldSpec* src = parent.fields.Find(from);
      const std::string p = JoinPath(JoinPath(pc.path, "fields"), to);
      if (f == nullptr) {
        s.Error(pc.node["fields"], p, fmt::format("'{}' has no field '{}'", d.kind, to));
      } else if (src != nullptr && src->type != f->type) {
        s.Error(pc.node["fields"], p,
                fmt::format("'{}' is {} but '{}' is {}", to, FieldTypeName(f->type), from,
                            FieldTypeName(src->type)));
      }
      given.insert(to);
    }
    for (const auto& [to, offset] : d.dates) {
      const FieldSpec* f = target->fields.Find(to);
      const std::string p = JoinPath(JoinPath(pc.path, "dates"), to);
      if (f == nullptr || f->type != FieldType::kDate) {
        s.Error(pc.node["dates"], p, fmt::format("'{}' has no date field '{}'", d.kind, to));
      }
      given.insert(to);
    }
    for (const auto& f : target->create.fields) {
      if (f.required && !given.contains(f.name)) {
        s.Error(pc.node, pc.path,
                fmt::format("creating '{}' needs its field '{}'", d.kind, f.name),
                fmt::format("add it under fields: ({}: <a field of {}>) or dates:", f.name,
                            parent.id));
      }
    }
  }
}

void ReadItemKinds(MapReader& top, LoadState& s) {
  auto node = top.Sequence("item_kinds");
  if (!node || !CheckCount(*node, "item_kinds", "item kinds", kMaxEntries, s))
    return;
  for (size_t i = 0; i < node->size(); ++i) {
    ReadItemKind((*node)[i], IndexPath("item_kinds", i), s);
  }
  CheckCreates(s);
}

}  // namespace duban::workflow
