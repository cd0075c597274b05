// Verifying the audit log's hash chain. Part of store/ because it reads the
// log in pages through the Store interface; it never writes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "base/status.h"
#include "store/store.h"

namespace duban::store {

struct AuditVerification {
  int64_t records = 0;         // records checked
  std::string head_hash;       // the last record's hash: write it down elsewhere
  // The first record that does not match, and why; empty when intact.
  std::optional<int64_t> first_bad_seq;
  std::string problem;
  bool ok() const { return !first_bad_seq.has_value() && problem.empty(); }
};

// Recomputes every record's hash from its fields and the previous record's
// hash, checks that seq runs 1, 2, 3 ... without gaps, and that the head
// recorded with the last append (meta "audit_head") is the last record, so
// deleting the newest records is caught too. `progress(done)` is called
// every page.
Result<AuditVerification> VerifyAuditChain(Store& store,
                                           const std::function<void(int64_t)>& progress = {});

}  // namespace duban::store
