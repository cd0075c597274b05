// The store: duban's only durable state, behind a narrow interface that
// speaks domain records. All SQL lives in store/; callers never see SQLite,
// so a PostgreSQL backend can replace it without touching them.
//
// A Store is used from the loop thread only (STYLE rule 2), except Ping(),
// which takes its own short transaction and may be called from the loop
// thread by health checks.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "model/model.h"
#include "store/records.h"

namespace duban::store {

struct Options {
  std::string path;            // a file path, or ":memory:"
  int busy_timeout_ms = 5000;  // bounded wait when another process holds a lock
  // false: no fsync per commit (synchronous=OFF), for throwaway copies only
  // (`duban simulate`'s working database): a power cut may lose the last
  // commits, which the live database must never do.
  bool durable = true;
};

// Everything one engine step decided, committed in one transaction: the
// timers it consumed, the items and timers it created, and the intents it
// emitted. A crash before the commit redoes the step; after it, nothing is
// done twice.
struct EngineBatch {
  struct NewItem {
    Item item;
    std::vector<Timer> timers;  // item_id is filled in on insert
  };
  std::vector<TimerOutcome> fired;
  std::vector<NewItem> new_items;  // an existing key is left as it is
  std::vector<Timer> new_timers;   // an existing (campaign, item, step) is kept
  std::vector<Intent> intents;     // an existing dedup_key is kept
  // Audit records of this batch; an entry whose item_id is negative -k
  // refers to the k-th (1-based) entry of new_items, filled in on insert.
  std::vector<AuditEntry> audit;
  bool empty() const {
    return fired.empty() && new_items.empty() && new_timers.empty() && intents.empty() &&
           audit.empty();
  }
};

// One item to resolve with ResolveItems: as ResolveItem's arguments.
struct Resolution {
  ItemId id = 0;
  std::string state;
  std::string data;  // a JSON object merged into the item's data
  AuditEntry audit;  // item_id is filled in
};

// Counters from CommitEngineBatch, for logs and tests.
struct BatchCounts {
  int items_created = 0;
  int timers_created = 0;
  int intents_created = 0;
};

// One digest notify built from a group of intents: the intents it consumed
// (with the outcome recorded on each) and the outbox rows it produced
// (none when every item dropped out and the digest was suppressed).
struct DigestCommit {
  std::vector<IntentId> consumed;
  std::string outcome;  // "sent" or "suppressed: <reason>"
  std::vector<OutboxRow> rows;
};

// The recorded answer to one send attempt (or status query) of an outbox
// row, for RecordOutcomes: the dispatcher collects a pass's answers and
// commits them together.
struct Outcome {
  enum class Kind {
    kSent,     // → sent, with `text` as the provider's id, sent at `at`
    kRetry,    // → retry due at `at`, `text` the error (a sent row is kept)
    kDead,     // → dead letter at `at`, `text` the error (a sent row is kept)
    kSending,  // still sending: restamped `at`, attempts + 1 (asked again later)
  };
  OutboxId id = 0;
  Kind kind = Kind::kSent;
  std::string text;
  SystemTime at;
};

struct MigrationInfo {
  int version = 0;
  std::string name;
  SystemTime applied_at;
};

class Store {
 public:
  virtual ~Store() = default;

  // OK when the database answers a trivial query.
  virtual Status Ping() = 0;
  // The schema version in the database (the highest applied migration).
  virtual int SchemaVersion() const = 0;
  virtual Result<std::vector<MigrationInfo>> AppliedMigrations() = 0;

  // Small key/value facts about the database itself (e.g. which clock kind
  // wrote it). GetMeta returns nullopt for an absent key.
  virtual Result<std::optional<std::string>> GetMeta(const std::string& key) = 0;
  virtual Status SetMeta(const std::string& key, const std::string& value) = 0;

  // Writes a consistent copy of the whole database to `path` (SQLite online
  // backup: safe while the daemon runs).
  virtual Status BackupTo(const std::string& path) = 0;

  // --- Directory: units, contacts, houses. Upserts are one transaction each.
  virtual Status UpsertUnits(const std::vector<model::Unit>& units) = 0;
  virtual Status UpsertContacts(const std::vector<model::Contact>& contacts) = 0;
  virtual Status UpsertHouses(const std::vector<model::House>& houses) = 0;
  virtual Result<std::vector<model::Unit>> ListUnits() = 0;
  virtual Result<std::vector<model::Contact>> ListContacts() = 0;
  virtual Result<std::vector<model::House>> ListHouses() = 0;

  // --- Items.
  virtual Result<std::optional<Item>> GetItem(ItemId id) = 0;
  virtual Result<std::optional<Item>> FindItemByKey(const std::string& key) = 0;
  // The owner's items of `kind` in `campaign` with a period before `period`,
  // newest first, at most `limit`.
  virtual Result<std::vector<Item>> PreviousOccurrences(const std::string& campaign,
                                                        const std::string& kind,
                                                        const std::string& owner_unit,
                                                        const std::string& period,
                                                        int limit) = 0;
  // Marks an item resolved (a report submitted, a case closed) in `state`,
  // merging `data` (a JSON object) into its fields, and appends `audit` in
  // the same transaction. kNotFound for an unknown id; kConflict when it is
  // already resolved.
  virtual Status ResolveItem(ItemId id, const std::string& state,
                             const std::string& data, SystemTime at,
                             const AuditEntry& audit) = 0;
  // ResolveItem for every entry of `resolutions`, in order, in one
  // transaction (group commit: one fsync for the batch); returns the items
  // as stored, in the same order. All or nothing: kNotFound or kConflict
  // (naming the item) when any is unknown, already resolved or named
  // twice, and then none is. An empty batch does nothing.
  virtual Result<std::vector<Item>> ResolveItems(const std::vector<Resolution>& resolutions,
                                                 SystemTime at) = 0;
  // Inserts a new item (id ignored) with its first timers and audit record
  // in one transaction. kConflict when its key exists.
  virtual Result<ItemId> CreateItem(const Item& item, const std::vector<Timer>& timers,
                                    const AuditEntry& audit) = 0;
  // Writes every mutable field of `item` (state, severity, due, data, times,
  // epoch, department) if its state is still `expected_state` and its
  // updated_at still `expected_updated_at`, adds `timers` and appends
  // `audit`, in one transaction. kConflict when someone changed it first.
  // `derived`: items created in the same transaction (skipped when their
  // key exists, so a retried change creates each once).
  virtual Status UpdateItem(const Item& item, const std::string& expected_state,
                            SystemTime expected_updated_at, const std::vector<Timer>& timers,
                            const AuditEntry& audit,
                            const std::vector<NewItem>& derived = {}) = 0;
  // Open items of `kinds` in `campaign`, counted per owner unit (countdowns,
  // summaries). Reads open items only.
  virtual Result<std::vector<std::pair<std::string, int64_t>>> CountOpenByOwner(
      const std::string& campaign, const std::vector<std::string>& kinds) = 0;
  // Open items of `kinds` linked to a department or agency, per (link,
  // owner), ascending. Reads open items only.
  virtual Result<std::vector<LinkCount>> CountOpenByLink(const std::string& campaign,
                                                         const std::vector<std::string>& kinds) = 0;
  // Every item of `campaign` tallied (records.h); `flag_fields` are data
  // fields whose truth marks an item as flagged (findings).
  virtual Result<std::vector<ItemTally>> TallyItems(const std::string& campaign, SystemTime now,
                                                    const std::vector<std::string>& flag_fields) = 0;
  // Per owner (ascending), the record of items of `kinds` in `campaign`
  // over [from, to) as of `now`. Owners with nothing in the period and
  // nothing open are left out.
  virtual Result<std::vector<OwnerStats>> StatsByOwner(const std::string& campaign,
                                                       const std::vector<std::string>& kinds,
                                                       SystemTime from, SystemTime to,
                                                       SystemTime now) = 0;
  // Open items of `kinds` in `campaign` past their due time at `now`, counted
  // per unit they are stuck with (the department for an item sent to one,
  // else the owner), severity and age bucket (records.h). Reads only overdue
  // items, through the open-items index.
  virtual Result<std::vector<OverdueCount>> OverdueByUnit(const std::string& campaign,
                                                          const std::vector<std::string>& kinds,
                                                          SystemTime now) = 0;
  // Items matching `query`, ascending id, at most query.limit.
  virtual Result<std::vector<Item>> ListItems(const ItemQuery& query) = 0;
  // Every audit record about an item, oldest first.
  virtual Result<std::vector<AuditEntry>> ItemHistory(ItemId id) = 0;
  // Outbox rows that named an item (delivery receipts), oldest first.
  virtual Result<std::vector<OutboxRow>> OutboxForItem(ItemId id) = 0;
  // For each (campaign, item), the ladder step fired last; items with none
  // are left out. One lookup per item through the timers' unique key, so the
  // cost follows the items asked about (a dashboard page), not the table.
  virtual Result<std::vector<FiredStep>> LastFiredSteps(
      const std::vector<std::pair<std::string, ItemId>>& items) = 0;

  // --- Audit log.
  // Appends one record (seq, prev_hash and hash are assigned) in its own
  // transaction and returns it as stored.
  virtual Result<AuditEntry> AppendAudit(const AuditEntry& entry) = 0;
  // Records with seq > after_seq, ascending, at most limit.
  virtual Result<std::vector<AuditEntry>> AuditAfter(int64_t after_seq, int limit) = 0;

  // --- API tokens.
  virtual Status InsertToken(const ApiToken& token, const AuditEntry& audit) = 0;
  virtual Result<std::optional<ApiToken>> FindToken(const std::string& id) = 0;
  virtual Result<std::vector<ApiToken>> ListTokens() = 0;
  // kNotFound for an unknown id; revoking twice is OK.
  virtual Status RevokeToken(const std::string& id, SystemTime at, const AuditEntry& audit) = 0;

  // --- Silences.
  virtual Result<int64_t> InsertSilence(const Silence& silence, const AuditEntry& audit) = 0;
  virtual Status CancelSilence(int64_t id, SystemTime at, const AuditEntry& audit) = 0;
  // Silences not cancelled and not expired at `now` (including future ones).
  virtual Result<std::vector<Silence>> ActiveSilences(SystemTime now) = 0;

  // --- Timers. Due and Next read only the partial index of unfired timers.
  virtual Result<std::vector<Timer>> DueTimers(SystemTime now, int limit) = 0;
  virtual Result<std::optional<SystemTime>> NextTimerAt() = 0;
  virtual Result<bool> HasTimer(const std::string& campaign, ItemId item_id,
                                const std::string& step) = 0;
  virtual Result<BatchCounts> CommitEngineBatch(const EngineBatch& batch,
                                                SystemTime now) = 0;
  // Every timer with its outcome, in firing order, for tests and audits.
  virtual Result<std::vector<std::pair<Timer, std::string>>> FiredTimersForTest() = 0;

  // --- Intents and digests.
  // The (recipient, binding) groups whose window has closed by `now` (their
  // oldest open intent's group_until), oldest first, at most `limit`.
  virtual Result<std::vector<std::pair<std::string, std::string>>> ClosedIntentGroups(
      SystemTime now, int limit) = 0;
  // The open intents of one group, oldest first.
  virtual Result<std::vector<Intent>> OpenIntents(const std::string& recipient,
                                                  const std::string& binding) = 0;
  virtual Result<std::optional<SystemTime>> NextIntentGroupAt() = 0;
  // Commits `digests` in one transaction (group commit: one fsync for the
  // batch): every digest's intents are consumed and its outbox rows created,
  // or, on any error, none of them. kConflict when an intent is already
  // consumed. An empty batch does nothing.
  virtual Status CommitDigests(const std::vector<DigestCommit>& digests, SystemTime now) = 0;
  // One digest in its own transaction.
  Status CommitDigest(const DigestCommit& digest, SystemTime now) {
    return CommitDigests({digest}, now);
  }

  // --- Outbox.
  virtual Result<std::vector<OutboxRow>> DueOutbox(SystemTime now, int limit) = 0;
  virtual Result<std::optional<SystemTime>> NextOutboxAt() = 0;
  // pending/retry → sending, stamped `now`; attempts + 1.
  virtual Status MarkSending(OutboxId id, SystemTime now) = 0;
  // MarkSending for every row of `ids` in one transaction (a dispatch pass
  // claims its rows with one commit); returns the ids claimed, in order,
  // leaving out rows no longer waiting to be sent.
  virtual Result<std::vector<OutboxId>> MarkSendingAll(const std::vector<OutboxId>& ids,
                                                       SystemTime now) = 0;
  // Rows still 'sending' that started before `started_before` (a crash or a
  // lost answer), oldest first.
  virtual Result<std::vector<OutboxRow>> StaleSending(SystemTime started_before, int limit) = 0;
  virtual Result<std::optional<OutboxRow>> GetOutbox(OutboxId id) = 0;
  virtual Result<std::vector<OutboxRow>> ListOutbox(const OutboxQuery& query) = 0;
  // Counts by state, and the creation time of the oldest undelivered row
  // (pending, retry or sending), for metrics.
  virtual Result<std::vector<std::pair<std::string, int64_t>>> OutboxCounts() = 0;
  virtual Result<std::optional<SystemTime>> OldestUndelivered() = 0;
  // dead → retry due `now`, attempts reset, audited. kConflict unless dead.
  virtual Status RetryDead(OutboxId id, SystemTime now, const AuditEntry& audit) = 0;
  virtual Status MarkSent(OutboxId id, const std::string& provider_id, SystemTime now) = 0;
  virtual Status MarkRetry(OutboxId id, const std::string& error, SystemTime retry_at) = 0;
  virtual Status MarkDead(OutboxId id, const std::string& error, SystemTime now) = 0;
  // Records every outcome, in order, in one transaction (one fsync for a
  // dispatch pass's answers), or, on any error, none of them: a row whose
  // outcome was not recorded stays 'sending' and is recovered. MarkSent,
  // MarkRetry and MarkDead are this for one outcome. An empty list does
  // nothing.
  virtual Status RecordOutcomes(const std::vector<Outcome>& outcomes) = 0;
  // Outbox rows created in [from, to), in creation order.
  virtual Result<std::vector<OutboxRow>> OutboxBetween(SystemTime from, SystemTime to) = 0;
};

// Opens (creating if needed) a SQLite database, sets WAL, foreign keys and the
// busy timeout, and applies every pending migration in one transaction,
// recording each with `now`. Fails with kInvalidArgument when the database was
// written by a newer duban (its schema is ahead of this binary), kUnavailable
// when it is locked past the busy timeout, kInternal on corruption.
Result<std::unique_ptr<Store>> OpenSqlite(const Options& options, SystemTime now);

// The newest schema version this binary knows.
int LatestSchemaVersion();

}  // namespace duban::store
