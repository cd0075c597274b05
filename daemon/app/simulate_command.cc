#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "app/commands.h"
#include "app/logging.h"
#include "app/simulate.h"
#include "base/time_format.h"
#include "schedule/schedule.h"
#include "workflow/spec.h"

namespace duban::app {
namespace {

struct SimulateArgs {
  std::string config = "config/duban.yaml";
  std::string from;
  std::string to;
  std::string events;
  std::string format = "text";
  std::string save_database;  // keep the simulated database here
};

// "2024-03-25" (local midnight in `zone`) or a full RFC 3339 instant.
std::optional<SystemTime> ParseWhen(const std::string& s, const schedule::Zone& zone) {
  if (auto t = ParseRfc3339(s)) return t;
  if (auto d = workflow::ParseDate(s)) return zone.ToInstant(*d, Millis(0));
  return std::nullopt;
}

int RunSimulate(const SimulateArgs& args) {
  auto log = MakeLogger("duban-simulate");
  Diagnostics diags;
  auto cfg = config::LoadConfig(args.config, &diags);
  if (cfg == nullptr) {
    std::fprintf(stderr, "%s", diags.ToString().c_str());
    return 1;
  }
  auto zone = schedule::Zone::Load(cfg->time_zone);
  if (!zone.ok()) {
    log->error("time_zone: {}", zone.status().message());
    return 1;
  }
  auto from = ParseWhen(args.from, *zone);
  auto to = ParseWhen(args.to, *zone);
  if (!from || !to || *to <= *from) {
    log->error("--from and --to must be dates (2024-03-25) or times with an offset, from before to");
    return 2;
  }
  SimulationOptions opts;
  opts.from = *from;
  opts.to = *to;
  opts.events_file = args.events;
  const bool keep = !args.save_database.empty();
  if (keep && std::filesystem::exists(args.save_database)) {
    log->error("--save-database {}: the file exists; remove it first (it is never overwritten)",
               args.save_database);
    return 2;
  }
  const auto tmp = keep ? std::filesystem::path(args.save_database)
                        : std::filesystem::temp_directory_path() /
                              fmt::format("duban-simulate-{}.db", static_cast<long>(getpid()));
  opts.database_copy = tmp.string();
  auto result = Simulate(*cfg, opts, *log);
  std::error_code ec;
  if (!keep || !result.ok()) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(tmp.string() + suffix, ec);
  }
  if (!result.ok()) {
    log->error("{}", result.status().message());
    return 1;
  }
  const std::string out = args.format == "json" ? FormatSimulationJson(*result, cfg->time_zone)
                                                : FormatSimulationText(*result, cfg->time_zone);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace

void AddSimulateCommand(CLI::App& cli, int* exit_code) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* cmd = cli.add_subcommand(
      "simulate",
      "Run the campaigns on a virtual clock over a copy of the database and print every "
      "message that would be sent; nothing is sent");
  cmd->add_option("-c,--config", args->config, "Configuration file")->capture_default_str();
  cmd->add_option("--from", args->from, "Start: a date (2024-03-25) or a time with offset")->required();
  cmd->add_option("--to", args->to, "End (exclusive)")->required();
  cmd->add_option("--events", args->events,
                  "JSONL file of timestamped events to replay: submit (a report), create, "
                  "transition and ack (an item, named by its key); see config/demo/events-2024.jsonl");
  cmd->add_option("--save-database", args->save_database,
                  "Keep the simulated database in this new file (e.g. a demo with history: "
                  "serve it with --clock-start at --to and --allow-clock-change)");
  cmd->add_option("--format", args->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->callback([args, exit_code] { *exit_code = RunSimulate(*args); });
}

}  // namespace duban::app
