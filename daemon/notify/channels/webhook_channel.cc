#include "notify/channels/webhook_channel.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "base/time_format.h"
#include "notify/channels/signing.h"

namespace duban::notify {

WebhookChannel::WebhookChannel(WebhookOptions options, ChannelDeps deps)
    : HttpChannel(options.name, std::move(deps), {options.secret}), options_(std::move(options)) {}

void WebhookChannel::Send(const store::OutboxRow& row, std::function<void(SendResult)> done) {
  if (!TakeTokens("", 1, done)) return;
  const nlohmann::json body = {{"id", row.idempotency_key},
                               {"channel", row.channel},
                               {"recipient", row.recipient},
                               {"address", row.address},
                               {"kind", row.binding},
                               {"campaign", row.campaign},
                               {"severity", row.severity},
                               {"title", row.title},
                               {"body", row.body},
                               {"items", row.items},
                               {"created_at", FormatUtc(row.created_at)},
                               {"test", row.idempotency_key.rfind("channel-test/", 0) == 0}};
  HttpRequest req;
  req.url = options_.url;
  req.body = body.dump();
  const int64_t ts = ToUnixMillis(Now()) / 1000;
  req.headers = {{"Content-Type", "application/json"},
                 {"X-Duban-Timestamp", std::to_string(ts)},
                 {"X-Duban-Signature", WebhookSignature(options_.secret, ts, req.body)},
                 {"X-Duban-Idempotency-Key", row.idempotency_key}};
  req.timeout = options_.timeout;
  Fetch(std::move(req), [this, done](HttpResponse r) { Finish(done, Judge(r)); });
}

SendResult WebhookChannel::Judge(const HttpResponse& r) {
  const SystemTime now = Now();
  if (auto t = TransportOutcome(r, now)) return *t;
  const std::string detail = fmt::format("HTTP {} {}", r.status, BodySnippet(r.body, 160));
  if (r.status >= 200 && r.status < 300) return Sent("", detail);
  if (r.status == 408) return RetrySoon(detail);
  if (r.status == 401 || r.status == 403) {
    return Broken(detail + " (the receiver refused the signature)" + ClockHint(r, now));
  }
  if (r.status == 404 || r.status == 405 || r.status < 200 || (r.status >= 300 && r.status < 400)) {
    return Broken(detail + " (check the channel's url)");
  }
  return Rejected(detail);
}

}  // namespace duban::notify
