// Internal to the loader: reads time expressions through schedule/'s parsers
// and reports their errors at the node they came from.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "workflow/time_expr.h"
#include "yamlread/yamlread.h"

namespace duban::workflow {

std::optional<TimeRule> ReadRule(const YAML::Node& node, std::string_view path,
                                 yamlread::Context& ctx);
std::optional<TimeOffset> ReadOffset(const YAML::Node& node,
                                     std::string_view path,
                                     yamlread::Context& ctx);
// Parses an offset the loader composed itself (countdowns); errors are
// reported at `node`.
std::optional<TimeOffset> OffsetFromText(const std::string& text,
                                         const YAML::Node& node,
                                         std::string_view path,
                                         yamlread::Context& ctx);
std::optional<DayOffPolicy> ReadDayOffPolicy(const YAML::Node& node,
                                             std::string_view path,
                                             yamlread::Context& ctx);
std::optional<TimeZone> ReadTimeZone(const YAML::Node& node,
                                     std::string_view path,
                                     yamlread::Context& ctx);

// True for a one-off rule ("once 2024-06-30 23:59:59").
bool IsOnce(const TimeRule& rule);
// True for an offset that moves time forward ("+24h", "+1 working day").
bool IsPositive(const TimeOffset& offset);

// A sort key for offsets relative to the same due time, in minutes. Working
// days count as whole days and a time of day ("-1d 16:00") is taken relative
// to a due time of `due_minute_of_day`. Used to check that ladder steps are
// listed in time order.
int64_t SortKeyMinutes(const TimeOffset& offset, int due_minute_of_day);

}  // namespace duban::workflow
