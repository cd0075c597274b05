// Dispatcher: sends due outbox rows through their channels and records the
// outcome: sent, retry with exponential backoff and jitter (kept in the row,
// so backoff survives a restart), or dead letter. One channel's failures
// never hold back another's rows.
//
// Loop thread only.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "notify/channel.h"

namespace duban::store {
class Store;
}

namespace duban::notify {

struct DispatchOptions {
  int batch_limit = 200;
  Millis first_backoff{std::chrono::seconds(30)};
  Millis max_backoff{std::chrono::hours(1)};
  int max_attempts = 12;  // then dead letter
};

class Dispatcher {
 public:
  // `channels` by name; they, `store` and `clock` must outlive the
  // dispatcher. Completions are stamped with clock.Now().
  Dispatcher(DispatchOptions options, store::Store& store, const Clock& clock,
             std::map<std::string, Channel*> channels);

  // Starts sending every due row not already in flight. Completions arrive
  // through the channels' callbacks.
  Result<int> Tick(SystemTime now);
  Result<std::optional<SystemTime>> NextWake();
  int in_flight() const { return static_cast<int>(in_flight_.size()); }

 private:
  void Complete(const store::OutboxRow& row, const SendResult& r);
  Millis Backoff(int attempts, int64_t salt) const;

  DispatchOptions options_;
  store::Store& store_;
  std::map<std::string, Channel*> channels_;
  const Clock& clock_;
  std::set<store::OutboxId> in_flight_;
};

}  // namespace duban::notify
