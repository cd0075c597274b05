#include "app/cli_store.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdio>

#include "base/time_format.h"
#include "runtime/real_clock.h"
#include "schedule/schedule.h"

namespace duban::app {

std::optional<CliStore> OpenCliStore(const std::string& config_path) {
  Diagnostics diags;
  CliStore out;
  out.config = config::LoadConfig(config_path, &diags);
  if (out.config == nullptr) {
    std::fprintf(stderr, "%s", diags.ToString().c_str());
    return std::nullopt;
  }
  runtime::RealClock clock;
  out.now = clock.Now();
  auto store = store::OpenSqlite({out.config->database_path, out.config->busy_timeout_ms}, out.now);
  if (!store.ok()) {
    std::fprintf(stderr, "database %s: %s\n", out.config->database_path.c_str(),
                 store.status().message().c_str());
    return std::nullopt;
  }
  out.store = std::move(*store);
  return out;
}

Result<SystemTime> ParseUntil(std::string_view text, SystemTime now) {
  std::optional<SystemTime> at;
  if (text.size() >= 2) {
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
    if (ec == std::errc() && ptr == text.data() + text.size() - 1 && n > 0 && n < 100000) {
      const char unit = text.back();
      const int64_t minutes = unit == 'm' ? 1 : unit == 'h' ? 60 : unit == 'd' ? 1440
                            : unit == 'w' ? 10080 : 0;
      if (minutes > 0) at = now + std::chrono::minutes(n * minutes);
    }
  }
  if (!at) at = ParseRfc3339(text);
  if (!at) {
    return Status::InvalidArgument(
        fmt::format("'{}' is neither a duration (30d, 12h, 90m, 2w) nor an RFC 3339 time "
                    "such as 2024-06-30T23:59:59+08:00",
                    text));
  }
  if (*at <= now) return Status::InvalidArgument(fmt::format("'{}' is in the past", text));
  return *at;
}

std::string FormatLocal(const config::DaemonConfig& config, SystemTime t) {
  auto zone = schedule::Zone::Load(config.time_zone);
  return zone.ok() ? zone->Format(t) : FormatUtc(t);
}

}  // namespace duban::app
