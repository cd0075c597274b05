// Dispatcher: sends due outbox rows through their channels and records the
// outcome: sent, retry with exponential backoff and jitter (kept in the row,
// so backoff survives a restart), or dead letter. One channel's failures
// never hold back another's rows.
//
// Outcomes are recorded in batches (group commit: one transaction, so one
// fsync, for many answers): those known during a Tick at its end, those
// arriving later through the channels' callbacks once the loop has run
// every callback already queued (RecordThrough) or when the batch is full.
// Until its outcome commits, a row stays 'sending', so a crash in between
// loses nothing: the row is recovered like any interrupted send.
//
// Loop thread only.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "notify/channel.h"
#include "store/store.h"

namespace duban::notify {

struct DispatchOptions {
  int batch_limit = 200;
  Millis first_backoff{std::chrono::seconds(30)};
  Millis max_backoff{std::chrono::hours(1)};
  // Status queries of an interrupted SMS before it is resent anyway.
  int max_attempts = 12;
  // Transient and channel-wide failures are retried (backoff capped at
  // max_backoff) until the message is this old, then dead-lettered: a
  // broken account or robot is the administrator's to fix (they are
  // alerted), and the message must still go out once it is fixed.
  Millis max_retry_age{std::chrono::hours(72)};
  // A row 'sending' for longer than this without an answer was interrupted
  // (a crash, a lost reply): it is recovered, after asking the provider
  // where that is possible. Longer than any channel's request timeout.
  Millis sending_timeout{std::chrono::minutes(2)};
  // Providers list a message only once processed: a status query that
  // finds nothing is trusted only this long after the attempt.
  Millis not_found_grace{std::chrono::minutes(5)};
  // A channel failing for this long is reported to the administrator.
  Millis alert_after{std::chrono::minutes(30)};
  // Answers recorded in one transaction at most.
  int outcome_batch = 500;
};

// A channel that keeps failing, for the administrator.
struct ChannelTrouble {
  std::string channel;
  SystemTime failing_since;
  std::string last_error;
};

// What the dispatcher knows of a channel's health since it started.
struct ChannelHealth {
  std::optional<SystemTime> failing_since;
  std::string last_error;
  std::optional<SystemTime> last_sent;
  bool alerted = false;
};

class Dispatcher {
 public:
  // `channels` by name; they, `store` and `clock` must outlive the
  // dispatcher. Completions are stamped with clock.Now().
  Dispatcher(DispatchOptions options, store::Store& store, const Clock& clock,
             std::map<std::string, Channel*> channels);
  // Records the answers still waiting (the store must still be open).
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // `post` queues a function on the loop after everything queued before
  // it (app passes the loop's post). With it, answers that arrive between
  // Ticks are recorded together once the loop has run the callbacks queued
  // before the first of them; without it, each such answer is recorded at
  // once. A posted function that runs after the dispatcher is gone does
  // nothing.
  void RecordThrough(std::function<void(std::function<void()>)> post) { post_ = std::move(post); }

  // Called once per failing spell when a channel has failed for longer than
  // alert_after; app tells the administrator through another channel.
  void OnChannelTrouble(std::function<void(const ChannelTrouble&)> f) { on_trouble_ = std::move(f); }
  // Called for every recorded answer: (channel, "sent" | "retry" | "dead").
  void OnOutcome(std::function<void(const std::string&, const char*)> f) { on_outcome_ = std::move(f); }
  const std::map<std::string, ChannelHealth>& health() const { return health_; }

  // Recovers interrupted rows (at start and every sending_timeout while any
  // row is 'sending'), then marks every due row 'sending' and hands it to
  // its channel. Completions arrive through the channels' callbacks.
  Result<int> Tick(SystemTime now);
  Result<std::optional<SystemTime>> NextWake();
  int in_flight() const { return static_cast<int>(in_flight_.size()); }
  // Answers known but not yet committed.
  int unrecorded() const { return static_cast<int>(outcomes_.size()); }

 private:
  // Queues one outcome; outside a Tick, commits or schedules the batch.
  void Record(store::Outcome outcome);
  // Commits the queued outcomes in one transaction. A failed commit leaves
  // their rows 'sending': recovered later, as a lost answer would be.
  void Flush();
  void Complete(const store::OutboxRow& row, const SendResult& r);
  Status Recover(SystemTime now);
  void Resolve(const store::OutboxRow& row, const StatusAnswer& a);
  void NoteHealth(const std::string& channel, bool ok, const std::string& error, SystemTime now);
  Millis Backoff(int attempts, int64_t salt) const;

  DispatchOptions options_;
  store::Store& store_;
  std::map<std::string, Channel*> channels_;
  const Clock& clock_;
  std::set<store::OutboxId> in_flight_;
  std::set<store::OutboxId> querying_;
  std::optional<SystemTime> next_recover_at_;  // unset: recover on the next tick
  std::map<std::string, ChannelHealth> health_;
  std::function<void(const ChannelTrouble&)> on_trouble_;
  std::function<void(const std::string&, const char*)> on_outcome_;
  std::vector<store::Outcome> outcomes_;  // answers not yet committed, in order
  bool in_tick_ = false;                  // Tick() flushes at its end
  bool flush_posted_ = false;             // a Flush() is queued on the loop
  std::function<void(std::function<void()>)> post_;
  // Expires with the dispatcher, so a Flush() posted earlier does nothing.
  std::shared_ptr<Dispatcher*> self_ = std::make_shared<Dispatcher*>(this);
};

}  // namespace duban::notify
