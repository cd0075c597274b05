// Numbered schema migrations. Internal to store/ and its tests.
//
// Rules: append only; never edit a migration that has shipped; each runs in
// the same transaction as every other pending one, so a failure leaves the
// database exactly as it was.
#pragma once

#include <SQLiteCpp/Database.h>

#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace duban::store {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// The migrations of this binary, in version order starting at 1.
const std::vector<Migration>& Migrations();

// Applies the migrations of `list` newer than the database's version.
// Returns the resulting version. REQUIRES: `list` ordered 1, 2, 3, ...
Result<int> Migrate(SQLite::Database& db, const std::vector<Migration>& list,
                    SystemTime now);

// Maps a SQLiteCpp exception to a Status: BUSY/LOCKED → kUnavailable,
// CONSTRAINT → kConflict, FULL → kResourceExhausted, CORRUPT → kInternal.
Status FromSqlite(int code, const char* what, const char* detail);

}  // namespace duban::store
