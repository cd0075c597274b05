// Items, timers and the engine's atomic batch.
#include <SQLiteCpp/Transaction.h>

#include "store/sqlite_store.h"

namespace duban::store {
namespace {

constexpr const char* kItemColumns =
    "id, campaign, kind, key, owner_unit, department_unit, state, severity, due_at, "
    "period, data, created_at, updated_at, state_entered_at, resolved_at, "
    "acknowledged_at, sla_epoch";

Item ReadItem(SQLite::Statement& q) {
  Item it;
  it.id = q.getColumn(0).getInt64();
  it.campaign = q.getColumn(1).getString();
  it.kind = q.getColumn(2).getString();
  it.key = q.getColumn(3).getString();
  it.owner_unit = q.getColumn(4).getString();
  it.department_unit = q.getColumn(5).getString();
  it.state = q.getColumn(6).getString();
  it.severity = q.getColumn(7).getString();
  it.due_at = OptionalTime(q.getColumn(8));
  it.period = q.getColumn(9).getString();
  it.data = q.getColumn(10).getString();
  it.created_at = FromUnixMillis(q.getColumn(11).getInt64());
  it.updated_at = FromUnixMillis(q.getColumn(12).getInt64());
  it.state_entered_at = FromUnixMillis(q.getColumn(13).getInt64());
  it.resolved_at = OptionalTime(q.getColumn(14));
  it.acknowledged_at = OptionalTime(q.getColumn(15));
  it.sla_epoch = q.getColumn(16).getInt();
  return it;
}

Timer ReadTimer(SQLite::Statement& q) {
  Timer t;
  t.id = q.getColumn(0).getInt64();
  t.fire_at = FromUnixMillis(q.getColumn(1).getInt64());
  t.campaign = q.getColumn(2).getString();
  t.item_id = q.getColumn(3).getInt64();
  t.step = q.getColumn(4).getString();
  t.created_at = FromUnixMillis(q.getColumn(5).getInt64());
  return t;
}

// A JSON array of strings, bound as one parameter and read with json_each.
std::string JsonStringArray(const std::vector<std::string>& values) {
  std::string arr = "[";
  for (size_t k = 0; k < values.size(); ++k) {
    if (k) arr += ',';
    arr += '"';
    for (char c : values[k]) {
      if (c == '"' || c == '\\') arr += '\\';
      arr += c;
    }
    arr += '"';
  }
  arr += ']';
  return arr;
}

}  // namespace

Result<std::optional<Item>> SqliteStore::GetItem(ItemId id) {
  try {
    static const std::string sql = std::string("SELECT ") + kItemColumns + " FROM items WHERE id = ?";
    auto q = Prepare(sql.c_str());
    q.bind(1, static_cast<int64_t>(id));
    if (!q.executeStep()) return std::optional<Item>();
    return std::optional<Item>(ReadItem(q));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading an item", e.what());
  }
}

Result<std::optional<Item>> SqliteStore::FindItemByKey(const std::string& key) {
  try {
    static const std::string sql = std::string("SELECT ") + kItemColumns + " FROM items WHERE key = ?";
    auto q = Prepare(sql.c_str());
    q.bind(1, key);
    if (!q.executeStep()) return std::optional<Item>();
    return std::optional<Item>(ReadItem(q));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "finding an item", e.what());
  }
}

Result<std::vector<Item>> SqliteStore::PreviousOccurrences(const std::string& campaign,
                                                           const std::string& kind,
                                                           const std::string& owner_unit,
                                                           const std::string& period,
                                                           int limit) {
  try {
    static const std::string sql =
        std::string("SELECT ") + kItemColumns +
        " FROM items WHERE owner_unit = ? AND kind = ? AND period < ? AND campaign = ? "
        "ORDER BY period DESC LIMIT ?";
    auto q = Prepare(sql.c_str());
    q.bind(1, owner_unit);
    q.bind(2, kind);
    q.bind(3, period);
    q.bind(4, campaign);
    q.bind(5, limit);
    std::vector<Item> out;
    while (q.executeStep()) out.push_back(ReadItem(q));
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading previous occurrences", e.what());
  }
}

Result<Item> SqliteStore::ResolveItemInTx(const Resolution& r, int64_t at_ms) {
  // RETURNING hands back the row as stored (data after json_patch), so the
  // caller needs no second read per item.
  static const std::string sql =
      std::string(
          "UPDATE items SET state = ?, data = json_patch(data, ?), resolved_at = ?, "
          "updated_at = ?, state_entered_at = ? WHERE id = ? AND resolved_at IS NULL "
          "RETURNING ") +
      kItemColumns;
  Item item;
  {
    auto upd = Prepare(sql.c_str());
    upd.bind(1, r.state);
    upd.bind(2, r.data);
    upd.bind(3, at_ms);
    upd.bind(4, at_ms);
    upd.bind(5, at_ms);
    upd.bind(6, static_cast<int64_t>(r.id));
    if (!upd.executeStep()) {
      upd.reset();
      auto get = Prepare("SELECT 1 FROM items WHERE id = ?");
      get.bind(1, static_cast<int64_t>(r.id));
      if (!get.executeStep()) return Status::NotFound("no such item", std::to_string(r.id));
      return Status::Conflict("item is already resolved", std::to_string(r.id));
    }
    item = ReadItem(upd);
    // Runs the statement to its end: an UPDATE … RETURNING is complete only
    // then.
    while (upd.executeStep()) {
    }
  }
  AuditEntry a = r.audit;
  a.item_id = r.id;
  AppendAuditInTx(a);
  return item;
}

Status SqliteStore::ResolveItem(ItemId id, const std::string& state, const std::string& data,
                                SystemTime at, const AuditEntry& audit) {
  return ResolveItems({Resolution{id, state, data, audit}}, at).status();
}

Result<std::vector<Item>> SqliteStore::ResolveItems(const std::vector<Resolution>& resolutions,
                                                    SystemTime at) {
  if (resolutions.empty()) return std::vector<Item>();
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    const int64_t ms = ToUnixMillis(at);
    std::vector<Item> out;
    out.reserve(resolutions.size());
    for (const Resolution& r : resolutions) {
      // An error leaves the transaction uncommitted: its destructor rolls
      // back every item resolved before it.
      Result<Item> item = ResolveItemInTx(r, ms);
      if (!item.ok()) return item.status();
      out.push_back(std::move(*item));
    }
    txn.commit();
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "resolving items", e.what());
  }
}

void SqliteStore::InsertTimerInTx(const Timer& t, ItemId item_id, SystemTime now) {
  auto add = Prepare(
      "INSERT INTO timers(fire_at, campaign, item_id, step, created_at) VALUES(?, ?, ?, ?, ?) "
      "ON CONFLICT(campaign, item_id, step) DO NOTHING");
  add.bind(1, static_cast<int64_t>(ToUnixMillis(t.fire_at)));
  add.bind(2, t.campaign);
  add.bind(3, static_cast<int64_t>(item_id));
  add.bind(4, t.step);
  add.bind(5, static_cast<int64_t>(ToUnixMillis(now)));
  add.exec();
}

std::optional<ItemId> SqliteStore::InsertItemInTx(const Item& it, const std::vector<Timer>& timers,
                                                  const AuditEntry& audit) {
  auto add = Prepare(
      "INSERT INTO items(campaign, kind, key, owner_unit, department_unit, state, severity, "
      "due_at, period, data, created_at, updated_at, state_entered_at, sla_epoch) "
      "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING");
  add.bind(1, it.campaign);
  add.bind(2, it.kind);
  add.bind(3, it.key);
  add.bind(4, it.owner_unit);
  add.bind(5, it.department_unit);
  add.bind(6, it.state);
  add.bind(7, it.severity);
  BindOptionalTime(add, 8, it.due_at);
  add.bind(9, it.period);
  add.bind(10, it.data);
  add.bind(11, static_cast<int64_t>(ToUnixMillis(it.created_at)));
  add.bind(12, static_cast<int64_t>(ToUnixMillis(it.updated_at)));
  add.bind(13, static_cast<int64_t>(ToUnixMillis(it.state_entered_at)));
  add.bind(14, it.sla_epoch);
  if (add.exec() == 0) return std::nullopt;
  const ItemId id = db_->getLastInsertRowid();
  for (const auto& t : timers) InsertTimerInTx(t, id, it.created_at);
  AuditEntry a = audit;
  a.item_id = id;
  AppendAuditInTx(a);
  return id;
}

Result<ItemId> SqliteStore::CreateItem(const Item& it, const std::vector<Timer>& timers,
                                       const AuditEntry& audit) {
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    auto id = InsertItemInTx(it, timers, audit);
    if (!id) return Status::Conflict("an item with this key exists", it.key);
    txn.commit();
    return *id;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "creating an item", e.what());
  }
}

Status SqliteStore::UpdateItem(const Item& it, const std::string& expected_state,
                               SystemTime expected_updated_at, const std::vector<Timer>& timers,
                               const AuditEntry& audit, const std::vector<NewItem>& derived) {
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    auto upd = Prepare(
        "UPDATE items SET state = ?, severity = ?, due_at = ?, data = ?, department_unit = ?, "
        "updated_at = ?, state_entered_at = ?, resolved_at = ?, acknowledged_at = ?, "
        "sla_epoch = ? WHERE id = ? AND state = ? AND updated_at = ?");
    upd.bind(1, it.state);
    upd.bind(2, it.severity);
    BindOptionalTime(upd, 3, it.due_at);
    upd.bind(4, it.data);
    upd.bind(5, it.department_unit);
    upd.bind(6, static_cast<int64_t>(ToUnixMillis(it.updated_at)));
    upd.bind(7, static_cast<int64_t>(ToUnixMillis(it.state_entered_at)));
    BindOptionalTime(upd, 8, it.resolved_at);
    BindOptionalTime(upd, 9, it.acknowledged_at);
    upd.bind(10, it.sla_epoch);
    upd.bind(11, static_cast<int64_t>(it.id));
    upd.bind(12, expected_state);
    upd.bind(13, static_cast<int64_t>(ToUnixMillis(expected_updated_at)));
    if (upd.exec() == 0) {
      return Status::Conflict("the item changed meanwhile; reload it and try again",
                              std::to_string(it.id));
    }
    for (const auto& t : timers) InsertTimerInTx(t, it.id, it.updated_at);
    AuditEntry a = audit;
    a.item_id = it.id;
    AppendAuditInTx(a);
    for (const auto& d : derived) InsertItemInTx(d.item, d.timers, d.audit);
    txn.commit();
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "updating an item", e.what());
  }
}

Result<std::vector<Item>> SqliteStore::ListItems(const ItemQuery& q) {
  try {
    // Built per call: the filter set varies. Owner lists go in as one JSON
    // array so a subtree of thousands of units is one bound parameter.
    std::string sql = std::string("SELECT ") + kItemColumns + " FROM items WHERE id > ?";
    if (!q.owner_units.empty()) sql += " AND owner_unit IN (SELECT value FROM json_each(?))";
    if (!q.department_unit.empty()) sql += " AND department_unit = ?";
    if (!q.campaign.empty()) sql += " AND campaign = ?";
    if (!q.kind.empty()) sql += " AND kind = ?";
    if (!q.state.empty()) sql += " AND state = ?";
    if (q.open_only || q.overdue_at) sql += " AND resolved_at IS NULL";
    if (q.overdue_at) sql += " AND due_at < ?";
    if (q.due_from) sql += " AND due_at >= ?";
    if (q.due_to) sql += " AND due_at < ?";
    sql += " ORDER BY id LIMIT ?";
    SQLite::Statement st(*db_, sql);
    int i = 1;
    st.bind(i++, static_cast<int64_t>(q.after_id));
    if (!q.owner_units.empty()) st.bind(i++, JsonStringArray(q.owner_units));
    if (!q.department_unit.empty()) st.bind(i++, q.department_unit);
    if (!q.campaign.empty()) st.bind(i++, q.campaign);
    if (!q.kind.empty()) st.bind(i++, q.kind);
    if (!q.state.empty()) st.bind(i++, q.state);
    if (q.overdue_at) st.bind(i++, static_cast<int64_t>(ToUnixMillis(*q.overdue_at)));
    if (q.due_from) st.bind(i++, static_cast<int64_t>(ToUnixMillis(*q.due_from)));
    if (q.due_to) st.bind(i++, static_cast<int64_t>(ToUnixMillis(*q.due_to)));
    st.bind(i++, q.limit);
    std::vector<Item> out;
    while (st.executeStep()) out.push_back(ReadItem(st));
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "listing items", e.what());
  }
}

Result<std::vector<std::pair<std::string, int64_t>>> SqliteStore::CountOpenByOwner(
    const std::string& campaign, const std::vector<std::string>& kinds) {
  try {
    const std::string arr = JsonStringArray(kinds);
    auto q = Prepare(
        "SELECT owner_unit, COUNT(*) FROM items WHERE resolved_at IS NULL AND campaign = ? "
        "AND kind IN (SELECT value FROM json_each(?)) GROUP BY owner_unit ORDER BY owner_unit");
    q.bind(1, campaign);
    q.bind(2, arr);
    std::vector<std::pair<std::string, int64_t>> out;
    while (q.executeStep()) out.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getInt64());
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "counting open items", e.what());
  }
}

Result<std::vector<LinkCount>> SqliteStore::CountOpenByLink(const std::string& campaign,
                                                            const std::vector<std::string>& kinds) {
  try {
    auto q = Prepare(
        "SELECT department_unit, owner_unit, COUNT(*) FROM items WHERE resolved_at IS NULL "
        "AND campaign = ? AND department_unit <> '' AND kind IN (SELECT value FROM json_each(?)) "
        "GROUP BY department_unit, owner_unit ORDER BY department_unit, owner_unit");
    q.bind(1, campaign);
    q.bind(2, JsonStringArray(kinds));
    std::vector<LinkCount> out;
    while (q.executeStep()) {
      out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                     q.getColumn(2).getInt64()});
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "counting open items per linked unit", e.what());
  }
}

Result<std::vector<ItemTally>> SqliteStore::TallyItems(const std::string& campaign, SystemTime now,
                                                      const std::vector<std::string>& flag_fields) {
  try {
    // One grouped pass over the campaign's items: a progress table, read
    // on demand by a person, not on a timer.
    auto q = Prepare(
        "SELECT kind, owner_unit, department_unit, state, resolved_at IS NULL AS open, "
        "(resolved_at IS NULL AND due_at IS NOT NULL AND due_at < :now) AS overdue, "
        "EXISTS(SELECT 1 FROM json_each(:flags) f "
        "       WHERE json_extract(items.data, '$.' || f.value) = 1) AS flagged, COUNT(*) "
        "FROM items WHERE campaign = :campaign "
        "GROUP BY kind, owner_unit, department_unit, state, open, overdue, flagged "
        "ORDER BY kind, owner_unit, department_unit, state");
    q.bind(":now", static_cast<int64_t>(ToUnixMillis(now)));
    q.bind(":flags", JsonStringArray(flag_fields));
    q.bind(":campaign", campaign);
    std::vector<ItemTally> out;
    while (q.executeStep()) {
      ItemTally t;
      t.kind = q.getColumn(0).getString();
      t.owner = q.getColumn(1).getString();
      t.link = q.getColumn(2).getString();
      t.state = q.getColumn(3).getString();
      t.open = q.getColumn(4).getInt() != 0;
      t.overdue = q.getColumn(5).getInt() != 0;
      t.flagged = q.getColumn(6).getInt() != 0;
      t.count = q.getColumn(7).getInt64();
      out.push_back(std::move(t));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "tallying items", e.what());
  }
}

Result<std::vector<OwnerStats>> SqliteStore::StatsByOwner(const std::string& campaign,
                                                       const std::vector<std::string>& kinds,
                                                       SystemTime from, SystemTime to,
                                                       SystemTime now) {
  try {
    // Reads the campaign's items of these kinds that were due or resolved in
    // the period or are open now: a monthly job's worth, not a hot path.
    auto q = Prepare(
        "SELECT owner_unit, "
        "SUM(due_at >= :from AND due_at < :to), "
        "SUM(due_at >= :from AND due_at < :to AND resolved_at IS NOT NULL AND resolved_at < due_at), "
        "SUM(due_at >= :from AND due_at < :to AND resolved_at IS NOT NULL AND resolved_at >= due_at), "
        "SUM(due_at >= :from AND due_at < :to AND resolved_at IS NULL AND due_at < :now), "
        "SUM(resolved_at IS NOT NULL AND resolved_at >= :from AND resolved_at < :to), "
        "SUM(resolved_at IS NULL), "
        "SUM(resolved_at IS NULL AND due_at < :now) "
        "FROM items WHERE campaign = :campaign AND kind IN (SELECT value FROM json_each(:kinds)) "
        "AND (resolved_at IS NULL OR (due_at >= :from AND due_at < :to) OR "
        "(resolved_at >= :from AND resolved_at < :to)) "
        "GROUP BY owner_unit ORDER BY owner_unit");
    q.bind(":from", static_cast<int64_t>(ToUnixMillis(from)));
    q.bind(":to", static_cast<int64_t>(ToUnixMillis(to)));
    q.bind(":now", static_cast<int64_t>(ToUnixMillis(now)));
    q.bind(":campaign", campaign);
    q.bind(":kinds", JsonStringArray(kinds));
    std::vector<OwnerStats> out;
    while (q.executeStep()) {
      OwnerStats s;
      s.owner = q.getColumn(0).getString();
      s.due = q.getColumn(1).getInt64();
      s.on_time = q.getColumn(2).getInt64();
      s.late = q.getColumn(3).getInt64();
      s.missing = q.getColumn(4).getInt64();
      s.resolved = q.getColumn(5).getInt64();
      s.open = q.getColumn(6).getInt64();
      s.overdue = q.getColumn(7).getInt64();
      out.push_back(std::move(s));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "summarising items per unit", e.what());
  }
}

Result<std::vector<OverdueCount>> SqliteStore::OverdueByUnit(const std::string& campaign,
                                                             const std::vector<std::string>& kinds,
                                                             SystemTime now) {
  try {
    // items_open_due holds only open items by due time: the range
    // due_at < now reads the overdue ones and nothing else.
    auto q = Prepare(
        "SELECT CASE WHEN department_unit <> '' THEN department_unit ELSE owner_unit END AS u, "
        "department_unit <> '' AS t, severity, "
        "CASE WHEN :now - due_at >= :month THEN 2 WHEN :now - due_at >= :week THEN 1 ELSE 0 END "
        "AS age, COUNT(*) "
        "FROM items INDEXED BY items_open_due "
        "WHERE resolved_at IS NULL AND due_at < :now AND campaign = :campaign "
        "AND kind IN (SELECT value FROM json_each(:kinds)) "
        "GROUP BY u, t, severity, age ORDER BY u, t, severity, age");
    q.bind(":now", static_cast<int64_t>(ToUnixMillis(now)));
    q.bind(":week", static_cast<int64_t>(7) * 86'400'000);
    q.bind(":month", static_cast<int64_t>(30) * 86'400'000);
    q.bind(":campaign", campaign);
    q.bind(":kinds", JsonStringArray(kinds));
    std::vector<OverdueCount> out;
    while (q.executeStep()) {
      OverdueCount c;
      c.unit = q.getColumn(0).getString();
      c.transfer = q.getColumn(1).getInt() != 0;
      c.severity = q.getColumn(2).getString();
      c.age = static_cast<OverdueAge>(q.getColumn(3).getInt());
      c.count = q.getColumn(4).getInt64();
      out.push_back(std::move(c));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "counting overdue items per unit", e.what());
  }
}

Result<std::vector<Timer>> SqliteStore::DueTimers(SystemTime now, int limit) {
  try {
    auto q = Prepare(
        "SELECT id, fire_at, campaign, item_id, step, created_at FROM timers "
        "WHERE fired_at IS NULL AND fire_at <= ? ORDER BY fire_at, id LIMIT ?");
    q.bind(1, static_cast<int64_t>(ToUnixMillis(now)));
    q.bind(2, limit);
    std::vector<Timer> out;
    while (q.executeStep()) out.push_back(ReadTimer(q));
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading due timers", e.what());
  }
}

Result<std::optional<SystemTime>> SqliteStore::NextTimerAt() {
  try {
    auto q = Prepare("SELECT MIN(fire_at) FROM timers WHERE fired_at IS NULL");
    q.executeStep();
    return OptionalTime(q.getColumn(0));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading the next timer", e.what());
  }
}

Result<bool> SqliteStore::HasTimer(const std::string& campaign, ItemId item_id,
                                   const std::string& step) {
  try {
    auto q = Prepare("SELECT 1 FROM timers WHERE campaign = ? AND item_id = ? AND step = ?");
    q.bind(1, campaign);
    q.bind(2, static_cast<int64_t>(item_id));
    q.bind(3, step);
    return q.executeStep();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "looking up a timer", e.what());
  }
}

Result<BatchCounts> SqliteStore::CommitEngineBatch(const EngineBatch& batch, SystemTime now) {
  const int64_t now_ms = ToUnixMillis(now);
  BatchCounts counts;
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    auto fire = Prepare(
        "UPDATE timers SET fired_at = ?, outcome = ? WHERE id = ? AND fired_at IS NULL");
    for (const auto& f : batch.fired) {
      fire.reset();
      fire.bind(1, now_ms);
      fire.bind(2, f.outcome);
      fire.bind(3, static_cast<int64_t>(f.id));
      // A timer already fired means another process or an earlier attempt
      // committed this step: abort rather than act twice.
      if (fire.exec() != 1) {
        return Status::Conflict("timer already fired", std::to_string(f.id));
      }
    }
    auto add_timer = Prepare(
        "INSERT INTO timers(fire_at, campaign, item_id, step, created_at) VALUES(?, ?, ?, ?, ?) "
        "ON CONFLICT(campaign, item_id, step) DO NOTHING");
    auto insert_timer = [&](const Timer& t, ItemId item_id) {
      add_timer.reset();
      add_timer.bind(1, static_cast<int64_t>(ToUnixMillis(t.fire_at)));
      add_timer.bind(2, t.campaign);
      add_timer.bind(3, static_cast<int64_t>(item_id));
      add_timer.bind(4, t.step);
      add_timer.bind(5, now_ms);
      counts.timers_created += add_timer.exec();
    };
    auto add_item = Prepare(
        "INSERT INTO items(campaign, kind, key, owner_unit, department_unit, state, severity, "
        "due_at, period, data, created_at, updated_at, state_entered_at, sla_epoch) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING");
    std::vector<ItemId> new_ids;
    for (const auto& ni : batch.new_items) {
      const Item& it = ni.item;
      add_item.reset();
      add_item.bind(1, it.campaign);
      add_item.bind(2, it.kind);
      add_item.bind(3, it.key);
      add_item.bind(4, it.owner_unit);
      add_item.bind(5, it.department_unit);
      add_item.bind(6, it.state);
      add_item.bind(7, it.severity);
      BindOptionalTime(add_item, 8, it.due_at);
      add_item.bind(9, it.period);
      add_item.bind(10, it.data);
      add_item.bind(11, now_ms);
      add_item.bind(12, now_ms);
      add_item.bind(13, static_cast<int64_t>(ToUnixMillis(it.state_entered_at)));
      add_item.bind(14, it.sla_epoch);
      if (add_item.exec() == 0) {  // key exists: created earlier
        new_ids.push_back(0);
        continue;
      }
      ++counts.items_created;
      const ItemId id = db_->getLastInsertRowid();
      new_ids.push_back(id);
      for (const auto& t : ni.timers) insert_timer(t, id);
    }
    for (const auto& t : batch.new_timers) insert_timer(t, t.item_id);
    auto add_intent = Prepare(
        "INSERT INTO intents(created_at, recipient, binding, campaign, item_id, severity, "
        "dedup_key, payload, group_until, bypass_quiet_hours) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(dedup_key) DO NOTHING");
    for (const auto& in : batch.intents) {
      add_intent.reset();
      add_intent.bind(1, now_ms);
      add_intent.bind(2, in.recipient);
      add_intent.bind(3, in.binding);
      add_intent.bind(4, in.campaign);
      add_intent.bind(5, static_cast<int64_t>(in.item_id));
      add_intent.bind(6, in.severity);
      add_intent.bind(7, in.dedup_key);
      add_intent.bind(8, in.payload);
      add_intent.bind(9, static_cast<int64_t>(ToUnixMillis(in.group_until)));
      add_intent.bind(10, in.bypass_quiet_hours ? 1 : 0);
      counts.intents_created += add_intent.exec();
    }
    for (AuditEntry a : batch.audit) {
      if (a.item_id < 0) {
        const size_t k = static_cast<size_t>(-a.item_id) - 1;
        if (k >= new_ids.size() || new_ids[k] == 0) continue;  // not created now
        a.item_id = new_ids[k];
      }
      AppendAuditInTx(a);
    }
    txn.commit();
    return counts;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "committing engine work", e.what());
  }
}

Result<std::vector<std::pair<Timer, std::string>>> SqliteStore::FiredTimersForTest() {
  try {
    auto q = Prepare(
        "SELECT id, fire_at, campaign, item_id, step, created_at, outcome FROM timers "
        "WHERE fired_at IS NOT NULL ORDER BY fire_at, id");
    std::vector<std::pair<Timer, std::string>> out;
    while (q.executeStep()) out.emplace_back(ReadTimer(q), q.getColumn(6).getString());
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "listing fired timers", e.what());
  }
}

}  // namespace duban::store
