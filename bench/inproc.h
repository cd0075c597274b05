// The daemon's engine, digester and dispatcher in the bench's own process
// (app::Runner over a real SQLite store on a virtual clock), delivering to
// a channel that accepts every message at once. Loop thread = the caller.
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <optional>
#include <string>

#include "app/campaigns.h"
#include "app/runner.h"
#include "base/clock.h"
#include "config/config.h"
#include "notify/channel.h"
#include "store/store.h"

namespace duban::bench {

// Accepts every message at once and counts it; or, with `hold_until` set,
// answers every one "rate limited until then" so rows stay queued for a
// later delivery measurement.
class NullChannel final : public notify::Channel {
 public:
  std::optional<SystemTime> hold_until;
  const std::string& name() const override { return name_; }
  void Send(const store::OutboxRow& row, std::function<void(notify::SendResult)> done) override;
  int64_t sent = 0;

 private:
  std::string name_ = "null";
};

class InProc {
 public:
  // Loads the config at `config_path` and its campaigns, and opens its
  // database (creating it) at `now`. The runner is made by StartRunner.
  static Result<std::unique_ptr<InProc>> Open(const std::string& config_path, SystemTime now);
  ~InProc();

  Status StartRunner();  // Runner::Create + Start(clock.Now())
  // Ticks at `t` (moving the clock there) until a tick does nothing;
  // returns what the ticks did together.
  Result<app::RunnerTick> TickUntilIdle(SystemTime t);
  void CloseStore();  // the runner goes too

  std::shared_ptr<const config::DaemonConfig> config;
  app::Loaded loaded;
  VirtualClock clock{SystemTime{}};
  std::unique_ptr<store::Store> store;
  std::unique_ptr<app::Runner> runner;
  NullChannel channel;
  std::shared_ptr<spdlog::logger> log;
};

}  // namespace duban::bench
