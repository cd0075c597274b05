// Simulation: runs the configured campaigns on a virtual clock against a
// temporary copy of the database and records every message that would be
// sent. Nothing leaves the machine: every channel is a recorder.
#pragma once

#include <spdlog/logger.h>

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "config/config.h"

namespace duban::app {

struct SimulatedMessage {
  SystemTime at;            // when it would be delivered
  std::string channel;
  std::string recipient;    // contact id
  std::string recipient_name;
  std::string address;
  std::string binding;
  std::string severity;
  std::string body;
};

struct SimulationOptions {
  SystemTime from;
  SystemTime to;
  std::string events_file;      // JSONL; empty = none
  std::string database_copy;    // where the temporary copy lives
  // Stop at this instant, then restart (re-open the store and a fresh
  // runner) before going on: proves a restart changes nothing. Tests only.
  std::optional<SystemTime> restart_at;
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
