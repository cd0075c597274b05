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

class Channel {
 public:
  virtual ~Channel() = default;
  virtual const std::string& name() const = 0;
  virtual void Send(const store::OutboxRow& row, std::function<void(SendResult)> done) = 0;
};

}  // namespace duban::notify
