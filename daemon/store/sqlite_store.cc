#include "store/sqlite_store.h"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>

namespace duban::store {
namespace {

Result<std::unique_ptr<Store>> Open(const Options& options,
                                    const std::vector<Migration>& migrations,
                                    SystemTime now) {
  try {
    if (options.path != ":memory:") {
      const auto dir = std::filesystem::path(options.path).parent_path();
      std::error_code ec;
      if (!dir.empty()) std::filesystem::create_directories(dir, ec);
      if (ec) {
        return Status::Unavailable(
            fmt::format("cannot create the database directory {}", dir.string()),
            ec.message());
      }
    }
    auto db = std::make_unique<SQLite::Database>(
        options.path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
    db->setBusyTimeout(options.busy_timeout_ms);
    // WAL lets dashboard reads run beside the engine's writes; FULL sync makes
    // every committed event and outbox row survive a power cut, which matters
    // more here than write throughput (batched writes amortise the fsync).
    db->exec("PRAGMA journal_mode=WAL");
    db->exec(options.durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF");
    db->exec("PRAGMA foreign_keys=ON");
    const std::string check = db->execAndGet("PRAGMA quick_check").getString();
    if (check != "ok") {
      return Status::Internal("database failed its integrity check", check);
    }
    Result<int> version = Migrate(*db, migrations, now);
    if (!version.ok()) return version.status();
    return std::unique_ptr<Store>(new SqliteStore(std::move(db), *version));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "opening the database", e.what());
  }
}

}  // namespace

int LatestSchemaVersion() { return Migrations().back().version; }

Result<std::unique_ptr<Store>> OpenSqlite(const Options& options, SystemTime now) {
  return Open(options, Migrations(), now);
}

Result<std::unique_ptr<Store>> OpenSqliteWithMigrationsForTest(
    const Options& options, const std::vector<Migration>& migrations, SystemTime now) {
  return Open(options, migrations, now);
}

SqliteStore::Stmt SqliteStore::Prepare(const char* sql) {
  // Keyed by the literal's address: every call site passes a string literal.
  for (auto& [key, stmt] : cache_) {
    if (key == sql) {
      stmt->reset();
      stmt->clearBindings();
      return Stmt(*stmt);
    }
  }
  cache_.emplace_back(sql, std::make_unique<SQLite::Statement>(*db_, sql));
  return Stmt(*cache_.back().second);
}

std::optional<SystemTime> OptionalTime(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return FromUnixMillis(c.getInt64());
}

void BindOptionalTime(SQLite::Statement& s, int index, const std::optional<SystemTime>& t) {
  if (t) {
    s.bind(index, static_cast<int64_t>(ToUnixMillis(*t)));
  } else {
    s.bind(index);
  }
}

Result<int64_t> SqliteStore::PragmaForTest(const std::string& name) {
  try {
    return db_->execAndGet("PRAGMA " + name).getInt64();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "pragma", e.what());
  }
}

Result<std::string> SqliteStore::ExplainForTest(const std::string& sql) {
  try {
    SQLite::Statement q(*db_, "EXPLAIN QUERY PLAN " + sql);
    std::string out;
    while (q.executeStep()) {
      out += q.getColumn(3).getString();
      out += "\n";
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "explain", e.what());
  }
}

Status SqliteStore::BackupTo(const std::string& path) {
  try {
    SQLite::Database dest(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Backup backup(dest, *db_);
    backup.executeStep();  // all pages in one step
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "backing up the database", e.what());
  }
}

Status SqliteStore::Ping() {
  try {
    db_->execAndGet("SELECT 1");
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "ping", e.what());
  }
}

Result<std::vector<MigrationInfo>> SqliteStore::AppliedMigrations() {
  try {
    SQLite::Statement q(*db_,
                        "SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
    std::vector<MigrationInfo> out;
    while (q.executeStep()) {
      out.push_back({q.getColumn(0).getInt(), q.getColumn(1).getString(),
                     FromUnixMillis(q.getColumn(2).getInt64())});
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "listing migrations", e.what());
  }
}

Result<std::optional<std::string>> SqliteStore::GetMeta(const std::string& key) {
  try {
    SQLite::Statement q(*db_, "SELECT value FROM meta WHERE key = ?");
    q.bind(1, key);
    if (!q.executeStep()) return std::optional<std::string>();
    return std::optional<std::string>(q.getColumn(0).getString());
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "reading meta", e.what());
  }
}

Status SqliteStore::SetMeta(const std::string& key, const std::string& value) {
  try {
    SQLite::Statement q(*db_,
                        "INSERT INTO meta(key, value) VALUES(?, ?) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    q.bind(1, key);
    q.bind(2, value);
    q.exec();
    return Status::OK();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getErrorCode(), "writing meta", e.what());
  }
}

}  // namespace duban::store
