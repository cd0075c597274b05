// Simulation: runs the configured campaigns on a virtual clock against a
// temporary copy of the database and records every message that would be
// sent. Nothing leaves the machine: every channel is a recorder.
#pragma once

#include <spdlog/logger.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "config/config.h"
#include "notify/channel.h"

namespace duban::app {

struct SimulatedMessage {
  SystemTime at;            // when it would be delivered
  std::string key;          // the outbox row's idempotency key
  std::string channel;
  std::string recipient;    // contact id
  std::string recipient_name;
  std::string address;
  std::string binding;
  std::string severity;
  std::string body;
};

// A channel that records every message (stamped with `clock`) instead of
// sending it. Both must outlive it.
class RecordingChannel final : public notify::Channel {
 public:
  RecordingChannel(const Clock& clock, std::vector<SimulatedMessage>* out)
      : clock_(clock), out_(out) {}
  const std::string& name() const override { return name_; }
  void Send(const store::OutboxRow& row, std::function<void(notify::SendResult)> done) override;

 private:
  std::string name_ = "recorder";
  const Clock& clock_;
  std::vector<SimulatedMessage>* out_;
};

struct SimulationOptions {
  SystemTime from;
  SystemTime to;
  std::string events_file;      // JSONL; empty = none
  std::string database_copy;    // where the temporary copy lives
  // Stop at this instant, then restart (re-open the store and a fresh
  // runner) before going on: proves a restart changes nothing. Tests only.
  std::optional<SystemTime> restart_at;
  // Delivers instead of the recorder when set (tests only: a channel that
  // fails at random, for the soak test). It is handed the recorder to pass
  // what it delivers on to, and returns a channel the caller owns.
  std::function<notify::Channel*(notify::Channel* recorder)> wrap_channel;
};

struct SimulationResult {
  std::vector<SimulatedMessage> messages;
  int timers = 0;
  int skipped = 0;
  int events_applied = 0;
};

// REQUIRES: options.database_copy is a path the caller may create/overwrite.
Result<SimulationResult> Simulate(const config::DaemonConfig& config,
                                  const SimulationOptions& options, spdlog::logger& log);

// Renders the result for people: every message in time order with its local
// time, channel, recipient and text, then a summary per day and recipient.
std::string FormatSimulationText(const SimulationResult& r, const std::string& time_zone);
// One JSON object per line per message.
std::string FormatSimulationJson(const SimulationResult& r, const std::string& time_zone);

}  // namespace duban::app
