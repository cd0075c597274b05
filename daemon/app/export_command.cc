// `duban export table`: the attachment table 集中摸排情况表 of one week for a
// town (or any unit), and `duban export overdue`: the items past due, each
// as CSV or XLSX (docs/exports.md). The file is written next to its name and
// renamed into place, so FILE is either the old file or a complete new one.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "app/campaigns.h"
#include "app/cli_store.h"
#include "app/commands.h"
#include "engine/directory.h"
#include "tables/tables.h"

namespace duban::app {
namespace {

struct ExportArgs {
  std::string config = "config/duban.yaml";
  std::string campaign;
  std::string unit;
  std::string week = "latest";
  std::string view = "cumulative";
  std::string format;
  std::string output;
};

int Fail(const std::string& cmd, const std::string& message, int code = 1) {
  std::fprintf(stderr, "duban export %s: %s\n", cmd.c_str(), message.c_str());
  return code;
}

// The format from --format, else from the output's extension; "" if neither.
std::string FormatOf(const ExportArgs& a) {
  if (!a.format.empty()) return a.format;
  const std::string ext = std::filesystem::path(a.output).extension().string();
  return ext == ".csv" ? "csv" : ext == ".xlsx" ? "xlsx" : "";
}

// Checks the arguments both subcommands share; 0 when they are fine.
int CheckArgs(const std::string& cmd, const ExportArgs& a) {
  if (a.campaign.empty()) return Fail(cmd, "缺少 --campaign (--campaign is required)", 2);
  if (a.output.empty()) return Fail(cmd, "缺少 -o (the output file, -o FILE, is required)", 2);
  const std::string f = FormatOf(a);
  if (f != "csv" && f != "xlsx") {
    return Fail(cmd,
                fmt::format("--format 应为 csv 或 xlsx (--format must be csv or xlsx, got '{}')",
                            a.format),
                2);
  }
  return 0;
}

struct Setup {
  CliStore cli;
  Loaded loaded;
  std::shared_ptr<const workflow::WorkflowSpec> spec;
  engine::Directory dir;
};

std::optional<Setup> Prepare(const std::string& cmd, const ExportArgs& args) {
  auto cli = OpenCliStore(args.config);
  if (!cli) return std::nullopt;
  Setup s{std::move(*cli), {}, nullptr, {}};
  Diagnostics diags;
  s.loaded = LoadCampaigns(*s.cli.config, &diags);
  if (diags.has_errors()) {
    std::fprintf(stderr, "%s", diags.ToString().c_str());
    return std::nullopt;
  }
  std::string ids;
  for (const auto& c : s.loaded.campaigns) {
    if (c->id == args.campaign) s.spec = c;
    ids += (ids.empty() ? "" : ", ") + c->id;
  }
  if (s.spec == nullptr) {
    Fail(cmd, fmt::format("没有活动 '{}' (no such --campaign; configured: {})", args.campaign, ids));
    return std::nullopt;
  }
  auto units = s.cli.store->ListUnits();
  auto contacts = s.cli.store->ListContacts();
  if (!units.ok() || !contacts.ok()) {
    Fail(cmd, "reading the directory failed");
    return std::nullopt;
  }
  s.dir = engine::Directory(std::move(*units), std::move(*contacts));
  if (!args.unit.empty() && s.dir.FindUnit(args.unit) == nullptr) {
    Fail(cmd, fmt::format("没有单位 '{}' (no such --unit)", args.unit));
    return std::nullopt;
  }
  return s;
}

// Writes through FILE.tmp and a rename; `write` fills the temporary file.
template <typename Write>
Status WriteAtomically(const std::string& path, Write write) {
  const std::string tmp = path + ".tmp";
  Status st = write(tmp);
  std::error_code ec;
  if (st.ok()) {
    std::filesystem::rename(tmp, path, ec);
    if (ec) st = Status::Unavailable(fmt::format("cannot move the file to {}", path), ec.message());
  }
  if (!st.ok()) std::filesystem::remove(tmp, ec);
  return st;
}

Status WriteText(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  out.close();
  if (!out) return Status::Unavailable("cannot write", path);
  return Status::OK();
}

int RunTable(const ExportArgs& args) {
  const std::string cmd = "table";
  if (int rc = CheckArgs(cmd, args); rc != 0) return rc;
  const std::string format = FormatOf(args);
  if (args.view != "cumulative" && args.view != "weekly" && args.view != "both") {
    return Fail(cmd, fmt::format("--view 应为 cumulative、weekly 或 both (got '{}')", args.view), 2);
  }
  if (args.view == "both" && format != "xlsx") {
    return Fail(cmd, "--view both 只能用于 xlsx (a CSV file holds one table)", 2);
  }
  auto s = Prepare(cmd, args);
  if (!s) return 1;
  std::vector<tables::View> views;
  if (args.view != "weekly") views.push_back(tables::View::kCumulative);
  if (args.view != "cumulative") views.push_back(tables::View::kWeekly);
  std::vector<tables::Table> sheets;
  for (tables::View v : views) {
    auto t = tables::BuildAttachmentTable(*s->cli.store, s->dir, *s->spec,
                                          {args.unit, args.week, v, ""}, s->cli.now);
    if (!t.ok()) {
      const bool bad_week = t.status().code() == StatusCode::kInvalidArgument;
      return Fail(cmd, (bad_week ? "--week: " : "") + t.status().ToString(), bad_week ? 2 : 1);
    }
    sheets.push_back(std::move(*t));
  }
  Status st = WriteAtomically(args.output, [&](const std::string& tmp) {
    return format == "csv" ? WriteText(tmp, tables::ToCsv(sheets.front()))
                           : tables::WriteXlsx(sheets, tmp);
  });
  if (!st.ok()) return Fail(cmd, st.ToString());
  const tables::Table& t = sheets.front();
  std::string counts = fmt::format("按时 {}，迟报 {}，未报 {}", t.on_time, t.late, t.missing);
  if (t.pending > 0) counts += fmt::format("，待报 {}", t.pending);
  std::printf("wrote %zu villages + 总计 to %s（%s）\n", t.rows.size(), args.output.c_str(),
              counts.c_str());
  return 0;
}

// The owner's liaison (else head): "张三 13800000001".
std::string ContactOf(const engine::Directory& dir, const std::string& unit) {
  for (const char* role : {"liaison", "head", "department_contact"}) {
    auto people = dir.ContactsOf(unit, role);
    if (people.empty()) continue;
    std::string mobile = people.front()->mobile;
    if (mobile.rfind("+86", 0) == 0) mobile = mobile.substr(3);
    return people.front()->name + (mobile.empty() ? "" : " " + mobile);
  }
  return "";
}

std::string NameOf(const engine::Directory& dir, const std::string& unit) {
  const model::Unit* u = dir.FindUnit(unit);
  return u != nullptr ? u->name : unit;
}

int RunOverdue(const ExportArgs& args) {
  const std::string cmd = "overdue";
  if (int rc = CheckArgs(cmd, args); rc != 0) return rc;
  auto s = Prepare(cmd, args);
  if (!s) return 1;
  const workflow::WorkflowSpec& spec = *s->spec;
  store::ItemQuery q;
  q.campaign = spec.id;
  q.overdue_at = s->cli.now;
  q.limit = 1000;
  if (!args.unit.empty()) {
    using L = model::Level;
    for (const model::Unit* u : s->dir.UnitsAt({L::kProvince, L::kCity, L::kCounty, L::kTown,
                                                 L::kVillage, L::kDepartment, L::kAgency},
                                                args.unit)) {
      q.owner_units.push_back(u->id);
    }
  }
  tables::OverdueList list;
  const std::string where = args.unit.empty() ? "" : NameOf(s->dir, args.unit);
  list.title = where + spec.title + "逾期事项清单";
  for (;;) {
    auto page = s->cli.store->ListItems(q);
    if (!page.ok()) return Fail(cmd, page.status().ToString());
    std::vector<std::pair<std::string, store::ItemId>> keys;
    for (const store::Item& it : *page) keys.emplace_back(it.campaign, it.id);
    auto fired = s->cli.store->LastFiredSteps(keys);
    if (!fired.ok()) return Fail(cmd, fired.status().ToString());
    std::map<store::ItemId, std::string> step_of;
    for (const auto& f : *fired) step_of[f.item_id] = tables::StepLabel(spec, f.step);
    for (const store::Item& it : *page) {
      tables::OverdueRow r;
      r.unit = NameOf(s->dir, it.owner_unit);
      if (!it.department_unit.empty()) r.unit += " → " + NameOf(s->dir, it.department_unit);
      r.key = it.key;
      r.state = it.state;
      if (const auto* kind = spec.FindItemKind(it.kind)) {
        r.kind_title = kind->title;
        if (int i = kind->FindState(it.state); i >= 0) {
          r.state = kind->states[static_cast<size_t>(i)].label;
        }
      } else if (const auto* ob = spec.FindObligation(it.kind)) {
        r.kind_title = ob->title;
        r.key = it.period;  // the week the report is for
        r.state = "未报";
      }
      if (it.due_at) {
        r.due = spec.timezone.Format(*it.due_at);
        r.days_overdue =
            std::chrono::duration_cast<std::chrono::hours>(s->cli.now - *it.due_at).count() / 24;
      }
      if (auto f = step_of.find(it.id); f != step_of.end()) r.step = f->second;
      r.contact =
          ContactOf(s->dir, it.department_unit.empty() ? it.owner_unit : it.department_unit);
      list.rows.push_back(std::move(r));
    }
    if (static_cast<int>(page->size()) < q.limit) break;
    q.after_id = page->back().id;
  }
  std::stable_sort(list.rows.begin(), list.rows.end(),
                   [](const auto& a, const auto& b) { return a.days_overdue > b.days_overdue; });
  list.subtitle = fmt::format("截至 {}，共 {} 项", spec.timezone.Format(s->cli.now),
                              list.rows.size());
  Status st = WriteAtomically(args.output, [&](const std::string& tmp) {
    return FormatOf(args) == "csv" ? WriteText(tmp, tables::ToCsv(list))
                                   : tables::WriteXlsx(list, tmp);
  });
  if (!st.ok()) return Fail(cmd, st.ToString());
  std::printf("wrote %zu overdue items to %s\n", list.rows.size(), args.output.c_str());
  return 0;
}

void AddCommon(CLI::App* cmd, ExportArgs* args) {
  cmd->add_option("-c,--config", args->config, "Configuration file")->capture_default_str();
  cmd->add_option("--campaign", args->campaign, "Campaign id");
  cmd->add_option("--unit", args->unit, "A town (or any unit): its subtree (default: all)");
  cmd->add_option("--format", args->format, "csv or xlsx (default: from -o's extension)");
  cmd->add_option("-o,--output", args->output, "File to write (replaced whole)");
}

}  // namespace

void AddExportCommand(CLI::App& cli, int* exit_code) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = cli.add_subcommand("export", "Export tables as CSV or XLSX (docs/exports.md)");
  cmd->require_subcommand(1);
  CLI::App* table = cmd->add_subcommand(
      "table", "The attachment table 集中摸排情况表 of one week's reports, one row per village");
  AddCommon(table, args.get());
  table->add_option("--week", args->week, "The report's due date (2024-04-12) or latest")
      ->capture_default_str();
  table->add_option("--view", args->view, "cumulative, weekly (this week's increase) or both")
      ->capture_default_str();
  table->callback([args, exit_code] { *exit_code = RunTable(*args); });
  CLI::App* overdue = cmd->add_subcommand("overdue", "Items past their due time, one row each");
  AddCommon(overdue, args.get());
  overdue->callback([args, exit_code] { *exit_code = RunOverdue(*args); });
}

}  // namespace duban::app
