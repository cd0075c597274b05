#include "store/migrations.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>
#include <sqlite3.h>

namespace duban::store {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "schema bookkeeping",
       R"sql(
CREATE TABLE schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at INTEGER NOT NULL  -- unix ms, UTC
);
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql"},
      {2, "directory, items, timers, intents, outbox",
       R"sql(
CREATE TABLE units (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  level          TEXT NOT NULL,
  parent_id      TEXT,
  division_code  TEXT NOT NULL DEFAULT '',
  attached_level TEXT
);
CREATE INDEX units_parent ON units(parent_id);
CREATE TABLE contacts (
  id             TEXT PRIMARY KEY,
  unit_id        TEXT NOT NULL,
  role           TEXT NOT NULL,
  name           TEXT NOT NULL,
  mobile         TEXT NOT NULL DEFAULT '',
  channels       TEXT NOT NULL DEFAULT '',  -- ';'-separated channel names
  feishu_open_id TEXT NOT NULL DEFAULT '',
  quiet_start    INTEGER,                   -- minutes after local midnight
  quiet_end      INTEGER
);
CREATE INDEX contacts_unit_role ON contacts(unit_id, role);
CREATE TABLE houses (
  id            TEXT PRIMARY KEY,
  unit_id       TEXT NOT NULL,
  address       TEXT NOT NULL DEFAULT '',
  is_commercial INTEGER NOT NULL DEFAULT 0,
  business_type TEXT NOT NULL DEFAULT '',
  floors        INTEGER NOT NULL DEFAULT 0,
  structure     TEXT NOT NULL DEFAULT '',
  altered       INTEGER NOT NULL DEFAULT 0,
  steel         INTEGER NOT NULL DEFAULT 0,
  hazard_level  TEXT NOT NULL DEFAULT 'none'
);
CREATE INDEX houses_unit ON houses(unit_id);
CREATE TABLE items (
  id               INTEGER PRIMARY KEY,
  campaign         TEXT NOT NULL,
  kind             TEXT NOT NULL,
  key              TEXT NOT NULL UNIQUE,
  owner_unit       TEXT NOT NULL,
  department_unit  TEXT NOT NULL DEFAULT '',
  state            TEXT NOT NULL,
  severity         TEXT NOT NULL DEFAULT 'info',
  due_at           INTEGER,
  period           TEXT NOT NULL DEFAULT '',
  data             TEXT NOT NULL DEFAULT '{}',
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  state_entered_at INTEGER NOT NULL,
  resolved_at      INTEGER,
  acknowledged_at  INTEGER,
  sla_epoch        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX items_owner ON items(owner_unit, kind, period);
CREATE INDEX items_open_due ON items(due_at) WHERE resolved_at IS NULL;
-- Timers: pending rows are found through timers_due, a partial index that
-- holds only unfired timers, so a wake-up costs O(due) however many fired.
CREATE TABLE timers (
  id         INTEGER PRIMARY KEY,
  fire_at    INTEGER NOT NULL,
  campaign   TEXT NOT NULL,
  item_id    INTEGER NOT NULL DEFAULT 0,
  step       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  fired_at   INTEGER,
  outcome    TEXT,
  UNIQUE (campaign, item_id, step)
);
CREATE INDEX timers_due ON timers(fire_at, id) WHERE fired_at IS NULL;
CREATE TABLE intents (
  id                 INTEGER PRIMARY KEY,
  created_at         INTEGER NOT NULL,
  recipient          TEXT NOT NULL,
  binding            TEXT NOT NULL,
  campaign           TEXT NOT NULL,
  item_id            INTEGER NOT NULL DEFAULT 0,
  severity           TEXT NOT NULL DEFAULT 'info',
  dedup_key          TEXT NOT NULL UNIQUE,
  payload            TEXT NOT NULL DEFAULT '{}',
  group_until        INTEGER NOT NULL,
  bypass_quiet_hours INTEGER NOT NULL DEFAULT 0,
  consumed_at        INTEGER,
  outcome            TEXT
);
CREATE INDEX intents_open ON intents(group_until) WHERE consumed_at IS NULL;
CREATE INDEX intents_open_group ON intents(recipient, binding) WHERE consumed_at IS NULL;
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  idempotency_key  TEXT NOT NULL UNIQUE,
  created_at       INTEGER NOT NULL,
  channel          TEXT NOT NULL,
  recipient        TEXT NOT NULL,
  address          TEXT NOT NULL DEFAULT '',
  binding          TEXT NOT NULL,
  campaign         TEXT NOT NULL,
  severity         TEXT NOT NULL DEFAULT 'info',
  title            TEXT NOT NULL DEFAULT '',
  body             TEXT NOT NULL,
  params           TEXT NOT NULL DEFAULT '{}',
  items            TEXT NOT NULL DEFAULT '',  -- ','-separated item ids
  state            TEXT NOT NULL DEFAULT 'pending',
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  last_error       TEXT NOT NULL DEFAULT '',
  provider_id      TEXT NOT NULL DEFAULT '',
  sent_at          INTEGER
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state IN ('pending', 'retry');
)sql"},
      {3, "audit log, api tokens, silences, outbox sending state", R"sql(
-- The audit log: append only. Each record's hash is SHA-256 over its own
-- fields and the previous record's hash, so an edit, a deletion or a
-- reordering breaks the chain at the first record touched (audit verify).
CREATE TABLE audit_log (
  seq        INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  via        TEXT NOT NULL,
  action     TEXT NOT NULL,
  item_id    INTEGER NOT NULL DEFAULT 0,
  payload    TEXT NOT NULL DEFAULT '{}',
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL
);
CREATE INDEX audit_item ON audit_log(item_id, seq) WHERE item_id != 0;
-- Bearer tokens: only a SHA-256 of the secret part is kept.
CREATE TABLE api_tokens (
  id          TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  role        TEXT NOT NULL,
  unit_id     TEXT NOT NULL,
  contact_id  TEXT NOT NULL DEFAULT '',
  label       TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER,
  revoked_at  INTEGER
);
CREATE TABLE silences (
  id           INTEGER PRIMARY KEY,
  unit_id      TEXT NOT NULL DEFAULT '',
  kind         TEXT NOT NULL DEFAULT '',
  channel      TEXT NOT NULL DEFAULT '',
  starts_at    INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  reason       TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  cancelled_at INTEGER
);
CREATE INDEX silences_active ON silences(expires_at) WHERE cancelled_at IS NULL;
-- Delivery attempts in flight: a row is 'sending' from the moment it is
-- handed to a channel until the answer is recorded; after a crash, rows
-- sending for longer than a timeout are found here and recovered.
ALTER TABLE outbox ADD COLUMN sending_since INTEGER;
CREATE INDEX outbox_sending ON outbox(sending_since) WHERE state = 'sending';
CREATE INDEX outbox_state ON outbox(state, id);
-- Delivery receipts per item: which messages named an item.
-- Columns in primary-key order: SQLite 3.40's quick_check wrongly reports
-- NULLs in a WITHOUT ROWID table whose key order differs from its columns'.
CREATE TABLE outbox_items (
  item_id   INTEGER NOT NULL,
  outbox_id INTEGER NOT NULL REFERENCES outbox(id),
  PRIMARY KEY (item_id, outbox_id)
) WITHOUT ROWID;
-- A digest may name one item twice (two steps of it in one message).
INSERT OR IGNORE INTO outbox_items(outbox_id, item_id)
  SELECT o.id, CAST(j.value AS INTEGER)
  FROM outbox o, json_each('[' || o.items || ']') j
  WHERE o.items != '';
)sql"},
      {4, "close a resolved item's pending timers", R"sql(
-- Once an item is resolved every ladder timer still pending for it can only
-- be recorded as obsolete when it fires (engine/ladder_step.cc). Close them
-- in the resolving transaction instead, so a deadline's wake-up costs what
-- is still open, not everything ever scheduled: at Friday noon 80% of the
-- reports are in, and their timers must not all be read then.
CREATE TRIGGER items_resolved_close_timers AFTER UPDATE OF resolved_at ON items
WHEN OLD.resolved_at IS NULL AND NEW.resolved_at IS NOT NULL
BEGIN
  UPDATE timers SET fired_at = NEW.resolved_at, outcome = 'obsolete: resolved before this step'
  WHERE campaign = NEW.campaign AND item_id = NEW.id AND fired_at IS NULL;
END;
-- Timers left pending by items resolved before this migration.
UPDATE timers SET fired_at = (SELECT resolved_at FROM items WHERE items.id = timers.item_id),
                  outcome = 'obsolete: resolved before this step'
WHERE fired_at IS NULL AND item_id != 0
  AND item_id IN (SELECT id FROM items WHERE resolved_at IS NOT NULL);
)sql"},
      {5, "indexes for the overdue list and the laggard ranking", R"sql(
-- A unit's open items by due time: the overdue list of a county reads only
-- its overdue rows (was: every item of each owner, then a sort).
CREATE INDEX items_open_owner_due ON items(owner_unit, due_at) WHERE resolved_at IS NULL;
-- Report statistics per owner (laggards, summaries) from the index alone.
-- Not led by campaign: the planner would then take it for ListItems.
CREATE INDEX items_report_owner ON items(kind, owner_unit, campaign, due_at, resolved_at);
-- Overdue counts per unit from the index alone; same name, as queries
-- name it with INDEXED BY.
DROP INDEX items_open_due;
CREATE INDEX items_open_due
  ON items(due_at, campaign, kind, owner_unit, department_unit, severity, resolved_at)
  WHERE resolved_at IS NULL;
)sql"},
  };
  return kMigrations;
}

Status FromSqlite(int code, const char* what, const char* detail) {
  const std::string msg = fmt::format("{}: {}", what, detail);
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable("database is busy (locked by another process?)", msg);
    case SQLITE_CONSTRAINT:
      return Status::Conflict(msg);
    case SQLITE_FULL:
      return Status::ResourceExhausted("disk full", msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Internal("database is corrupt", msg);
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
      return Status::Unavailable("cannot write the database file", msg);
    default:
      return Status::Internal(msg);
  }
}

Result<int> Migrate(SQLite::Database& db, const std::vector<Migration>& list,
                    SystemTime now) {
  try {
    // IMMEDIATE takes the write lock up front, so two daemons started at once
    // cannot both decide to apply the same migration.
    SQLite::Transaction txn(db, SQLite::TransactionBehavior::IMMEDIATE);
    int current = 0;
    if (db.tableExists("schema_migrations")) {
      current = db.execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
                    .getInt();
    }
    const int latest = list.empty() ? 0 : list.back().version;
    if (current > latest) {
      return Status::InvalidArgument(fmt::format(
          "the database schema is version {}, newer than this duban knows "
          "(up to {}); it was written by a newer release. Install that "
          "release or restore a backup; refusing to touch it",
          current, latest));
    }
    for (const Migration& m : list) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      // Prepared per migration: the first one creates the table it records in.
      SQLite::Statement record(
          db, "INSERT INTO schema_migrations(version, name, applied_at) VALUES(?, ?, ?)");
      record.bind(1, m.version);
      record.bind(2, m.name);
      record.bind(3, static_cast<int64_t>(ToUnixMillis(now)));
      record.exec();
      current = m.version;
    }
    txn.commit();
    return current;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "migrating the database", e.what());
  }
}

}  // namespace duban::store
