// GET /api/v1/campaigns/{id}/spot-check: the provincial spot-check's
// progress (issue 8) per third-party group, city and county, within the
// caller's scope. Handlers run on the loop thread (server_impl.h).
#include <fmt/format.h>

#include <map>

#include "api/convert.h"
#include "api/scope.h"
#include "api/server_impl.h"

namespace duban::api {
namespace {

nlohmann::json CountsJson(const engine::SpotCheckCounts& c) {
  return {{"sampled", c.sampled},
          {"inspected", c.inspected},
          {"remaining", c.sampled - c.inspected},
          {"findings", c.findings},
          {"notices_open", c.notices_open},
          {"notices_overdue", c.notices_overdue}};
}

Reply SpotCheck(HttpServer::Impl& s, const ApiCall& call) {
  if (auto bad = call.UnknownQuery({"unit"}); !bad.empty()) {
    return Reply::Error(422, "invalid_argument",
                        fmt::format("{}: not a parameter of this endpoint", bad), bad);
  }
  const engine::Engine& engine = *s.deps.engine;
  const engine::Directory& dir = engine.directory();
  auto rows = engine.SpotCheckProgress(call.captures.at(0), call.now);
  if (!rows.ok()) return Reply::FromStatus(rows.status());
  // An agency sees the counties it inspects; everyone else its subtree.
  std::string root;
  const bool agency = call.actor.auth_role == "agency";
  if (!agency) {
    auto r = ScopeRoot(dir, call.actor, call.Query("unit"));
    if (!r.ok()) return Reply::FromStatus(r.status());
    root = *r;
  }
  engine::SpotCheckCounts total;
  std::map<std::string, std::pair<nlohmann::json, engine::SpotCheckCounts>> groups, cities;
  nlohmann::json counties = nlohmann::json::array();
  for (const auto& r : *rows) {
    if (agency ? r.agency != call.actor.unit
               : (!root.empty() && !dir.IsUnder(r.unit, root))) {
      continue;
    }
    total.Add(r.counts);
    auto& g = groups[r.group.empty() ? r.agency : r.group];
    g.first = {{"id", r.group}, {"title", r.group_title}, {"agency", r.agency}};
    if (const model::Unit* a = dir.FindUnit(r.agency)) g.first["agency_name"] = a->name;
    g.second.Add(r.counts);
    auto& c = cities[r.city];
    c.first = {{"unit", r.city}, {"name", r.city_name}};
    c.second.Add(r.counts);
    nlohmann::json row = {{"unit", r.unit}, {"name", r.name},   {"city", r.city},
                          {"group", r.group}, {"agency", r.agency}};
    row.update(CountsJson(r.counts));
    counties.push_back(std::move(row));
  }
  auto fold = [](const auto& m) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [key, v] : m) {
      nlohmann::json row = v.first;
      row.update(CountsJson(v.second));
      out.push_back(std::move(row));
    }
    return out;
  };
  nlohmann::json totals = CountsJson(total);
  return Reply::Json({{"campaign", call.captures.at(0)},
                      {"now", TimeText(call.now)},
                      {"total", totals},
                      {"groups", fold(groups)},
                      {"cities", fold(cities)},
                      {"counties", counties}});
}

}  // namespace

void RegisterSpotCheckRoutes(HttpServer::Impl& s) {
  s.Api("GET", "/api/v1/campaigns/([A-Za-z0-9_.-]{1,128})/spot-check",
        "/api/v1/campaigns/{id}/spot-check", [&s](const ApiCall& c) { return SpotCheck(s, c); });
}

}  // namespace duban::api
