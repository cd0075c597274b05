// workflow: reads campaign files (workflows/*.yaml) into immutable
// WorkflowSpecs. Pure: no clock, no I/O beyond reading the one file.
//
// Every mistake in a file becomes a Diagnostic naming file:line:column, the
// key path and what is wrong (with a did-you-mean hint where one helps), and
// loading goes on so a user fixes the whole file in one pass. A loaded spec is
// fully cross-checked: every name it uses exists, every state is reachable,
// rules parse, phases are in order.
//
// Any thread; each call is independent.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "base/diagnostic.h"
#include "workflow/fields.h"
#include "workflow/spec.h"

namespace duban::workflow {

struct LoadOptions {
  // Template names that exist, as render::TemplateSet::Names() gives them
  // ("weekly_report_reminder.sms"). When absent, they are not checked.
  std::optional<std::set<std::string>> templates;
  // Holiday calendar names that exist ("cn-holidays"). When absent, not
  // checked.
  std::optional<std::set<std::string>> calendars;
  // Larger files are refused with an error before parsing.
  size_t max_bytes = 1 << 20;
};

// Reads and validates the campaign at `path`. Problems are added to `diags`;
// warnings alone do not fail the load. Returns nullptr when any error was
// found (including an unreadable file).
std::shared_ptr<const WorkflowSpec> LoadCampaignFile(const std::string& path,
                                                     const LoadOptions& options,
                                                     Diagnostics* diags);

// Same, from text; `file_name` is what diagnostics call the file.
std::shared_ptr<const WorkflowSpec> LoadCampaignText(
    std::string_view text, const std::string& file_name,
    const LoadOptions& options, Diagnostics* diags);

}  // namespace duban::workflow
