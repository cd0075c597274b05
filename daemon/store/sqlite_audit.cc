// The audit log (hash-chained, append only), API tokens and silences.
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

#include "base/crypto.h"
#include "store/sqlite_store.h"

namespace duban::store {
namespace {

constexpr const char* kAuditColumns =
    "seq, at, actor, via, action, item_id, payload, prev_hash, hash";

AuditEntry ReadAudit(SQLite::Statement& q) {
  AuditEntry e;
  e.seq = q.getColumn(0).getInt64();
  e.at = FromUnixMillis(q.getColumn(1).getInt64());
  e.actor = q.getColumn(2).getString();
  e.via = q.getColumn(3).getString();
  e.action = q.getColumn(4).getString();
  e.item_id = q.getColumn(5).getInt64();
  e.payload = q.getColumn(6).getString();
  e.prev_hash = q.getColumn(7).getString();
  e.hash = q.getColumn(8).getString();
  return e;
}

ApiToken ReadToken(SQLite::Statement& q) {
  ApiToken t;
  t.id = q.getColumn(0).getString();
  t.secret_hash = q.getColumn(1).getString();
  t.role = q.getColumn(2).getString();
  t.unit_id = q.getColumn(3).getString();
  t.contact_id = q.getColumn(4).getString();
  t.label = q.getColumn(5).getString();
  t.created_at = FromUnixMillis(q.getColumn(6).getInt64());
  t.expires_at = OptionalTime(q.getColumn(7));
  t.revoked_at = OptionalTime(q.getColumn(8));
  return t;
}

Silence ReadSilence(SQLite::Statement& q) {
  Silence s;
  s.id = q.getColumn(0).getInt64();
  s.unit_id = q.getColumn(1).getString();
  s.kind = q.getColumn(2).getString();
  s.channel = q.getColumn(3).getString();
  s.starts_at = FromUnixMillis(q.getColumn(4).getInt64());
  s.expires_at = FromUnixMillis(q.getColumn(5).getInt64());
  s.reason = q.getColumn(6).getString();
  s.created_by = q.getColumn(7).getString();
  s.created_at = FromUnixMillis(q.getColumn(8).getInt64());
  s.cancelled_at = OptionalTime(q.getColumn(9));
  return s;
}

}  // namespace

std::string AuditHashInput(const AuditEntry& e) {
  // Length-prefixed fields: no separator inside a payload can make two
  // different records hash alike.
  std::string out;
  auto add = [&out](std::string_view field) {
    out += std::to_string(field.size());
    out += ':';
    out += field;
    out += '\n';
  };
  add(std::to_string(e.seq));
  add(std::to_string(ToUnixMillis(e.at)));
  add(e.actor);
  add(e.via);
  add(e.action);
  add(std::to_string(e.item_id));
  add(e.payload);
  add(e.prev_hash);
  return out;
}

AuditEntry SqliteStore::AppendAuditInTx(AuditEntry e) {
  auto last = Prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (last.executeStep()) {
    e.seq = last.getColumn(0).getInt64() + 1;
    e.prev_hash = last.getColumn(1).getString();
  } else {
    e.seq = 1;
    e.prev_hash = "";
  }
  last.reset();
  e.hash = crypto::Sha256Hex(AuditHashInput(e));
  auto add = Prepare(
      "INSERT INTO audit_log(seq, at, actor, via, action, item_id, payload, prev_hash, hash) "
      "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
  add.bind(1, static_cast<int64_t>(e.seq));
  add.bind(2, static_cast<int64_t>(ToUnixMillis(e.at)));
  add.bind(3, e.actor);
  add.bind(4, e.via);
  add.bind(5, e.action);
  add.bind(6, static_cast<int64_t>(e.item_id));
  add.bind(7, e.payload);
  add.bind(8, e.prev_hash);
  add.bind(9, e.hash);
  add.exec();
  // The head, written with every append, lets verify notice the newest
  // records being deleted, which the chain alone cannot show.
  auto head = Prepare(
      "INSERT INTO meta(key, value) VALUES('audit_head', ?) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  head.bind(1, fmt::format("{}:{}", e.seq, e.hash));
  head.exec();
  return e;
}

Result<AuditEntry> SqliteStore::AppendAudit(const AuditEntry& entry) {
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    AuditEntry stored = AppendAuditInTx(entry);
    txn.commit();
    return stored;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "appending to the audit log", e.what());
  }
}

Result<std::vector<AuditEntry>> SqliteStore::AuditAfter(int64_t after_seq, int limit) {
  try {
    static const std::string sql = std::string("SELECT ") + kAuditColumns +
                                   " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?";
    auto q = Prepare(sql.c_str());
    q.bind(1, static_cast<int64_t>(after_seq));
    q.bind(2, limit);
    std::vector<AuditEntry> out;
    while (q.executeStep()) out.push_back(ReadAudit(q));
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading the audit log", e.what());
  }
}

Result<std::vector<AuditEntry>> SqliteStore::ItemHistory(ItemId id) {
  try {
    static const std::string sql = std::string("SELECT ") + kAuditColumns +
                                   " FROM audit_log WHERE item_id = ? AND item_id != 0 "
                                   "ORDER BY seq";
    auto q = Prepare(sql.c_str());
    q.bind(1, static_cast<int64_t>(id));
    std::vector<AuditEntry> out;
    while (q.executeStep()) out.push_back(ReadAudit(q));
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading an item's history", e.what());
  }
}

Status SqliteStore::InsertToken(const ApiToken& t, const AuditEntry& audit) {
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    auto add = Prepare(
        "INSERT INTO api_tokens(id, secret_hash, role, unit_id, contact_id, label, created_at, "
        "expires_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    add.bind(1, t.id);
    add.bind(2, t.secret_hash);
    add.bind(3, t.role);
    add.bind(4, t.unit_id);
    add.bind(5, t.contact_id);
    add.bind(6, t.label);
    add.bind(7, static_cast<int64_t>(ToUnixMillis(t.created_at)));
    BindOptionalTime(add, 8, t.expires_at);
    add.exec();
    AppendAuditInTx(audit);
    txn.commit();
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "storing a token", e.what());
  }
}

Result<std::optional<ApiToken>> SqliteStore::FindToken(const std::string& id) {
  try {
    auto q = Prepare(
        "SELECT id, secret_hash, role, unit_id, contact_id, label, created_at, expires_at, "
        "revoked_at FROM api_tokens WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::optional<ApiToken>();
    return std::optional<ApiToken>(ReadToken(q));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading a token", e.what());
  }
}

Result<std::vector<ApiToken>> SqliteStore::ListTokens() {
  try {
    auto q = Prepare(
        "SELECT id, secret_hash, role, unit_id, contact_id, label, created_at, expires_at, "
        "revoked_at FROM api_tokens ORDER BY created_at, id");
    std::vector<ApiToken> out;
    while (q.executeStep()) out.push_back(ReadToken(q));
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "listing tokens", e.what());
  }
}

Status SqliteStore::RevokeToken(const std::string& id, SystemTime at, const AuditEntry& audit) {
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    auto get = Prepare("SELECT revoked_at FROM api_tokens WHERE id = ?");
    get.bind(1, id);
    if (!get.executeStep()) return Status::NotFound("no such token", id);
    const bool already = !get.getColumn(0).isNull();
    get.reset();
    if (already) return Status::OK();
    auto upd = Prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ?");
    upd.bind(1, static_cast<int64_t>(ToUnixMillis(at)));
    upd.bind(2, id);
    upd.exec();
    AppendAuditInTx(audit);
    txn.commit();
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "revoking a token", e.what());
  }
}

Result<int64_t> SqliteStore::InsertSilence(const Silence& s, const AuditEntry& audit) {
  if (s.unit_id.empty() && s.kind.empty() && s.channel.empty()) {
    return Status::InvalidArgument(
        "a silence must name a unit, a kind or a channel; silencing everything is refused");
  }
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    auto add = Prepare(
        "INSERT INTO silences(unit_id, kind, channel, starts_at, expires_at, reason, created_by, "
        "created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    add.bind(1, s.unit_id);
    add.bind(2, s.kind);
    add.bind(3, s.channel);
    add.bind(4, static_cast<int64_t>(ToUnixMillis(s.starts_at)));
    add.bind(5, static_cast<int64_t>(ToUnixMillis(s.expires_at)));
    add.bind(6, s.reason);
    add.bind(7, s.created_by);
    add.bind(8, static_cast<int64_t>(ToUnixMillis(s.created_at)));
    add.exec();
    const int64_t id = db_->getLastInsertRowid();
    // The record names the silence it created, whatever else it says.
    AuditEntry a = audit;
    if (a.payload.empty() || a.payload == "{}") {
      a.payload = fmt::format("{{\"silence_id\":{}}}", id);
    } else if (a.payload.front() == '{') {
      a.payload = fmt::format("{{\"silence_id\":{},{}", id, a.payload.substr(1));
    }
    AppendAuditInTx(a);
    txn.commit();
    return id;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "storing a silence", e.what());
  }
}

Status SqliteStore::CancelSilence(int64_t id, SystemTime at, const AuditEntry& audit) {
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    auto upd = Prepare("UPDATE silences SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL");
    upd.bind(1, static_cast<int64_t>(ToUnixMillis(at)));
    upd.bind(2, static_cast<int64_t>(id));
    if (upd.exec() == 0) {
      return Status::NotFound("no such active silence", std::to_string(id));
    }
    AppendAuditInTx(audit);
    txn.commit();
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "cancelling a silence", e.what());
  }
}

Result<std::vector<Silence>> SqliteStore::ActiveSilences(SystemTime now) {
  try {
    auto q = Prepare(
        "SELECT id, unit_id, kind, channel, starts_at, expires_at, reason, created_by, "
        "created_at, cancelled_at FROM silences WHERE cancelled_at IS NULL AND expires_at > ? "
        "ORDER BY id");
    q.bind(1, static_cast<int64_t>(ToUnixMillis(now)));
    std::vector<Silence> out;
    while (q.executeStep()) out.push_back(ReadSilence(q));
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading silences", e.what());
  }
}

}  // namespace duban::store
