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

namespace duban::store {

struct Options {
  std::string path;            // a file path, or ":memory:"
  int busy_timeout_ms = 5000;  // bounded wait when another process holds a lock
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
