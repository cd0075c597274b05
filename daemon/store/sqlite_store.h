// SqliteStore: the SQLite implementation of Store. Internal to store/; use
// OpenSqlite() from store.h.
#pragma once

#include <SQLiteCpp/Database.h>

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

 private:
  std::unique_ptr<SQLite::Database> db_;
  int schema_version_;
};

// Opens with an explicit migration list (tests use older lists to build a
// database "written by an older release").
Result<std::unique_ptr<Store>> OpenSqliteWithMigrationsForTest(
    const Options& options, const std::vector<Migration>& migrations, SystemTime now);

}  // namespace duban::store
