#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "app/campaigns.h"
#include "app/channels.h"
#include "app/commands.h"
#include "config/config.h"

namespace duban::app {
namespace {

struct CheckArgs {
  std::string config = "config/duban.yaml";
};

// Validates everything `serve` would load and lists every problem found.
int RunCheck(const CheckArgs& args) {
  Diagnostics diags;
  auto cfg = config::LoadConfig(args.config, &diags);
  size_t campaigns = 0;
  if (cfg != nullptr) {
    Loaded loaded = LoadCampaigns(*cfg, &diags);
    campaigns = loaded.campaigns.size();
    CheckChannels(*cfg, loaded, &diags);
  }
  for (const auto& d : diags.items()) std::fprintf(stderr, "%s\n", d.ToString().c_str());
  if (diags.has_errors()) {
    std::fprintf(stderr, "duban check: %d error(s), %d warning(s)\n", diags.error_count(),
                 diags.warning_count());
    return 1;
  }
  std::printf("duban check: %s is valid (%zu campaign(s), %zu channel(s)); %d warning(s)\n",
              args.config.c_str(), campaigns, cfg->channels.size(), diags.warning_count());
  return 0;
}

}  // namespace

void AddCheckCommand(CLI::App& cli, int* exit_code) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = cli.add_subcommand(
      "check", "Validate the configuration, campaigns and templates; list every error");
  cmd->add_option("-c,--config", args->config, "Configuration file")->capture_default_str();
  cmd->callback([args, exit_code] { *exit_code = RunCheck(*args); });
}

}  // namespace duban::app
