// Time expressions as a campaign writes them, kept together with their parsed
// form from schedule/ so the engine never parses text again.
#pragma once

#include <string>

#include "schedule/schedule.h"

namespace duban::workflow {

using DayOffPolicy = schedule::DayOffPolicy;
using TimeZone = schedule::Zone;

// An absolute rule: "weekly fri 12:00", "once 2024-06-30 23:59:59".
struct TimeRule {
  std::string text;  // as written
  schedule::Rule rule;
};

// An offset relative to another time: "-1d 16:00", "+3 working days", "0".
struct TimeOffset {
  std::string text;  // as written
  schedule::Offset offset;
};

}  // namespace duban::workflow
