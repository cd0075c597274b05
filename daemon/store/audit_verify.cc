#include <fmt/format.h>

#include "base/crypto.h"
#include "store/audit.h"

namespace duban::store {

Result<AuditVerification> VerifyAuditChain(Store& store,
                                           const std::function<void(int64_t)>& progress) {
  AuditVerification v;
  std::string prev_hash;
  int64_t expect_seq = 1;
  constexpr int kPage = 5000;
  auto fail = [&](int64_t seq, std::string problem) {
    v.first_bad_seq = seq;
    v.problem = std::move(problem);
    return v;
  };
  for (;;) {
    auto page = store.AuditAfter(expect_seq - 1, kPage);
    if (!page.ok()) return page.status();
    for (const AuditEntry& e : *page) {
      if (e.seq != expect_seq) {
        return fail(expect_seq, fmt::format("record {} is missing (the next one is {})",
                                            expect_seq, e.seq));
      }
      if (e.prev_hash != prev_hash) {
        return fail(e.seq, fmt::format("record {} does not follow record {}: it points to "
                                       "another predecessor (deleted or reordered)",
                                       e.seq, e.seq - 1));
      }
      const std::string hash = crypto::Sha256Hex(AuditHashInput(e));
      if (!crypto::ConstantTimeEquals(hash, e.hash)) {
        return fail(e.seq, fmt::format("record {} was changed after it was written (its "
                                       "content no longer matches its hash)",
                                       e.seq));
      }
      prev_hash = e.hash;
      ++expect_seq;
      ++v.records;
    }
    if (progress) progress(v.records);
    if (static_cast<int>(page->size()) < kPage) break;
  }
  v.head_hash = prev_hash;
  auto head = store.GetMeta("audit_head");
  if (!head.ok()) return head.status();
  const std::string actual = fmt::format("{}:{}", v.records, prev_hash);
  if (head->has_value() && **head != actual) {
    return fail(v.records + 1,
                fmt::format("the log ends at record {} but the last append recorded {} "
                            "(newest records deleted?)",
                            v.records, **head));
  }
  if (!head->has_value() && v.records > 0) {
    return fail(1, "the log has records but no recorded head");
  }
  return v;
}

}  // namespace duban::store
