// Channel: one configured destination (a robot, an SMS account, the console).
// Send() may complete later (network channels complete on the curl thread's
// callback, posted back to the loop); `done` is always called exactly once,
// on the loop thread.
#pragma once

#include <functional>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "store/records.h"

namespace duban::notify {

// The outcome of one delivery attempt (reference/channels.md §0).
struct SendResult {
  enum class Kind {
    kSent,             // accepted by the provider
    kRetrySoon,        // transient: back off and retry
    kRetryAfter,       // rate limited with a known window: retry at `retry_at`
    kChannelBroken,    // config, credential or account problem: alert the admin
    kMessageRejected,  // this message or number is bad: dead letter
  };
  Kind kind = Kind::kSent;
  std::string provider_id;  // BizId, SerialNo, ... when sent
  std::string detail;       // the provider's code and message, never a secret
  SystemTime retry_at;      // kRetryAfter only
};

// What the provider says became of an earlier attempt to send a row
// (QueryStatus). Asked before resending a row that was left 'sending' by a
// crash or timed out, because no SMS provider deduplicates (channels.md §0).
struct StatusAnswer {
  enum class Kind {
    kDelivered,        // the provider has it and reports it delivered: don't resend
    kAcceptedPending,  // the provider has it, no delivery report yet: don't resend
    kFailed,           // the provider took it but reports delivery failed
    kNotFound,         // the provider lists no such message: safe to resend
    kUnknown,          // could not find out (network, credentials): ask again later
  };
  Kind kind = Kind::kUnknown;
  std::string provider_id;  // BizId / SerialNo when found
  std::string detail;       // what the provider said, never a secret
};

const char* SendResultKindName(SendResult::Kind kind);
const char* StatusAnswerKindName(StatusAnswer::Kind kind);

class Channel {
 public:
  virtual ~Channel() = default;
  virtual const std::string& name() const = 0;
  virtual void Send(const store::OutboxRow& row, std::function<void(SendResult)> done) = 0;

  // Whether QueryStatus() can ask the provider (SMS channels can).
  virtual bool CanQueryStatus() const { return false; }
  // Asks the provider what became of earlier attempts to send `row`, by its
  // idempotency key (Alibaba OutId, Tencent SessionContext), provider_id
  // when the row has one, its address and the time of the attempt
  // (sending_since, else next_attempt_at). `done` is called exactly once,
  // on the loop thread. Providers list a message only once it is processed,
  // so kNotFound within a few minutes of the attempt is not yet proof that
  // it was never sent. The default answers kUnknown.
  virtual void QueryStatus(const store::OutboxRow& row, std::function<void(StatusAnswer)> done) {
    (void)row;
    done({StatusAnswer::Kind::kUnknown, "", "this channel cannot ask its provider"});
  }
};

}  // namespace duban::notify
