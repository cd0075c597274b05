#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "app/app.h"
#include "app/commands.h"
#include "app/logging.h"
#include "base/time_format.h"
#include "runtime/real_clock.h"

namespace duban::app {
namespace {

struct ServeArgs {
  std::string config = "config/duban.yaml";
  std::string log_level;
  std::string clock_start;
  double clock_rate = 1;
  bool allow_clock_change = false;
};

int RunServe(const ServeArgs& args) {
  auto log = MakeLogger("duban");
  runtime::RealClock real;
  std::unique_ptr<runtime::OffsetClock> offset;
  AppOptions opts;
  opts.config_path = args.config;
  if (!args.log_level.empty()) opts.log_level = args.log_level;
  opts.allow_clock_change = args.allow_clock_change;
  if (!args.clock_start.empty()) {
    auto start = ParseRfc3339(args.clock_start);
    if (!start) {
      log->error("--clock-start: expected a time with an offset such as "
                 "2024-04-12T11:55+08:00, got '{}'", args.clock_start);
      return 2;
    }
    offset = std::make_unique<runtime::OffsetClock>(real, *start, args.clock_rate);
    opts.clock = offset.get();
    log->warn("running on campaign time starting {} at {}x speed; nothing here is real time",
              args.clock_start, args.clock_rate);
  }
  auto app = App::Create(opts, log);
  if (!app.ok()) {
    log->error("cannot start: {}", app.status().message());
    return 1;
  }
  std::printf("duban 督办 %s 已启动 — dashboard and API: %s\n", DUBAN_VERSION,
              (*app)->url().c_str());
  std::fflush(stdout);
  Status st = (*app)->Run();
  if (!st.ok()) {
    log->error("stopped with an error: {}", st.ToString());
    return 1;
  }
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& cli, int* exit_code) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = cli.add_subcommand("serve", "Run the daemon: engine, delivery, HTTP API and dashboard");
  cmd->add_option("-c,--config", args->config, "Configuration file")->capture_default_str();
  cmd->add_option("--log-level", args->log_level,
                  "Override the config's log_level (trace, debug, info, warn, error)");
  cmd->add_option("--clock-start", args->clock_start,
                  "Run on campaign time from this instant, e.g. 2024-04-12T11:55+08:00 "
                  "(demos and training)");
  cmd->add_option("--clock-rate", args->clock_rate,
                  "With --clock-start: campaign seconds per real second")
      ->check(CLI::Range(1.0, 100000.0));
  cmd->add_flag("--allow-clock-change", args->allow_clock_change,
                "Start even if the database was last run on a different clock kind");
  cmd->callback([args, exit_code] { *exit_code = RunServe(*args); });
}

void AddVersionCommand(CLI::App& cli, int* exit_code) {
  CLI::App* cmd = cli.add_subcommand("version", "Print the version");
  cmd->callback([exit_code] {
    std::printf("duban %s\n", DUBAN_VERSION);
    *exit_code = 0;
  });
}

}  // namespace duban::app
