// `duban audit verify` and `duban audit export`: the audit log for people
// who must show that nobody edited the record (弄虚作假 is punished).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/progress.h"
#include "base/time_format.h"
#include "config/config.h"
#include "runtime/real_clock.h"
#include "store/audit.h"
#include "store/store.h"

namespace duban::app {
namespace {

struct AuditArgs {
  std::string config = "config/duban.yaml";
  std::string output;  // export: "" = stdout
};

Result<std::unique_ptr<store::Store>> OpenFromConfig(const std::string& path,
                                                     const Clock& clock) {
  Diagnostics diags;
  auto cfg = config::LoadConfig(path, &diags);
  if (cfg == nullptr) return Status::InvalidArgument(diags.ToString());
  return store::OpenSqlite({cfg->database_path, cfg->busy_timeout_ms}, clock.Now());
}

int RunVerify(const AuditArgs& args) {
  runtime::RealClock clock;
  auto db = OpenFromConfig(args.config, clock);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
    return 2;
  }
  Progress progress("audit verify", 0, clock);
  auto v = store::VerifyAuditChain(**db, [&](int64_t n) { progress.Update(n); });
  if (!v.ok()) {
    std::fprintf(stderr, "%s\n", v.status().ToString().c_str());
    return 2;
  }
  if (!v->ok()) {
    progress.Finish(fmt::format("审计日志被篡改：第 {} 条记录不符 (record {} does not match)",
                                *v->first_bad_seq, *v->first_bad_seq));
    std::printf("审计日志校验失败 (audit log verification FAILED)\n第一条不符的记录: %lld\n原因: %s\n",
                static_cast<long long>(*v->first_bad_seq), v->problem.c_str());
    return 1;
  }
  progress.Finish(fmt::format("审计日志完整，共 {} 条记录 (intact)", v->records));
  std::printf("审计日志完整 (audit log intact): %lld 条记录\n末条哈希 (head hash): %s\n",
              static_cast<long long>(v->records), v->head_hash.c_str());
  return 0;
}

int RunExport(const AuditArgs& args) {
  runtime::RealClock clock;
  auto db = OpenFromConfig(args.config, clock);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
    return 2;
  }
  std::ofstream file;
  if (!args.output.empty()) {
    file.open(args.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::fprintf(stderr, "%s: cannot write the file\n", args.output.c_str());
      return 2;
    }
  }
  Progress progress("audit export", 0, clock);
  int64_t after = 0;
  int64_t n = 0;
  for (;;) {
    auto page = (*db)->AuditAfter(after, 5000);
    if (!page.ok()) {
      std::fprintf(stderr, "%s\n", page.status().ToString().c_str());
      return 2;
    }
    for (const auto& e : *page) {
      nlohmann::json j = {{"seq", e.seq},
                          {"at", FormatUtc(e.at)},
                          {"actor", e.actor},
                          {"via", e.via},
                          {"action", e.action},
                          {"item_id", e.item_id},
                          {"payload", nlohmann::json::parse(e.payload, nullptr, false)},
                          {"prev_hash", e.prev_hash},
                          {"hash", e.hash}};
      // The payload is kept verbatim too: verification hashes its exact bytes.
      j["payload_raw"] = e.payload;
      const std::string line = j.dump() + "\n";
      if (file.is_open()) file << line;
      else std::fwrite(line.data(), 1, line.size(), stdout);
      after = e.seq;
      ++n;
    }
    progress.Update(n);
    if (page->size() < 5000) break;
  }
  if (file.is_open()) {
    file.close();
    if (!file) {
      std::fprintf(stderr, "%s: write failed\n", args.output.c_str());
      return 2;
    }
  }
  progress.Finish(fmt::format("已导出 {} 条审计记录 (exported {} records)", n, n));
  return 0;
}

}  // namespace

void AddAuditCommand(CLI::App& cli, int* exit_code) {
  auto args = std::make_shared<AuditArgs>();
  CLI::App* cmd = cli.add_subcommand("audit", "Verify or export the tamper-evident audit log");
  cmd->require_subcommand(1);
  CLI::App* verify = cmd->add_subcommand(
      "verify", "Recompute the hash chain; exit 1 naming the first record that does not match");
  verify->add_option("-c,--config", args->config, "Configuration file")->capture_default_str();
  verify->callback([args, exit_code] { *exit_code = RunVerify(*args); });
  CLI::App* exp = cmd->add_subcommand("export", "Write the audit log as JSON Lines");
  exp->add_option("-c,--config", args->config, "Configuration file")->capture_default_str();
  exp->add_option("-o,--output", args->output, "Output file (default: standard output)");
  exp->callback([args, exit_code] { *exit_code = RunExport(*args); });
}

}  // namespace duban::app
