#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "app/campaigns.h"
#include "app/channels.h"
#include "app/commands.h"
#include "engine/engine.h"
#include "config/config.h"

namespace duban::app {
namespace {

struct CheckArgs {
  std::string config = "config/duban.yaml";
};

// Every template a campaign uses, rendered with sample data: a variable no
// message provides (a typo such as {{untt}}) renders empty in every message,
// so it is an error here rather than a blank in a liaison's SMS.
void CheckTemplates(const config::DaemonConfig& cfg, const Loaded& loaded, Diagnostics* diags) {
  if (loaded.templates == nullptr) return;
  const auto& known = engine::MessageFields();
  nlohmann::json sample = {
      {"campaign", "示例专项行动"}, {"unit", "上村"}, {"unit_id", "v1"}, {"title", "示例事项"},
      {"due", "4月12日（周五）12:00"}, {"overdue", "2天"}, {"item_id", 1}, {"count", 2},
      {"more", 1}, {"days_left", 3}, {"open_count", 5}, {"link", "https://duban.example/a/x"},
      {"recipient", {{"name", "张三"}, {"role", "liaison"}}}};
  sample["items"] = nlohmann::json::array({sample, sample});
  std::set<std::string> checked;
  for (const auto& spec : loaded.campaigns) {
    for (const auto& b : spec->templates) {
      for (const std::string* name : {&b.sms, &b.markdown, &b.text}) {
        if (name->empty() || !checked.insert(*name).second) continue;
        const std::string file = cfg.templates_dir + "/" + *name + ".mustache";
        if (!loaded.templates->Has(*name)) continue;  // LoadCampaigns reported it
        for (const auto& var : loaded.templates->Variables(*name)) {
          if (known.count(var)) continue;
          Diagnostic d;
          d.severity = Diagnostic::Severity::kError;
          d.file = file;
          d.message = fmt::format("{{{{{}}}}} is not a field any message has; it would render "
                                  "empty (used by message kind '{}')",
                                  var, b.id);
          d.hint = "the fields a message has are listed in docs/escalation.md";
          diags->Add(d);
        }
        auto rendered = loaded.templates->Render(*name, sample);
        if (!rendered.ok()) {
          Diagnostic d;
          d.severity = Diagnostic::Severity::kError;
          d.file = file;
          d.message = "does not render with sample data: " + rendered.status().message();
          diags->Add(d);
        }
      }
    }
  }
}

// Validates everything `serve` would load and lists every problem found.
int RunCheck(const CheckArgs& args) {
  Diagnostics diags;
  auto cfg = config::LoadConfig(args.config, &diags);
  size_t campaigns = 0;
  if (cfg != nullptr) {
    Loaded loaded = LoadCampaigns(*cfg, &diags);
    campaigns = loaded.campaigns.size();
    CheckChannels(*cfg, loaded, &diags);
    CheckTemplates(*cfg, loaded, &diags);
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
