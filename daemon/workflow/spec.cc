// Small behaviour of the spec types: names, lookups, role path syntax, dates.
#include "workflow/spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "base/strings.h"

namespace duban::workflow {
namespace {

template <typename T>
const T* FindById(const std::vector<T>& v, std::string_view id) {
  for (const auto& x : v) {
    if (x.id == id) return &x;
  }
  return nullptr;
}

constexpr std::array<std::pair<UnitLevel, std::string_view>, 7> kLevels = {{
    {UnitLevel::kProvince, "province"},
    {UnitLevel::kCity, "city"},
    {UnitLevel::kCounty, "county"},
    {UnitLevel::kTown, "town"},
    {UnitLevel::kVillage, "village"},
    {UnitLevel::kDepartment, "department"},
    {UnitLevel::kAgency, "agency"},
}};

bool IsRoleId(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  }
  return true;
}

}  // namespace

std::string_view UnitLevelName(UnitLevel level) {
  for (const auto& [l, name] : kLevels) {
    if (l == level) return name;
  }
  return "unit";
}

std::optional<UnitLevel> ParseUnitLevel(std::string_view name) {
  for (const auto& [l, n] : kLevels) {
    if (n == name) return l;
  }
  return std::nullopt;
}

const std::vector<std::string>& UnitLevelNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> v;
    for (const auto& [l, n] : kLevels) v.emplace_back(n);
    return v;
  }();
  return kNames;
}

std::optional<RolePathSyntax> ParseRolePathSyntax(std::string_view text,
                                                  std::string* error) {
  RolePathSyntax out;
  const size_t dot = text.rfind('.');
  const std::string_view anchor =
      dot == std::string_view::npos ? "self" : text.substr(0, dot);
  out.role_id =
      std::string(dot == std::string_view::npos ? text : text.substr(dot + 1));
  if (!IsRoleId(out.role_id)) {
    *error = fmt::format(
        "'{}' is not a role path; expected something like self.liaison, "
        "parent.office or ancestor(county).task_force",
        text);
    return std::nullopt;
  }
  if (anchor == "self") {
    out.anchor = RolePath::Anchor::kSelf;
  } else if (anchor == "parent") {
    out.anchor = RolePath::Anchor::kParent;
  } else if (anchor == "department") {
    out.anchor = RolePath::Anchor::kDepartment;
  } else if (anchor == "agency") {
    out.anchor = RolePath::Anchor::kAgency;
  } else if (StartsWith(anchor, "ancestor(") && anchor.back() == ')') {
    const std::string_view level = anchor.substr(9, anchor.size() - 10);
    const auto l = ParseUnitLevel(level);
    // Departments and agencies hang off the tree; they are never above a
    // unit.
    if (!l || *l == UnitLevel::kDepartment || *l == UnitLevel::kAgency) {
      *error = fmt::format(
          "unknown level '{}' in '{}'; expected one of: province, city, "
          "county, town, village",
          level, text);
      return std::nullopt;
    }
    out.anchor = RolePath::Anchor::kAncestor;
    out.ancestor_level = *l;
  } else {
    *error = fmt::format(
        "unknown unit '{}' in '{}'; expected self, parent, ancestor(<level>), "
        "department or agency",
        anchor, text);
    return std::nullopt;
  }
  return out;
}

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kCritical:
      return "critical";
  }
  return "info";
}

std::string_view EscalationLevelName(EscalationLevel l) {
  switch (l) {
    case EscalationLevel::kReminder:
      return "reminder";
    case EscalationLevel::kCircular:
      return "circular";
    case EscalationLevel::kSupervision:
      return "supervision";
    case EscalationLevel::kTalk:
      return "talk";
  }
  return "reminder";
}

std::optional<Date> ParseDate(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8}, lens[3] = {4, 2, 2};
  for (int i = 0; i < 3; ++i) {
    for (size_t j = starts[i]; j < starts[i] + lens[i]; ++j) {
      if (!std::isdigit(static_cast<unsigned char>(t[j]))) return std::nullopt;
      parts[i] = parts[i] * 10 + (t[j] - '0');
    }
  }
  const Date d{std::chrono::year(parts[0]), std::chrono::month(parts[1]),
               std::chrono::day(parts[2])};
  if (!d.ok()) return std::nullopt;
  return d;
}

bool Window::Contains(Date d) const {
  if (ranges.empty()) return true;
  return std::any_of(ranges.begin(), ranges.end(),
                     [&](const DateRange& r) { return r.Contains(d); });
}

int SampleGroup::Houses() const {
  int n = 0;
  for (const auto& u : units) n += u.houses;
  return n;
}

int SamplingPlan::Houses() const {
  int n = 0;
  for (const auto& g : groups) n += g.Houses();
  return n;
}

int WorkflowSpec::FindRole(std::string_view id) const {
  for (size_t i = 0; i < roles.size(); ++i) {
    if (roles[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

const Phase* WorkflowSpec::FindPhase(std::string_view id) const {
  return FindById(phases, id);
}
const Ladder* WorkflowSpec::FindLadder(std::string_view id) const {
  return FindById(ladders, id);
}
const Obligation* WorkflowSpec::FindObligation(std::string_view id) const {
  return FindById(obligations, id);
}
const Milestone* WorkflowSpec::FindMilestone(std::string_view id) const {
  return FindById(milestones, id);
}

const Summary* WorkflowSpec::FindSummary(std::string_view id) const {
  for (const auto& x : summaries) {
    if (x.id == id) return &x;
  }
  return nullptr;
}
const ItemKind* WorkflowSpec::FindItemKind(std::string_view id) const {
  return FindById(item_kinds, id);
}

std::vector<const Phase*> WorkflowSpec::PhasesOn(Date d) const {
  std::vector<const Phase*> out;
  for (const auto& p : phases) {
    if (p.days.Contains(d)) out.push_back(&p);
  }
  return out;
}

int ItemKind::FindState(std::string_view state_id) const {
  for (size_t i = 0; i < states.size(); ++i) {
    if (states[i].id == state_id) return static_cast<int>(i);
  }
  return -1;
}

int ItemKind::FindTransition(std::string_view name) const {
  for (size_t i = 0; i < transitions.size(); ++i) {
    if (transitions[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

bool ItemKind::AllowedFrom(int transition, int state) const {
  const auto& from = transitions[static_cast<size_t>(transition)].from;
  return std::find(from.begin(), from.end(), state) != from.end();
}

Severity ItemKind::SeverityOf(const FieldValues& data) const {
  for (const auto& rule : severity) {
    if (!rule.when || Evaluate(*rule.when, data).value_or(false))
      return rule.severity;
  }
  return Severity::kInfo;
}

std::vector<FieldError> ItemKind::ValidateTransition(
    int transition, const FieldValues& data, const FieldValues& input) const {
  const Transition& t = transitions[static_cast<size_t>(transition)];
  std::vector<FieldError> errors = Validate(t.input, input);
  if (!errors.empty()) return errors;
  // Guards are preconditions: they see the input, not the transition's own
  // writes (lift_control requires control_active and then clears it).
  FieldValues merged = data;
  for (const auto& [k, v] : input) merged[k] = v;
  return CheckConditions(t.guards, merged);
}

}  // namespace duban::workflow
