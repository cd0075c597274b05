#include "fakes/fake_webhook.h"

#include <cstdlib>

#include "notify/channels/signing.h"

namespace duban::fakes {
namespace {

FakeReply Answer(int status, nlohmann::json body) {
  FakeReply r;
  r.http_status = status;
  r.body = body.dump();
  r.code = std::to_string(status);
  return r;
}

FakeReply Error(int status, const std::string& message) {
  return Answer(status, {{"ok", false}, {"error", message}});
}

}  // namespace

FakeWebhook::FakeWebhook(const Clock* clock, Options options)
    : FakeServer(clock), options_(std::move(options)) {
  Start();
}

FakeWebhook::~FakeWebhook() { Stop(); }

std::vector<FakeWebhook::Delivery> FakeWebhook::Delivered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return delivered_;
}

FakeReply FakeWebhook::ProviderError(const std::string& code,
                                     const std::string& message) {
  const int status = std::atoi(code.c_str());
  return Error(status >= 100 ? status : 500, message.empty() ? "forced" : message);
}

FakeReply FakeWebhook::Handle(const httplib::Request& req, SystemTime now) {
  if (TargetPath(req.target) != options_.path) return Error(404, "not found");
  if (req.method != "POST") return Error(405, "method not allowed");
  if (req.body.size() > options_.max_body_bytes) {
    return Error(413, "body too large");
  }
  const std::string key = req.get_header_value("X-Duban-Idempotency-Key");
  if (options_.require_idempotency_key && key.empty()) {
    return Error(400, "missing X-Duban-Idempotency-Key");
  }
  if (!options_.secret.empty()) {
    const std::string ts_text = req.get_header_value("X-Duban-Timestamp");
    char* end = nullptr;
    const long long ts = std::strtoll(ts_text.c_str(), &end, 10);
    if (ts_text.empty() || *end != '\0') return Error(401, "bad timestamp");
    const auto skew = std::chrono::abs(now - SystemTime(std::chrono::seconds(ts)));
    if (skew > options_.max_skew) return Error(401, "stale timestamp");
    const std::string expected =
        notify::WebhookSignature(options_.secret, ts, req.body);
    if (req.get_header_value("X-Duban-Signature") != expected) {
      return Error(401, "bad signature");
    }
  }
  nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return Error(400, "body is not JSON");

  std::lock_guard<std::mutex> lock(mu_);
  if (options_.per_minute > 0) {
    const Millis window = std::chrono::minutes(1);
    if (window_.Count("", now, window) >= options_.per_minute) {
      FakeReply r = Error(429, "rate limited");
      r.headers.emplace_back("Retry-After", "60");
      return r;
    }
    window_.Add("", now);
    window_.Prune(now, window);
  }
  const bool duplicate = !key.empty() && !seen_keys_.insert(key).second;
  delivered_.push_back({key, body, now});
  FakeReply r = Answer(200, {{"ok", true}, {"duplicate", duplicate}});
  r.idempotency_key = key;
  r.deliveries = duplicate ? 0 : 1;  // the receiver acts on a key once
  return r;
}

}  // namespace duban::fakes
