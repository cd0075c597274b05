// Reader for the `sampling:` section: which units a spot-check samples, how
// many houses in each, and which third-party agency inspects them (Seed B's
// attachment 抽查评估县区明细).
#include <fmt/format.h>

#include "workflow/load_sections.h"

namespace duban::workflow {
namespace {

using yamlread::IndexPath;
using yamlread::JoinPath;
using yamlread::MapReader;

constexpr size_t kMaxSampleUnits = 5000;
constexpr int64_t kMaxHouses = 100000;

struct Defaults {
  int houses = 0;
  int min_commercial = 0;
};

void ReadUnit(const YAML::Node& node, const std::string& path,
              const Defaults& d, IdRegistry& unit_ids, SampleGroup& group,
              LoadState& s) {
  MapReader m(node, path, &s.ctx);
  if (!m.valid()) return;
  SampleUnit u;
  auto unit = m.String("unit");
  auto code = m.String("code");
  u.name = m.String("name", true).value_or("");
  u.houses = static_cast<int>(
      m.Int("houses", false, 1, kMaxHouses).value_or(d.houses));
  u.min_commercial = static_cast<int>(
      m.Int("min_commercial", false, 0, kMaxHouses).value_or(d.min_commercial));
  m.Allow("description");
  m.Finish();
  if (unit.has_value() == code.has_value()) {
    s.Error(
        node, path,
        "a sampled unit takes either unit (an id) or code (a division code)",
        "for example: code: \"620102\"");
    return;
  }
  const char* key = unit ? "unit" : "code";
  if (code && (code->size() < 2 || code->size() > 12 ||
               code->find_first_not_of("0123456789") != std::string::npos)) {
    m.Error("code",
            fmt::format("'{}' is not a statistical division code", *code),
            "codes are 2 to 12 digits (GB/T 2260), e.g. \"620102\"");
    return;
  }
  if (!unit_ids.Add(unit ? *unit : *code, *m.Any(key), JoinPath(path, key),
                    s.ctx))
    return;
  u.unit = unit.value_or("");
  u.code = code.value_or("");
  if (u.houses <= 0) {
    s.Error(node, JoinPath(path, "houses"),
            fmt::format("no number of houses for '{}'", u.name),
            "give houses here or a default under sampling");
    return;
  }
  if (u.min_commercial > u.houses) {
    m.Error(m.Has("min_commercial") ? "min_commercial" : "houses",
            fmt::format(
                "at least {} commercial houses cannot fit in a sample of {}",
                u.min_commercial, u.houses));
    return;
  }
  group.units.push_back(std::move(u));
}

void ReadGroup(const YAML::Node& node, const std::string& path,
               const Defaults& d, IdRegistry& group_ids, IdRegistry& unit_ids,
               LoadState& s) {
  MapReader m(node, path, &s.ctx);
  if (!m.valid()) return;
  SampleGroup g;
  auto id = s.ReadId(m, "id");
  g.title = m.String("title").value_or("");
  g.agency = m.String("agency", true).value_or("");
  g.agency_name = m.String("agency_name").value_or("");
  auto total = m.Int("total", false, 0, kMaxHouses * 100);
  auto units = m.Sequence("units", true);
  m.Allow("description");
  m.Finish();
  if (!id || !group_ids.Add(*id, *m.Any("id"), JoinPath(path, "id"), s.ctx))
    return;
  g.id = *id;
  if (units && CheckCount(*units, JoinPath(path, "units"), "units",
                          kMaxSampleUnits, s)) {
    for (size_t i = 0; i < units->size(); ++i) {
      ReadUnit((*units)[i], IndexPath(JoinPath(path, "units"), i), d, unit_ids,
               g, s);
    }
    if (total && *total != g.Houses() && g.units.size() == units->size()) {
      m.Error("total",
              fmt::format("the units of group '{}' add up to {} houses, not {}",
                          g.id, g.Houses(), *total));
    }
  }
  s.spec.sampling->groups.push_back(std::move(g));
}

}  // namespace

void ReadSampling(MapReader& top, LoadState& s) {
  auto node = top.Map("sampling");
  if (!node) return;
  MapReader m(*node, "sampling", &s.ctx);
  s.spec.sampling.emplace();
  s.spec.sampling->description = m.String("description").value_or("");
  Defaults d;
  d.houses =
      static_cast<int>(m.Int("houses", false, 1, kMaxHouses).value_or(0));
  d.min_commercial = static_cast<int>(
      m.Int("min_commercial", false, 0, kMaxHouses).value_or(0));
  s.spec.sampling->max_town_share = static_cast<int>(
      m.Int("max_town_share", false, 1, 100).value_or(50));
  auto groups = m.Sequence("groups", true);
  m.Finish();
  if (!groups ||
      !CheckCount(*groups, "sampling.groups", "groups", kMaxEntries, s))
    return;
  IdRegistry group_ids("group id");
  IdRegistry unit_ids("sampled unit");
  for (size_t i = 0; i < groups->size(); ++i) {
    ReadGroup((*groups)[i], IndexPath("sampling.groups", i), d, group_ids,
              unit_ids, s);
  }
}

}  // namespace duban::workflow
