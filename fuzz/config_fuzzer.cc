// Config loader: config::LoadConfigText over arbitrary bytes.
//
// Checks that a config comes back exactly when no error was reported, and
// that a returned one holds only values the rest of the daemon takes on
// trust: a port in 0..65535, thread and timeout counts inside their ranges,
// non-negative durations, absolute paths, unique named channels of a known
// type, and secrets by reference only.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>

#include "config/config.h"
#include "fuzz_check.h"

namespace {

using namespace duban;

bool Absolute(const std::string& p) { return std::filesystem::path(p).is_absolute(); }

void CheckConfig(const config::DaemonConfig& cfg) {
  FUZZ_CHECK(cfg.listen_port >= 0 && cfg.listen_port <= 65535);
  FUZZ_CHECK(cfg.http_threads >= 1 && cfg.http_threads <= 256);
  FUZZ_CHECK(cfg.busy_timeout_ms >= 0 && cfg.busy_timeout_ms <= 600000);
  FUZZ_CHECK(cfg.group_wait >= Millis(0));
  FUZZ_CHECK(cfg.channel_alert_after >= Millis(0));
  FUZZ_CHECK(Absolute(cfg.database_path));
  FUZZ_CHECK(Absolute(cfg.templates_dir));
  FUZZ_CHECK(Absolute(cfg.holidays_file));
  FUZZ_CHECK(!cfg.campaign_files.empty());
  for (const std::string& f : cfg.campaign_files) FUZZ_CHECK(Absolute(f));
  if (!cfg.public_url.empty()) {
    FUZZ_CHECK(cfg.public_url.rfind("http://", 0) == 0 || cfg.public_url.rfind("https://", 0) == 0);
    FUZZ_CHECK(cfg.public_url.back() != '/');
  }
  bool known_level = false;
  for (const std::string& level : config::LogLevels()) known_level |= level == cfg.log_level;
  FUZZ_CHECK(known_level);
  std::set<std::string> names;
  for (const config::ChannelConfig& c : cfg.channels) {
    FUZZ_CHECK(!c.name.empty());
    FUZZ_CHECK(names.insert(c.name).second);
    FUZZ_CHECK(!c.type.empty());
    if (c.rate_per_minute) FUZZ_CHECK(*c.rate_per_minute >= 1 && *c.rate_per_minute <= 100000);
    for (const auto& [key, ref] : c.secrets) {
      FUZZ_CHECK(!ref.name.empty());
      FUZZ_CHECK(ref.ToString().size() > ref.name.size());
      // A secret key never also appears as a plain setting.
      FUZZ_CHECK(c.params.count(key) == 0);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  Diagnostics diags;
  // An absolute name, so relative paths resolve the same whatever the
  // fuzzer's working directory.
  auto cfg = config::LoadConfigText(text, "/etc/duban/duban.yaml", &diags);
  fuzz::CheckDiagnostics(diags, cfg != nullptr, text);
  if (cfg) CheckConfig(*cfg);
  return 0;
}
