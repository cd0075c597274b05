#include "notify/dispatcher.h"

#include <fmt/format.h>

#include <algorithm>

#include "store/store.h"

namespace duban::notify {

Dispatcher::Dispatcher(DispatchOptions options, store::Store& store, const Clock& clock,
                       std::map<std::string, Channel*> channels)
    : options_(options), store_(store), channels_(std::move(channels)), clock_(clock) {}

Result<std::optional<SystemTime>> Dispatcher::NextWake() { return store_.NextOutboxAt(); }

// Exponential backoff with deterministic jitter (from the row id), so a
// burst of failures does not retry in lockstep, yet runs are reproducible.
Millis Dispatcher::Backoff(int attempts, int64_t salt) const {
  const int shift = std::min(attempts, 20);
  Millis base = options_.first_backoff * (int64_t{1} << shift);
  base = std::min(base, options_.max_backoff);
  const int64_t jitter_pct = (salt * 2654435761LL) % 25;  // 0..24 %
  return base + base * jitter_pct / 100;
}

Result<int> Dispatcher::Tick(SystemTime now) {
  auto rows = store_.DueOutbox(now, options_.batch_limit);
  if (!rows.ok()) return rows.status();
  int started = 0;
  for (const auto& row : *rows) {
    if (in_flight_.count(row.id)) continue;
    auto it = channels_.find(row.channel);
    if (it == channels_.end()) {
      DUBAN_RETURN_IF_ERROR(store_.MarkDead(
          row.id, fmt::format("channel '{}' is not configured", row.channel), now));
      continue;
    }
    in_flight_.insert(row.id);
    ++started;
    it->second->Send(row, [this, row](SendResult r) { Complete(row, r); });
  }
  return started;
}

void Dispatcher::Complete(const store::OutboxRow& row, const SendResult& r) {
  const SystemTime now = clock_.Now();
  in_flight_.erase(row.id);
  Status st;
  switch (r.kind) {
    case SendResult::Kind::kSent:
      st = store_.MarkSent(row.id, r.provider_id, now);
      break;
    case SendResult::Kind::kRetryAfter:
      st = store_.MarkRetry(row.id, r.detail, std::max(r.retry_at, now));
      break;
    case SendResult::Kind::kRetrySoon:
    case SendResult::Kind::kChannelBroken:
      if (row.attempts + 1 >= options_.max_attempts) {
        st = store_.MarkDead(row.id, r.detail, now);
      } else {
        st = store_.MarkRetry(row.id, r.detail, now + Backoff(row.attempts, row.id));
      }
      break;
    case SendResult::Kind::kMessageRejected:
      st = store_.MarkDead(row.id, r.detail, now);
      break;
  }
  (void)st;  // a failed bookkeeping write leaves the row due: it is retried
}

}  // namespace duban::notify
