// Records the store reads and writes beyond the model's units, contacts and
// houses: items, timers, intents and outbox rows. Plain values; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"

namespace duban::store {

using ItemId = int64_t;
using TimerId = int64_t;
using IntentId = int64_t;
using OutboxId = int64_t;

// Anything with an owner and a deadline: one village's weekly report for one
// week, a hazard case, a transfer, an inspection finding.
struct Item {
  ItemId id = 0;
  std::string campaign;     // campaign id
  std::string kind;         // item kind id, or the obligation id for reports
  std::string key;          // natural key, unique: "weekly_report/2024-03-29/v1"
  std::string owner_unit;
  std::string department_unit;  // transfers: the department it was sent to
  std::string state;
  std::string severity = "info";
  std::optional<SystemTime> due_at;
  std::string period;       // obligation occurrence: the local due date
  std::string data = "{}";  // JSON object of the item's fields
  SystemTime created_at;
  SystemTime updated_at;
  SystemTime state_entered_at;
  std::optional<SystemTime> resolved_at;      // submitted / closed
  std::optional<SystemTime> acknowledged_at;
  // Increments each time the item (re)enters a state with an SLA; timers
  // carry the epoch they were scheduled for, so stale ones do nothing.
  int sla_epoch = 0;

  bool open() const { return !resolved_at.has_value(); }
};

// "At fire_at, evaluate `step` of item `item_id`" (or of the campaign itself
// when item_id is 0, e.g. materialising next week's report items).
struct Timer {
  TimerId id = 0;
  SystemTime fire_at;
  std::string campaign;
  ItemId item_id = 0;
  std::string step;   // "materialize/weekly_report", "ladder/2/fri_noon/r0"
  SystemTime created_at;
};

// What became of a fired timer, recorded with it.
struct TimerOutcome {
  TimerId id = 0;
  std::string outcome;  // "fired", "skipped: <reason>", "obsolete: <reason>"
};

// The engine's request to tell someone something; grouped into digests by
// notify before rendering.
struct Intent {
  IntentId id = 0;
  SystemTime created_at;
  std::string recipient;   // contact id
  std::string binding;     // template binding id
  std::string campaign;
  ItemId item_id = 0;
  std::string severity = "info";
  std::string dedup_key;   // unique; a repeat insert is ignored
  std::string payload = "{}";  // JSON facts for rendering
  SystemTime group_until;  // the digest window closes then
  bool bypass_quiet_hours = false;
};

// A rendered message waiting for (or done with) delivery.
struct OutboxRow {
  OutboxId id = 0;
  std::string idempotency_key;  // unique; sent to receivers that use it
  SystemTime created_at;
  std::string channel;     // configured channel name
  std::string recipient;   // contact id
  std::string address;     // mobile number or robot name, for display
  std::string binding;
  std::string campaign;
  std::string severity = "info";
  std::string title;
  std::string body;        // rendered text
  std::string params = "{}";  // SMS template parameters, JSON
  std::vector<ItemId> items;
  std::string state = "pending";  // pending, sending, sent, retry, dead, suppressed
  int attempts = 0;
  SystemTime next_attempt_at;     // not before (quiet hours, backoff)
  std::string last_error;
  std::string provider_id;
  std::optional<SystemTime> sent_at;
};

}  // namespace duban::store
