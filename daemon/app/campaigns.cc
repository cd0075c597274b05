#include "app/campaigns.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>

namespace duban::app {

Loaded LoadCampaigns(const config::DaemonConfig& cfg, Diagnostics* diags) {
  Loaded out;
  auto calendar = schedule::Calendar::Load(cfg.holidays_file, diags);
  if (calendar.ok()) {
    out.calendar = std::make_unique<schedule::Calendar>(std::move(*calendar));
  } else {
    Diagnostic d;
    d.file = cfg.holidays_file;
    d.message = calendar.status().message();
    diags->Add(std::move(d));
    out.calendar = std::make_unique<schedule::Calendar>();
  }
  out.templates = render::TemplateSet::LoadDir(cfg.templates_dir, diags);

  workflow::LoadOptions opts;
  opts.templates = out.templates->Names();
  // Campaigns name their calendar; this daemon has one, named after its file.
  opts.calendars = std::set<std::string>{
      std::filesystem::path(cfg.holidays_file).stem().string()};
  for (const auto& file : cfg.campaign_files) {
    auto spec = workflow::LoadCampaignFile(file, opts, diags);
    if (spec == nullptr) continue;
    for (const auto& other : out.campaigns) {
      if (other->id == spec->id) {
        Diagnostic d;
        d.file = file;
        d.message = fmt::format("campaign id '{}' is also used by {}", spec->id, other->source_file);
        diags->Add(std::move(d));
      }
    }
    // Working-day arithmetic in a year the holiday file does not cover falls
    // back to weekends only: say so loudly.
    if (!spec->phases.empty()) {
      const auto& first = spec->phases.front().days.first;
      std::optional<workflow::Date> last;
      for (const auto& p : spec->phases) {
        if (p.days.last && (!last || *p.days.last > *last)) last = p.days.last;
      }
      for (int year : schedule::UncoveredYears(*out.calendar, first, last.value_or(first))) {
        Diagnostic d;
        d.severity = Diagnostic::Severity::kWarning;
        d.file = file;
        d.message = fmt::format(
            "the holiday calendar {} has no {} schedule: working days in {} count weekends "
            "only until the State Council notice is added",
            cfg.holidays_file, year, year);
        diags->Add(std::move(d));
      }
    }
    out.campaigns.push_back(std::move(spec));
  }
  return out;
}

}  // namespace duban::app
