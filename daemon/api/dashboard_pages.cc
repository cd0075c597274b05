// The dashboard's pages. Each reads what it shows through bounded store
// queries (a page of items, the groups of one scope), on the loop thread.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "api/dashboard_internal.h"
#include "api/scope.h"
#include "base/strings.h"
#include "store/store.h"
#include "tables/tables.h"

namespace duban::api {
namespace {

using dashboard::Badge;
using dashboard::Escape;
using dashboard::Link;
using dashboard::Section;

// Lists show at most this many rows; the export has them all.
constexpr int kPageRows = 500;

std::string N(int64_t v) { return std::to_string(v); }

schedule::Date AddDays(schedule::Date d, int n) {
  return schedule::Date(std::chrono::sys_days(d) + std::chrono::days(n));
}
int64_t DayDiff(schedule::Date a, schedule::Date b) {  // a - b
  return (std::chrono::sys_days(a) - std::chrono::sys_days(b)).count();
}

std::string ItemHref(store::ItemId id, const View& v) {
  return fmt::format("/items/{}{}", id, v.CampaignParam());
}

const char* OutboxStateZh(const std::string& state) {
  if (state == "sent") return "已发送";
  if (state == "pending") return "待发送";
  if (state == "sending") return "发送中";
  if (state == "retry") return "重试中";
  if (state == "dead") return "发送失败";
  if (state == "suppressed") return "已抑制";
  return "";
}
const char* OutboxStateKind(const std::string& state) {
  if (state == "sent") return "ok";
  if (state == "dead") return "bad";
  if (state == "retry" || state == "sending") return "warn";
  return "muted";
}

std::string ContactText(const View& v, const std::string& unit, const std::string& role) {
  for (const model::Contact* c : v.dir->ContactsOf(unit, role)) {
    return c->name + (c->mobile.empty() ? "" : " " + MaskMobile(c->mobile));
  }
  return "";
}

// The report an obligation item stands for: 按时, 迟报, 未报 or 待报, by the
// same rule as the attachment table (tables::ReportStateOf).
struct ReportCell {
  const char* text;
  const char* kind;
};
ReportCell ReportStatus(const store::Item& it, SystemTime now) {
  tables::Report r;
  r.due_at = it.due_at;
  r.resolved_at = it.resolved_at;
  r.data = it.data;
  switch (tables::ReportStateOf(r, now)) {
    case tables::ReportState::kOnTime: return {"按时", "ok"};
    case tables::ReportState::kLate: return {"迟报", "warn"};
    case tables::ReportState::kMissing: return {"未报", "bad"};
    case tables::ReportState::kPending: break;
  }
  return {"待报", "muted"};
}

bool IsItemKind(const workflow::WorkflowSpec& spec, const std::string& kind) {
  return std::any_of(spec.item_kinds.begin(), spec.item_kinds.end(),
                     [&](const workflow::ItemKind& k) { return k.id == kind; });
}

// The obligation the compliance pages follow: ?o=, else the first one.
const workflow::Obligation* PickObligation(const workflow::WorkflowSpec& spec,
                                           const std::string& wanted) {
  for (const auto& o : spec.obligations) {
    if (wanted.empty() || o.id == wanted) return &o;
  }
  return nullptr;
}

// Report items of one obligation in scope due in [from, to).
Result<std::vector<store::Item>> ReportItems(HttpServer::Impl& s, const View& v,
                                             const std::string& obligation, SystemTime from,
                                             SystemTime to, int limit) {
  store::ItemQuery q = v.Items();
  q.kind = obligation;
  q.due_from = from;
  q.due_to = to;
  q.limit = limit;
  return s.deps.store->ListItems(q);
}

// --- Overview ------------------------------------------------------------

std::string WeeklyChart(const std::vector<store::Item>& reports, SystemTime now,
                        std::vector<std::pair<std::string, std::array<int64_t, 3>>>* weeks) {
  std::map<std::string, std::array<int64_t, 3>> per;  // period → on time, late, missing
  for (const auto& it : reports) {
    if (!it.due_at || *it.due_at > now) continue;
    ReportCell c = ReportStatus(it, now);
    auto& w = per[it.period];
    w[std::string_view(c.text) == "按时" ? 0 : std::string_view(c.text) == "迟报" ? 1 : 2]++;
  }
  std::vector<dashboard::Stack> stacks;
  for (const auto& [period, w] : per) {
    stacks.push_back({period.size() >= 10 ? period.substr(5) : period, {w[0], w[1], w[2]}});
    if (weeks != nullptr) weeks->emplace_back(period, w);
  }
  return dashboard::StackedColumns(
      "每周报送情况", {{"按时", "ok"}, {"迟报", "warn"}, {"未报", "bad"}}, stacks);
}

PageReply Overview(HttpServer::Impl& s, const PageCall& call) {
  auto made = MakeView(s, call, "总览", "overview");
  if (auto* r = std::get_if<PageReply>(&made)) return *r;
  View& v = std::get<View>(made);
  const workflow::WorkflowSpec& spec = *v.spec;
  store::Store& db = *s.deps.store;
  std::string body;

  auto status = s.deps.engine->StatusOf(spec.id, call.now);
  if (!status.ok()) return PageReply::Message(503, "暂时无法打开", status.status().message());

  // Counts in scope, by kind and state, from one grouped query.
  auto tally = db.TallyItems(spec.id, call.now, {});
  if (!tally.ok()) return PageReply::Message(503, "暂时无法打开", tally.status().message());
  int64_t open_items = 0, overdue_items = 0, closed_items = 0;
  std::map<std::string, std::map<std::string, int64_t>> by_state;  // kind → state → n
  std::map<std::string, int64_t> overdue_by_unit;
  for (const auto& t : *tally) {
    const bool mine = v.by_department ? t.link == v.root : v.Sees(t.owner);
    if (!mine || !IsItemKind(spec, t.kind)) continue;
    by_state[t.kind][t.state] += t.count;
    if (t.open) open_items += t.count;
    else closed_items += t.count;
    if (t.overdue) {
      overdue_items += t.count;
      overdue_by_unit[t.link.empty() ? t.owner : t.link] += t.count;
    }
  }

  // The latest weekly report that has fallen due.
  const workflow::Obligation* ob = PickObligation(spec, "");
  std::vector<store::Item> reports;
  if (ob != nullptr) {
    auto r = ReportItems(s, v, ob->id, call.now - std::chrono::hours(24 * 7 * 8),
                         call.now + std::chrono::hours(24 * 7), 20000);
    if (r.ok()) reports = std::move(*r);
  }
  std::string last_period;
  for (const auto& it : reports) {
    if (it.due_at && *it.due_at <= call.now && it.period > last_period) last_period = it.period;
  }
  int64_t on_time = 0, late = 0, missing = 0;
  for (const auto& it : reports) {
    if (it.period != last_period) continue;
    ReportCell c = ReportStatus(it, call.now);
    std::string_view t = c.text;
    (t == "按时" ? on_time : t == "迟报" ? late : missing)++;
  }

  std::string phase_text = "不在任何阶段";
  std::string days_text = "—";
  if (!status->current.empty()) {
    phase_text = status->current.front().title;
    days_text = status->current.front().end.empty()
                    ? "—"
                    : fmt::format("{} 天", status->current.front().days_left);
  }
  const std::string q = v.CampaignParam();
  body += "<div class=\"cards\">";
  body += dashboard::Card("当前阶段", phase_text, "phase");
  body += dashboard::Card("本阶段剩余", days_text, "days-left");
  body += dashboard::Card("逾期事项", N(overdue_items), "overdue-count",
                          overdue_items > 0 ? "bad" : "ok", "/overdue" + q);
  body += dashboard::Card("在办事项", N(open_items), "open-count", "", "/overdue" + q);
  body += dashboard::Card("已办结", N(closed_items), "closed-count", "ok");
  if (!last_period.empty()) {
    body += dashboard::Card(last_period.substr(5) + " 周报未报", N(missing), "reports-missing",
                            missing > 0 ? "bad" : "ok", "/compliance" + q);
    body += dashboard::Card(last_period.substr(5) + " 周报迟报", N(late), "reports-late",
                            late > 0 ? "warn" : "ok", "/compliance" + q);
    body += dashboard::Card(last_period.substr(5) + " 周报按时", N(on_time), "reports-on-time",
                            "ok", "/compliance" + q);
  }
  body += "</div>";

  // Next deadlines.
  dashboard::Table next{"next-deadlines", {"事项", "截止时间", "剩余"}, {}, {}, "暂无", false};
  for (const auto& d : status->next) {
    const int64_t days = DaysBetween(call.now, d.at);
    next.rows.push_back({Escape(d.title), Escape(LocalText(spec, d.at, true)),
                         Escape(days <= 0 ? "今天" : fmt::format("{} 天", days))});
  }
  body += Section("临近截止", dashboard::RenderTable(next));

  // Overdue by unit.
  std::vector<std::pair<std::string, int64_t>> ranked(overdue_by_unit.begin(), overdue_by_unit.end());
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::vector<dashboard::Bar> bars;
  for (const auto& [unit, n] : ranked) {
    if (bars.size() == 15) break;
    bars.push_back({v.UnitName(unit), n, "/overdue" + q + "&unit=" + dashboard::UrlEncode(unit)});
  }
  body += Section("各单位逾期事项", dashboard::BarChart("各单位逾期事项", bars, " 项"), "overdue-by-unit");

  // Completion against the milestone: cases closed so far, day by day.
  const workflow::ItemKind* cases = nullptr;
  for (const auto& k : spec.item_kinds) {
    if (!k.has_department && !k.has_agency) {
      cases = &k;
      break;
    }
  }
  if (cases != nullptr && !spec.phases.empty()) {
    store::ItemQuery iq = v.Items();
    iq.kind = cases->id;
    iq.limit = 20000;
    auto items = db.ListItems(iq);
    if (items.ok() && !items->empty()) {
      const schedule::Date first = spec.phases.front().days.first;
      schedule::Date last = spec.timezone.LocalDate(call.now);
      std::optional<schedule::Date> deadline;
      std::string deadline_title;
      // The campaign's last milestone ahead (June 30), the one cases count toward.
      for (const auto& d : status->next) {
        for (const auto& m : spec.milestones) {
          const schedule::Date day = spec.timezone.LocalDate(d.at);
          if (m.id == d.what && (!deadline || day > *deadline)) {
            deadline = day;
            deadline_title = m.title;
          }
        }
      }
      if (deadline && *deadline > last) last = *deadline;
      dashboard::LineChartSpec lc;
      lc.title = cases->title + "累计办结";
      std::map<schedule::Date, int64_t> closed_on;
      for (const auto& it : *items) {
        if (it.resolved_at) closed_on[spec.timezone.LocalDate(*it.resolved_at)]++;
      }
      const schedule::Date today = spec.timezone.LocalDate(call.now);
      int64_t sum = 0;
      // The axis runs to the deadline; the line stops today.
      for (schedule::Date d = first; d <= last && lc.x_labels.size() < 800; d = AddDays(d, 1)) {
        if (d <= today) {
          if (auto it = closed_on.find(d); it != closed_on.end()) sum += it->second;
          lc.values.push_back(sum);
        }
        lc.x_labels.push_back(schedule::FormatDate(d).substr(5));
        if (deadline && d == *deadline) lc.deadline_index = lc.x_labels.size() - 1;
      }
      lc.target = static_cast<int64_t>(items->size());
      lc.target_label = fmt::format("应办结 {}", lc.target);
      lc.deadline_label = deadline_title;
      if (!lc.values.empty()) {
        body += Section(lc.title + "（对照" + (deadline ? deadline_title : std::string("目标")) + "）",
                        dashboard::LineChart(lc), "completion");
      }
    }
  }

  if (!reports.empty()) {
    body += Section("每周报送情况", WeeklyChart(reports, call.now, nullptr), "weekly-chart");
  }

  // Counts by state.
  dashboard::Table states{"counts-by-state", {"事项", "状态", "数量"}, {}, {}, "暂无事项"};
  for (const auto& k : spec.item_kinds) {
    auto it = by_state.find(k.id);
    if (it == by_state.end()) continue;
    for (const auto& st : k.states) {
      auto n = it->second.find(st.id);
      if (n == it->second.end()) continue;
      states.rows.push_back({Escape(k.title), Escape(st.label.empty() ? st.id : st.label), N(n->second)});
    }
  }
  body += Section("各状态事项数", dashboard::RenderTable(states));

  // Deadlines in the phone's calendar: the feed of the viewer's own unit.
  if (!v.root.empty()) {
    auto url = MintFeedUrl(v.root, s.deps.link_key, s.public_url);
    if (url.ok()) {
      body += Section("订阅截止日历",
                      "<p>在手机或电脑日历中“添加订阅日历”，粘贴下面的地址，即可随时看到" +
                          Escape(v.UnitName(v.root)) + "及下级单位的截止时间：</p><p class=\"wrap\">" +
                          Link(*url, *url) + "</p>",
                      "ics");
    }
  }

  return PageReply::Html(v.Render(body));
}

// --- Overdue items -------------------------------------------------------

struct OverdueLine {
  store::Item item;
  std::string step;
  std::string last_message;
};

Result<std::vector<OverdueLine>> OverdueLines(HttpServer::Impl& s, const View& v,
                                              SystemTime now, const std::string& unit) {
  store::ItemQuery q = v.Items();
  if (!unit.empty() && !v.by_department) q.owner_units = Subtree(*v.dir, unit);
  q.overdue_at = now;
  q.limit = kPageRows;
  auto items = s.deps.store->ListItems(q);
  if (!items.ok()) return items.status();
  std::vector<OverdueLine> out;
  std::vector<std::pair<std::string, store::ItemId>> keys;
  for (auto& it : *items) {
    if (!IsItemKind(*v.spec, it.kind)) continue;
    keys.emplace_back(it.campaign, it.id);
    out.push_back({std::move(it), "", ""});
  }
  auto steps = s.deps.store->LastFiredSteps(keys);
  if (!steps.ok()) return steps.status();
  std::map<store::ItemId, std::string> step_of;
  for (const auto& f : *steps) step_of[f.item_id] = tables::StepLabel(*v.spec, f.step);
  for (auto& line : out) {
    line.step = step_of.count(line.item.id) ? step_of[line.item.id] : "";
    auto msgs = s.deps.store->OutboxForItem(line.item.id);
    if (msgs.ok() && !msgs->empty()) {
      const store::OutboxRow& m = msgs->back();
      const model::Contact* c = v.dir->FindContact(m.recipient);
      line.last_message = fmt::format("{} 发给{}（{}）", LocalText(*v.spec, m.created_at),
                                      c != nullptr ? c->name : m.recipient,
                                      OutboxStateZh(m.state));
    }
  }
  // Longest overdue first.
  std::stable_sort(out.begin(), out.end(), [](const OverdueLine& a, const OverdueLine& b) {
    return *a.item.due_at < *b.item.due_at;
  });
  return out;
}

PageReply Overdue(HttpServer::Impl& s, const PageCall& call) {
  auto made = MakeView(s, call, "逾期事项", "overdue");
  if (auto* r = std::get_if<PageReply>(&made)) return *r;
  View& v = std::get<View>(made);
  const std::string unit = call.Query("unit");
  if (auto refused = v.RefuseUnit(unit)) return *refused;
  auto lines = OverdueLines(s, v, call.now, unit);
  if (!lines.ok()) return PageReply::Message(503, "暂时无法打开", lines.status().message());
  dashboard::Table t{"overdue-items",
                     {"事项", "单位", "状态", "到期", "逾期", "已到环节", "最近消息", "责任人"},
                     {}, {}, "没有逾期事项"};
  for (const auto& l : *lines) {
    const store::Item& it = l.item;
    const int64_t days = DaysBetween(*it.due_at, call.now);
    std::string unit_text = v.UnitName(it.owner_unit);
    if (!it.department_unit.empty()) unit_text += " → " + v.UnitName(it.department_unit);
    const std::string who = it.department_unit.empty()
                                ? ContactText(v, it.owner_unit, "liaison")
                                : ContactText(v, it.department_unit, "liaison");
    t.rows.push_back({Link(ItemHref(it.id, v), KindTitle(*v.spec, it.kind) + " " + it.key),
                      Escape(unit_text), Escape(StateLabel(*v.spec, it.kind, it.state)),
                      Escape(LocalText(*v.spec, *it.due_at)),
                      Badge(fmt::format("{} 天", days), days >= 30 ? "bad" : days >= 7 ? "warn" : "info"),
                      dashboard::Wrap(l.step.empty() ? "—" : l.step),
                      dashboard::Wrap(l.last_message.empty() ? "—" : l.last_message),
                      Escape(who.empty() ? "—" : who)});
  }
  std::string body = "<div class=\"tools\">";
  const std::string export_q = v.CampaignParam() + (unit.empty() ? "" : "&unit=" + dashboard::UrlEncode(unit));
  body += "<a class=\"btn\" href=\"/overdue.csv" + Escape(export_q) + "\">导出 CSV</a>";
  body += "<a class=\"btn\" href=\"/overdue.xlsx" + Escape(export_q) + "\">导出 Excel</a>";
  if (!unit.empty()) body += "<span class=\"muted\">单位：" + Escape(v.UnitName(unit)) + " " + Link("/overdue" + v.CampaignParam(), "（全部）") + "</span>";
  body += fmt::format("<span class=\"muted\" data-testid=\"overdue-total\">共 {} 项</span>", lines->size());
  body += "</div>";
  body += Section("逾期未办结的事项（逾期最久的在前）", dashboard::RenderTable(t));
  return PageReply::Html(v.Render(body));
}

// --- Weekly report compliance grid ---------------------------------------

PageReply Compliance(HttpServer::Impl& s, const PageCall& call) {
  auto made = MakeView(s, call, "周报报送情况", "compliance");
  if (auto* r = std::get_if<PageReply>(&made)) return *r;
  View& v = std::get<View>(made);
  const workflow::Obligation* ob = PickObligation(*v.spec, call.Query("o"));
  if (ob == nullptr) return PageReply::Message(404, "没有报送任务", "此专项行动没有定期报送任务。");
  int weeks = 8;
  if (call.Query("weeks") == "16") weeks = 16;
  // Rows: the units under the scope that owe the report, at most 300 (a
  // county's villages); a larger scope picks a town first.
  constexpr size_t kMaxUnits = 300;
  auto reports = ReportItems(s, v, ob->id, call.now - std::chrono::hours(24 * 7 * weeks),
                             call.now + std::chrono::hours(24 * 7), 50000);
  if (!reports.ok()) return PageReply::Message(503, "暂时无法打开", reports.status().message());
  std::set<std::string> periods;
  std::map<std::string, std::map<std::string, const store::Item*>> grid;  // unit → period → item
  for (const auto& it : *reports) {
    periods.insert(it.period);
    grid[it.owner_unit][it.period] = &it;
  }
  std::string body;
  std::vector<std::pair<std::string, std::array<int64_t, 3>>> per_week;
  body += Section(ob->title + "：每周按时、迟报、未报", WeeklyChart(*reports, call.now, &per_week),
                  "weekly-chart");
  dashboard::Table t;
  t.testid = "compliance-grid";
  t.numeric_right = false;
  t.head.push_back("单位");
  for (const auto& p : periods) t.head.push_back(p.substr(5));
  // Units in directory order (by id), the scope's own unit first if it owes.
  std::vector<std::string> units;
  for (const auto& [unit, row] : grid) units.push_back(unit);
  std::sort(units.begin(), units.end(), [&](const std::string& a, const std::string& b) {
    return std::make_pair(v.UnitName(a), a) < std::make_pair(v.UnitName(b), b);
  });
  const bool cut = units.size() > kMaxUnits;
  if (cut) units.resize(kMaxUnits);
  for (const auto& unit : units) {
    std::vector<std::string> row{Escape(v.UnitName(unit))};
    for (const auto& p : periods) {
      auto it = grid[unit].find(p);
      if (it == grid[unit].end()) {
        row.push_back("<span class=\"muted\">—</span>");
        continue;
      }
      const ReportCell c = ReportStatus(*it->second, call.now);
      row.push_back(fmt::format("<a href=\"{}\" data-cell=\"{}\">{}</a>",
                                Escape(ItemHref(it->second->id, v)), c.text, Badge(c.text, c.kind)));
    }
    t.rows.push_back(std::move(row));
  }
  std::string grid_html = "<div class=\"grid\">" + dashboard::RenderTable(t) + "</div>";
  if (cut) grid_html += "<p class=\"muted\">单位过多，只列出前 300 个；请用下级单位的令牌查看。</p>";
  grid_html += "<p class=\"muted\">按时：截止前报送；迟报：截止后补报；未报：已过截止仍未报送；待报：尚未到截止时间。点击查看该期报送内容。</p>";
  body += Section("各单位每周报送（" + ob->title + "）", grid_html, "grid");
  return PageReply::Html(v.Render(body));
}

// --- Laggards -------------------------------------------------------------

PageReply Laggards(HttpServer::Impl& s, const PageCall& call) {
  auto made = MakeView(s, call, "落后单位排名", "laggards");
  if (auto* r = std::get_if<PageReply>(&made)) return *r;
  View& v = std::get<View>(made);
  // The same window as GET /api/v1/campaigns/{id}/laggards: the 28 days up to now.
  const SystemTime from = call.now - std::chrono::hours(24 * 28);
  auto ranked = s.deps.engine->Laggards(v.spec->id, v.by_department ? std::string() : v.root,
                                        from, call.now, call.now, 100);
  if (!ranked.ok()) return PageReply::Message(503, "暂时无法打开", ranked.status().message());
  dashboard::Table t{"laggards",
                     {"名次", "单位", "得分", "缺报", "迟报", "逾期事项", "移送积压", "其中严重",
                      "其中超30天", "逾期分", "说明"},
                     {}, {}, "近28天没有落后单位"};
  int rank = 0;
  for (const auto& l : *ranked) {
    if (v.by_department && l.unit != v.root) continue;
    t.rows.push_back({N(++rank),
                      Link("/overdue" + v.CampaignParam() + "&unit=" + dashboard::UrlEncode(l.unit),
                           v.UnitName(l.unit)),
                      N(l.score), N(l.missing_reports), N(l.late_reports), N(l.overdue_items),
                      N(l.stuck_transfers), N(l.critical_overdue), N(l.long_overdue),
                      N(l.overdue_points), dashboard::Wrap(engine::LaggardWhy(l))});
  }
  std::string body = Section(
      "近28天（" + LocalText(*v.spec, from) + " 至今）",
      dashboard::RenderTable(t) +
          "<p class=\"muted\">得分 = 3 × 缺报次数 + 1 × 迟报次数 + 逾期分；每项逾期事项或移送积压计 "
          "2 × 逾期时长系数（不足7天1、不足30天2、30天及以上3）× 严重程度系数（严重2、其他1）。</p>");
  return PageReply::Html(v.Render(body));
}

// --- Transfers -----------------------------------------------------------

PageReply Transfers(HttpServer::Impl& s, const PageCall& call) {
  auto made = MakeView(s, call, "移送办理情况", "transfers");
  if (auto* r = std::get_if<PageReply>(&made)) return *r;
  View& v = std::get<View>(made);
  static const char* kBuckets[] = {"3天内", "4–7天", "8–14天", "15–30天", "30天以上"};
  struct Row {
    int64_t open = 0, unacked = 0, overdue = 0;
    std::array<int64_t, 5> age{};
  };
  std::map<std::string, Row> rows;
  std::vector<store::Item> oldest;
  for (const auto& k : v.spec->item_kinds) {
    if (!k.has_department) continue;
    store::ItemQuery q = v.Items();
    q.kind = k.id;
    q.open_only = true;
    q.limit = 20000;
    auto items = s.deps.store->ListItems(q);
    if (!items.ok()) return PageReply::Message(503, "暂时无法打开", items.status().message());
    for (auto& it : *items) {
      Row& r = rows[it.department_unit];
      r.open++;
      if (!it.acknowledged_at) r.unacked++;
      if (it.due_at && *it.due_at < call.now) r.overdue++;
      const int64_t d = DaysBetween(it.created_at, call.now);
      r.age[d <= 3 ? 0 : d <= 7 ? 1 : d <= 14 ? 2 : d <= 30 ? 3 : 4]++;
      oldest.push_back(std::move(it));
    }
  }
  dashboard::Table t{"transfers-by-department",
                     {"部门", "在办", "未签收", "已逾期", kBuckets[0], kBuckets[1], kBuckets[2],
                      kBuckets[3], kBuckets[4]},
                     {}, {}, "没有在办的移送事项"};
  for (const auto& [dept, r] : rows) {
    t.rows.push_back({Escape(v.UnitName(dept)), N(r.open), N(r.unacked), N(r.overdue), N(r.age[0]),
                      N(r.age[1]), N(r.age[2]), N(r.age[3]), N(r.age[4])});
  }
  std::sort(oldest.begin(), oldest.end(),
            [](const store::Item& a, const store::Item& b) { return a.created_at < b.created_at; });
  if (oldest.size() > 50) oldest.resize(50);
  dashboard::Table list{"transfers-oldest", {"事项", "移送单位", "接收部门", "状态", "移送时间", "已过", "签收"},
                        {}, {}, "没有在办的移送事项"};
  for (const auto& it : oldest) {
    list.rows.push_back({Link(ItemHref(it.id, v), it.key), Escape(v.UnitName(it.owner_unit)),
                         Escape(v.UnitName(it.department_unit)),
                         Escape(StateLabel(*v.spec, it.kind, it.state)),
                         Escape(LocalText(*v.spec, it.created_at)),
                         fmt::format("{} 天", DaysBetween(it.created_at, call.now)),
                         it.acknowledged_at ? Badge("已签收", "ok") : Badge("未签收", "bad")});
  }
  std::string body = Section("按接收部门（在办时长自移送之日起算）", dashboard::RenderTable(t));
  body += Section("办理最久的移送事项", dashboard::RenderTable(list));
  return PageReply::Html(v.Render(body));
}

// --- Phases, milestones and spot checks -----------------------------------

PageReply Progress(HttpServer::Impl& s, const PageCall& call) {
  auto made = MakeView(s, call, "阶段与节点进度", "progress");
  if (auto* r = std::get_if<PageReply>(&made)) return *r;
  View& v = std::get<View>(made);
  const workflow::WorkflowSpec& spec = *v.spec;
  const schedule::Date today = spec.timezone.LocalDate(call.now);
  dashboard::Table phases{"phases", {"阶段", "起止", "状态", "进度"}, {}, {}, "未设阶段", false};
  for (const auto& p : spec.phases) {
    const schedule::Date a = p.days.first;
    std::string when = schedule::FormatDate(a) + " 至 " +
                       (p.days.last ? schedule::FormatDate(*p.days.last) : std::string("长期"));
    std::string state, bar;
    if (today < a) {
      state = Badge("未开始", "muted");
    } else if (p.days.last && today > *p.days.last) {
      state = Badge("已结束", "ok");
    } else {
      state = Badge("进行中", "info");
    }
    if (p.days.last) {
      const double total = static_cast<double>(DayDiff(*p.days.last, a) + 1);
      const double done = std::clamp(static_cast<double>(DayDiff(today, a) + 1), 0.0, total);
      const int pct = static_cast<int>(100.0 * done / total);
      bar = fmt::format(
          "<svg viewBox=\"0 0 200 14\" width=\"200\" role=\"img\" aria-label=\"{0}%\">"
          "<rect width=\"200\" height=\"14\" class=\"c-muted\"/><rect width=\"{1}\" height=\"14\" "
          "class=\"c-info\"/></svg> {0}%",
          pct, 2 * pct);
    }
    phases.rows.push_back({Escape(p.title), Escape(when), state, bar});
  }
  std::string body = Section("工作阶段", dashboard::RenderTable(phases), "phases");

  auto status = s.deps.engine->StatusOf(spec.id, call.now);
  auto tally = s.deps.store->TallyItems(spec.id, call.now, {});
  int64_t open_cases = 0, closed_cases = 0;
  if (tally.ok()) {
    for (const auto& t : *tally) {
      if (!IsItemKind(spec, t.kind) || !v.Sees(t.owner)) continue;
      (t.open ? open_cases : closed_cases) += t.count;
    }
  }
  dashboard::Table ms{"milestones", {"节点", "截止", "状态", "未办结事项"}, {}, {}, "未设节点", false};
  for (const auto& m : spec.milestones) {
    std::string when = "已过", state = Badge("已到期", open_cases > 0 ? "bad" : "ok");
    if (status.ok()) {
      for (const auto& d : status->next) {
        if (d.what == m.id) {
          when = LocalText(spec, d.at, true);
          state = Badge(fmt::format("还有 {} 天", DaysBetween(call.now, d.at)), "info");
        }
      }
    }
    ms.rows.push_back({Escape(m.title), Escape(when), state,
                       fmt::format("{} / 共 {}", open_cases, open_cases + closed_cases)});
  }
  body += Section("关键节点", dashboard::RenderTable(ms), "milestones");

  auto spot = s.deps.engine->SpotCheckProgress(spec.id, call.now);
  if (spot.ok()) {
    dashboard::Table t{"spot-check", {"组别", "市州", "县区", "抽取", "已检查", "发现问题", "整改通知在办", "其中逾期"},
                       {}, {}, "尚未抽取"};
    engine::SpotCheckCounts total;
    for (const auto& r : *spot) {
      if (!v.Sees(r.unit) && !v.Sees(r.city)) continue;
      t.rows.push_back({Escape(r.group_title), Escape(r.city_name), Escape(r.name), N(r.counts.sampled),
                        N(r.counts.inspected), N(r.counts.findings), N(r.counts.notices_open),
                        N(r.counts.notices_overdue)});
      total.Add(r.counts);
    }
    t.rows.push_back({"总计", "", "", N(total.sampled), N(total.inspected), N(total.findings),
                      N(total.notices_open), N(total.notices_overdue)});
    t.row_class.assign(t.rows.size() - 1, "");
    t.row_class.push_back("total");
    body += Section("抽查评估进度（按组、市州、县区）", dashboard::RenderTable(t), "spot-check");
  }
  return PageReply::Html(v.Render(body));
}

// --- Outbox ----------------------------------------------------------------

PageReply Outbox(HttpServer::Impl& s, const PageCall& call) {
  auto made = MakeView(s, call, "消息发送", "outbox");
  if (auto* r = std::get_if<PageReply>(&made)) return *r;
  View& v = std::get<View>(made);
  store::OutboxQuery q;
  q.state = call.Query("state");
  static const std::set<std::string> kStates = {"", "pending", "sending", "sent", "retry", "dead",
                                                "suppressed"};
  if (!kStates.count(q.state)) q.state.clear();
  q.limit = 200;
  auto rows = s.deps.store->ListOutbox(q);
  if (!rows.ok()) return PageReply::Message(503, "暂时无法打开", rows.status().message());
  auto counts = s.deps.store->OutboxCounts();
  std::string body = "<div class=\"cards\">";
  if (counts.ok()) {
    for (const auto& [state, n] : *counts) {
      body += dashboard::Card(OutboxStateZh(state), N(n), "outbox-" + state, OutboxStateKind(state),
                              "/outbox" + v.CampaignParam() + "&state=" + state);
    }
  }
  body += "</div>";
  dashboard::Table t{"outbox", {"编号", "时间", "渠道", "收件人", "内容", "状态", "次数", "错误", ""},
                     {}, {}, "没有消息"};
  for (const auto& m : *rows) {
    const model::Contact* c = v.dir->FindContact(m.recipient);
    if (!v.root.empty() && (c == nullptr || !v.Sees(c->unit_id))) continue;
    std::string action;
    if (m.state == "dead" && v.layout.admin) {
      action = fmt::format(
          "<form class=\"inline\" method=\"post\" action=\"/outbox/{}/retry{}\">{}<button "
          "type=\"submit\" data-testid=\"retry-{}\">重发</button></form>",
          m.id, Escape(v.CampaignParam()), dashboard::CsrfField(call.csrf), m.id);
    }
    std::string text = m.title.empty() ? m.body : m.title;
    if (text.size() > 120) {
      size_t cut = 120;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
      text = text.substr(0, cut) + "…";
    }
    t.rows.push_back({N(m.id), Escape(LocalText(*v.spec, m.created_at)), Escape(m.channel),
                      Escape(c != nullptr ? c->name : m.recipient), dashboard::Wrap(text),
                      Badge(OutboxStateZh(m.state), OutboxStateKind(m.state)), N(m.attempts),
                      Escape(m.last_error), action});
  }
  if (call.Query("done") == "retry") body += "<p class=\"okmsg\" role=\"status\">已安排重发。</p>";
  body += Section("最近的消息（最新在前）", dashboard::RenderTable(t));
  return PageReply::Html(v.Render(body));
}

PageReply RetryOutbox(HttpServer::Impl& s, const PageCall& call) {
  if (!call.actor.admin()) return PageReply::Message(403, "无权操作", "只有管理员可以重发失败的消息。");
  store::OutboxId id = 0;
  try {
    id = std::stoll(call.captures.at(0));
  } catch (const std::exception&) {
    return PageReply::Message(404, "找不到消息", "没有这条消息。");
  }
  auto row = s.deps.store->GetOutbox(id);
  if (!row.ok() || !row->has_value()) return PageReply::Message(404, "找不到消息", "没有这条消息。");
  store::AuditEntry audit;
  audit.at = call.now;
  audit.actor = call.actor.id;
  audit.via = "dashboard";
  audit.action = "outbox.retry";
  audit.payload = fmt::format(R"({{"outbox_id":{},"channel":{}}})", id,
                              nlohmann::json((*row)->channel).dump());
  Status st = s.deps.store->RetryDead(id, call.now, audit);
  if (!st.ok()) {
    return PageReply::Message(409, "无法重发", "这条消息不是发送失败状态，可能已经重发过了。", "/outbox");
  }
  const std::string c = call.Query("c");
  return PageReply::Redirect("/outbox?state=retry&done=retry" +
                             (c.empty() ? "" : "&c=" + dashboard::UrlEncode(c)));
}

// --- One item ----------------------------------------------------------------

// The field `name` of an item kind (its data, create or transition fields)
// or of an obligation; nullptr when none declares it.
const workflow::FieldSpec* FindField(const workflow::WorkflowSpec& spec, const std::string& kind,
                                     const std::string& name) {
  auto find = [&](const workflow::FieldSet& set) -> const workflow::FieldSpec* {
    for (const auto& f : set.fields) {
      if (f.name == name) return &f;
    }
    return nullptr;
  };
  for (const auto& k : spec.item_kinds) {
    if (k.id != kind) continue;
    if (auto* f = find(k.fields)) return f;
    if (auto* f = find(k.create)) return f;
    for (const auto& t : k.transitions) {
      if (auto* f = find(t.input)) return f;
    }
  }
  for (const auto& o : spec.obligations) {
    if (o.id == kind) return find(o.fields);
  }
  return nullptr;
}

// A field's value for people: enum labels, 是/否, text as it is.
std::string ValueText(const workflow::FieldSpec* field, const nlohmann::json& v) {
  if (v.is_string()) {
    const std::string text = v.get<std::string>();
    if (field != nullptr) {
      for (const auto& e : field->values) {
        if (e.value == text && !e.label.empty()) return e.label;
      }
    }
    return text;
  }
  if (v.is_boolean()) return v.get<bool>() ? "是" : "否";
  return v.dump();
}

const char* ActionZh(const std::string& action) {
  if (action == "item.create") return "创建";
  if (action == "item.transition") return "办理";
  if (action == "item.ack") return "签收";
  if (action == "report.submit") return "报送";
  if (action == "obligation.materialize") return "生成报送任务";
  return "";
}

PageReply ItemPage(HttpServer::Impl& s, const PageCall& call) {
  store::ItemId id = 0;
  try {
    id = std::stoll(call.captures.at(0));
  } catch (const std::exception&) {
    return PageReply::Message(404, "找不到事项", "没有这个事项。");
  }
  auto got = s.deps.store->GetItem(id);
  if (!got.ok()) return PageReply::Message(503, "暂时无法打开", got.status().message());
  if (!got->has_value()) return PageReply::Message(404, "找不到事项", "没有这个事项。");
  const store::Item& it = **got;
  PageCall scoped = call;
  scoped.query.erase("c");
  scoped.query.emplace("c", it.campaign);
  auto made = MakeView(s, scoped, "事项详情", "");
  if (auto* r = std::get_if<PageReply>(&made)) return *r;
  View& v = std::get<View>(made);
  if (!s.deps.engine->InScope(call.actor, it)) {
    return PageReply::Message(403, "无权查看", "该事项不在您的管辖范围内。");
  }
  const workflow::WorkflowSpec& spec = *v.spec;
  v.layout.title = KindTitle(spec, it.kind) + " " + it.key;
  std::string body;
  if (call.Query("done") == "ack") body += "<p class=\"okmsg\" role=\"status\">已签收。</p>";

  auto steps = s.deps.store->LastFiredSteps({{it.campaign, it.id}});
  std::string step = "—";
  if (steps.ok() && !steps->empty()) {
    step = tables::StepLabel(spec, steps->front().step) + "（" + LocalText(spec, steps->front().fired_at) + "）";
  }
  std::string facts = "<dl class=\"facts\" data-testid=\"item-facts\">";
  auto fact = [&facts](std::string_view k, const std::string& html) {
    facts += "<dt>" + Escape(k) + "</dt><dd>" + html + "</dd>";
  };
  fact("类别", Escape(KindTitle(spec, it.kind)));
  fact("编号", Escape(it.key));
  fact("单位", Escape(v.UnitName(it.owner_unit)));
  if (!it.department_unit.empty()) fact("接收部门", Escape(v.UnitName(it.department_unit)));
  std::string state = Escape(StateLabel(spec, it.kind, it.state));
  if (!IsItemKind(spec, it.kind)) {
    const ReportCell c = ReportStatus(it, call.now);
    state = Badge(c.text, c.kind);
  } else if (it.open() && it.due_at && *it.due_at < call.now) {
    state += " " + Badge(fmt::format("逾期 {} 天", DaysBetween(*it.due_at, call.now)), "bad");
  }
  fact("状态", state);
  if (!it.period.empty()) fact("报送期", Escape(it.period));
  if (it.due_at) fact("截止", Escape(LocalText(spec, *it.due_at, true)));
  fact("创建", Escape(LocalText(spec, it.created_at)));
  if (it.acknowledged_at) fact("签收", Escape(LocalText(spec, *it.acknowledged_at)));
  if (it.resolved_at) fact("办结/报送", Escape(LocalText(spec, *it.resolved_at)));
  fact("已到环节", Escape(step));
  const std::string owner_contact = ContactText(v, it.owner_unit, "liaison");
  if (!owner_contact.empty()) fact("联络员", Escape(owner_contact));
  const nlohmann::json data = nlohmann::json::parse(it.data, nullptr, false);
  if (data.is_object()) {
    for (const auto& [k, val] : data.items()) {
      if (StartsWith(k, "_")) continue;  // the engine's own bookkeeping
      const workflow::FieldSpec* f = FindField(spec, it.kind, k);
      fact(f != nullptr && !f->label.empty() ? f->label : k, dashboard::Wrap(ValueText(f, val)));
    }
  }
  facts += "</dl>";
  if (it.open() && !it.acknowledged_at && IsItemKind(spec, it.kind)) {
    facts += fmt::format(
        "<form method=\"post\" action=\"/items/{}/ack\">{}<p><button type=\"submit\" "
        "data-testid=\"ack\">签收此事项</button></p></form>",
        it.id, dashboard::CsrfField(call.csrf));
  }
  body += Section("基本情况", facts, "facts");

  auto history = s.deps.store->ItemHistory(it.id);
  dashboard::Table h{"history", {"时间", "操作", "操作人", "途径", "内容"}, {}, {}, "暂无记录", false};
  if (history.ok()) {
    for (const auto& e : *history) {
      // The payload as "label: value" pairs, the transition and new state first.
      std::string what;
      const nlohmann::json p = nlohmann::json::parse(e.payload, nullptr, false);
      if (p.is_object()) {
        if (auto t = p.find("transition"); t != p.end() && t->is_string()) what = t->get<std::string>();
        if (auto t = p.find("to"); t != p.end() && t->is_string()) {
          what += " → " + StateLabel(spec, it.kind, t->get<std::string>());
        }
        for (const char* key : {"fields", "input", "data"}) {
          auto f = p.find(key);
          if (f == p.end() || !f->is_object()) continue;
          for (const auto& [k, val] : f->items()) {
            if (StartsWith(k, "_")) continue;
            const workflow::FieldSpec* fs = FindField(spec, it.kind, k);
            what += fmt::format("{}{}：{}", what.empty() ? "" : "；",
                                fs != nullptr && !fs->label.empty() ? fs->label : k,
                                ValueText(fs, val));
          }
        }
      }
      if (what.size() > 600) {
        size_t cut = 600;
        while (cut > 0 && (static_cast<unsigned char>(what[cut]) & 0xC0) == 0x80) --cut;
        what = what.substr(0, cut) + "…";
      }
      std::string who = e.actor;
      if (StartsWith(who, "contact:")) {
        const model::Contact* c = v.dir->FindContact(who.substr(8));
        if (c != nullptr) who = c->name;
      }
      const std::string zh = ActionZh(e.action);
      h.rows.push_back({Escape(LocalText(spec, e.at)), Escape(zh.empty() ? e.action : zh), Escape(who),
                        Escape(e.via), dashboard::Wrap(what)});
    }
  }
  body += Section("办理记录", dashboard::RenderTable(h), "history");

  auto msgs = s.deps.store->OutboxForItem(it.id);
  dashboard::Table m{"messages", {"时间", "收件人", "渠道", "状态", "内容"}, {}, {}, "没有发送过消息", false};
  if (msgs.ok()) {
    for (const auto& row : *msgs) {
      const model::Contact* c = v.dir->FindContact(row.recipient);
      m.rows.push_back({Escape(LocalText(spec, row.created_at)), Escape(c != nullptr ? c->name : row.recipient),
                        Escape(row.channel), Badge(OutboxStateZh(row.state), OutboxStateKind(row.state)),
                        "<div class=\"wrap\" style=\"white-space:pre-wrap\">" + Escape(row.body) + "</div>"});
    }
  }
  body += Section("发送过的消息", dashboard::RenderTable(m), "messages");
  return PageReply::Html(v.Render(body));
}

PageReply AckItem(HttpServer::Impl& s, const PageCall& call) {
  store::ItemId id = 0;
  try {
    id = std::stoll(call.captures.at(0));
  } catch (const std::exception&) {
    return PageReply::Message(404, "找不到事项", "没有这个事项。");
  }
  auto done = s.deps.engine->Acknowledge(id, call.actor, call.now);
  const std::string back = fmt::format("/items/{}", id);
  if (!done.ok()) {
    switch (done.status().code()) {
      case StatusCode::kNotFound:
        return PageReply::Message(404, "找不到事项", "没有这个事项。", back);
      case StatusCode::kPermissionDenied:
        return PageReply::Message(403, "无权签收", "此事项应由责任单位签收。", back);
      case StatusCode::kConflict:
        return PageReply::Message(409, "无需签收", "此事项已经签收或已办结。", back);
      default:
        return PageReply::Message(503, "暂时无法签收", "系统繁忙，请稍后再试。", back);
    }
  }
  return PageReply::Redirect(back + "?done=ack");
}

// --- The attachment table and the exports ---------------------------------

// The table request of a page: ?week= (a due date or latest), ?view=weekly.
tables::TableRequest TableRequestOf(const View& v, const PageCall& call) {
  tables::TableRequest req;
  req.unit = call.Query("unit").empty() ? v.root : call.Query("unit");
  req.period = call.Query("week").empty() ? "latest" : call.Query("week");
  req.view = call.Query("view") == "weekly" ? tables::View::kWeekly : tables::View::kCumulative;
  return req;
}

PageReply TableFailure(const Status& st) {
  if (st.code() == StatusCode::kNotFound || st.code() == StatusCode::kInvalidArgument) {
    return PageReply::Message(404, "没有这一期", "所选单位或周次没有周报数据：" + st.message());
  }
  return PageReply::Message(503, "暂时无法打开", st.message());
}

std::string TableHtml(const tables::Table& t) {
  std::string out = "<div class=\"scroll\"><table data-testid=\"attachment-table\"><thead><tr>";
  out += "<th rowspan=\"2\">" + Escape(t.row_header) + "</th>";
  // Group headings over their columns; a column without a group spans both rows.
  for (size_t i = 0; i < t.columns.size();) {
    size_t j = i;
    while (j < t.columns.size() && t.columns[j].group == t.columns[i].group) ++j;
    if (t.columns[i].group.empty()) {
      for (size_t k = i; k < j; ++k) out += "<th rowspan=\"2\">" + Escape(t.columns[k].name) + "</th>";
    } else {
      out += fmt::format("<th colspan=\"{}\">{}</th>", j - i, Escape(t.columns[i].group));
    }
    i = j;
  }
  out += "<th rowspan=\"2\">" + Escape(t.state_header) + "</th></tr><tr>";
  for (const auto& c : t.columns) {
    if (!c.group.empty()) out += "<th>" + Escape(c.name) + "</th>";
  }
  out += "</tr></thead><tbody>";
  auto row = [&out](const tables::Row& r, bool total) {
    out += total ? "<tr class=\"total\">" : "<tr>";
    out += "<td>" + Escape(r.name) + "</td>";
    for (const auto& c : r.cells) out += "<td class=\"n\">" + (c ? std::to_string(*c) : "") + "</td>";
    if (r.state) {
      const tables::ReportState st = *r.state;
      const char* kind = st == tables::ReportState::kOnTime ? "ok"
                         : st == tables::ReportState::kLate  ? "warn"
                         : st == tables::ReportState::kMissing ? "bad"
                                                               : "muted";
      out += "<td>" + Badge(tables::ReportStateLabel(st), kind) + "</td>";
    } else {
      out += "<td></td>";
    }
    out += "</tr>";
  };
  for (const auto& r : t.rows) row(r, false);
  row(t.total, true);
  out += "</tbody></table></div>";
  for (const auto& n : t.notes) out += "<p class=\"muted\">" + Escape(n) + "</p>";
  return out;
}

PageReply AttachmentTable(HttpServer::Impl& s, const PageCall& call) {
  auto made = MakeView(s, call, "集中摸排情况表", "table");
  if (auto* r = std::get_if<PageReply>(&made)) return *r;
  View& v = std::get<View>(made);
  const tables::TableRequest req = TableRequestOf(v, call);
  if (auto refused = v.RefuseUnit(req.unit)) return *refused;
  auto table = tables::BuildAttachmentTable(*s.deps.store, *v.dir, *v.spec, req, call.now);
  if (!table.ok()) return TableFailure(table.status());
  const std::string base = v.CampaignParam() + "&week=" + dashboard::UrlEncode(req.period) +
                           (req.unit.empty() ? "" : "&unit=" + dashboard::UrlEncode(req.unit));
  const bool weekly = req.view == tables::View::kWeekly;
  std::string body = "<div class=\"tools\">";
  body += Link("/table" + base, "累计数") + " · " + Link("/table" + base + "&view=weekly", "本周新增");
  const std::string view_q = weekly ? "&view=weekly" : "";
  body += " <a class=\"btn\" href=\"/table.csv" + Escape(base + view_q) + "\">导出 CSV</a>";
  body += "<a class=\"btn\" href=\"/table.xlsx" + Escape(base) + "\">导出 Excel（累计与本周新增两页）</a>";
  body += "</div>";
  body += fmt::format(
      "<p class=\"muted\" data-testid=\"table-summary\">{}。按时 {}，迟报 {}，未报 {}，待报 {}。</p>",
      Escape(table->subtitle), table->on_time, table->late, table->missing, table->pending);
  body += Section(table->title, TableHtml(*table), "table");
  return PageReply::Html(v.Render(body));
}

std::string ScratchDir() { return std::filesystem::temp_directory_path().string(); }

PageReply Download(std::string body, std::string content_type, std::string filename) {
  PageReply r;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  r.filename = std::move(filename);
  return r;
}
constexpr const char* kCsvType = "text/csv; charset=utf-8";
constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

PageReply TableExport(HttpServer::Impl& s, const PageCall& call, bool xlsx) {
  auto made = MakeView(s, call, "集中摸排情况表", "table");
  if (auto* r = std::get_if<PageReply>(&made)) return *r;
  View& v = std::get<View>(made);
  tables::TableRequest req = TableRequestOf(v, call);
  if (auto refused = v.RefuseUnit(req.unit)) return *refused;
  auto table = tables::BuildAttachmentTable(*s.deps.store, *v.dir, *v.spec, req, call.now);
  if (!table.ok()) return TableFailure(table.status());
  const std::string name = table->title + "-" + (req.unit.empty() ? "全部" : v.UnitName(req.unit));
  if (!xlsx) return Download(tables::ToCsv(*table), kCsvType, name + ".csv");
  // The workbook holds both views, like the town office's own file.
  req.view = req.view == tables::View::kWeekly ? tables::View::kCumulative : tables::View::kWeekly;
  auto other = tables::BuildAttachmentTable(*s.deps.store, *v.dir, *v.spec, req, call.now);
  if (!other.ok()) return TableFailure(other.status());
  std::vector<tables::Table> sheets = {*table, *other};
  if (req.view == tables::View::kCumulative) std::swap(sheets[0], sheets[1]);
  auto bytes = tables::ToXlsx(sheets, ScratchDir());
  if (!bytes.ok()) return PageReply::Message(503, "无法导出", bytes.status().message());
  return Download(std::move(*bytes), kXlsxType, name + ".xlsx");
}

PageReply OverdueExport(HttpServer::Impl& s, const PageCall& call, bool xlsx) {
  auto made = MakeView(s, call, "逾期事项", "overdue");
  if (auto* r = std::get_if<PageReply>(&made)) return *r;
  View& v = std::get<View>(made);
  const std::string unit = call.Query("unit");
  if (auto refused = v.RefuseUnit(unit)) return *refused;
  auto lines = OverdueLines(s, v, call.now, unit);
  if (!lines.ok()) return PageReply::Message(503, "暂时无法导出", lines.status().message());
  tables::OverdueList list;
  const std::string scope = unit.empty() ? (v.root.empty() ? "全部" : v.UnitName(v.root)) : v.UnitName(unit);
  list.title = scope + " " + v.spec->title + " 逾期事项清单";
  list.subtitle = fmt::format("截至 {}，共 {} 项", LocalText(*v.spec, call.now), lines->size());
  for (const auto& l : *lines) {
    const store::Item& it = l.item;
    tables::OverdueRow row;
    row.unit = v.UnitName(it.department_unit.empty() ? it.owner_unit : it.department_unit);
    row.kind_title = KindTitle(*v.spec, it.kind);
    row.key = it.key;
    row.state = StateLabel(*v.spec, it.kind, it.state);
    row.due = LocalText(*v.spec, *it.due_at);
    row.days_overdue = DaysBetween(*it.due_at, call.now);
    row.step = l.step;
    row.contact = ContactText(v, it.department_unit.empty() ? it.owner_unit : it.department_unit, "liaison");
    list.rows.push_back(std::move(row));
  }
  const std::string name = scope + "-逾期事项";
  if (!xlsx) return Download(tables::ToCsv(list), kCsvType, name + ".csv");
  auto bytes = tables::ToXlsx(list, ScratchDir());
  if (!bytes.ok()) return PageReply::Message(503, "无法导出", bytes.status().message());
  return Download(std::move(*bytes), kXlsxType, name + ".xlsx");
}

}  // namespace

void RegisterDashboardPages(HttpServer::Impl& s,
                            const std::function<void(const std::string&, const std::string&,
                                                     const std::string&, PageHandler)>& page) {
  (void)s;
  page("GET", "/", "/", Overview);
  page("GET", "/overdue", "/overdue", Overdue);
  page("GET", "/compliance", "/compliance", Compliance);
  page("GET", "/laggards", "/laggards", Laggards);
  page("GET", "/transfers", "/transfers", Transfers);
  page("GET", "/progress", "/progress", Progress);
  page("GET", "/outbox", "/outbox", Outbox);
  page("POST", R"(/outbox/(\d{1,19})/retry)", "/outbox/{id}/retry", RetryOutbox);
  page("GET", "/table", "/table", AttachmentTable);
  page("GET", "/table.csv", "/table.csv",
       [](HttpServer::Impl& s, const PageCall& c) { return TableExport(s, c, false); });
  page("GET", "/table.xlsx", "/table.xlsx",
       [](HttpServer::Impl& s, const PageCall& c) { return TableExport(s, c, true); });
  page("GET", "/overdue.csv", "/overdue.csv",
       [](HttpServer::Impl& s, const PageCall& c) { return OverdueExport(s, c, false); });
  page("GET", "/overdue.xlsx", "/overdue.xlsx",
       [](HttpServer::Impl& s, const PageCall& c) { return OverdueExport(s, c, true); });
  page("GET", R"(/items/(\d{1,19}))", "/items/{id}", ItemPage);
  page("POST", R"(/items/(\d{1,19})/ack)", "/items/{id}/ack", AckItem);
}

}  // namespace duban::api
