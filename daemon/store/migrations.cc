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
