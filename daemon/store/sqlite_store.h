// SqliteStore: the SQLite implementation of Store. Internal to store/; use
// OpenSqlite() from store.h. Its methods are spread over sqlite_*.cc by
// concept (directory, items and timers, notifications).
//
// Loop thread only, like every Store.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <memory>

#include "store/migrations.h"
#include "store/store.h"

namespace duban::store {

class SqliteStore final : public Store {
 public:
  // Takes an open, migrated database.
  SqliteStore(std::unique_ptr<SQLite::Database> db, int schema_version)
      : db_(std::move(db)), schema_version_(schema_version) {}

  Status Ping() override;
  int SchemaVersion() const override { return schema_version_; }
  Result<std::vector<MigrationInfo>> AppliedMigrations() override;
  Result<std::optional<std::string>> GetMeta(const std::string& key) override;
  Status SetMeta(const std::string& key, const std::string& value) override;
  Status BackupTo(const std::string& path) override;

  Status UpsertUnits(const std::vector<model::Unit>& units) override;
  Status UpsertContacts(const std::vector<model::Contact>& contacts) override;
  Status UpsertHouses(const std::vector<model::House>& houses) override;
  Result<std::vector<model::Unit>> ListUnits() override;
  Result<std::vector<model::Contact>> ListContacts() override;
  Result<std::vector<model::House>> ListHouses() override;

  Result<std::optional<Item>> GetItem(ItemId id) override;
  Result<std::optional<Item>> FindItemByKey(const std::string& key) override;
  Result<std::vector<Item>> PreviousOccurrences(const std::string& campaign,
                                                const std::string& kind,
                                                const std::string& owner_unit,
                                                const std::string& period,
                                                int limit) override;
  Status ResolveItem(ItemId id, const std::string& state, const std::string& data,
                     SystemTime at, const AuditEntry& audit) override;
  Result<std::vector<Item>> ResolveItems(const std::vector<Resolution>& resolutions,
                                         SystemTime at) override;
  Result<ItemId> CreateItem(const Item& item, const std::vector<Timer>& timers,
                            const AuditEntry& audit) override;
  Status UpdateItem(const Item& item, const std::string& expected_state,
                    SystemTime expected_updated_at, const std::vector<Timer>& timers,
                    const AuditEntry& audit,
                    const std::vector<NewItem>& derived = {}) override;
  Result<std::vector<Item>> ListItems(const ItemQuery& query) override;
  Result<std::vector<OverdueCount>> OverdueByUnit(const std::string& campaign,
                                                  const std::vector<std::string>& kinds,
                                                  SystemTime now) override;
  Result<std::vector<OwnerStats>> StatsByOwner(const std::string& campaign,
                                               const std::vector<std::string>& kinds,
                                               SystemTime from, SystemTime to,
                                               SystemTime now) override;
  Result<std::vector<std::pair<std::string, int64_t>>> CountOpenByOwner(
      const std::string& campaign, const std::vector<std::string>& kinds) override;
  Result<std::vector<LinkCount>> CountOpenByLink(const std::string& campaign,
                                                 const std::vector<std::string>& kinds) override;
  Result<std::vector<ItemTally>> TallyItems(const std::string& campaign, SystemTime now,
                                            const std::vector<std::string>& flag_fields) override;
  Result<std::vector<AuditEntry>> ItemHistory(ItemId id) override;
  Result<std::vector<OutboxRow>> OutboxForItem(ItemId id) override;
  Result<std::vector<FiredStep>> LastFiredSteps(
      const std::vector<std::pair<std::string, ItemId>>& items) override;

  Result<AuditEntry> AppendAudit(const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> AuditAfter(int64_t after_seq, int limit) override;

  Status InsertToken(const ApiToken& token, const AuditEntry& audit) override;
  Result<std::optional<ApiToken>> FindToken(const std::string& id) override;
  Result<std::vector<ApiToken>> ListTokens() override;
  Status RevokeToken(const std::string& id, SystemTime at, const AuditEntry& audit) override;

  Result<int64_t> InsertSilence(const Silence& silence, const AuditEntry& audit) override;
  Status CancelSilence(int64_t id, SystemTime at, const AuditEntry& audit) override;
  Result<std::vector<Silence>> ActiveSilences(SystemTime now) override;

  Result<std::vector<Timer>> DueTimers(SystemTime now, int limit) override;
  Result<std::optional<SystemTime>> NextTimerAt() override;
  Result<bool> HasTimer(const std::string& campaign, ItemId item_id,
                        const std::string& step) override;
  Result<BatchCounts> CommitEngineBatch(const EngineBatch& batch, SystemTime now) override;
  Result<std::vector<std::pair<Timer, std::string>>> FiredTimersForTest() override;

  Result<std::vector<std::pair<std::string, std::string>>> ClosedIntentGroups(
      SystemTime now, int limit) override;
  Result<std::vector<Intent>> OpenIntents(const std::string& recipient,
                                          const std::string& binding) override;
  Result<std::optional<SystemTime>> NextIntentGroupAt() override;
  Status CommitDigests(const std::vector<DigestCommit>& digests, SystemTime now) override;

  Result<std::vector<OutboxRow>> DueOutbox(SystemTime now, int limit) override;
  Result<std::optional<SystemTime>> NextOutboxAt() override;
  Status MarkSending(OutboxId id, SystemTime now) override;
  Result<std::vector<OutboxId>> MarkSendingAll(const std::vector<OutboxId>& ids,
                                               SystemTime now) override;
  Result<std::vector<OutboxRow>> StaleSending(SystemTime started_before, int limit) override;
  Result<std::optional<OutboxRow>> GetOutbox(OutboxId id) override;
  Result<std::vector<OutboxRow>> ListOutbox(const OutboxQuery& query) override;
  Result<std::vector<std::pair<std::string, int64_t>>> OutboxCounts() override;
  Result<std::optional<SystemTime>> OldestUndelivered() override;
  Status RetryDead(OutboxId id, SystemTime now, const AuditEntry& audit) override;
  Status MarkSent(OutboxId id, const std::string& provider_id, SystemTime now) override;
  Status MarkRetry(OutboxId id, const std::string& error, SystemTime retry_at) override;
  Status MarkDead(OutboxId id, const std::string& error, SystemTime now) override;
  Status RecordOutcomes(const std::vector<Outcome>& outcomes) override;
  Result<std::vector<OutboxRow>> OutboxBetween(SystemTime from, SystemTime to) override;

  // The query plan SQLite picks for `sql`, for tests that prove an index is
  // used ("SEARCH timers USING INDEX timers_due ...").
  Result<std::string> ExplainForTest(const std::string& sql);
  // An integer PRAGMA's value on this connection ("synchronous").
  Result<int64_t> PragmaForTest(const std::string& name);

 private:
  // A cached statement in use; reset when it goes out of scope. A statement
  // left mid-result holds the connection's read transaction open: every
  // later read would see that old snapshot (a token revoked by `duban token
  // revoke` would still work) and the WAL could never be checkpointed.
  class Stmt {
   public:
    explicit Stmt(SQLite::Statement& s) : s_(&s) {}
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    ~Stmt() {
      try {
        s_->reset();
      } catch (...) {  // reset reports the last step's error, already handled
      }
    }
    operator SQLite::Statement&() { return *s_; }
    template <class... A>
    void bind(A&&... a) {
      s_->bind(std::forward<A>(a)...);
    }
    bool executeStep() { return s_->executeStep(); }
    int exec() { return s_->exec(); }
    void reset() { s_->reset(); }
    template <class I>
    SQLite::Column getColumn(I i) {
      return s_->getColumn(i);
    }

   private:
    SQLite::Statement* s_;
  };
  // Returns a cached prepared statement for `sql`, reset and unbound.
  Stmt Prepare(const char* sql);
  // Inserts `it` with its timers and audit record inside the caller's
  // transaction; nullopt when an item with its key exists.
  std::optional<ItemId> InsertItemInTx(const Item& it, const std::vector<Timer>& timers,
                                       const AuditEntry& audit);
  // Appends one audit record inside the caller's (IMMEDIATE) transaction,
  // chaining it to the last record; returns it with seq and hashes filled.
  AuditEntry AppendAuditInTx(AuditEntry entry);
  void InsertTimerInTx(const Timer& t, ItemId item_id, SystemTime now);
  // Resolves one item and appends its audit record inside the caller's
  // transaction; the item as stored, kNotFound or kConflict.
  Result<Item> ResolveItemInTx(const Resolution& r, int64_t at_ms);
  // Consumes one digest's intents and inserts its outbox rows inside the
  // caller's transaction; kConflict when an intent is already consumed.
  Status CommitDigestInTx(const DigestCommit& digest, int64_t now_ms);
  // Applies one outcome inside the caller's transaction.
  void RecordOutcomeInTx(const Outcome& outcome);
  // pending/retry/sending → sending since `now_ms`, attempts + 1; false when
  // the row is no longer waiting to be sent.
  bool MarkSendingInTx(OutboxId id, int64_t now_ms);

  std::unique_ptr<SQLite::Database> db_;
  int schema_version_;
  std::vector<std::pair<const char*, std::unique_ptr<SQLite::Statement>>> cache_;
};

// Opens with an explicit migration list (tests use older lists to build a
// database "written by an older release").
Result<std::unique_ptr<Store>> OpenSqliteWithMigrationsForTest(
    const Options& options, const std::vector<Migration>& migrations, SystemTime now);

// Column helpers shared by the sqlite_*.cc files.
std::optional<SystemTime> OptionalTime(const SQLite::Column& c);
void BindOptionalTime(SQLite::Statement& s, int index, const std::optional<SystemTime>& t);

}  // namespace duban::store
