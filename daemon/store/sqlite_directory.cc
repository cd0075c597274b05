// Units, contacts and houses.
#include <SQLiteCpp/Transaction.h>

#include "base/strings.h"
#include "store/sqlite_store.h"

namespace duban::store {
namespace {

std::string JoinChannels(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& c : v) out += (out.empty() ? "" : ";") + c;
  return out;
}

void BindOptionalInt(SQLite::Statement& s, int index, const std::optional<int>& v) {
  if (v) s.bind(index, *v); else s.bind(index);
}

}  // namespace

Status SqliteStore::UpsertUnits(const std::vector<model::Unit>& units) {
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    auto q = Prepare(
        "INSERT INTO units(id, name, level, parent_id, division_code, attached_level) "
        "VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
        "level = excluded.level, parent_id = excluded.parent_id, "
        "division_code = excluded.division_code, attached_level = excluded.attached_level");
    for (const auto& u : units) {
      q.reset();
      q.bind(1, u.id);
      q.bind(2, u.name);
      q.bind(3, model::LevelName(u.level));
      if (u.parent_id.empty()) q.bind(4); else q.bind(4, u.parent_id);
      q.bind(5, u.division_code);
      if (u.attached_level) q.bind(6, model::LevelName(*u.attached_level)); else q.bind(6);
      q.exec();
    }
    txn.commit();
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "saving units", e.what());
  }
}

Status SqliteStore::UpsertContacts(const std::vector<model::Contact>& contacts) {
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    auto q = Prepare(
        "INSERT INTO contacts(id, unit_id, role, name, mobile, channels, feishu_open_id, "
        "quiet_start, quiet_end) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE "
        "SET unit_id = excluded.unit_id, role = excluded.role, name = excluded.name, "
        "mobile = excluded.mobile, channels = excluded.channels, "
        "feishu_open_id = excluded.feishu_open_id, quiet_start = excluded.quiet_start, "
        "quiet_end = excluded.quiet_end");
    for (const auto& c : contacts) {
      q.reset();
      q.bind(1, c.id);
      q.bind(2, c.unit_id);
      q.bind(3, c.role);
      q.bind(4, c.name);
      q.bind(5, c.mobile);
      q.bind(6, JoinChannels(c.channels));
      q.bind(7, c.feishu_open_id);
      BindOptionalInt(q, 8, c.quiet_start_min);
      BindOptionalInt(q, 9, c.quiet_end_min);
      q.exec();
    }
    txn.commit();
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "saving contacts", e.what());
  }
}

Status SqliteStore::UpsertHouses(const std::vector<model::House>& houses) {
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    auto q = Prepare(
        "INSERT INTO houses(id, unit_id, address, is_commercial, business_type, floors, "
        "structure, altered, steel, hazard_level) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET unit_id = excluded.unit_id, address = excluded.address, "
        "is_commercial = excluded.is_commercial, business_type = excluded.business_type, "
        "floors = excluded.floors, structure = excluded.structure, altered = excluded.altered, "
        "steel = excluded.steel, hazard_level = excluded.hazard_level");
    for (const auto& h : houses) {
      q.reset();
      q.bind(1, h.id);
      q.bind(2, h.unit_id);
      q.bind(3, h.address);
      q.bind(4, h.is_commercial ? 1 : 0);
      q.bind(5, h.business_type);
      q.bind(6, h.floors);
      q.bind(7, h.structure);
      q.bind(8, h.altered ? 1 : 0);
      q.bind(9, h.steel ? 1 : 0);
      q.bind(10, h.hazard_level);
      q.exec();
    }
    txn.commit();
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "saving houses", e.what());
  }
}

Result<std::vector<model::Unit>> SqliteStore::ListUnits() {
  try {
    auto q = Prepare(
        "SELECT id, name, level, parent_id, division_code, attached_level FROM units ORDER BY id");
    std::vector<model::Unit> out;
    // Exact size up front: a national directory grown by doubling would
    // leave up to half the vector allocated and unused.
    out.reserve(static_cast<size_t>(db_->execAndGet("SELECT COUNT(*) FROM units").getInt64()));
    while (q.executeStep()) {
      model::Unit u;
      u.id = q.getColumn(0).getString();
      u.name = q.getColumn(1).getString();
      u.level = model::ParseLevel(q.getColumn(2).getString()).value_or(model::Level::kVillage);
      u.parent_id = q.getColumn(3).getString();
      u.division_code = q.getColumn(4).getString();
      if (!q.getColumn(5).isNull()) u.attached_level = model::ParseLevel(q.getColumn(5).getString());
      out.push_back(std::move(u));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "listing units", e.what());
  }
}

Result<std::vector<model::Contact>> SqliteStore::ListContacts() {
  try {
    auto q = Prepare(
        "SELECT id, unit_id, role, name, mobile, channels, feishu_open_id, quiet_start, "
        "quiet_end FROM contacts ORDER BY id");
    std::vector<model::Contact> out;
    out.reserve(static_cast<size_t>(db_->execAndGet("SELECT COUNT(*) FROM contacts").getInt64()));
    while (q.executeStep()) {
      model::Contact c;
      c.id = q.getColumn(0).getString();
      c.unit_id = q.getColumn(1).getString();
      c.role = q.getColumn(2).getString();
      c.name = q.getColumn(3).getString();
      c.mobile = q.getColumn(4).getString();
      const std::string ch = q.getColumn(5).getString();
      if (!ch.empty()) c.channels = Split(ch, ';');
      c.feishu_open_id = q.getColumn(6).getString();
      if (!q.getColumn(7).isNull()) c.quiet_start_min = q.getColumn(7).getInt();
      if (!q.getColumn(8).isNull()) c.quiet_end_min = q.getColumn(8).getInt();
      out.push_back(std::move(c));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "listing contacts", e.what());
  }
}

Result<std::vector<model::House>> SqliteStore::ListHouses() {
  try {
    auto q = Prepare(
        "SELECT id, unit_id, address, is_commercial, business_type, floors, structure, "
        "altered, steel, hazard_level FROM houses ORDER BY id");
    std::vector<model::House> out;
    while (q.executeStep()) {
      model::House h;
      h.id = q.getColumn(0).getString();
      h.unit_id = q.getColumn(1).getString();
      h.address = q.getColumn(2).getString();
      h.is_commercial = q.getColumn(3).getInt() != 0;
      h.business_type = q.getColumn(4).getString();
      h.floors = q.getColumn(5).getInt();
      h.structure = q.getColumn(6).getString();
      h.altered = q.getColumn(7).getInt() != 0;
      h.steel = q.getColumn(8).getInt() != 0;
      h.hazard_level = q.getColumn(9).getString();
      out.push_back(std::move(h));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "listing houses", e.what());
  }
}

}  // namespace duban::store
