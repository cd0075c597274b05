// Intents, digests and the outbox.
#include <SQLiteCpp/Transaction.h>

#include "base/strings.h"
#include "store/sqlite_store.h"

namespace duban::store {
namespace {

constexpr const char* kOutboxColumns =
    "id, idempotency_key, created_at, channel, recipient, address, binding, campaign, "
    "severity, title, body, params, items, state, attempts, next_attempt_at, last_error, "
    "provider_id, sent_at, sending_since";

OutboxRow ReadOutbox(SQLite::Statement& q) {
  OutboxRow r;
  r.id = q.getColumn(0).getInt64();
  r.idempotency_key = q.getColumn(1).getString();
  r.created_at = FromUnixMillis(q.getColumn(2).getInt64());
  r.channel = q.getColumn(3).getString();
  r.recipient = q.getColumn(4).getString();
  r.address = q.getColumn(5).getString();
  r.binding = q.getColumn(6).getString();
  r.campaign = q.getColumn(7).getString();
  r.severity = q.getColumn(8).getString();
  r.title = q.getColumn(9).getString();
  r.body = q.getColumn(10).getString();
  r.params = q.getColumn(11).getString();
  const std::string items = q.getColumn(12).getString();
  if (!items.empty()) {
    for (const auto& s : Split(items, ',')) r.items.push_back(std::stoll(s));
  }
  r.state = q.getColumn(13).getString();
  r.attempts = q.getColumn(14).getInt();
  r.next_attempt_at = FromUnixMillis(q.getColumn(15).getInt64());
  r.last_error = q.getColumn(16).getString();
  r.provider_id = q.getColumn(17).getString();
  r.sent_at = OptionalTime(q.getColumn(18));
  r.sending_since = OptionalTime(q.getColumn(19));
  return r;
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> SqliteStore::ClosedIntentGroups(
    SystemTime now, int limit) {
  try {
    // A group flushes when its oldest intent's window closes, taking every
    // intent that joined it meanwhile (Alertmanager's group_wait).
    auto q = Prepare(
        "SELECT recipient, binding, MIN(group_until) AS g FROM intents "
        "WHERE consumed_at IS NULL GROUP BY recipient, binding HAVING g <= ? "
        "ORDER BY g, recipient, binding LIMIT ?");
    q.bind(1, static_cast<int64_t>(ToUnixMillis(now)));
    q.bind(2, limit);
    std::vector<std::pair<std::string, std::string>> out;
    while (q.executeStep()) out.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading intent groups", e.what());
  }
}

Result<std::vector<Intent>> SqliteStore::OpenIntents(const std::string& recipient,
                                                     const std::string& binding) {
  try {
    auto q = Prepare(
        "SELECT id, created_at, recipient, binding, campaign, item_id, severity, dedup_key, "
        "payload, group_until, bypass_quiet_hours FROM intents "
        "WHERE recipient = ? AND binding = ? AND consumed_at IS NULL ORDER BY id");
    q.bind(1, recipient);
    q.bind(2, binding);
    std::vector<Intent> out;
    while (q.executeStep()) {
      Intent in;
      in.id = q.getColumn(0).getInt64();
      in.created_at = FromUnixMillis(q.getColumn(1).getInt64());
      in.recipient = q.getColumn(2).getString();
      in.binding = q.getColumn(3).getString();
      in.campaign = q.getColumn(4).getString();
      in.item_id = q.getColumn(5).getInt64();
      in.severity = q.getColumn(6).getString();
      in.dedup_key = q.getColumn(7).getString();
      in.payload = q.getColumn(8).getString();
      in.group_until = FromUnixMillis(q.getColumn(9).getInt64());
      in.bypass_quiet_hours = q.getColumn(10).getInt() != 0;
      out.push_back(std::move(in));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading intents", e.what());
  }
}

Result<std::optional<SystemTime>> SqliteStore::NextIntentGroupAt() {
  try {
    auto q = Prepare("SELECT MIN(group_until) FROM intents WHERE consumed_at IS NULL");
    q.executeStep();
    return OptionalTime(q.getColumn(0));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading the next intent group", e.what());
  }
}

Status SqliteStore::CommitDigestInTx(const DigestCommit& digest, int64_t now_ms) {
  auto consume = Prepare(
      "UPDATE intents SET consumed_at = ?, outcome = ? WHERE id = ? AND consumed_at IS NULL");
  for (IntentId id : digest.consumed) {
    consume.reset();
    consume.bind(1, now_ms);
    consume.bind(2, digest.outcome);
    consume.bind(3, static_cast<int64_t>(id));
    if (consume.exec() != 1) return Status::Conflict("intent already consumed", std::to_string(id));
  }
  auto add = Prepare(
      "INSERT INTO outbox(idempotency_key, created_at, channel, recipient, address, binding, "
      "campaign, severity, title, body, params, items, state, next_attempt_at) "
      "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT(idempotency_key) DO NOTHING");
  for (const auto& r : digest.rows) {
    std::string items;
    for (ItemId id : r.items) items += (items.empty() ? "" : ",") + std::to_string(id);
    add.reset();
    add.bind(1, r.idempotency_key);
    add.bind(2, now_ms);
    add.bind(3, r.channel);
    add.bind(4, r.recipient);
    add.bind(5, r.address);
    add.bind(6, r.binding);
    add.bind(7, r.campaign);
    add.bind(8, r.severity);
    add.bind(9, r.title);
    add.bind(10, r.body);
    add.bind(11, r.params);
    add.bind(12, items);
    add.bind(13, r.state);
    add.bind(14, static_cast<int64_t>(ToUnixMillis(r.next_attempt_at)));
    if (add.exec() == 0) continue;  // the same message was committed before
    const OutboxId oid = db_->getLastInsertRowid();
    auto link = Prepare("INSERT OR IGNORE INTO outbox_items(outbox_id, item_id) VALUES(?, ?)");
    for (ItemId id : r.items) {
      link.reset();
      link.bind(1, static_cast<int64_t>(oid));
      link.bind(2, static_cast<int64_t>(id));
      link.exec();
    }
  }
  return Status::OK();
}

Status SqliteStore::CommitDigests(const std::vector<DigestCommit>& digests, SystemTime now) {
  if (digests.empty()) return Status::OK();
  const int64_t now_ms = ToUnixMillis(now);
  try {
    // All or nothing: an error returns before commit() and the
    // Transaction's destructor rolls every digest of the batch back.
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    for (const auto& digest : digests) DUBAN_RETURN_IF_ERROR(CommitDigestInTx(digest, now_ms));
    txn.commit();
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "committing digests", e.what());
  }
}

Result<std::vector<OutboxRow>> SqliteStore::DueOutbox(SystemTime now, int limit) {
  try {
    // INDEXED BY: without statistics SQLite prefers outbox_state (state=?)
    // and then reads and sorts every pending row (100,000 after an outage).
    static const std::string sql = std::string("SELECT ") + kOutboxColumns +
                                   " FROM outbox INDEXED BY outbox_due WHERE state IN "
                                   "('pending', 'retry') AND "
                                   "next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?";
    auto q = Prepare(sql.c_str());
    q.bind(1, static_cast<int64_t>(ToUnixMillis(now)));
    q.bind(2, limit);
    std::vector<OutboxRow> out;
    while (q.executeStep()) out.push_back(ReadOutbox(q));
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading the outbox", e.what());
  }
}

Result<std::optional<SystemTime>> SqliteStore::NextOutboxAt() {
  try {
    auto q = Prepare(
        "SELECT MIN(next_attempt_at) FROM outbox INDEXED BY outbox_due "
        "WHERE state IN ('pending', 'retry')");
    q.executeStep();
    return OptionalTime(q.getColumn(0));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading the next outbox row", e.what());
  }
}

bool SqliteStore::MarkSendingInTx(OutboxId id, int64_t now_ms) {
  auto q = Prepare(
      "UPDATE outbox SET state = 'sending', sending_since = ?, attempts = attempts + 1 "
      "WHERE id = ? AND state IN ('pending', 'retry', 'sending')");
  q.bind(1, now_ms);
  q.bind(2, static_cast<int64_t>(id));
  return q.exec() == 1;
}

Status SqliteStore::MarkSending(OutboxId id, SystemTime now) {
  try {
    if (!MarkSendingInTx(id, ToUnixMillis(now))) {
      return Status::Conflict("message is not waiting to be sent", std::to_string(id));
    }
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "marking a message sending", e.what());
  }
}

Result<std::vector<OutboxId>> SqliteStore::MarkSendingAll(const std::vector<OutboxId>& ids,
                                                         SystemTime now) {
  std::vector<OutboxId> claimed;
  if (ids.empty()) return claimed;
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    const int64_t now_ms = ToUnixMillis(now);
    for (OutboxId id : ids) {
      if (MarkSendingInTx(id, now_ms)) claimed.push_back(id);
    }
    txn.commit();
    return claimed;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "marking messages sending", e.what());
  }
}

Result<std::vector<OutboxRow>> SqliteStore::StaleSending(SystemTime started_before, int limit) {
  try {
    static const std::string sql = std::string("SELECT ") + kOutboxColumns +
                                   " FROM outbox WHERE state = 'sending' AND sending_since < ? "
                                   "ORDER BY sending_since, id LIMIT ?";
    auto q = Prepare(sql.c_str());
    q.bind(1, static_cast<int64_t>(ToUnixMillis(started_before)));
    q.bind(2, limit);
    std::vector<OutboxRow> out;
    while (q.executeStep()) out.push_back(ReadOutbox(q));
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading messages in flight", e.what());
  }
}

Result<std::optional<OutboxRow>> SqliteStore::GetOutbox(OutboxId id) {
  try {
    static const std::string sql =
        std::string("SELECT ") + kOutboxColumns + " FROM outbox WHERE id = ?";
    auto q = Prepare(sql.c_str());
    q.bind(1, static_cast<int64_t>(id));
    if (!q.executeStep()) return std::optional<OutboxRow>();
    return std::optional<OutboxRow>(ReadOutbox(q));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading a message", e.what());
  }
}

Result<std::vector<OutboxRow>> SqliteStore::ListOutbox(const OutboxQuery& query) {
  try {
    std::string sql = std::string("SELECT ") + kOutboxColumns + " FROM outbox WHERE 1";
    if (query.before_id > 0) sql += " AND id < ?";
    if (!query.state.empty()) sql += " AND state = ?";
    if (!query.channel.empty()) sql += " AND channel = ?";
    sql += " ORDER BY id DESC LIMIT ?";
    SQLite::Statement q(*db_, sql);
    int i = 1;
    if (query.before_id > 0) q.bind(i++, static_cast<int64_t>(query.before_id));
    if (!query.state.empty()) q.bind(i++, query.state);
    if (!query.channel.empty()) q.bind(i++, query.channel);
    q.bind(i++, query.limit);
    std::vector<OutboxRow> out;
    while (q.executeStep()) out.push_back(ReadOutbox(q));
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "listing the outbox", e.what());
  }
}

Result<std::vector<OutboxRow>> SqliteStore::OutboxForItem(ItemId id) {
  try {
    static const std::string sql =
        std::string("SELECT ") + kOutboxColumns +
        " FROM outbox WHERE id IN (SELECT outbox_id FROM outbox_items WHERE item_id = ?) "
        "ORDER BY id";
    auto q = Prepare(sql.c_str());
    q.bind(1, static_cast<int64_t>(id));
    std::vector<OutboxRow> out;
    while (q.executeStep()) out.push_back(ReadOutbox(q));
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading an item's messages", e.what());
  }
}

Result<std::vector<FiredStep>> SqliteStore::LastFiredSteps(
    const std::vector<std::pair<std::string, ItemId>>& items) {
  try {
    // (campaign, item_id) is the prefix of the timers' unique key.
    auto q = Prepare(
        "SELECT step, fired_at FROM timers WHERE campaign = ? AND item_id = ? "
        "AND outcome LIKE 'fired%' AND step LIKE 'l/%' ORDER BY fired_at DESC, id DESC LIMIT 1");
    std::vector<FiredStep> out;
    for (const auto& [campaign, id] : items) {
      q.reset();
      q.bind(1, campaign);
      q.bind(2, static_cast<int64_t>(id));
      if (q.executeStep()) {
        out.push_back({id, q.getColumn(0).getString(), FromUnixMillis(q.getColumn(1).getInt64())});
      }
    }
    q.reset();
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading the steps fired about items", e.what());
  }
}

Result<std::vector<std::pair<std::string, int64_t>>> SqliteStore::OutboxCounts() {
  try {
    // Served by outbox_state: a scan of the index, not of the rows.
    auto q = Prepare("SELECT state, COUNT(*) FROM outbox GROUP BY state ORDER BY state");
    std::vector<std::pair<std::string, int64_t>> out;
    while (q.executeStep()) out.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getInt64());
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "counting the outbox", e.what());
  }
}

Result<std::optional<SystemTime>> SqliteStore::OldestUndelivered() {
  try {
    auto q = Prepare(
        "SELECT MIN(created_at) FROM outbox WHERE id IN ("
        "SELECT MIN(id) FROM outbox WHERE state = 'pending' UNION ALL "
        "SELECT MIN(id) FROM outbox WHERE state = 'retry' UNION ALL "
        "SELECT MIN(id) FROM outbox WHERE state = 'sending')");
    q.executeStep();
    return OptionalTime(q.getColumn(0));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading the outbox age", e.what());
  }
}

Status SqliteStore::RetryDead(OutboxId id, SystemTime now, const AuditEntry& audit) {
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    auto q = Prepare(
        "UPDATE outbox SET state = 'retry', attempts = 0, next_attempt_at = ? "
        "WHERE id = ? AND state = 'dead'");
    q.bind(1, static_cast<int64_t>(ToUnixMillis(now)));
    q.bind(2, static_cast<int64_t>(id));
    if (q.exec() == 0) {
      return Status::Conflict("only a dead letter can be retried", std::to_string(id));
    }
    AppendAuditInTx(audit);
    txn.commit();
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "retrying a dead letter", e.what());
  }
}

Status SqliteStore::MarkSent(OutboxId id, const std::string& provider_id, SystemTime now) {
  return RecordOutcomes({{id, Outcome::Kind::kSent, provider_id, now}});
}

Status SqliteStore::MarkRetry(OutboxId id, const std::string& error, SystemTime retry_at) {
  return RecordOutcomes({{id, Outcome::Kind::kRetry, error, retry_at}});
}

Status SqliteStore::MarkDead(OutboxId id, const std::string& error, SystemTime now) {
  return RecordOutcomes({{id, Outcome::Kind::kDead, error, now}});
}

void SqliteStore::RecordOutcomeInTx(const Outcome& o) {
  const char* sql = nullptr;
  switch (o.kind) {
    case Outcome::Kind::kSent:
      sql = "UPDATE outbox SET state = 'sent', provider_id = ?, sent_at = ?, "
            "sending_since = NULL WHERE id = ?";
      break;
    case Outcome::Kind::kRetry:
      sql = "UPDATE outbox SET state = 'retry', last_error = ?, next_attempt_at = ?, "
            "sending_since = NULL WHERE id = ? AND state != 'sent'";
      break;
    case Outcome::Kind::kDead:
      sql = "UPDATE outbox SET state = 'dead', last_error = ?, next_attempt_at = ?, "
            "sending_since = NULL WHERE id = ? AND state != 'sent'";
      break;
    case Outcome::Kind::kSending:
      // A row no longer waiting (sent meanwhile) is left as it is.
      MarkSendingInTx(o.id, ToUnixMillis(o.at));
      return;
  }
  auto q = Prepare(sql);
  q.bind(1, o.text);
  q.bind(2, static_cast<int64_t>(ToUnixMillis(o.at)));
  q.bind(3, static_cast<int64_t>(o.id));
  q.exec();
}

Status SqliteStore::RecordOutcomes(const std::vector<Outcome>& outcomes) {
  if (outcomes.empty()) return Status::OK();
  try {
    // All or nothing: an exception leaves before commit() and the
    // Transaction's destructor rolls the whole batch back.
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    for (const Outcome& o : outcomes) RecordOutcomeInTx(o);
    txn.commit();
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "recording delivery outcomes", e.what());
  }
}

Result<std::vector<OutboxRow>> SqliteStore::OutboxBetween(SystemTime from, SystemTime to) {
  try {
    static const std::string sql = std::string("SELECT ") + kOutboxColumns +
                                   " FROM outbox WHERE created_at >= ? AND created_at < ? "
                                   "ORDER BY created_at, id";
    auto q = Prepare(sql.c_str());
    q.bind(1, static_cast<int64_t>(ToUnixMillis(from)));
    q.bind(2, static_cast<int64_t>(ToUnixMillis(to)));
    std::vector<OutboxRow> out;
    while (q.executeStep()) out.push_back(ReadOutbox(q));
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "listing the outbox", e.what());
  }
}

}  // namespace duban::store
