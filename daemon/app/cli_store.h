// Shared by the administration subcommands that write to the database
// directly (`duban token`, `duban silence`): opening the configured store,
// reading "30d" / RFC 3339 expiry arguments and showing times locally.
// Single-threaded CLI code.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"
#include "config/config.h"
#include "store/store.h"

namespace duban::app {

struct CliStore {
  std::shared_ptr<const config::DaemonConfig> config;
  std::unique_ptr<store::Store> store;
  SystemTime now;
};

// Loads `config_path` and opens (migrating if needed) its database. Errors
// are written to stderr; nullopt then.
std::optional<CliStore> OpenCliStore(const std::string& config_path);

// "30d", "12h", "90m", "2w" from `now`, or an RFC 3339 instant. The result
// must lie after `now`. kInvalidArgument otherwise.
Result<SystemTime> ParseUntil(std::string_view text, SystemTime now);

// "2024-04-12 12:00" in the configuration's time zone (UTC if unknown).
std::string FormatLocal(const config::DaemonConfig& config, SystemTime t);

}  // namespace duban::app
