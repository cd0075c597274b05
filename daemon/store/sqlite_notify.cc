// Intents, digests and the outbox.
#include <SQLiteCpp/Transaction.h>

#include "base/strings.h"
#include "store/sqlite_store.h"

namespace duban::store {
namespace {

constexpr const char* kOutboxColumns =
    "id, idempotency_key, created_at, channel, recipient, address, binding, campaign, "
    "severity, title, body, params, items, state, attempts, next_attempt_at, last_error, "
    "provider_id, sent_at";

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
  return r;
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> SqliteStore::ClosedIntentGroups(
    SystemTime now, int limit) {
  try {
    // A group flushes when its oldest intent's window closes, taking every
    // intent that joined it meanwhile (Alertmanager's group_wait).
    auto& q = Prepare(
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
    auto& q = Prepare(
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
    auto& q = Prepare("SELECT MIN(group_until) FROM intents WHERE consumed_at IS NULL");
    q.executeStep();
    return OptionalTime(q.getColumn(0));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading the next intent group", e.what());
  }
}

Status SqliteStore::CommitDigest(const DigestCommit& digest, SystemTime now) {
  const int64_t now_ms = ToUnixMillis(now);
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    auto& consume = Prepare(
        "UPDATE intents SET consumed_at = ?, outcome = ? WHERE id = ? AND consumed_at IS NULL");
    for (IntentId id : digest.consumed) {
      consume.reset();
      consume.bind(1, now_ms);
      consume.bind(2, digest.outcome);
      consume.bind(3, static_cast<int64_t>(id));
      if (consume.exec() != 1) return Status::Conflict("intent already consumed", std::to_string(id));
    }
    auto& add = Prepare(
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
      add.exec();
    }
    txn.commit();
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "committing a digest", e.what());
  }
}

Result<std::vector<OutboxRow>> SqliteStore::DueOutbox(SystemTime now, int limit) {
  try {
    static const std::string sql = std::string("SELECT ") + kOutboxColumns +
                                   " FROM outbox WHERE state IN ('pending', 'retry') AND "
                                   "next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?";
    auto& q = Prepare(sql.c_str());
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
    auto& q = Prepare(
        "SELECT MIN(next_attempt_at) FROM outbox WHERE state IN ('pending', 'retry')");
    q.executeStep();
    return OptionalTime(q.getColumn(0));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading the next outbox row", e.what());
  }
}

Status SqliteStore::MarkSent(OutboxId id, const std::string& provider_id, SystemTime now) {
  try {
    auto& q = Prepare(
        "UPDATE outbox SET state = 'sent', provider_id = ?, sent_at = ?, "
        "attempts = attempts + 1 WHERE id = ?");
    q.bind(1, provider_id);
    q.bind(2, static_cast<int64_t>(ToUnixMillis(now)));
    q.bind(3, static_cast<int64_t>(id));
    q.exec();
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "marking a message sent", e.what());
  }
}

Status SqliteStore::MarkRetry(OutboxId id, const std::string& error, SystemTime retry_at) {
  try {
    auto& q = Prepare(
        "UPDATE outbox SET state = 'retry', last_error = ?, next_attempt_at = ?, "
        "attempts = attempts + 1 WHERE id = ?");
    q.bind(1, error);
    q.bind(2, static_cast<int64_t>(ToUnixMillis(retry_at)));
    q.bind(3, static_cast<int64_t>(id));
    q.exec();
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "scheduling a retry", e.what());
  }
}

Status SqliteStore::MarkDead(OutboxId id, const std::string& error, SystemTime now) {
  try {
    auto& q = Prepare(
        "UPDATE outbox SET state = 'dead', last_error = ?, next_attempt_at = ?, "
        "attempts = attempts + 1 WHERE id = ?");
    q.bind(1, error);
    q.bind(2, static_cast<int64_t>(ToUnixMillis(now)));
    q.bind(3, static_cast<int64_t>(id));
    q.exec();
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "dead-lettering a message", e.what());
  }
}

Result<std::vector<OutboxRow>> SqliteStore::OutboxBetween(SystemTime from, SystemTime to) {
  try {
    static const std::string sql = std::string("SELECT ") + kOutboxColumns +
                                   " FROM outbox WHERE created_at >= ? AND created_at < ? "
                                   "ORDER BY created_at, id";
    auto& q = Prepare(sql.c_str());
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
