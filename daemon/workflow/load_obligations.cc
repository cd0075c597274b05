// Readers for recurring obligations (the Friday-noon weekly report) and
// milestones (named one-off deadlines with countdown reminders).
#include <fmt/format.h>

#include <algorithm>

#include "workflow/load_sections.h"
#include "workflow/time_reader.h"

namespace duban::workflow {
namespace {

using yamlread::IndexPath;
using yamlread::JoinPath;
using yamlread::MapReader;

// Sorts ranges and merges those that touch or overlap.
std::vector<DateRange> Merge(std::vector<DateRange> ranges) {
  std::sort(
      ranges.begin(), ranges.end(),
      [](const DateRange& a, const DateRange& b) { return a.first < b.first; });
  std::vector<DateRange> out;
  for (const auto& r : ranges) {
    if (!out.empty()) {
      DateRange& last = out.back();
      const bool touches = !last.last || std::chrono::sys_days(r.first) <=
                                             std::chrono::sys_days(*last.last) +
                                                 std::chrono::days(1);
      if (touches) {
        if (last.last && (!r.last || *r.last > *last.last)) last.last = r.last;
        continue;
      }
    }
    out.push_back(r);
  }
  return out;
}

std::optional<Window> ReadWindow(const YAML::Node& node,
                                 const std::string& path, LoadState& s) {
  MapReader m(node, path, &s.ctx);
  auto phases = m.Any("phases");
  auto from = m.Any("from");
  auto until = m.Any("until");
  m.Finish();
  if (!m.valid()) return std::nullopt;
  Window w;
  if (phases) {
    if (from || until) {
      s.Error(node, path,
              "a window takes either phases or from/until, not both");
      return std::nullopt;
    }
    auto items = AsList(*phases, JoinPath(path, "phases"), s.ctx);
    if (!items) return std::nullopt;
    bool ok = true;
    for (size_t i = 0; i < items->size(); ++i) {
      const std::string p = phases->IsSequence()
                                ? IndexPath(JoinPath(path, "phases"), i)
                                : JoinPath(path, "phases");
      const int phase = s.ResolvePhase((*items)[i], p);
      if (phase < 0) {
        ok = false;
        continue;
      }
      w.ranges.push_back(s.spec.phases[static_cast<size_t>(phase)].days);
    }
    if (!ok) return std::nullopt;
    w.ranges = Merge(std::move(w.ranges));
    return w;
  }
  if (!from) {
    s.Error(node, path, "a window needs phases or a from date",
            "for example: window: {phases: [survey]} or window: {from: "
            "2024-03-25}");
    return std::nullopt;
  }
  auto first = s.ReadDate(*from, JoinPath(path, "from"));
  std::optional<Date> last;
  if (until) last = s.ReadDate(*until, JoinPath(path, "until"));
  if (!first || (until && !last)) return std::nullopt;
  if (last && *last < *first) {
    s.Error(*until, JoinPath(path, "until"),
            fmt::format("the window ends on {}, before it starts on {}",
                        FormatDate(*last), FormatDate(*first)));
    return std::nullopt;
  }
  w.ranges.push_back(DateRange{*first, last});
  return w;
}

// Levels that owe something must take part in the campaign.
std::optional<std::vector<UnitLevel>> ReadOwedBy(
    const std::optional<YAML::Node>& node, const std::string& path,
    LoadState& s) {
  if (!node) return s.spec.scope.levels;
  auto levels = s.ReadLevels(*node, path);
  if (!levels) return std::nullopt;
  const auto& scope = s.spec.scope;
  if (!scope.units.empty() || scope.levels.empty()) return levels;
  for (const auto level : *levels) {
    if (std::find(scope.levels.begin(), scope.levels.end(), level) ==
        scope.levels.end()) {
      std::string list;
      for (const auto l : scope.levels)
        list += (list.empty() ? "" : ", ") + std::string(UnitLevelName(l));
      s.Error(*node, path,
              fmt::format("level '{}' does not take part in this campaign",
                          UnitLevelName(level)),
              fmt::format("scope.levels lists: {}", list));
      return std::nullopt;
    }
  }
  return levels;
}

void ReadObligation(const YAML::Node& node, const std::string& path,
                    LoadState& s) {
  MapReader m(node, path, &s.ctx);
  if (!m.valid()) return;
  Obligation o;
  auto id = s.ReadId(m, "id");
  o.title = m.String("title", true).value_or("");
  auto owed_by = m.Any("owed_by");
  auto owed_to = m.Any("owed_to", true);
  auto schedule = m.Any("schedule", true);
  auto window = m.Map("window");
  auto policy = m.Any("day_off_policy");
  o.due_inclusive = m.Bool("due_inclusive").value_or(false);
  o.accept_late =
      m.Enum("late_policy", {"record", "refuse"}).value_or("record") ==
      "record";
  auto fields = m.Any("fields");
  auto checks = m.Any("checks");
  auto ladder = m.Any("ladder");
  m.Allow("description");
  m.Finish();
  if (id) s.item_ids.Add(*id, *m.Any("id"), JoinPath(path, "id"), s.ctx);
  o.id = id.value_or("");
  if (auto levels = ReadOwedBy(owed_by, JoinPath(path, "owed_by"), s))
    o.owed_by = *levels;
  if (owed_to) {
    auto rp = s.ReadRolePath(*owed_to, JoinPath(path, "owed_to"));
    if (rp && (rp->anchor == RolePath::Anchor::kDepartment ||
               rp->anchor == RolePath::Anchor::kAgency)) {
      s.Error(
          *owed_to, JoinPath(path, "owed_to"),
          fmt::format("'{}' names a unit that only item kinds have", rp->text),
          "an obligation is owed up the hierarchy, e.g. parent.office");
    } else if (rp) {
      o.owed_to = *rp;
    }
  }
  if (schedule) {
    if (auto rule = ReadRule(*schedule, JoinPath(path, "schedule"), s.ctx))
      o.schedule = *rule;
  }
  if (window) {
    if (auto w = ReadWindow(*window, JoinPath(path, "window"), s))
      o.window = *w;
  }
  o.day_off_policy = s.spec.day_off_policy;
  if (policy) {
    if (auto p = ReadDayOffPolicy(*policy, JoinPath(path, "day_off_policy"),
                                  s.ctx)) {
      o.day_off_policy = *p;
    }
  }
  o.fields = ReadFieldSet(fields, checks, path, s);
  if (ladder) {
    LadderUse use{fmt::format("obligation '{}'", o.id), false, false, true};
    o.ladder = ResolveLadderFor(*ladder, JoinPath(path, "ladder"), use, s);
  }
  s.spec.obligations.push_back(std::move(o));
}

// `countdown:` compiles to ladder steps at -N (working) days, time `at`.
std::vector<LadderStep> ReadCountdown(const YAML::Node& node,
                                      const std::string& path, LoadState& s) {
  MapReader m(node, path, &s.ctx);
  if (!m.valid()) return {};
  auto working = m.Any("working_days");
  auto calendar = m.Any("days");
  auto at = m.Any("at");
  auto notify = m.Any("notify", true);
  auto tmpl = m.Any("template", true);
  auto severity = ReadSeverity(m, "severity");
  m.Finish();
  if (working.has_value() == calendar.has_value()) {
    s.Error(node, path, "a countdown takes either working_days or days",
            "for example: working_days: [7, 3, 1]");
    return {};
  }
  const YAML::Node days_node = working ? *working : *calendar;
  const std::string days_path =
      JoinPath(path, working ? "working_days" : "days");
  auto items = AsList(days_node, days_path, s.ctx);
  if (!items || !CheckCount(days_node, days_path, "days", 50, s)) return {};
  std::vector<int64_t> days;
  for (size_t i = 0; i < items->size(); ++i) {
    const std::string p =
        days_node.IsSequence() ? IndexPath(days_path, i) : days_path;
    auto n = yamlread::ToInt((*items)[i], p, s.ctx);
    if (!n) return {};
    if (*n < 1 || *n > 366 || std::count(days.begin(), days.end(), *n) > 0) {
      s.Error((*items)[i], p,
              fmt::format("countdown day {} is not a new number from 1 to 366",
                          *n));
      return {};
    }
    days.push_back(*n);
  }
  std::string at_text = "09:00";
  if (at) {
    auto t = yamlread::ToString(*at, JoinPath(path, "at"), s.ctx);
    if (!t) return {};
    at_text = *t;
  }
  LadderStep base;
  if (notify) {
    auto paths = s.ReadRolePaths(*notify, JoinPath(path, "notify"));
    if (!paths) return {};
    base.notify = std::move(*paths);
  }
  if (tmpl)
    base.template_binding =
        s.ResolveTemplate(*tmpl, JoinPath(path, "template"));
  if (!notify || !tmpl || base.template_binding < 0) return {};
  base.severity = severity.value_or(Severity::kInfo);
  base.bypass_quiet_hours = base.severity == Severity::kCritical;
  std::sort(days.rbegin(), days.rend());  // earliest reminder first
  std::vector<LadderStep> steps;
  for (const int64_t n : days) {
    // Written the way a person would write it in a ladder and parsed by the
    // same parser, so countdowns and ladders cannot disagree.
    const std::string text =
        working ? fmt::format("-{} working days {}", n, at_text)
                : fmt::format("-{}d {}", n, at_text);
    auto offset = OffsetFromText(text, at ? *at : node,
                                 at ? JoinPath(path, "at") : path, s.ctx);
    if (!offset) return {};
    LadderStep step = base;
    step.name = fmt::format("countdown_{}", n);
    step.after = *offset;
    steps.push_back(std::move(step));
  }
  return steps;
}

void ReadMilestone(const YAML::Node& node, const std::string& path,
                   LoadState& s) {
  MapReader m(node, path, &s.ctx);
  if (!m.valid()) return;
  Milestone ms;
  auto id = s.ReadId(m, "id");
  ms.title = m.String("title", true).value_or("");
  auto due = m.Any("due", true);
  auto owed_by = m.Any("owed_by");
  auto policy = m.Any("day_off_policy");
  auto countdown = m.Map("countdown");
  auto ladder = m.Any("ladder");
  m.Allow("description");
  m.Finish();
  if (id) s.item_ids.Add(*id, *m.Any("id"), JoinPath(path, "id"), s.ctx);
  ms.id = id.value_or("");
  if (due) {
    if (auto rule = ReadRule(*due, JoinPath(path, "due"), s.ctx)) {
      if (!IsOnce(*rule)) {
        s.Error(*due, JoinPath(path, "due"),
                fmt::format("a milestone is one deadline, but '{}' repeats",
                            rule->text),
                "write it as: once 2024-06-30 23:59:59; recurring deadlines "
                "are obligations");
      }
      ms.due = *rule;
    }
  }
  if (auto levels = ReadOwedBy(owed_by, JoinPath(path, "owed_by"), s))
    ms.owed_by = *levels;
  ms.day_off_policy = s.spec.day_off_policy;
  if (policy) {
    if (auto p = ReadDayOffPolicy(*policy, JoinPath(path, "day_off_policy"),
                                  s.ctx)) {
      ms.day_off_policy = *p;
    }
  }
  const LadderUse use{fmt::format("milestone '{}'", ms.id), false, false,
                      false};
  if (countdown) {
    const std::string p = JoinPath(path, "countdown");
    ms.countdown = ReadCountdown(*countdown, p, s);
    if (!CheckStepsFor(ms.countdown, *countdown, p, use, s))
      ms.countdown.clear();
  }
  if (ladder)
    ms.ladder = ResolveLadderFor(*ladder, JoinPath(path, "ladder"), use, s);
  s.spec.milestones.push_back(std::move(ms));
}

void ReadSummary(const YAML::Node& node, const std::string& path, LoadState& s) {
  MapReader m(node, path, &s.ctx);
  if (!m.valid()) return;
  Summary sm;
  auto id = s.ReadId(m, "id");
  sm.title = m.String("title", true).value_or("");
  auto schedule = m.Any("schedule", true);
  auto window = m.Map("window");
  auto policy = m.Any("day_off_policy");
  auto for_levels = m.Any("for", true);
  auto notify = m.Any("notify", true);
  auto tmpl = m.Any("template", true);
  auto laggards = m.Int("laggards", false, 0, 20);
  m.Allow("description");
  m.Finish();
  if (id) s.item_ids.Add(*id, *m.Any("id"), JoinPath(path, "id"), s.ctx);
  sm.id = id.value_or("");
  if (schedule) {
    if (auto rule = ReadRule(*schedule, JoinPath(path, "schedule"), s.ctx)) sm.schedule = *rule;
  }
  if (window) {
    if (auto w = ReadWindow(*window, JoinPath(path, "window"), s)) sm.window = *w;
  }
  sm.day_off_policy = s.spec.day_off_policy;
  if (policy) {
    if (auto p = ReadDayOffPolicy(*policy, JoinPath(path, "day_off_policy"), s.ctx)) {
      sm.day_off_policy = *p;
    }
  }
  if (for_levels) {
    if (auto levels = s.ReadLevels(*for_levels, JoinPath(path, "for"))) sm.for_levels = *levels;
  }
  if (notify) {
    if (auto paths = s.ReadRolePaths(*notify, JoinPath(path, "notify"))) sm.notify = *paths;
  }
  if (tmpl) sm.template_binding = s.ResolveTemplate(*tmpl, JoinPath(path, "template"));
  sm.laggards = static_cast<int>(laggards.value_or(3));
  s.spec.summaries.push_back(std::move(sm));
}

}  // namespace

void ReadSummaries(MapReader& top, LoadState& s) {
  auto node = top.Sequence("summaries");
  if (!node || !CheckCount(*node, "summaries", "summaries", kMaxEntries, s)) return;
  for (size_t i = 0; i < node->size(); ++i) {
    ReadSummary((*node)[i], IndexPath("summaries", i), s);
  }
}

void ReadObligations(MapReader& top, LoadState& s) {
  auto node = top.Sequence("obligations");
  if (!node || !CheckCount(*node, "obligations", "obligations", kMaxEntries, s))
    return;
  for (size_t i = 0; i < node->size(); ++i) {
    ReadObligation((*node)[i], IndexPath("obligations", i), s);
  }
}

void ReadMilestones(MapReader& top, LoadState& s) {
  auto node = top.Sequence("milestones");
  if (!node || !CheckCount(*node, "milestones", "milestones", kMaxEntries, s))
    return;
  for (size_t i = 0; i < node->size(); ++i) {
    ReadMilestone((*node)[i], IndexPath("milestones", i), s);
  }
}

}  // namespace duban::workflow
