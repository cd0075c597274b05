// WebhookChannel: duban's generic signed webhook, for receivers we do not
// control (a county's own system, a message bus bridge). One POST per row:
//
//   POST <url>
//   Content-Type: application/json
//   X-Duban-Timestamp: <unix seconds>
//   X-Duban-Signature: hex(HMAC-SHA256(secret, timestamp + "." + body))
//   X-Duban-Idempotency-Key: <the outbox row's key; the same on every retry>
//
//   {"id": "<idempotency key>", "channel": "...", "recipient": "<contact id>",
//    "address": "...", "kind": "<message kind>", "campaign": "...",
//    "severity": "info|warning|critical", "title": "...", "body": "<text>",
//    "items": [<item ids>], "created_at": "<RFC 3339 UTC>", "test": false}
//
// Answers: 2xx sent; 429 retry after Retry-After; 408 and 5xx retry soon;
// 401/403 (signature, secret) and 404/405 (url) channel broken; any other
// 4xx message rejected. A receiver should treat a repeated idempotency key
// as already done: duban delivers at least once.
//
// Loop thread only (see HttpChannel).
#pragma once

#include <string>

#include "notify/channels/http_channel.h"

namespace duban::notify {

struct WebhookOptions {
  std::string name;
  std::string url;
  std::string secret;
  Millis timeout{std::chrono::seconds(10)};
};

class WebhookChannel final : public HttpChannel {
 public:
  WebhookChannel(WebhookOptions options, ChannelDeps deps);
  void Send(const store::OutboxRow& row, std::function<void(SendResult)> done) override;

 private:
  SendResult Judge(const HttpResponse& r);
  WebhookOptions options_;
};

}  // namespace duban::notify
