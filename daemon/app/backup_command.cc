// `duban backup --to FILE`: a consistent copy of the live database through
// SQLite's online backup API, safe while `duban serve` runs (it holds no
// lock the daemon waits on for long). The copy is written next to FILE and
// renamed into place only after it passes an integrity check, so FILE is
// either the old backup or a complete new one, never half of one.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "app/cli_store.h"
#include "app/commands.h"

namespace duban::app {
namespace {

struct BackupArgs {
  std::string config = "config/duban.yaml";
  std::string to;
  bool force = false;
};

int RunBackup(const BackupArgs& args) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(args.to, ec) && !args.force) {
    std::fprintf(stderr,
                 "duban backup: %s 已存在；覆盖请加 --force (exists; pass --force to replace it)\n",
                 args.to.c_str());
    return 1;
  }
  auto cli = OpenCliStore(args.config);
  if (!cli) return 1;
  const std::string tmp = args.to + ".partial";
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(tmp + suffix, ec);
  if (Status st = cli->store->BackupTo(tmp); !st.ok()) {
    std::fprintf(stderr, "duban backup: %s\n", st.ToString().c_str());
    fs::remove(tmp, ec);
    return 1;
  }
  // Opening the copy checks it (quick_check) and that its schema is one this
  // binary knows; a copy that fails is deleted, the old backup kept.
  {
    auto copy = store::OpenSqlite({tmp, cli->config->busy_timeout_ms}, cli->now);
    if (!copy.ok()) {
      std::fprintf(stderr, "duban backup: 备份副本校验失败，已删除 (the copy failed its check): %s\n",
                   copy.status().ToString().c_str());
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(tmp + suffix, ec);
      return 1;
    }
  }
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(tmp + suffix, ec);
  fs::rename(tmp, args.to, ec);
  if (ec) {
    std::fprintf(stderr, "duban backup: cannot move the copy to %s: %s\n", args.to.c_str(),
                 ec.message().c_str());
    return 1;
  }
  const auto bytes = fs::file_size(args.to, ec);
  std::printf("备份完成 (backup written): %s, %.1f MB, schema v%d, 完整性检查通过 (integrity ok)\n",
              args.to.c_str(), ec ? 0.0 : static_cast<double>(bytes) / (1024.0 * 1024.0),
              store::LatestSchemaVersion());
  return 0;
}

}  // namespace

void AddBackupCommand(CLI::App& cli, int* exit_code) {
  auto args = std::make_shared<BackupArgs>();
  CLI::App* cmd = cli.add_subcommand(
      "backup", "Copy the database while duban runs (SQLite online backup), checked before use");
  cmd->add_option("-c,--config", args->config, "Configuration file")->capture_default_str();
  cmd->add_option("--to", args->to, "Backup file to write")->required();
  cmd->add_flag("--force", args->force, "Replace an existing backup file");
  cmd->callback([args, exit_code] { *exit_code = RunBackup(*args); });
}

}  // namespace duban::app
