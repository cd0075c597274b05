// Readers for the campaign header, scope, roles, phases and template bindings.
#include <fmt/format.h>

#include <algorithm>

#include "base/strings.h"
#include "workflow/load_sections.h"
#include "workflow/time_reader.h"

namespace duban::workflow {
namespace {

using yamlread::IndexPath;
using yamlread::JoinPath;
using yamlread::MapReader;

constexpr const char* kDefaultZone = "Asia/Shanghai";  // domain.md §7

bool IsCampaignId(const std::string& id) {
  if (id.empty() || id.size() > 64 ||
      !((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= '0' && id[0] <= '9'))) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

void ReadCalendar(MapReader& top, LoadState& s) {
  s.spec.holidays = "cn-holidays";
  s.spec.day_off_policy = DayOffPolicy::kKeep;
  auto node = top.Map("calendar");
  if (!node) return;
  MapReader cal(*node, "calendar", &s.ctx);
  if (auto h = cal.String("holidays")) {
    const auto& known = s.options.calendars;
    if (known && known->count(*h) == 0) {
      s.Unknown(*cal.Any("holidays"), "calendar.holidays", "holiday calendar",
                *h, std::vector<std::string>(known->begin(), known->end()),
                "holiday calendars");
    }
    s.spec.holidays = *h;
  }
  if (auto p = cal.Any("day_off_policy")) {
    if (auto policy = ReadDayOffPolicy(*p, "calendar.day_off_policy", s.ctx)) {
      s.spec.day_off_policy = *policy;
    }
  }
  cal.Finish();
}

void CheckTemplateName(const std::string& family, const std::string& name,
                       const YAML::Node& node, const std::string& path,
                       LoadState& s) {
  const auto& known = s.options.templates;
  if (!known || known->count(name) > 0) return;
  std::vector<std::string> candidates(known->begin(), known->end());
  std::string hint =
      candidates.size() <= 500 ? DidYouMean(name, candidates) : "";
  s.Error(
      node, path,
      fmt::format("no {} template named '{}' in the templates directory",
                  family, name),
      hint.empty()
          ? fmt::format("add templates/{}.mustache or correct the name", name)
          : hint);
}

// A binding names at most one template per channel family, either in full
// ({sms: x.sms, markdown: y.markdown}) or as a list of families ([sms,
// markdown]), which means the templates "<id>.sms" and "<id>.markdown".
void ReadBinding(const std::string& id, const YAML::Node& node,
                 const std::string& path, LoadState& s) {
  TemplateBinding b;
  b.id = id;
  const std::pair<const char*, std::string*> families[] = {
      {"sms", &b.sms}, {"markdown", &b.markdown}, {"text", &b.text}};
  if (node.IsSequence() || node.IsScalar()) {
    auto items = AsList(node, path, s.ctx);
    for (size_t i = 0; items && i < items->size(); ++i) {
      const std::string p = node.IsSequence() ? IndexPath(path, i) : path;
      auto family = yamlread::ToString((*items)[i], p, s.ctx);
      if (!family) continue;
      std::string* out = nullptr;
      for (const auto& [f, o] : families) {
        if (*family == f) out = o;
      }
      if (out == nullptr) {
        s.Unknown((*items)[i], p, "channel family", *family,
                  {"sms", "markdown", "text"}, "channel families");
        continue;
      }
      *out = fmt::format("{}.{}", id, *family);
      CheckTemplateName(*family, *out, (*items)[i], p, s);
    }
  } else {
    MapReader m(node, path, &s.ctx);
    if (!m.valid()) return;
    for (const auto& [family, out] : families) {
      auto name = m.String(family);
      if (!name) continue;
      CheckTemplateName(family, *name, *m.Any(family), JoinPath(path, family),
                        s);
      *out = *name;
    }
    m.Allow("description");
    m.Finish();
  }
  if (b.sms.empty() && b.markdown.empty() && b.text.empty()) {
    s.Error(node, path, fmt::format("template '{}' names no template", id),
            "give at least one of sms, markdown, text");
  }
  s.spec.templates.push_back(std::move(b));
}

}  // namespace

bool CheckCount(const YAML::Node& node, std::string_view path,
                std::string_view what, size_t max, LoadState& s) {
  if (node.size() <= max) return true;
  s.Error(node, path,
          fmt::format("too many {} ({}; at most {})", what, node.size(), max));
  return false;
}

void ReadHeader(MapReader& top, LoadState& s) {
  if (auto id = top.String("id", true)) {
    if (!IsCampaignId(*id)) {
      top.Error(
          "id",
          fmt::format("'{}' is not a valid campaign id", id->substr(0, 64)),
          "use lowercase letters, digits, '-' and '_', e.g. "
          "jiafeng-2024-hundred-day");
    }
    s.spec.id = *id;
  }
  s.spec.title = top.String("title", true).value_or("");
  s.spec.document = top.String("document").value_or("");
  if (auto tz = top.Any("timezone")) {
    if (auto zone = ReadTimeZone(*tz, "timezone", s.ctx))
      s.spec.timezone = *zone;
  } else if (auto zone = schedule::Zone::Load(kDefaultZone); zone.ok()) {
    s.spec.timezone = *zone;
  } else {
    s.ctx.ErrorAt(0, 0, "timezone",
                  fmt::format("cannot load the default time zone {}: {}",
                              kDefaultZone, zone.error().message()),
                  "is the tzdata package installed?");
  }
  ReadCalendar(top, s);
}

void ReadScope(MapReader& top, LoadState& s) {
  auto node = top.Map("scope", true);
  if (!node) return;
  MapReader m(*node, "scope", &s.ctx);
  s.spec.scope.under = m.String("under").value_or("");
  if (auto levels = m.Any("levels")) {
    if (auto l = s.ReadLevels(*levels, "scope.levels"))
      s.spec.scope.levels = *l;
  }
  if (auto units = m.StringList("units")) s.spec.scope.units = *units;
  if (!m.Has("levels") && !m.Has("units")) {
    s.Error(*node, "scope", "scope names no units",
            "give levels (e.g. [village]) or units");
  }
  m.Finish();
}

void ReadRoles(MapReader& top, LoadState& s) {
  auto node = top.Map("roles", true);
  if (!node || !CheckCount(*node, "roles", "roles", kMaxEntries, s)) return;
  IdRegistry ids("role");
  for (auto it = node->begin(); it != node->end(); ++it) {
    auto id = yamlread::ToString(it->first, "roles", s.ctx);
    if (!id) continue;
    const std::string path = JoinPath("roles", *id);
    if (!s.CheckId(it->first, path, *id) ||
        !ids.Add(*id, it->first, path, s.ctx))
      continue;
    Role role{*id, ""};
    if (it->second.IsScalar()) {
      role.label = it->second.Scalar();
    } else {
      MapReader m(it->second, path, &s.ctx);
      role.label = m.String("label", true).value_or("");
      m.Allow("description");
      m.Finish();
    }
    s.spec.roles.push_back(std::move(role));
  }
}

void ReadPhases(MapReader& top, LoadState& s) {
  auto node = top.Sequence("phases");
  if (!node || !CheckCount(*node, "phases", "phases", kMaxEntries, s)) return;
  IdRegistry ids("phase");
  for (size_t i = 0; i < node->size(); ++i) {
    const std::string path = IndexPath("phases", i);
    MapReader m((*node)[i], path, &s.ctx);
    if (!m.valid()) continue;
    Phase p;
    auto id = s.ReadId(m, "id");
    p.title = m.String("title", true).value_or("");
    auto start_node = m.Any("start", true);
    auto end_node = m.Any("end");
    m.Finish();
    std::optional<Date> start, end;
    if (start_node) start = s.ReadDate(*start_node, JoinPath(path, "start"));
    if (end_node) end = s.ReadDate(*end_node, JoinPath(path, "end"));
    if (id && (!start || (end_node && !end))) s.MarkBroken("phase", *id);
    if (!id || !start || (end_node && !end)) continue;
    if (!ids.Add(*id, *m.Any("id"), JoinPath(path, "id"), s.ctx)) continue;
    if (end && *end < *start) {
      s.Error(*end_node, JoinPath(path, "end"),
              fmt::format("phase '{}' ends on {}, before it starts on {}", *id,
                          FormatDate(*end), FormatDate(*start)));
    } else if (!s.spec.phases.empty()) {
      // Later phases are still recorded after an ordering error, so that
      // windows naming them do not report a second, misleading error.
      const Phase& prev = s.spec.phases.back();
      if (!prev.days.last) {
        s.Error(
            *start_node, JoinPath(path, "start"),
            fmt::format("phase '{}' follows phase '{}', which has no end date",
                        *id, prev.id),
            fmt::format(
                "give '{}' an end date; only the last phase may be open-ended",
                prev.id));
      } else if (*start < *prev.days.last) {
        s.Error(
            *start_node, JoinPath(path, "start"),
            fmt::format("phase '{}' starts on {}, before phase '{}' ends on {}",
                        *id, FormatDate(*start), prev.id,
                        FormatDate(*prev.days.last)),
            "list phases in date order; neighbours may share only their "
            "boundary day");
      }
    }
    p.id = *id;
    p.days = DateRange{*start, end};
    s.spec.phases.push_back(std::move(p));
  }
}

void ReadTemplates(MapReader& top, LoadState& s) {
  auto node = top.Map("templates");
  if (!node || !CheckCount(*node, "templates", "templates", kMaxEntries, s))
    return;
  IdRegistry ids("template");
  for (auto it = node->begin(); it != node->end(); ++it) {
    auto id = yamlread::ToString(it->first, "templates", s.ctx);
    if (!id) continue;
    const std::string path = JoinPath("templates", *id);
    if (!s.CheckId(it->first, path, *id) ||
        !ids.Add(*id, it->first, path, s.ctx))
      continue;
    ReadBinding(*id, it->second, path, s);
    s.template_nodes.push_back(it->first);
  }
  s.template_used.assign(s.spec.templates.size(), false);
}

}  // namespace duban::workflow
