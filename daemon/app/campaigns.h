// Loading everything a configuration points at besides itself: the holiday
// calendar, the message templates and the campaign files, with every problem
// collected as a Diagnostic. Shared by `check`, `serve` and `simulate`.
#pragma once

#include <memory>
#include <vector>

#include "base/diagnostic.h"
#include "config/config.h"
#include "render/render.h"
#include "schedule/schedule.h"
#include "workflow/workflow.h"

namespace duban::app {

struct Loaded {
  std::unique_ptr<schedule::Calendar> calendar;
  std::unique_ptr<render::TemplateSet> templates;
  std::vector<std::shared_ptr<const workflow::WorkflowSpec>> campaigns;
};

// Loads the calendar, templates and campaigns of `cfg`. Errors and warnings
// go to `diags`; the result holds whatever did load.
Loaded LoadCampaigns(const config::DaemonConfig& cfg, Diagnostics* diags);

}  // namespace duban::app
