// The loader's bridge to schedule/: every time expression in a campaign is
// parsed here, once, and schedule's message is reported at the node it came
// from.
#include <fmt/format.h>

#include "workflow/time_reader.h"

namespace duban::workflow {
namespace {

constexpr int64_t kMinutesPerDay = 24 * 60;

// schedule's messages already quote the text and list what is expected;
// a did-you-mean comes after " — ", which becomes the diagnostic's hint.
template <typename T>
std::optional<T> Report(const Result<T>& r, const YAML::Node& node,
                        std::string_view path, yamlread::Context& ctx) {
  if (r.ok()) return r.value();
  std::string message = r.error().message();
  std::string hint;
  const std::string_view kDash = " — ";
  if (const size_t dash = message.find(kDash); dash != std::string::npos) {
    hint = message.substr(dash + kDash.size());
    message.resize(dash);
  }
  ctx.Error(node, path, std::move(message), std::move(hint));
  return std::nullopt;
}

}  // namespace

std::optional<TimeRule> ReadRule(const YAML::Node& node, std::string_view path,
                                 yamlread::Context& ctx) {
  auto text = yamlread::ToString(node, path, ctx);
  if (!text) return std::nullopt;
  auto rule = Report(schedule::ParseRule(*text), node, path, ctx);
  if (!rule) return std::nullopt;
  return TimeRule{*text, *rule};
}

std::optional<TimeOffset> OffsetFromText(const std::string& text,
                                         const YAML::Node& node,
                                         std::string_view path,
                                         yamlread::Context& ctx) {
  auto offset = Report(schedule::ParseOffset(text), node, path, ctx);
  if (!offset) return std::nullopt;
  return TimeOffset{text, *offset};
}

std::optional<TimeOffset> ReadOffset(const YAML::Node& node,
                                     std::string_view path,
                                     yamlread::Context& ctx) {
  auto text = yamlread::ToString(node, path, ctx);
  if (!text) return std::nullopt;
  return OffsetFromText(*text, node, path, ctx);
}

std::optional<DayOffPolicy> ReadDayOffPolicy(const YAML::Node& node,
                                             std::string_view path,
                                             yamlread::Context& ctx) {
  auto text = yamlread::ToString(node, path, ctx);
  if (!text) return std::nullopt;
  return Report(schedule::ParseDayOffPolicy(*text), node, path, ctx);
}

std::optional<TimeZone> ReadTimeZone(const YAML::Node& node,
                                     std::string_view path,
                                     yamlread::Context& ctx) {
  auto text = yamlread::ToString(node, path, ctx);
  if (!text) return std::nullopt;
  return Report(schedule::Zone::Load(*text), node, path, ctx);
}

bool IsOnce(const TimeRule& rule) {
  return rule.rule.kind == schedule::Rule::Kind::kOnce;
}

bool IsPositive(const TimeOffset& offset) {
  const auto& o = offset.offset;
  if (o.kind == schedule::Offset::Kind::kDuration)
    return o.duration.count() > 0;
  return o.days > 0;
}

int64_t SortKeyMinutes(const TimeOffset& offset, int due_minute_of_day) {
  const auto& o = offset.offset;
  if (o.kind == schedule::Offset::Kind::kDuration) {
    return std::chrono::duration_cast<std::chrono::minutes>(o.duration).count();
  }
  int64_t key = o.days * kMinutesPerDay;
  if (o.time_of_day) {
    key += std::chrono::duration_cast<std::chrono::minutes>(*o.time_of_day)
               .count() -
           due_minute_of_day;
  }
  return key;
}

}  // namespace duban::workflow
