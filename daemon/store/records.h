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
  std::optional<SystemTime> sending_since;  // state "sending" only
};

// One record of the append-only audit log. `hash` is the lowercase hex
// SHA-256 of AuditHashInput(*this), which includes `prev_hash`, the previous
// record's hash ("" before the first record).
struct AuditEntry {
  int64_t seq = 0;        // assigned on append: 1, 2, 3, ...
  SystemTime at;
  std::string actor;      // "token:t_3f9a", "contact:jf-shangcun-liaison", "engine", "cli"
  std::string via;        // api, link, import, engine, cli
  std::string action;     // item.create, item.transition, report.submit, token.create ...
  ItemId item_id = 0;     // 0 when the event concerns no item
  std::string payload = "{}";  // JSON
  std::string prev_hash;  // filled on append
  std::string hash;       // filled on append
};

// The exact bytes hashed for an audit record: every field but `hash`, one
// per line, in declaration order. Part of the on-disk contract: changing it
// breaks verification of existing logs.
std::string AuditHashInput(const AuditEntry& e);

// A bearer token for the API. The secret itself is never stored.
struct ApiToken {
  std::string id;           // public part: "t_3f9a0c1e"
  std::string secret_hash;  // lowercase hex SHA-256 of the secret part
  std::string role;         // admin, supervisor, office, liaison, department, agency
  std::string unit_id;      // scope: this unit and its subtree
  std::string contact_id;   // optional: the person it was issued to
  std::string label;
  SystemTime created_at;
  std::optional<SystemTime> expires_at;
  std::optional<SystemTime> revoked_at;
};

// "Do not notify about unit / kind / channel until expires_at." Empty
// fields match everything; a silence with all three empty is refused.
struct Silence {
  int64_t id = 0;
  std::string unit_id;  // this unit and its subtree
  std::string kind;     // a message kind (binding id) or item kind
  std::string channel;  // a configured channel name
  SystemTime starts_at;
  SystemTime expires_at;
  std::string reason;
  std::string created_by;
  SystemTime created_at;
  std::optional<SystemTime> cancelled_at;
};

// Open items linked to a department or agency, per linked unit and owner.
struct LinkCount {
  std::string link;   // the department or agency (department_unit)
  std::string owner;
  int64_t count = 0;
};

// Items of a campaign counted by kind, owner, linked unit and state, for
// progress tables (spot-check progress per group, city and county).
struct ItemTally {
  std::string kind;
  std::string owner;
  std::string link;     // department_unit, "" when none
  std::string state;
  bool open = false;
  bool overdue = false;  // open and past due at the query's `now`
  bool flagged = false;  // one of the query's flag fields is true in its data
  int64_t count = 0;
};

// An item created in the same transaction as another item's change (an
// inspection's finding issues a notice). Skipped when its key exists.
struct NewItem {
  Item item;
  std::vector<Timer> timers;
  AuditEntry audit;
};

// A filter over items for listings, with keyset pagination by id.
struct ItemQuery {
  std::vector<std::string> owner_units;  // any of these owners; empty = any
  std::string department_unit;           // transfers to this department
  std::string campaign;
  std::string kind;
  std::string state;
  bool open_only = false;
  std::optional<SystemTime> overdue_at;  // open and due before this instant
  std::optional<SystemTime> due_from;    // due_at >= due_from
  std::optional<SystemTime> due_to;      // due_at < due_to
  ItemId after_id = 0;                   // cursor: ids greater than this
  int limit = 50;
};

// One owner's record over a period, for summaries and laggard rankings.
struct OwnerStats {
  std::string owner;
  int64_t due = 0;       // items due in [from, to)
  int64_t on_time = 0;   // of those, resolved before their due time
  int64_t late = 0;      // of those, resolved at or after it
  int64_t missing = 0;   // of those, due before now and still open
  int64_t resolved = 0;  // items resolved in [from, to), whenever due
  int64_t open = 0;      // open now
  int64_t overdue = 0;   // open now and past due
};

// How long an item has been overdue, in calendar days: under 7, 7 to 29,
// 30 and more. Laggard scores weigh the buckets 1, 2, 3.
enum class OverdueAge { kUnderWeek = 0, kUnderMonth = 1, kMonthOrMore = 2 };

// Overdue open items stuck with one unit, of one severity and age.
struct OverdueCount {
  std::string unit;      // the department for items sent to one, else the owner
  bool transfer = false;  // sent to a department (counted against it)
  std::string severity;  // info, warning, critical
  OverdueAge age = OverdueAge::kUnderWeek;
  int64_t count = 0;
};

// The last ladder step fired about one item (the dashboard's "step reached").
struct FiredStep {
  ItemId item_id = 0;
  std::string step;  // the timer's step: "l/<ladder>/<step>/e<epoch>/r<n>"
  SystemTime fired_at;
};

// A filter over outbox rows (API, dashboard), newest first by id.
struct OutboxQuery {
  std::string state;    // "" = any
  std::string channel;  // "" = any
  OutboxId before_id = 0;  // cursor: ids smaller than this; 0 = from the newest
  int limit = 50;
};

}  // namespace duban::store
