// Escalation ladders and template bindings: who is told what, and when,
// relative to an item's due time.
//
// Immutable after loading; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/role_path.h"
#include "workflow/time_expr.h"

namespace duban::workflow {

enum class Severity { kInfo, kWarning, kCritical };
// 提醒 reminder → 通报 circular → 督办 supervision → 约谈 talk (domain.md §7).
enum class EscalationLevel { kReminder, kCircular, kSupervision, kTalk };

std::string_view SeverityName(Severity s);  // "info", "warning", "critical"
std::string_view EscalationLevelName(EscalationLevel l);  // "reminder", ...

// A message kind and the template that renders it for each channel family.
// An empty name means the family has no template for this kind.
struct TemplateBinding {
  std::string id;        // "weekly_report_reminder"
  std::string sms;       // template for SMS providers
  std::string markdown;  // template for chat robots that take markdown
  std::string text;      // template for plain-text channels and @mentions
};

struct Repeat {
  TimeOffset every;  // positive interval
  int times = 1;     // how many repeats after the first message
};

struct LadderStep {
  std::string name;  // unique within the ladder; part of dedup keys
  TimeOffset after;  // relative to the due time; negative = before
  std::vector<RolePath> notify;
  int template_binding = -1;  // index into WorkflowSpec::templates
  Severity severity = Severity::kInfo;
  EscalationLevel level = EscalationLevel::kReminder;
  std::optional<Repeat> repeat;
  // 0: always. N >= 2: only when the owner also missed the N-1 previous
  // occurrences of the same obligation ("two weeks running").
  int consecutive_missed = 0;
  // Critical steps default to true: SMS is not held back until morning.
  bool bypass_quiet_hours = false;
  // When set, messages of this step wait for the next local time of day
  // (minutes after midnight) and go out as one digest per recipient
  // ("one digest per department listing every transfer stuck with it"),
  // instead of within group_wait. Critical steps ignore it.
  std::optional<int> digest_at_min;
};

struct Ladder {
  std::string id;
  std::string title;
  std::vector<LadderStep> steps;  // in order of `after`
};

}  // namespace duban::workflow
