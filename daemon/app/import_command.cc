#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/campaigns.h"
#include "app/commands.h"
#include "app/logging.h"
#include "app/runner.h"
#include "base/crypto.h"
#include "importer/importer.h"
#include "runtime/real_clock.h"
#include "store/store.h"

namespace duban::app {
namespace {

struct ImportArgs {
  std::string config = "config/duban.yaml";
  std::string what;
  std::string file;
  bool dry_run = false;
  bool all_or_nothing = false;
};

// Parses, diffs, reports and (unless a dry run) saves one kind of record.
template <typename ImportT, typename SaveFn>
int Finish(const ImportArgs& args, const ImportT& parsed, const importer::ImportDiff& diff,
           store::Store& db, const std::string& bytes, SaveFn save) {
  for (const auto& line : importer::RenderReport(parsed, diff)) std::printf("%s\n", line.c_str());
  const importer::DiffSummary sum = importer::Summarize(diff, parsed);
  if (parsed.FileRejected()) return 1;
  if (args.dry_run) {
    std::printf("试运行，未写入数据库 (dry run: nothing was written)\n");
    return sum.rejected > 0 ? 1 : 0;
  }
  if (args.all_or_nothing && sum.rejected > 0) {
    std::printf("有 %d 行被拒绝，--all-or-nothing：未写入任何记录 (nothing was written)\n",
                sum.rejected);
    return 1;
  }
  Status st = save(parsed.records);
  if (!st.ok()) {
    std::fprintf(stderr, "写入数据库失败 (saving failed): %s\n", st.ToString().c_str());
    return 1;
  }
  // The file's hash goes into the audit log, so anyone can later show which
  // spreadsheet the directory came from.
  store::AuditEntry audit;
  runtime::RealClock clock;
  audit.at = clock.Now();
  audit.actor = "cli";
  audit.via = "import";
  audit.action = "import." + args.what;
  audit.payload = nlohmann::json{{"file", args.file},
                                 {"sha256", crypto::Sha256Hex(bytes)},
                                 {"added", sum.added},
                                 {"updated", sum.updated},
                                 {"unchanged", sum.unchanged},
                                 {"rejected", sum.rejected}}
                      .dump();
  if (auto a = db.AppendAudit(audit); !a.ok()) {
    std::fprintf(stderr, "写入审计日志失败 (audit log): %s\n", a.status().ToString().c_str());
    return 1;
  }
  std::printf("已写入 %zu 条记录 (saved %zu records)\n", parsed.records.size(),
              parsed.records.size());
  return sum.rejected > 0 ? 1 : 0;
}

int RunImport(const ImportArgs& args) {
  auto log = MakeLogger("duban-import");
  Diagnostics diags;
  auto cfg = config::LoadConfig(args.config, &diags);
  if (cfg == nullptr) {
    std::fprintf(stderr, "%s", diags.ToString().c_str());
    return 1;
  }
  std::ifstream in(args.file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot read the file\n", args.file.c_str());
    return 1;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string bytes = ss.str();
  runtime::RealClock clock;
  auto store = store::OpenSqlite({cfg->database_path, cfg->busy_timeout_ms}, clock.Now());
  if (!store.ok()) {
    std::fprintf(stderr, "database %s: %s\n", cfg->database_path.c_str(),
                 store.status().message().c_str());
    return 1;
  }
  store::Store& db = **store;
  auto units = db.ListUnits();
  if (!units.ok()) {
    std::fprintf(stderr, "%s\n", units.status().ToString().c_str());
    return 1;
  }
  if (args.what == "units") {
    importer::UnitContext ctx{*units};
    auto parsed = importer::ParseUnits(bytes, args.file, ctx);
    return Finish(args, parsed, importer::Diff(*units, parsed.records), db, bytes,
                  [&](const auto& r) { return db.UpsertUnits(r); });
  }
  if (args.what == "houses") {
    importer::HouseContext ctx{importer::UnitLevels(*units)};
    auto parsed = importer::ParseHouses(bytes, args.file, ctx);
    auto existing = db.ListHouses();
    if (!existing.ok()) return 1;
    return Finish(args, parsed, importer::Diff(*existing, parsed.records), db, bytes,
                  [&](const auto& r) { return db.UpsertHouses(r); });
  }
  // Contacts: roles come from the campaigns, channels from the config.
  Diagnostics cdiags;
  Loaded loaded = LoadCampaigns(*cfg, &cdiags);
  importer::ContactContext ctx;
  ctx.units = importer::UnitLevels(*units);
  for (const auto& spec : loaded.campaigns) {
    for (const auto& role : spec->roles) ctx.roles.insert(role.id);
  }
  for (const auto& ch : cfg->channels) {
    ctx.channels.insert(ch.name);
    if (FamilyOf(ch) == notify::Family::kSms) ctx.mobile_channels.insert(ch.name);
  }
  auto parsed = importer::ParseContacts(bytes, args.file, ctx);
  auto existing = db.ListContacts();
  if (!existing.ok()) return 1;
  return Finish(args, parsed, importer::Diff(*existing, parsed.records), db, bytes,
                [&](const auto& r) { return db.UpsertContacts(r); });
}

}  // namespace

void AddImportCommand(CLI::App& cli, int* exit_code) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = cli.add_subcommand(
      "import", "Import units, contacts or houses from a CSV file (Excel/WPS, UTF-8 or GB18030)");
  cmd->add_option("what", args->what, "units, contacts or houses")
      ->required()
      ->check(CLI::IsMember({"units", "contacts", "houses"}));
  cmd->add_option("file", args->file, "The CSV file")->required();
  cmd->add_option("-c,--config", args->config, "Configuration file")->capture_default_str();
  cmd->add_flag("--dry-run", args->dry_run, "Check and report, write nothing");
  cmd->add_flag("--all-or-nothing", args->all_or_nothing,
                "Write nothing when any row is rejected");
  cmd->callback([args, exit_code] { *exit_code = RunImport(*args); });
}

}  // namespace duban::app
