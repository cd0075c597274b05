#include "app/campaigns.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>

namespace duban::app {
namespace {

// A deadline kept on a day off (policy `keep`) is legal but worth a look:
// the seed leaves it open and the town may prefer to move it.
void WarnDeadlinesOnDaysOff(const workflow::WorkflowSpec& spec, const schedule::Calendar& cal,
                            Diagnostics* diags) {
  auto warn = [&](const std::string& path, SystemTime at) {
    const schedule::Date d = spec.timezone.LocalDate(at);
    if (cal.IsWorkingDay(d)) return;
    Diagnostic diag;
    diag.severity = Diagnostic::Severity::kWarning;
    diag.file = spec.source_file;
    diag.path = path;
    const std::string_view holiday = cal.NameOf(d);
    diag.message = fmt::format("the deadline {} falls on a day off{}; day_off_policy keep holds it "
                               "there",
                               spec.timezone.FormatWithWeekday(at),
                               holiday.empty() ? "" : fmt::format(" ({})", holiday));
    diag.hint = "set day_off_policy to previous_working_day or next_working_day to move it";
    diags->Add(std::move(diag));
  };
  schedule::Context ctx;
  ctx.zone = spec.timezone;
  ctx.calendar = &cal;
  for (const auto& ob : spec.obligations) {
    if (ob.day_off_policy != schedule::DayOffPolicy::kKeep) continue;
    for (const auto& r : ob.window.ranges) {
      if (!r.last) continue;  // open-ended: nothing finite to list
      ctx.window = schedule::LocalDaysWindow(spec.timezone, r.first, r.last);
      for (SystemTime at : schedule::Occurrences(ob.schedule.rule, *ctx.window.start,
                                                 *ctx.window.end, ctx, 1000)) {
        warn("obligations." + ob.id, at);
      }
    }
  }
  for (const auto& m : spec.milestones) {
    if (m.day_off_policy != schedule::DayOffPolicy::kKeep) continue;
    if (m.due.rule.kind != schedule::Rule::Kind::kOnce) continue;
    warn("milestones." + m.id,
         spec.timezone.ToInstant(m.due.rule.date,
                                 std::chrono::duration_cast<Millis>(m.due.rule.time_of_day)));
  }
}

}  // namespace

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
    WarnDeadlinesOnDaysOff(*spec, *out.calendar, diags);
    out.campaigns.push_back(std::move(spec));
  }
  return out;
}

}  // namespace duban::app
