// /api/v1/units, /api/v1/contacts, /api/v1/campaigns and a campaign's
// status. Handlers run on the loop thread (server_impl.h).
#include <fmt/format.h>

#include <algorithm>

#include "api/convert.h"
#include "api/cursor.h"
#include "api/scope.h"
#include "api/server_impl.h"
#include "store/store.h"
#include "workflow/spec.h"

namespace duban::api {
namespace {

Reply Invalid(const std::string& field, const std::string& detail) {
  return Reply::Error(422, "invalid_argument", fmt::format("{}: {}", field, detail), field);
}

// Keyset pagination over rows sorted by a text id.
struct Page {
  int limit = kDefaultLimit;
  std::string after;  // ids greater than this
};

Result<Page> ReadPage(const ApiCall& call) {
  Page p;
  auto limit = ParseLimit(call.Query("limit"));
  if (!limit.ok()) return limit.status();
  p.limit = *limit;
  if (const std::string c = call.Query("cursor"); !c.empty()) {
    auto after = DecodeCursor(c);
    if (!after) return Status::InvalidArgument("cursor: not a cursor this server handed out");
    p.after = *after;
  }
  return p;
}

// The unit filter for units/contacts: departments and agencies see their
// own unit only.
Result<std::string> DirectoryRoot(const engine::Directory& dir, const engine::Actor& actor,
                                  const std::string& unit) {
  if (ByDepartment(actor) && (unit.empty() || unit == actor.unit)) return actor.unit;
  return ScopeRoot(dir, actor, unit);
}

Reply ListUnits(HttpServer::Impl& s, const ApiCall& call) {
  if (auto bad = call.UnknownQuery({"under", "level", "limit", "cursor"}); !bad.empty()) {
    return Invalid(bad, "not a parameter of this endpoint");
  }
  auto page = ReadPage(call);
  if (!page.ok()) return Reply::FromStatus(page.status());
  const engine::Directory& dir = s.deps.engine->directory();
  auto root = DirectoryRoot(dir, call.actor, call.Query("under"));
  if (!root.ok()) return Reply::FromStatus(root.status());
  std::optional<model::Level> level;
  if (const std::string l = call.Query("level"); !l.empty()) {
    level = model::ParseLevel(l);
    if (!level) {
      return Invalid("level", "expected province, city, county, town, village, department or agency");
    }
  }
  std::vector<std::string> ids = Subtree(dir, *root);
  std::sort(ids.begin(), ids.end());
  nlohmann::json out = nlohmann::json::array();
  std::string last;
  bool more = false;
  for (auto it = std::upper_bound(ids.begin(), ids.end(), page->after); it != ids.end(); ++it) {
    const model::Unit* u = dir.FindUnit(*it);
    if (u == nullptr || (level && u->level != *level)) continue;
    if (static_cast<int>(out.size()) == page->limit) {
      more = true;
      break;
    }
    out.push_back(UnitJson(*u));
    last = u->id;
  }
  nlohmann::json body = {{"units", out}, {"next_cursor", nullptr}};
  if (more) body["next_cursor"] = EncodeCursor(last);
  return Reply::Json(std::move(body));
}

Reply ListContacts(HttpServer::Impl& s, const ApiCall& call) {
  if (auto bad = call.UnknownQuery({"unit", "role", "limit", "cursor"}); !bad.empty()) {
    return Invalid(bad, "not a parameter of this endpoint");
  }
  auto page = ReadPage(call);
  if (!page.ok()) return Reply::FromStatus(page.status());
  const engine::Directory& dir = s.deps.engine->directory();
  auto root = DirectoryRoot(dir, call.actor, call.Query("unit"));
  if (!root.ok()) return Reply::FromStatus(root.status());
  auto contacts = s.deps.store->ListContacts();
  if (!contacts.ok()) return Reply::FromStatus(contacts.status());
  std::sort(contacts->begin(), contacts->end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  const std::string role = call.Query("role");
  // Only an administrator sees whole mobile numbers.
  const bool full = call.actor.admin();
  nlohmann::json out = nlohmann::json::array();
  std::string last;
  bool more = false;
  for (const auto& c : *contacts) {
    if (c.id <= page->after) continue;
    if (!root->empty() && !dir.IsUnder(c.unit_id, *root)) continue;
    if (!role.empty() && c.role != role) continue;
    if (static_cast<int>(out.size()) == page->limit) {
      more = true;
      break;
    }
    out.push_back(ContactJson(c, full));
    last = c.id;
  }
  nlohmann::json body = {{"contacts", out}, {"next_cursor", nullptr}};
  if (more) body["next_cursor"] = EncodeCursor(last);
  return Reply::Json(std::move(body));
}

nlohmann::json FieldsJson(const workflow::FieldSet& set) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : set.fields) out.push_back(FieldSpecJson(f));
  return out;
}

nlohmann::json CampaignJson(const workflow::WorkflowSpec& spec) {
  nlohmann::json phases = nlohmann::json::array();
  for (const auto& p : spec.phases) {
    phases.push_back({{"id", p.id},
                      {"title", p.title},
                      {"start", workflow::FormatDate(p.days.first)},
                      {"end", p.days.last ? nlohmann::json(workflow::FormatDate(*p.days.last))
                                          : nlohmann::json(nullptr)}});
  }
  nlohmann::json obligations = nlohmann::json::array();
  for (const auto& o : spec.obligations) {
    obligations.push_back({{"id", o.id}, {"title", o.title}, {"fields", FieldsJson(o.fields)}});
  }
  nlohmann::json kinds = nlohmann::json::array();
  for (const auto& k : spec.item_kinds) {
    nlohmann::json states = nlohmann::json::array();
    for (const auto& st : k.states) {
      states.push_back({{"id", st.id}, {"label", st.label}, {"terminal", st.terminal}});
    }
    nlohmann::json transitions = nlohmann::json::array();
    for (const auto& t : k.transitions) {
      nlohmann::json from = nlohmann::json::array();
      for (int f : t.from) from.push_back(k.states[static_cast<size_t>(f)].id);
      nlohmann::json by = nlohmann::json::array();
      for (const auto& p : t.by) by.push_back(p.text);
      transitions.push_back({{"name", t.name},
                             {"title", t.title},
                             {"from", from},
                             {"to", k.states[static_cast<size_t>(t.to)].id},
                             {"by", by},
                             {"fields", FieldsJson(t.input)}});
    }
    nlohmann::json create_by = nlohmann::json::array();
    for (const auto& p : k.create_by) create_by.push_back(p.text);
    kinds.push_back({{"id", k.id},
                     {"title", k.title},
                     {"has_department", k.has_department},
                     {"initial", k.states[static_cast<size_t>(k.initial)].id},
                     {"create_fields", FieldsJson(k.create)},
                     {"create_by", create_by},
                     {"fields", FieldsJson(k.fields)},
                     {"states", states},
                     {"transitions", transitions}});
  }
  return {{"id", spec.id},
          {"title", spec.title},
          {"document", spec.document},
          {"timezone", spec.timezone.name()},
          {"phases", phases},
          {"obligations", obligations},
          {"item_kinds", kinds}};
}

Reply ListCampaigns(HttpServer::Impl& s, const ApiCall& call) {
  if (auto bad = call.UnknownQuery({}); !bad.empty()) {
    return Invalid(bad, "not a parameter of this endpoint");
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& spec : s.deps.engine->campaigns()) out.push_back(CampaignJson(*spec));
  return Reply::Json({{"campaigns", out}});
}

Reply CampaignStatus(HttpServer::Impl& s, const ApiCall& call) {
  if (auto bad = call.UnknownQuery({}); !bad.empty()) {
    return Invalid(bad, "not a parameter of this endpoint");
  }
  auto st = s.deps.engine->StatusOf(call.captures.at(0), call.now);
  if (!st.ok()) return Reply::FromStatus(st.status());
  nlohmann::json current = nlohmann::json::array();
  for (const auto& p : st->current) {
    current.push_back({{"id", p.id},
                       {"title", p.title},
                       {"start", p.start},
                       {"end", p.end.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.end)},
                       {"days_left", p.end.empty() ? nlohmann::json(nullptr)
                                                   : nlohmann::json(p.days_left)}});
  }
  nlohmann::json next = nlohmann::json::array();
  for (const auto& d : st->next) {
    next.push_back({{"what", d.what}, {"title", d.title}, {"at", TimeText(d.at)}});
  }
  return Reply::Json({{"id", st->id},
                      {"title", st->title},
                      {"now", TimeText(call.now)},
                      {"current_phases", current},
                      {"next_deadlines", next}});
}

// The laggard ranking of the caller's subtree (or `unit` under it): reports
// due in [from, to) (default: the 28 days up to now) and what is overdue now.
Reply CampaignLaggards(HttpServer::Impl& s, const ApiCall& call) {
  if (auto bad = call.UnknownQuery({"unit", "from", "to", "limit"}); !bad.empty()) {
    return Invalid(bad, "not a parameter of this endpoint");
  }
  const engine::Engine& engine = *s.deps.engine;
  const engine::Directory& dir = engine.directory();
  auto root = ScopeRoot(dir, call.actor, call.Query("unit"));
  if (!root.ok()) return Reply::FromStatus(root.status());
  auto from = ParseTimeParam("from", call.Query("from"));
  if (!from.ok()) return Reply::FromStatus(from.status());
  auto to = ParseTimeParam("to", call.Query("to"));
  if (!to.ok()) return Reply::FromStatus(to.status());
  const SystemTime end = to->value_or(call.now);
  const SystemTime begin = from->value_or(end - std::chrono::hours(24 * 28));
  if (begin >= end) return Invalid("from", "must be before 'to'");
  auto limit = ParseLimit(call.Query("limit"));
  if (!limit.ok()) return Reply::FromStatus(limit.status());
  auto ranked = engine.Laggards(call.captures.at(0), *root, begin, end, call.now, *limit);
  if (!ranked.ok()) return Reply::FromStatus(ranked.status());
  nlohmann::json rows = nlohmann::json::array();
  int rank = 0;
  for (const auto& l : *ranked) {
    const model::Unit* u = dir.FindUnit(l.unit);
    rows.push_back({{"rank", ++rank},
                    {"unit", l.unit},
                    {"name", u != nullptr ? u->name : l.unit},
                    {"score", l.score},
                    {"missing_reports", l.missing_reports},
                    {"late_reports", l.late_reports},
                    {"overdue_items", l.overdue_items},
                    {"stuck_transfers", l.stuck_transfers},
                    {"critical_overdue", l.critical_overdue},
                    {"long_overdue", l.long_overdue},
                    {"overdue_points", l.overdue_points},
                    {"why", engine::LaggardWhy(l)}});
  }
  return Reply::Json({{"campaign", call.captures.at(0)},
                      {"unit", root->empty() ? nlohmann::json(nullptr) : nlohmann::json(*root)},
                      {"from", TimeText(begin)},
                      {"to", TimeText(end)},
                      {"now", TimeText(call.now)},
                      {"formula", "3 × missing_reports + 1 × late_reports + overdue_points; "
                                  "each overdue item or stuck transfer: 2 × age (1 under 7 days, "
                                  "2 under 30, 3 from 30) × severity (2 critical, else 1)"},
                      {"laggards", rows}});
}

}  // namespace

void RegisterDirectoryRoutes(HttpServer::Impl& s) {
  s.Api("GET", "/api/v1/units", "/api/v1/units",
        [&s](const ApiCall& c) { return ListUnits(s, c); });
  s.Api("GET", "/api/v1/contacts", "/api/v1/contacts",
        [&s](const ApiCall& c) { return ListContacts(s, c); });
  s.Api("GET", "/api/v1/campaigns", "/api/v1/campaigns",
        [&s](const ApiCall& c) { return ListCampaigns(s, c); });
  s.Api("GET", "/api/v1/campaigns/([A-Za-z0-9_.-]{1,128})/status",
        "/api/v1/campaigns/{id}/status", [&s](const ApiCall& c) { return CampaignStatus(s, c); });
  s.Api("GET", "/api/v1/campaigns/([A-Za-z0-9_.-]{1,128})/laggards",
        "/api/v1/campaigns/{id}/laggards", [&s](const ApiCall& c) { return CampaignLaggards(s, c); });
}

}  // namespace duban::api
