// Runner: the engine, the digester and the dispatcher over one store, driven
// by Tick(now). `serve` ticks it from the loop's wake-up timer on the real (or
// demo) clock; `simulate` ticks it on a virtual clock with recording
// channels. Loop thread only.
#pragma once

#include <spdlog/logger.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "app/campaigns.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "base/status.h"
#include "config/config.h"
#include "engine/engine.h"
#include "notify/channel.h"
#include "notify/notify.h"

namespace duban::store {
class Store;
}

namespace duban::app {

struct RunnerDeps {
  const config::DaemonConfig* config = nullptr;
  store::Store* store = nullptr;
  const Clock* clock = nullptr;
  spdlog::logger* log = nullptr;
  const Loaded* loaded = nullptr;
  // When set, every configured channel name delivers here instead (simulate:
  // nothing leaves the machine).
  notify::Channel* all_channels = nullptr;
  // Delivery counters and outbox gauges go here when set (serve).
  Metrics* metrics = nullptr;
};

// What one Tick did.
struct RunnerTick {
  engine::TickStats engine;
  int digests = 0;
  int dispatched = 0;
  bool did_work() const { return engine.timers > 0 || digests > 0 || dispatched > 0; }
};

// The family a configured channel renders as: its type's, unless a console
// or file sink names one with `family:`.
notify::Family FamilyOf(const config::ChannelConfig& channel);

class Runner {
 public:
  // Builds the channels of the config (app/channels.h). `post` hands work
  // to the loop thread from any thread; network channels' answers come back
  // through it, so it is needed only when a network channel is configured.
  static Result<std::unique_ptr<Runner>> Create(
      const RunnerDeps& deps, std::function<void(std::function<void()>)> post = {});
  ~Runner();

  // Loads the directory and makes sure every obligation has its next timer.
  Status Start(SystemTime now);
  // Re-reads units and contacts after an import.
  Status ReloadDirectory();
  Result<RunnerTick> Tick(SystemTime now);
  // The earliest moment anything needs doing.
  Result<std::optional<SystemTime>> NextWake();
  engine::Engine& engine();
  // Sets how reminders get one-tap action links (app, once the HTTP server
  // knows its public address). Until then messages carry none.
  void SetLinkMaker(
      std::function<std::string(const store::Item& item, const model::Contact& contact)> maker);

 private:
  struct Impl;
  explicit Runner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace duban::app
