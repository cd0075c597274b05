#include "notify/dispatcher.h"

#include <fmt/format.h>

#include <algorithm>

#include "store/store.h"

namespace duban::notify {

Dispatcher::Dispatcher(DispatchOptions options, store::Store& store, const Clock& clock,
                       std::map<std::string, Channel*> channels)
    : options_(options), store_(store), channels_(std::move(channels)), clock_(clock) {}

Dispatcher::~Dispatcher() { Flush(); }

void Dispatcher::Flush() {
  if (outcomes_.empty()) return;
  std::vector<store::Outcome> batch;
  batch.swap(outcomes_);
  (void)store_.RecordOutcomes(batch);  // failed: the rows stay 'sending', recovered later
}

void Dispatcher::Record(store::Outcome outcome) {
  outcomes_.push_back(std::move(outcome));
  if (in_tick_) return;  // Tick() records its pass's answers at its end
  if (!post_ || static_cast<int>(outcomes_.size()) >= options_.outcome_batch) {
    Flush();
    return;
  }
  // Answers already queued on the loop (a burst of completions) run before
  // this flush and join its batch: the batch grows with the load, and an
  // answer waits at most for the callbacks queued ahead of it.
  if (flush_posted_) return;
  flush_posted_ = true;
  post_([weak = std::weak_ptr<Dispatcher*>(self_)] {
    auto self = weak.lock();
    if (!self) return;
    (*self)->flush_posted_ = false;
    (*self)->Flush();
  });
}

Result<std::optional<SystemTime>> Dispatcher::NextWake() {
  auto next = store_.NextOutboxAt();
  if (!next.ok()) return next;
  // While rows are 'sending', come back to check on them; rows in flight in
  // this process are not due, so an unanswered request cannot spin the loop.
  auto sending = store_.StaleSending(SystemTime::max(), 1);
  if (!sending.ok()) return sending.status();
  if (!sending->empty()) {
    const SystemTime check = next_recover_at_.value_or(SystemTime::min());
    if (!*next || check < **next) *next = check;
  }
  return next;
}

// Exponential backoff with deterministic jitter (from the row id), so a
// burst of failures does not retry in lockstep, yet runs are reproducible.
Millis Dispatcher::Backoff(int attempts, int64_t salt) const {
  const int shift = std::min(attempts, 20);
  Millis base = options_.first_backoff * (int64_t{1} << shift);
  base = std::min(base, options_.max_backoff);
  const int64_t jitter_pct = (salt * 2654435761LL) % 25;  // 0..24 %
  return base + base * jitter_pct / 100;
}

Status Dispatcher::Recover(SystemTime now) {
  auto stale = store_.StaleSending(now - options_.sending_timeout, options_.batch_limit);
  if (!stale.ok()) return stale.status();
  for (const auto& row : *stale) {
    if (in_flight_.count(row.id) || querying_.count(row.id)) continue;
    auto it = channels_.find(row.channel);
    if (it == channels_.end() || !it->second->CanQueryStatus()) {
      // Receivers without a status API get the row again: at least once,
      // with the same idempotency key so those that can deduplicate do.
      Record({row.id, store::Outcome::Kind::kRetry,
              "interrupted while sending (restart or lost answer); resending", now});
      continue;
    }
    querying_.insert(row.id);
    it->second->QueryStatus(row, [this, row](StatusAnswer a) { Resolve(row, a); });
  }
  return Status::OK();
}

// An SMS left 'sending': resend only when the provider has no trace of it.
void Dispatcher::Resolve(const store::OutboxRow& row, const StatusAnswer& a) {
  const SystemTime now = clock_.Now();
  querying_.erase(row.id);
  const SystemTime attempted = row.sending_since.value_or(row.next_attempt_at);
  using K = store::Outcome::Kind;
  // A failed write leaves the row 'sending': recovered next round.
  switch (a.kind) {
    case StatusAnswer::Kind::kDelivered:
    case StatusAnswer::Kind::kAcceptedPending:
      Record({row.id, K::kSent, a.provider_id.empty() ? row.provider_id : a.provider_id, now});
      break;
    case StatusAnswer::Kind::kFailed:
      Record({row.id, K::kDead, "provider reports delivery failed: " + a.detail, now});
      break;
    case StatusAnswer::Kind::kNotFound:
      if (now - attempted >= options_.not_found_grace) {
        Record({row.id, K::kRetry, "provider has no record of the interrupted send; resending",
                now});
      }
      // else: too early to trust "not found"; asked again next round.
      break;
    case StatusAnswer::Kind::kUnknown:
      // Cannot find out. Rather than risk a duplicate now, ask again next
      // round; after max_attempts rounds, resend (never lose it).
      if (row.attempts + 1 >= options_.max_attempts) {
        Record({row.id, K::kRetry, "status unknown after repeated queries; resending: " + a.detail,
                now});
      } else {
        Record({row.id, K::kSending, "", now});  // restamp: checked again after the timeout
      }
      break;
  }
}

Result<int> Dispatcher::Tick(SystemTime now) {
  // Answers that arrived since the last flush first: Recover must not take
  // a row whose answer is known for an interrupted one.
  Flush();
  in_tick_ = true;
  struct EndOfTick {  // every return records the pass's answers
    Dispatcher* d;
    ~EndOfTick() {
      d->in_tick_ = false;
      d->Flush();
    }
  } end_of_tick{this};
  if (!next_recover_at_ || now >= *next_recover_at_) {
    DUBAN_RETURN_IF_ERROR(Recover(now));
    next_recover_at_ = now + options_.sending_timeout / 2;
    // Rows recovered to 'retry' are due now, in this same pass.
    Flush();
  }
  auto rows = store_.DueOutbox(now, options_.batch_limit);
  if (!rows.ok()) return rows.status();
  std::vector<std::pair<const store::OutboxRow*, Channel*>> batch;
  std::vector<store::OutboxId> ids;
  for (const auto& row : *rows) {
    if (in_flight_.count(row.id)) continue;
    auto it = channels_.find(row.channel);
    if (it == channels_.end()) {
      Record({row.id, store::Outcome::Kind::kDead,
              fmt::format("channel '{}' is not configured", row.channel), now});
      continue;
    }
    batch.emplace_back(&row, it->second);
    ids.push_back(row.id);
  }
  // Durable before any I/O: every row of this pass is 'sending' (one
  // transaction for the pass) before the first request goes out. A crash
  // from here on leaves 'sending' rows that Recover() finds, never a
  // message sent twice without a check.
  auto claimed = store_.MarkSendingAll(ids, now);
  if (!claimed.ok()) return claimed.status();
  int started = 0;
  size_t next = 0;  // claimed ids come in the order of `ids`
  for (const auto& [row, channel] : batch) {
    if (next == claimed->size() || (*claimed)[next] != row->id) continue;  // changed meanwhile
    ++next;
    in_flight_.insert(row->id);
    ++started;
    store::OutboxRow sending = *row;
    sending.state = "sending";
    sending.sending_since = now;
    channel->Send(sending, [this, r = *row](SendResult res) { Complete(r, res); });
  }
  return started;
}

void Dispatcher::NoteHealth(const std::string& channel, bool ok, const std::string& error,
                            SystemTime now) {
  ChannelHealth& h = health_[channel];
  if (ok) {
    h.failing_since.reset();
    h.last_sent = now;
    h.alerted = false;
    return;
  }
  if (!h.failing_since) h.failing_since = now;
  h.last_error = error;
  if (!h.alerted && now - *h.failing_since >= options_.alert_after) {
    h.alerted = true;
    if (on_trouble_) on_trouble_({channel, *h.failing_since, error});
  }
}

void Dispatcher::Complete(const store::OutboxRow& row, const SendResult& r) {
  const SystemTime now = clock_.Now();
  in_flight_.erase(row.id);
  using K = store::Outcome::Kind;
  // Recorded with the batch; a failed bookkeeping write leaves the row
  // 'sending': recovered later.
  store::Outcome outcome;
  switch (r.kind) {
    case SendResult::Kind::kSent:
      outcome = {row.id, K::kSent, r.provider_id, now};
      NoteHealth(row.channel, true, "", now);
      break;
    case SendResult::Kind::kRetryAfter:
      // Throttled (our bucket or the provider's): not a failure of the row.
      outcome = {row.id, K::kRetry, r.detail, std::max(r.retry_at, now)};
      break;
    case SendResult::Kind::kRetrySoon:
    case SendResult::Kind::kChannelBroken:
      NoteHealth(row.channel, false, r.detail, now);
      if (now - row.created_at >= options_.max_retry_age) {
        outcome = {row.id, K::kDead, "gave up after retrying for days: " + r.detail, now};
      } else {
        outcome = {row.id, K::kRetry, r.detail, now + Backoff(row.attempts, row.id)};
      }
      break;
    case SendResult::Kind::kMessageRejected:
      outcome = {row.id, K::kDead, r.detail, now};
      break;
  }
  if (on_outcome_) {
    const bool dead = r.kind == SendResult::Kind::kMessageRejected ||
                      (r.kind != SendResult::Kind::kSent && r.kind != SendResult::Kind::kRetryAfter &&
                       now - row.created_at >= options_.max_retry_age);
    on_outcome_(row.channel, r.kind == SendResult::Kind::kSent ? "sent" : dead ? "dead" : "retry");
  }
  Record(std::move(outcome));
}

}  // namespace duban::notify
