// GET /ics/<token>.ics: a unit's upcoming deadlines as an iCalendar feed
// (ics/ics.h), for phones to subscribe to. The token (ics_feed.h) is the
// credential; a bad one answers the same 404 as an unknown path and is
// logged without the token.
//
// The feed holds, for the unit and its subtree: open items due within the
// horizon (materialised weekly reports, hazard-case steps, transfers sent
// to a department), each campaign's next milestone deadlines and not yet
// materialised report deadlines (Engine::StatusOf), and the ends of its
// phases still to come. Gathering runs on the loop; rendering on the
// worker thread.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "api/ics_feed.h"
#include "api/json_reply.h"
#include "api/scope.h"
#include "api/server_impl.h"
#include "base/crypto.h"
#include "ics/ics.h"
#include "store/store.h"
#include "workflow/spec.h"

namespace duban::api {
namespace {

using namespace std::chrono_literals;

// Items in one feed at most, and how far ahead they are looked for: a
// bounded range of the open-items index, never a scan of all items.
constexpr int kMaxItems = 500;
constexpr Millis kHorizon = std::chrono::hours(24 * 90);
// Reminders on the phone before each timed deadline, and before an
// all-day phase end (its day starts at local midnight: 09:00 the day before).
const std::vector<Millis> kDeadlineAlarms = {std::chrono::hours(24), std::chrono::hours(3)};
const std::vector<Millis> kPhaseAlarms = {std::chrono::hours(15)};

struct Gathered {
  int status = 200;  // 404: the unit is gone; 503: the store failed
  ics::Feed feed;
};

std::string UnitName(const engine::Directory& dir, const std::string& id) {
  const model::Unit* u = dir.FindUnit(id);
  return u == nullptr ? id : u->name;
}

// The campaign applies to `unit` when its scope covers it or lies under it.
bool Concerns(const workflow::WorkflowSpec& spec, const engine::Directory& dir,
              const std::string& unit) {
  const std::string& under = spec.scope.under;
  return under.empty() || dir.IsUnder(unit, under) || dir.IsUnder(under, unit);
}

// True when some unit of the subtree is of a level that owes it (`owed_by`
// empty: the campaign's levels; both empty: everyone).
bool OwedWithin(const std::vector<workflow::UnitLevel>& owed_by,
                const workflow::WorkflowSpec& spec, const std::set<model::Level>& levels) {
  const auto& by = owed_by.empty() ? spec.scope.levels : owed_by;
  if (by.empty()) return true;
  return std::any_of(by.begin(), by.end(),
                     [&](workflow::UnitLevel l) { return levels.count(engine::ToModelLevel(l)); });
}

// "周报" / "月报" / "报送" by how often the obligation falls due.
const char* ReportWord(const workflow::Obligation& ob) {
  using Kind = schedule::Rule::Kind;
  switch (ob.schedule.rule.kind) {
    case Kind::kWeekly:
      return "周报";
    case Kind::kMonthlyDay:
    case Kind::kMonthlyLastDay:
    case Kind::kMonthlyLastWorkingDay:
      return "月报";
    default:
      return "报送";
  }
}

// A deadline event at `due`, lasting 15 minutes but never past local
// midnight, so a 23:59:59 deadline stays on its own day.
ics::Event Deadline(const workflow::WorkflowSpec& spec, SystemTime due) {
  ics::Event e;
  e.start = due;
  const auto next_day = std::chrono::sys_days(spec.timezone.LocalDate(due)) + std::chrono::days(1);
  const SystemTime midnight = spec.timezone.ToInstant(std::chrono::year_month_day(next_day), 0ms);
  e.duration = std::clamp<Millis>(midnight - due, 1s, 15min);
  e.alarms = kDeadlineAlarms;
  return e;
}

std::string DueLine(const workflow::WorkflowSpec& spec, SystemTime due) {
  return "截止时间：" + spec.timezone.FormatWithWeekday(due);
}

ics::Event ItemEvent(const HttpServer::Impl& s, const engine::Directory& dir,
                     const workflow::WorkflowSpec& spec, const store::Item& it,
                     const std::string& feed_unit) {
  ics::Event e = Deadline(spec, *it.due_at);
  e.uid = fmt::format("item-{}.{}@duban", it.id, feed_unit);
  e.stamp = it.updated_at;
  const std::string owner = UnitName(dir, it.owner_unit);
  std::vector<std::string> lines;
  if (const workflow::Obligation* ob = spec.FindObligation(it.kind)) {
    e.summary = fmt::format("{}截止：{}（{}）", ReportWord(*ob), ob->title, owner);
    lines.push_back(DueLine(spec, *it.due_at));
    lines.push_back("报送单位：" + owner);
    if (!it.period.empty()) lines.push_back("期次：" + it.period);
  } else {
    const workflow::ItemKind* kind = spec.FindItemKind(it.kind);
    std::string state = it.state;
    if (kind != nullptr) {
      const int st = kind->FindState(it.state);
      if (st >= 0) state = kind->states[static_cast<size_t>(st)].label;
    }
    e.summary = fmt::format("办理截止：{}·{}（{}）", kind ? kind->title : it.kind, state, owner);
    lines.push_back(DueLine(spec, *it.due_at));
    lines.push_back("责任单位：" + owner);
    if (!it.department_unit.empty()) lines.push_back("移送部门：" + UnitName(dir, it.department_unit));
    lines.push_back("当前环节：" + state);
  }
  lines.push_back("专项行动：" + spec.title);
  lines.push_back(fmt::format("事项编号：{}", it.id));
  e.url = fmt::format("{}/items/{}", s.public_url, it.id);
  lines.push_back("详情：" + e.url);
  for (const auto& l : lines) e.description += (e.description.empty() ? "" : "\n") + l;
  return e;
}

// Adds the campaign-wide deadlines: milestones, report deadlines not yet
// materialised as items, phase ends still ahead.
Status AddCampaignEvents(HttpServer::Impl& s, const workflow::WorkflowSpec& spec,
                         const model::Unit& unit, const std::vector<std::string>& subtree,
                         const std::set<model::Level>& levels, SystemTime now,
                         std::vector<ics::Event>* out) {
  // Campaign deadlines change only when the campaign file does; a stamp
  // that moves once a day keeps the feed's ETag steady between fetches.
  const SystemTime stamp = std::chrono::floor<std::chrono::days>(now);
  auto status = s.deps.engine->StatusOf(spec.id, now);
  if (!status.ok()) return status.status();
  for (const auto& d : status->next) {
    if (d.at >= now + kHorizon) continue;
    if (const workflow::Milestone* m = spec.FindMilestone(d.what)) {
      if (!OwedWithin(m->owed_by, spec, levels)) continue;
      ics::Event e = Deadline(spec, d.at);
      e.uid = fmt::format("{}.milestone.{}.{}.{}@duban", spec.id, m->id,
                          ToUnixMillis(d.at) / 1000, unit.id);
      e.stamp = stamp;
      e.summary = "节点截止：" + m->title;
      e.description = DueLine(spec, d.at) + "\n范围：" + unit.name + "及下辖单位\n专项行动：" +
                      spec.title + (spec.document.empty() ? "" : "（" + spec.document + "）");
      out->push_back(std::move(e));
      continue;
    }
    const workflow::Obligation* ob = spec.FindObligation(d.what);
    if (ob == nullptr || !OwedWithin(ob->owed_by, spec, levels)) continue;
    // Materialised for the subtree (open or already reported): the items
    // speak for it, or it is done.
    store::ItemQuery q;
    q.owner_units = subtree;
    q.campaign = spec.id;
    q.kind = ob->id;
    q.due_from = d.at;
    q.due_to = d.at + 1ms;
    q.limit = 1;
    auto made = s.deps.store->ListItems(q);
    if (!made.ok()) return made.status();
    if (!made->empty()) continue;
    ics::Event e = Deadline(spec, d.at);
    e.uid = fmt::format("{}.{}.{}.{}@duban", spec.id, ob->id, ToUnixMillis(d.at) / 1000, unit.id);
    e.stamp = stamp;
    // Owed by the unit itself, or (a town's feed) by the units under it.
    const bool own = OwedWithin(ob->owed_by, spec, {unit.level});
    e.summary = fmt::format("{}截止：{}（{}{}）", ReportWord(*ob), ob->title, unit.name,
                            own ? "" : "下辖单位");
    e.description = DueLine(spec, d.at) + "\n范围：" + unit.name + "及下辖单位\n专项行动：" +
                    spec.title;
    out->push_back(std::move(e));
  }
  const auto today = spec.timezone.LocalDate(now);
  for (const auto& p : spec.phases) {
    if (!p.days.last || *p.days.last < today) continue;
    if (std::chrono::sys_days(*p.days.last) - std::chrono::sys_days(today) >
        std::chrono::duration_cast<std::chrono::days>(kHorizon)) {
      continue;
    }
    ics::Event e;
    e.uid = fmt::format("{}.phase.{}.{}@duban", spec.id, p.id, unit.id);
    e.stamp = stamp;
    e.all_day = *p.days.last;
    e.summary = "阶段截止：" + p.title;
    e.description = fmt::format("{}阶段：{} 至 {}\n专项行动：{}", p.title,
                                workflow::FormatDate(p.days.first),
                                workflow::FormatDate(*p.days.last), spec.title);
    e.alarms = kPhaseAlarms;
    out->push_back(std::move(e));
  }
  return Status::OK();
}

// Everything the feed of `unit_id` shows, as of now. Loop thread.
Gathered Gather(HttpServer::Impl& s, const std::string& unit_id) {
  Gathered g;
  const SystemTime now = s.deps.clock->Now();
  const engine::Engine& engine = *s.deps.engine;
  const engine::Directory& dir = engine.directory();
  const model::Unit* unit = dir.FindUnit(unit_id);
  if (unit == nullptr) {
    s.Log(LogLevel::kInfo, fmt::format("ics: a feed for unit {}, which is no longer in the "
                                       "directory, answered 404",
                                       unit_id));
    g.status = 404;
    return g;
  }
  const std::vector<std::string> subtree = Subtree(dir, unit->id);
  std::set<model::Level> levels;
  for (const auto& id : subtree) {
    if (const model::Unit* u = dir.FindUnit(id)) levels.insert(u->level);
  }
  std::vector<store::ItemQuery> queries(1);
  queries[0].owner_units = subtree;
  if (unit->level == model::Level::kDepartment || unit->level == model::Level::kAgency) {
    // Transfers sent to a department (and findings to an agency) are its
    // deadlines too, whoever owns them.
    queries.emplace_back().department_unit = unit->id;
  }
  std::vector<store::Item> items;
  std::set<store::ItemId> seen;
  bool truncated = false;
  for (auto& q : queries) {
    q.open_only = true;
    q.due_from = now;
    q.due_to = now + kHorizon;
    q.limit = kMaxItems + 1;
    auto got = s.deps.store->ListItems(q);
    if (!got.ok()) {
      s.Log(LogLevel::kError, fmt::format("ics: listing items for {} failed: {}", unit->id,
                                          got.status().ToString()));
      g.status = 503;
      return g;
    }
    for (auto& it : *got) {
      if (static_cast<int>(items.size()) >= kMaxItems) {
        truncated = true;
        break;
      }
      if (it.due_at && seen.insert(it.id).second) items.push_back(std::move(it));
    }
  }
  std::vector<ics::Event> events;
  for (const auto& spec : engine.campaigns()) {
    if (!Concerns(*spec, dir, unit->id)) continue;
    if (events.empty()) g.feed.timezone = spec->timezone.name();
    for (const auto& it : items) {
      if (it.campaign == spec->id) events.push_back(ItemEvent(s, dir, *spec, it, unit->id));
    }
    Status st = AddCampaignEvents(s, *spec, *unit, subtree, levels, now, &events);
    if (!st.ok()) {
      s.Log(LogLevel::kError,
            fmt::format("ics: the deadlines of {} failed: {}", spec->id, st.ToString()));
      g.status = 503;
      return g;
    }
  }
  std::sort(events.begin(), events.end(), [](const ics::Event& a, const ics::Event& b) {
    const SystemTime ta = a.all_day ? SystemTime(std::chrono::sys_days(*a.all_day)) : a.start;
    const SystemTime tb = b.all_day ? SystemTime(std::chrono::sys_days(*b.all_day)) : b.start;
    return ta != tb ? ta < tb : a.uid < b.uid;
  });
  g.feed.name = "督办·" + unit->name;
  g.feed.description = unit->name + "及下辖单位的自建房安全整治截止时间，每小时更新。";
  if (truncated) {
    g.feed.description += fmt::format("事项较多，仅列出{}项。", kMaxItems);
    s.Log(LogLevel::kInfo, fmt::format("ics: the feed of {} was cut at {} items", unit->id,
                                       kMaxItems));
  }
  g.feed.events = std::move(events);
  return g;
}

void NotFound(httplib::Response& res) {
  // The error handler writes the same body as for an unknown path.
  res.status = 404;
}

}  // namespace

void RegisterIcsRoutes(HttpServer::Impl& s) {
  // Any text after /ics/, so that a damaged URL gets the same 404 as a
  // forged one and the log says which.
  s.Raw("GET", "/ics/([^/]{1,1024})", "/ics/{token}.ics",
        [&s](const httplib::Request& req, httplib::Response& res) {
          std::string token = req.matches[1];
          if (!token.ends_with(".ics")) {
            s.Log(LogLevel::kWarn, "ics: refused a feed URL without .ics");
            return NotFound(res);
          }
          token.resize(token.size() - 4);
          const std::optional<std::string> unit = VerifyFeedToken(token, s.deps.link_key);
          if (!unit) {
            s.Log(LogLevel::kWarn, "ics: refused a feed token that does not verify");
            return NotFound(res);
          }
          if (s.deps.engine == nullptr || s.deps.store == nullptr || s.deps.clock == nullptr) {
            res.status = 503;
            res.set_content("unavailable\n", "text/plain; charset=utf-8");
            return;
          }
          auto g = RunOnLoop<Gathered>(s.deps.post, s.options.loop_timeout,
                                       [&s, unit = *unit]() -> Gathered {
                                         try {
                                           return Gather(s, unit);
                                         } catch (const std::exception& e) {
                                           s.Log(LogLevel::kError,
                                                 fmt::format("ics: feed failed: {}", e.what()));
                                           return Gathered{500, {}};
                                         }
                                       });
          if (!g || g->status != 200) {
            if (g && g->status == 404) return NotFound(res);
            res.status = g ? g->status : 503;
            res.set_header("Retry-After", "60");
            res.set_content("the calendar is not available right now; retry\n",
                            "text/plain; charset=utf-8");
            return;
          }
          const std::string body = ics::RenderCalendar(g->feed);
          const std::string etag = "\"" + crypto::Sha256Hex(body).substr(0, 32) + "\"";
          // The URL is the credential: shared caches must not keep it.
          res.set_header("Cache-Control", "private, max-age=300");
          res.set_header("ETag", etag);
          res.set_header("X-Content-Type-Options", "nosniff");
          res.set_header("Referrer-Policy", "no-referrer");
          if (req.get_header_value("If-None-Match") == etag) {
            res.status = 304;
            return;
          }
          res.set_header("Content-Disposition", "inline; filename=\"duban.ics\"");
          res.set_content(body, "text/calendar; charset=utf-8");
        });
}

}  // namespace duban::api
