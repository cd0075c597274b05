// Reading an item kind's states and their SLAs, and the structural checks of
// its lifecycle once all states and transitions are read.
#include <fmt/format.h>

#include <algorithm>
#include <deque>

#include "workflow/kind_reader.h"
#include "workflow/time_reader.h"

namespace duban::workflow {

using yamlread::IndexPath;
using yamlread::JoinPath;
using yamlread::MapReader;

int KindReader::StateIndex(const YAML::Node& node, const std::string& path) {
  auto name = yamlread::ToString(node, path, s.ctx);
  if (!name) return -1;
  const int i = kind.FindState(*name);
  if (i < 0) {
    std::vector<std::string> ids;
    for (const auto& st : kind.states) ids.push_back(st.id);
    s.Unknown(node, path, "state", *name, ids, "states");
  }
  return i;
}

const FieldSpec* KindReader::Field(const YAML::Node& node,
                                   const std::string& path) {
  auto name = yamlread::ToString(node, path, s.ctx);
  if (!name) return nullptr;
  const FieldSpec* f = kind.fields.Find(*name);
  if (f == nullptr) {
    std::vector<std::string> names;
    for (const auto& x : kind.fields.fields) names.push_back(x.name);
    if (s.broken.count("field:" + BrokenFieldKey(this->path, *name)) == 0) {
      s.Unknown(node, path, "field", *name, names, "fields");
    }
  }
  return f;
}

std::optional<SlaRule> KindReader::SlaPart(const YAML::Node& node, MapReader& m,
                                           const std::string& path,
                                           const std::optional<SlaRule>& base) {
  auto due = m.Any("due");
  auto due_field = m.Any("due_field");
  auto milestone = m.Any("milestone");
  auto ladder = m.Any("ladder");
  const int given =
      due.has_value() + due_field.has_value() + milestone.has_value();
  if (given > 1 || (given == 0 && !base)) {
    s.Error(node, path, "an sla takes exactly one of due, due_field, milestone",
            "due: +3 working days (from entering the state), due_field: "
            "deadline (a date "
            "field), or milestone: <id>");
    return std::nullopt;
  }
  SlaRule rule = base.value_or(SlaRule{});
  bool ok = true;
  if (due) {
    auto offset = ReadOffset(*due, JoinPath(path, "due"), s.ctx);
    ok = offset.has_value();
    rule = SlaRule{SlaRule::From::kEntered, offset, "", -1, rule.ladder};
  } else if (due_field) {
    const FieldSpec* f = Field(*due_field, JoinPath(path, "due_field"));
    if (f != nullptr && f->type != FieldType::kDate) {
      s.Error(*due_field, JoinPath(path, "due_field"),
              fmt::format("field '{}' is {}; due_field needs a date field",
                          f->name, FieldTypeName(f->type)));
      f = nullptr;
    }
    ok = f != nullptr;
    if (ok)
      rule = SlaRule{SlaRule::From::kField, std::nullopt, f->name, -1,
                     rule.ladder};
  } else if (milestone) {
    const int ms = s.ResolveMilestone(*milestone, JoinPath(path, "milestone"));
    ok = ms >= 0;
    rule =
        SlaRule{SlaRule::From::kMilestone, std::nullopt, "", ms, rule.ladder};
  }
  if (ladder) {
    rule.ladder = ResolveLadderFor(*ladder, JoinPath(path, "ladder"), use, s);
    ok = ok && rule.ladder >= 0;
  }
  if (!ok) return std::nullopt;
  return rule;
}

std::optional<Sla> KindReader::ReadSla(const YAML::Node& node,
                                       const std::string& path) {
  MapReader m(node, path, &s.ctx);
  if (!m.valid()) return std::nullopt;
  auto warning = m.Map("warning");
  auto critical = m.Map("critical");
  auto normal = SlaPart(node, m, path, std::nullopt);
  m.Allow("description");
  m.Finish();
  if (!normal) return std::nullopt;
  Sla sla;
  sla.by_severity.fill(*normal);
  const std::pair<const std::optional<YAML::Node>*, Severity> overrides[] = {
      {&warning, Severity::kWarning}, {&critical, Severity::kCritical}};
  bool ok = true;
  for (const auto& [o, severity] : overrides) {
    if (!*o) continue;
    const std::string p = JoinPath(path, SeverityName(severity));
    MapReader om(**o, p, &s.ctx);
    auto rule = SlaPart(**o, om, p, normal);
    om.Finish();
    if (rule)
      sla.by_severity[static_cast<size_t>(severity)] = *rule;
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return sla;
}

void KindReader::ReadStates(const YAML::Node& list, const std::string& path,
                            std::vector<YAML::Node>& nodes) {
  IdRegistry ids("state");
  // Ids first, so an SLA may not need them but transitions read later can
  // name any state.
  std::vector<std::optional<YAML::Node>> slas;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string p = IndexPath(path, i);
    MapReader m(list[i], p, &s.ctx);
    if (!m.valid()) continue;
    State st;
    auto id = s.ReadId(m, "id");
    st.label = m.String("label", true).value_or("");
    st.terminal = m.Bool("terminal").value_or(false);
    auto sla = m.Map("sla");
    m.Allow("description");
    m.Finish();
    if (!id || !ids.Add(*id, list[i]["id"], JoinPath(p, "id"), s.ctx)) continue;
    st.id = *id;
    if (sla && st.terminal) {
      s.Error(
          *sla, JoinPath(p, "sla"),
          fmt::format("state '{}' is terminal, so nothing is due in it", st.id),
          "remove the sla, or remove terminal: true");
    } else if (sla) {
      st.sla = ReadSla(*sla, JoinPath(p, "sla"));
    }
    kind.states.push_back(std::move(st));
    nodes.push_back(list[i]["id"]);
  }
}

// Every state reachable from the initial state, no state where an open item
// would be stuck, at least one terminal state. Also fills State::outgoing.
void CheckLifecycle(const YAML::Node& kind_node, const std::string& path,
                    const std::vector<YAML::Node>& state_nodes, ItemKind& kind,
                    LoadState& s) {
  for (size_t t = 0; t < kind.transitions.size(); ++t) {
    for (const int from : kind.transitions[t].from) {
      auto& out = kind.states[static_cast<size_t>(from)].outgoing;
      if (out.empty() || out.back() != static_cast<int>(t))
        out.push_back(static_cast<int>(t));
    }
  }
  std::vector<bool> reached(kind.states.size(), false);
  std::deque<int> queue = {kind.initial};
  reached[static_cast<size_t>(kind.initial)] = true;
  while (!queue.empty()) {
    const int st = queue.front();
    queue.pop_front();
    for (const int t : kind.states[static_cast<size_t>(st)].outgoing) {
      const int to = kind.transitions[static_cast<size_t>(t)].to;
      if (!reached[static_cast<size_t>(to)]) {
        reached[static_cast<size_t>(to)] = true;
        queue.push_back(to);
      }
    }
  }
  const std::string& initial =
      kind.states[static_cast<size_t>(kind.initial)].id;
  const bool any_terminal =
      std::any_of(kind.states.begin(), kind.states.end(),
                  [](const State& st) { return st.terminal; });
  if (!any_terminal) {
    // Without an end every state looks stuck; say the one thing to fix.
    s.Error(kind_node["states"], path + ".states",
            fmt::format("item kind '{}' has no terminal state", kind.id),
            "mark the state where an item is finished with terminal: true");
    return;
  }
  for (size_t i = 0; i < kind.states.size(); ++i) {
    const State& st = kind.states[i];
    const std::string p =
        yamlread::JoinPath(yamlread::IndexPath(path + ".states", i), "id");
    if (!reached[i]) {
      s.Error(state_nodes[i], p,
              fmt::format(
                  "state '{}' cannot be reached from the initial state '{}'",
                  st.id, initial),
              "add a transition into it, or remove it");
    } else if (!st.terminal && st.outgoing.empty()) {
      s.Error(state_nodes[i], p,
              fmt::format(
                  "state '{}' is not terminal but has no transition out of it",
                  st.id),
              "an item there would stay open forever; add a transition from it "
              "or mark it "
              "terminal: true");
    }
  }
}

}  // namespace duban::workflow
