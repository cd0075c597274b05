// Readers for escalation ladders and their steps, and the checks that a
// ladder fits where it is used.
#include <cstdio>
#include <fmt/format.h>

#include "workflow/load_sections.h"
#include "workflow/time_reader.h"

namespace duban::workflow {
namespace {

using yamlread::IndexPath;
using yamlread::JoinPath;
using yamlread::MapReader;

const std::vector<std::string>& SeverityNames() {
  static const std::vector<std::string> kNames = {"info", "warning",
                                                  "critical"};
  return kNames;
}
const std::vector<std::string>& LevelNames() {
  static const std::vector<std::string> kNames = {"reminder", "circular",
                                                  "supervision", "talk"};
  return kNames;
}

template <typename E>
E FromName(const std::vector<std::string>& names, const std::string& name) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return static_cast<E>(0);
}

std::optional<Repeat> ReadRepeat(const YAML::Node& node,
                                 const std::string& path, LoadState& s) {
  MapReader m(node, path, &s.ctx);
  auto every = m.Any("every", true);
  auto times = m.Int("times", true, 1, 100);
  m.Finish();
  if (!every || !times) return std::nullopt;
  auto offset = ReadOffset(*every, JoinPath(path, "every"), s.ctx);
  if (!offset) return std::nullopt;
  if (!IsPositive(*offset)) {
    s.Error(*every, JoinPath(path, "every"),
            fmt::format("repeat interval '{}' is not positive", offset->text),
            "write a forward interval such as +24h or +1 working day");
    return std::nullopt;
  }
  return Repeat{*offset, static_cast<int>(*times)};
}

void ReadLadder(const std::string& id, const YAML::Node& node,
                const std::string& path, LoadState& s) {
  MapReader m(node, path, &s.ctx);
  Ladder ladder;
  ladder.id = id;
  ladder.title = m.String("title").value_or("");
  auto steps = m.Sequence("steps", true);
  m.Allow("description");
  m.Finish();
  if (steps &&
      CheckCount(*steps, JoinPath(path, "steps"), "steps", kMaxEntries, s)) {
    IdRegistry names("step");
    std::optional<int64_t> prev_key;
    const LadderStep* prev = nullptr;
    for (size_t i = 0; i < steps->size(); ++i) {
      const std::string p = IndexPath(JoinPath(path, "steps"), i);
      auto step = ReadStep((*steps)[i], p, s);
      if (!step || !names.Add(step->name, (*steps)[i]["name"],
                              JoinPath(p, "name"), s.ctx)) {
        continue;
      }
      // Checked as if due at noon: exact for offsets without a time of day,
      // and right for the Friday-noon report that motivated "-1d 16:00".
      const int64_t key = SortKeyMinutes(step->after, 12 * 60);
      if (prev != nullptr && key < *prev_key) {
        s.Error(
            (*steps)[i]["after"], JoinPath(p, "after"),
            fmt::format(
                "step '{}' (after {}) is listed after step '{}' (after {}) but "
                "comes earlier",
                step->name, step->after.text, prev->name, prev->after.text),
            "list ladder steps in time order of 'after'");
      }
      ladder.steps.push_back(std::move(*step));
      prev = &ladder.steps.back();
      prev_key = key;
    }
  }
  s.spec.ladders.push_back(std::move(ladder));
}

// `ladder_id` names the ladder in messages; empty for inline steps.
bool CheckSteps(const std::vector<LadderStep>& steps, const YAML::Node& node,
                const std::string& path, const LadderUse& use, LoadState& s,
                std::string_view ladder_id) {
  bool ok = true;
  const std::string where = ladder_id.empty()
                                ? std::string()
                                : fmt::format("ladder '{}' ", ladder_id);
  for (const auto& step : steps) {
    for (const auto& rp : step.notify) {
      const bool dept =
          rp.anchor == RolePath::Anchor::kDepartment && !use.has_department;
      const bool agency =
          rp.anchor == RolePath::Anchor::kAgency && !use.has_agency;
      if (dept || agency) {
        s.Error(node, path,
                fmt::format("{}step '{}' notifies {}, but {} has no {}", where,
                            step.name, rp.text, use.what,
                            dept ? "department" : "agency"),
                fmt::format("only item kinds with 'links: [{}]' have one",
                            dept ? "department" : "agency"));
        ok = false;
      }
    }
    if (step.consecutive_missed > 0 && !use.is_obligation) {
      s.Error(
          node, path,
          fmt::format(
              "{}step '{}' uses consecutive_missed, but {} is not a recurring "
              "obligation",
              where, step.name, use.what),
          "consecutive_missed counts missed occurrences of an obligation");
      ok = false;
    }
  }
  return ok;
}

}  // namespace

std::optional<Severity> ReadSeverity(MapReader& m, std::string_view key,
                                     bool required) {
  auto name = m.Enum(key, SeverityNames(), required);
  if (!name) return std::nullopt;
  return FromName<Severity>(SeverityNames(), *name);
}

std::optional<LadderStep> ReadStep(const YAML::Node& node,
                                   const std::string& path, LoadState& s) {
  MapReader m(node, path, &s.ctx);
  if (!m.valid()) return std::nullopt;
  LadderStep step;
  auto name = s.ReadId(m, "name");
  auto after = m.Any("after", true);
  auto notify = m.Any("notify", true);
  auto tmpl = m.Any("template", true);
  auto severity = ReadSeverity(m, "severity");
  auto level = m.Enum("level", LevelNames());
  auto repeat = m.Map("repeat");
  auto missed = m.Int("consecutive_missed", false, 2, 52);
  auto bypass = m.Bool("bypass_quiet_hours");
  auto digest_at = m.Any("digest_at");
  m.Allow("description");
  m.Finish();
  bool ok = name.has_value() && after && notify && tmpl;
  if (after) {
    auto offset = ReadOffset(*after, JoinPath(path, "after"), s.ctx);
    if (offset)
      step.after = *offset;
    else
      ok = false;
  }
  if (notify) {
    auto paths = s.ReadRolePaths(*notify, JoinPath(path, "notify"));
    if (paths && paths->empty()) {
      s.Error(*notify, JoinPath(path, "notify"), "notify names nobody");
      ok = false;
    } else if (paths) {
      step.notify = std::move(*paths);
    } else {
      ok = false;
    }
  }
  if (tmpl) {
    step.template_binding =
        s.ResolveTemplate(*tmpl, JoinPath(path, "template"));
    ok = ok && step.template_binding >= 0;
  }
  if (repeat) {
    step.repeat = ReadRepeat(*repeat, JoinPath(path, "repeat"), s);
    ok = ok && step.repeat.has_value();
  }
  if (digest_at) {
    auto text = yamlread::ToString(*digest_at, JoinPath(path, "digest_at"), s.ctx);
    int h = -1;
    int mi = -1;
    char tail = 0;
    if (text && std::sscanf(text->c_str(), "%d:%d%c", &h, &mi, &tail) == 2 && h >= 0 &&
        h < 24 && mi >= 0 && mi < 60) {
      step.digest_at_min = h * 60 + mi;
    } else {
      s.Error(*digest_at, JoinPath(path, "digest_at"),
              fmt::format("invalid time of day '{}'", text.value_or("")),
              "write HH:MM, for example digest_at: \"09:00\"");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  step.name = *name;
  step.severity = severity.value_or(Severity::kInfo);
  if (level) step.level = FromName<EscalationLevel>(LevelNames(), *level);
  step.consecutive_missed = static_cast<int>(missed.value_or(0));
  step.bypass_quiet_hours =
      bypass.value_or(step.severity == Severity::kCritical);
  return step;
}

void ReadLadders(MapReader& top, LoadState& s) {
  auto node = top.Map("ladders");
  if (node && CheckCount(*node, "ladders", "ladders", kMaxEntries, s)) {
    IdRegistry ids("ladder");
    for (auto it = node->begin(); it != node->end(); ++it) {
      auto id = yamlread::ToString(it->first, "ladders", s.ctx);
      if (!id) continue;
      const std::string path = JoinPath("ladders", *id);
      if (!s.CheckId(it->first, path, *id) ||
          !ids.Add(*id, it->first, path, s.ctx))
        continue;
      ReadLadder(*id, it->second, path, s);
      s.ladder_nodes.push_back(it->first);
    }
  }
  s.ladder_used.assign(s.spec.ladders.size(), false);
}

bool CheckStepsFor(const std::vector<LadderStep>& steps, const YAML::Node& node,
                   const std::string& path, const LadderUse& use,
                   LoadState& s) {
  return CheckSteps(steps, node, path, use, s, "");
}

int ResolveLadderFor(const YAML::Node& node, const std::string& path,
                     const LadderUse& use, LoadState& s) {
  const int i = s.ResolveLadder(node, path);
  if (i < 0) return -1;
  const Ladder& ladder = s.spec.ladders[static_cast<size_t>(i)];
  return CheckSteps(ladder.steps, node, path, use, s, ladder.id) ? i : -1;
}

}  // namespace duban::workflow
