// `duban silence add|list|cancel`: mute notifications about a unit (and its
// subtree), a message or item kind, or a channel until a time. Each change
// is audited with actor "cli".
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "app/campaigns.h"
#include "app/cli_store.h"
#include "app/commands.h"
#include "base/time_format.h"

namespace duban::app {
namespace {

struct SilenceArgs {
  std::string config = "config/duban.yaml";
  std::string unit;
  std::string kind;
  std::string channel;
  std::string until;
  std::string reason;
  int64_t id = 0;
};

store::AuditEntry CliAudit(SystemTime now, const char* action, nlohmann::json payload) {
  store::AuditEntry a;
  a.at = now;
  a.actor = "cli";
  a.via = "cli";
  a.action = action;
  a.payload = payload.dump();
  return a;
}

// Message kinds (template bindings), item kinds and obligations of every
// configured campaign: what a silence's --kind may name.
std::set<std::string> KnownKinds(const config::DaemonConfig& cfg) {
  Diagnostics diags;
  Loaded loaded = LoadCampaigns(cfg, &diags);
  std::set<std::string> out;
  for (const auto& spec : loaded.campaigns) {
    for (const auto& t : spec->templates) out.insert(t.id);
    for (const auto& k : spec->item_kinds) out.insert(k.id);
    for (const auto& o : spec->obligations) out.insert(o.id);
  }
  return out;
}

int Add(const SilenceArgs& args) {
  if (args.unit.empty() && args.kind.empty() && args.channel.empty()) {
    std::fprintf(stderr, "name at least one of --unit, --kind or --channel; silencing everything "
                         "is refused\n");
    return 1;
  }
  auto db = OpenCliStore(args.config);
  if (!db) return 1;
  if (!args.unit.empty()) {
    auto units = db->store->ListUnits();
    if (!units.ok()) {
      std::fprintf(stderr, "%s\n", units.status().ToString().c_str());
      return 1;
    }
    if (std::none_of(units->begin(), units->end(),
                     [&](const model::Unit& u) { return u.id == args.unit; })) {
      std::fprintf(stderr, "unknown unit '%s'\n", args.unit.c_str());
      return 1;
    }
  }
  if (!args.channel.empty() &&
      std::none_of(db->config->channels.begin(), db->config->channels.end(),
                   [&](const config::ChannelConfig& c) { return c.name == args.channel; })) {
    std::fprintf(stderr, "unknown channel '%s'; channels are configured under channels: in %s\n",
                 args.channel.c_str(), args.config.c_str());
    return 1;
  }
  if (!args.kind.empty()) {
    const std::set<std::string> kinds = KnownKinds(*db->config);
    if (!kinds.count(args.kind)) {
      std::string list;
      for (const auto& k : kinds) list += (list.empty() ? "" : ", ") + k;
      std::fprintf(stderr, "unknown kind '%s'; known: %s\n", args.kind.c_str(), list.c_str());
      return 1;
    }
  }
  auto until = ParseUntil(args.until, db->now);
  if (!until.ok()) {
    std::fprintf(stderr, "--until: %s\n", until.status().message().c_str());
    return 1;
  }
  store::Silence s;
  s.unit_id = args.unit;
  s.kind = args.kind;
  s.channel = args.channel;
  s.starts_at = db->now;
  s.expires_at = *until;
  s.reason = args.reason;
  s.created_by = "cli";
  s.created_at = db->now;
  nlohmann::json payload = {{"unit_id", s.unit_id},   {"kind", s.kind},
                            {"channel", s.channel},   {"expires_at", FormatUtc(s.expires_at)},
                            {"reason", s.reason}};
  auto id = db->store->InsertSilence(s, CliAudit(db->now, "silence.create", payload));
  if (!id.ok()) {
    std::fprintf(stderr, "%s\n", id.status().message().c_str());
    return 1;
  }
  std::printf("silence %lld added, until %s\n", static_cast<long long>(*id),
              FormatLocal(*db->config, s.expires_at).c_str());
  return 0;
}

int List(const SilenceArgs& args) {
  auto db = OpenCliStore(args.config);
  if (!db) return 1;
  auto list = db->store->ActiveSilences(db->now);
  if (!list.ok()) {
    std::fprintf(stderr, "%s\n", list.status().ToString().c_str());
    return 1;
  }
  std::printf("%-5s %-16s %-28s %-12s %-19s %-19s %-14s %s\n", "ID", "UNIT", "KIND", "CHANNEL",
              "FROM", "UNTIL", "BY", "REASON");
  for (const auto& s : *list) {
    auto dash = [](const std::string& v) { return v.empty() ? std::string("*") : v; };
    std::printf("%-5lld %-16s %-28s %-12s %-19s %-19s %-14s %s\n", static_cast<long long>(s.id),
                dash(s.unit_id).c_str(), dash(s.kind).c_str(), dash(s.channel).c_str(),
                FormatLocal(*db->config, s.starts_at).c_str(),
                FormatLocal(*db->config, s.expires_at).c_str(), s.created_by.c_str(),
                s.reason.c_str());
  }
  return 0;
}

int Cancel(const SilenceArgs& args) {
  auto db = OpenCliStore(args.config);
  if (!db) return 1;
  Status st = db->store->CancelSilence(
      args.id, db->now, CliAudit(db->now, "silence.cancel", {{"silence_id", args.id}}));
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.message().c_str());
    return 1;
  }
  std::printf("silence %lld cancelled\n", static_cast<long long>(args.id));
  return 0;
}

}  // namespace

void AddSilenceCommand(CLI::App& cli, int* exit_code) {
  auto args = std::make_shared<SilenceArgs>();
  CLI::App* cmd = cli.add_subcommand("silence", "Mute notifications about a unit, kind or channel");
  cmd->require_subcommand(1);
  cmd->add_option("-c,--config", args->config, "Configuration file")->capture_default_str();

  CLI::App* add = cmd->add_subcommand("add", "Add a silence (audited)");
  add->add_option("--unit", args->unit, "A unit id: it and its subtree");
  add->add_option("--kind", args->kind, "A message kind, item kind or obligation id");
  add->add_option("--channel", args->channel, "A configured channel name");
  add->add_option("--until", args->until, "30d, 12h, 2w, or an RFC 3339 time")->required();
  add->add_option("--reason", args->reason, "Why (kept in the audit log)")->required();
  add->add_option("-c,--config", args->config, "Configuration file");
  add->callback([args, exit_code] { *exit_code = Add(*args); });

  CLI::App* list = cmd->add_subcommand("list", "List silences in force or still to come");
  list->add_option("-c,--config", args->config, "Configuration file");
  list->callback([args, exit_code] { *exit_code = List(*args); });

  CLI::App* cancel = cmd->add_subcommand("cancel", "Cancel a silence by id (audited)");
  cancel->add_option("id", args->id, "Silence id, as `silence list` shows it")->required();
  cancel->add_option("-c,--config", args->config, "Configuration file");
  cancel->callback([args, exit_code] { *exit_code = Cancel(*args); });
}

}  // namespace duban::app
