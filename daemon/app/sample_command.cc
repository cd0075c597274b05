// `duban sample`: draw the provincial spot-check sample (issue 8) from a
// hazard-house register, publish it (audit record + inspection items), and
// `duban sample verify`: re-draw a published sample and compare.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "app/campaigns.h"
#include "app/cli_store.h"
#include "app/commands.h"
#include "app/progress.h"
#include "app/sample.h"
#include "runtime/real_clock.h"

namespace duban::app {
namespace {

struct SampleArgs {
  std::string config = "config/duban.yaml";
  std::string campaign;
  std::string seed;
  std::string register_file;  // "" = the houses in the database
  bool dry_run = false;
};

// Everything both subcommands need: the store, the campaign, the directory
// and the register's bytes.
struct Setup {
  CliStore cli;
  Loaded loaded;
  std::shared_ptr<const workflow::WorkflowSpec> spec;
  std::shared_ptr<engine::Directory> dir;
  sampling::Register reg;
};

std::optional<Setup> Prepare(const SampleArgs& args) {
  auto cli = OpenCliStore(args.config);
  if (!cli) return std::nullopt;
  Setup s{std::move(*cli), {}, nullptr, nullptr, {}};
  Diagnostics diags;
  s.loaded = LoadCampaigns(*s.cli.config, &diags);
  if (diags.has_errors()) {
    std::fprintf(stderr, "%s", diags.ToString().c_str());
    return std::nullopt;
  }
  for (const auto& c : s.loaded.campaigns) {
    if (c->id == args.campaign) s.spec = c;
  }
  if (s.spec == nullptr) {
    std::string ids;
    for (const auto& c : s.loaded.campaigns) ids += (ids.empty() ? "" : ", ") + c->id;
    std::fprintf(stderr, "duban sample: 没有活动 '%s' (no such campaign; configured: %s)\n",
                 args.campaign.c_str(), ids.c_str());
    return std::nullopt;
  }
  if (!s.spec->sampling) {
    std::fprintf(stderr, "duban sample: 活动 '%s' 没有抽样计划 (the campaign has no sampling:)\n",
                 args.campaign.c_str());
    return std::nullopt;
  }
  auto units = s.cli.store->ListUnits();
  auto contacts = s.cli.store->ListContacts();
  if (!units.ok() || !contacts.ok()) {
    std::fprintf(stderr, "duban sample: reading the directory failed\n");
    return std::nullopt;
  }
  s.dir = std::make_shared<engine::Directory>(std::move(*units), std::move(*contacts));
  std::string bytes;
  std::string name = args.register_file;
  if (!args.register_file.empty()) {
    std::ifstream in(args.register_file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "duban sample: 无法读取 %s (cannot read the register)\n",
                   args.register_file.c_str());
      return std::nullopt;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    bytes = ss.str();
  } else {
    auto houses = s.cli.store->ListHouses();
    if (!houses.ok()) {
      std::fprintf(stderr, "duban sample: reading houses failed: %s\n",
                   houses.status().message().c_str());
      return std::nullopt;
    }
    bytes = RegisterCsvFromStore(*houses, *s.dir);
    name = "(database houses)";
  }
  auto reg = sampling::ParseRegister(bytes, name);
  if (!reg.ok()) {
    std::fprintf(stderr, "%s\n", reg.status().message().c_str());
    return std::nullopt;
  }
  s.reg = std::move(*reg);
  return s;
}

void PrintDraw(const sampling::Draw& d) {
  std::printf("抽样 (draw) %s  种子 seed=%llu  台账 register sha256=%s  每乡镇不超过 %d%%\n",
              d.algorithm.c_str(), static_cast<unsigned long long>(d.seed),
              d.register_sha256.c_str(), d.max_town_share_percent);
  std::string group;
  for (const auto& u : d.units) {
    if (u.group != group) {
      group = u.group;
      std::printf("\n%s  %s\n", u.group.c_str(), u.agency_name.c_str());
    }
    std::printf("  %-8s %s  抽取%d栋（经营性%d栋）/ 应抽%d栋，候选%d栋（经营性%d栋）\n",
                u.key().c_str(), u.name.c_str(), static_cast<int>(u.picked.size()),
                u.commercial_picked, u.quota, u.candidates, u.commercial_candidates);
    for (const auto& n : u.notes) std::printf("           ⚠ %s\n", n.c_str());
  }
  std::printf("\n合计 %d 栋 (%d houses in %zu units)\n", d.Houses(), d.Houses(), d.units.size());
}

int RunSample(const SampleArgs& args) {
  auto seed = sampling::ParseSeed(args.seed);
  if (!seed) {
    std::fprintf(stderr,
                 "duban sample: --seed must be a whole number from 0 to 18446744073709551615, "
                 "got '%s'\n",
                 args.seed.c_str());
    return 2;
  }
  auto s = Prepare(args);
  if (!s) return 1;
  sampling::DrawOptions opts;
  opts.seed = *seed;
  opts.max_town_share_percent = s->spec->sampling->max_town_share;
  opts.unit_codes = UnitCodes(*s->spec->sampling, *s->dir);
  const sampling::Draw draw = sampling::DrawSample(*s->spec->sampling, s->reg, opts);
  PrintDraw(draw);
  if (args.dry_run) {
    std::printf("试运行，未写入数据库 (dry run: nothing was written)\n");
    return 0;
  }
  auto owners = PlanOwners(*s->spec->sampling, *s->dir);
  if (!owners.ok()) {
    std::fprintf(stderr, "%s\n", owners.status().message().c_str());
    return 1;
  }
  engine::Options eopts;
  eopts.campaigns = s->loaded.campaigns;
  eopts.calendar = s->loaded.calendar.get();
  engine::Engine engine(eopts, *s->cli.store);
  engine.SetDirectory(s->dir);
  runtime::RealClock clock;
  const auto per_unit = static_cast<int64_t>(PerUnitKinds(*s->spec).size());
  Progress progress("发布抽样 publish", draw.Houses() + per_unit * static_cast<int64_t>(draw.units.size()),
                    clock);
  auto published = PublishDraw(engine, *s->cli.store, *s->spec, draw, *owners,
                               s->reg.file, s->cli.now,
                               [&](int done, int) { progress.Update(done); });
  if (!published.ok()) {
    std::fprintf(stderr, "duban sample: %s\n", published.status().message().c_str());
    return 1;
  }
  progress.Finish(fmt::format("已生成抽检房屋 {} 栋、县区评估 {} 项 (items created)",
                              published->houses, published->evaluations));
  std::printf("已写入审计日志；任何人可用同一台账和种子核对: duban sample verify --campaign %s "
              "--register FILE\n",
              args.campaign.c_str());
  return 0;
}

int RunVerify(const SampleArgs& args) {
  auto s = Prepare(args);
  if (!s) return 1;
  auto recorded = RecordedDraw(*s->cli.store, args.campaign);
  if (!recorded.ok()) {
    std::fprintf(stderr, "duban sample verify: %s\n", recorded.status().message().c_str());
    return 1;
  }
  const nlohmann::json& rec = (*recorded)["draw"];
  auto opts = sampling::RecordedOptions(rec);
  if (!opts.ok()) {
    std::fprintf(stderr, "duban sample verify: %s\n", opts.status().message().c_str());
    return 1;
  }
  const sampling::Draw redrawn = sampling::DrawSample(*s->spec->sampling, s->reg, *opts);
  int problems = 0;
  if (rec.value("register_sha256", "") != s->reg.sha256) {
    std::printf("✗ 台账不同 (register differs): 记录 %s，本次 %s\n",
                rec.value("register_sha256", "").c_str(), s->reg.sha256.c_str());
    ++problems;
  }
  for (const auto& line : sampling::DiffDrawJson(rec, sampling::DrawToJson(redrawn))) {
    std::printf("✗ %s\n", line.c_str());
    ++problems;
  }
  if (problems > 0) {
    std::printf("核对不通过：%d 处不同 (the published sample does not match a re-draw)\n",
                problems);
    return 1;
  }
  std::printf("核对通过：用种子 %s 和该台账重抽，与已发布的 %d 栋完全一致 (verified)\n",
              rec.value("seed", "").c_str(), redrawn.Houses());
  return 0;
}

}  // namespace

void AddSampleCommand(CLI::App& cli, int* exit_code) {
  auto args = std::make_shared<SampleArgs>();
  CLI::App* cmd = cli.add_subcommand(
      "sample", "Draw and publish a spot-check sample from a hazard-house register (docs/sampling.md)");
  cmd->add_option("-c,--config", args->config, "Configuration file")->capture_default_str();
  cmd->add_option("--campaign", args->campaign, "Campaign id with a sampling: plan");
  cmd->add_option("--seed", args->seed, "The published seed (a whole number)");
  cmd->add_option("--register", args->register_file,
                  "Hazard-house register CSV (default: the houses in the database)");
  cmd->add_flag("--dry-run", args->dry_run, "Show the draw, write nothing");
  CLI::App* verify = cmd->add_subcommand(
      "verify", "Re-draw the published sample with its recorded seed and compare");
  verify->add_option("-c,--config", args->config, "Configuration file")->capture_default_str();
  verify->add_option("--campaign", args->campaign, "Campaign id");
  verify->add_option("--register", args->register_file,
                     "The register the sample was drawn from (default: the database's houses)");
  verify->callback([args, exit_code] {
    if (args->campaign.empty()) {
      std::fprintf(stderr, "duban sample verify: --campaign is required\n");
      *exit_code = 2;
      return;
    }
    *exit_code = RunVerify(*args);
  });
  cmd->callback([args, exit_code, verify] {
    if (verify->parsed()) return;
    if (args->campaign.empty()) {
      std::fprintf(stderr, "duban sample: --campaign is required\n");
      *exit_code = 2;
      return;
    }
    if (args->seed.empty()) {
      std::fprintf(stderr, "duban sample: --seed is required (the seed the province publishes)\n");
      *exit_code = 2;
      return;
    }
    *exit_code = RunSample(*args);
  });
}

}  // namespace duban::app
