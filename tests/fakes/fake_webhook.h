// FakeWebhook: a receiver for duban's generic webhook channel. It checks the
// X-Duban-Timestamp / X-Duban-Signature scheme of notify/channels/signing.h,
// the X-Duban-Idempotency-Key header, body size and an optional rate limit,
// and answers with plain HTTP statuses:
//   200 {"ok":true,"duplicate":false|true}  accepted; a repeated key is
//                                           accepted and listed in Delivered()
//                                           (tests see double sends) but acted
//                                           on once: DeliveriesFor(key) counts
//                                           it once, as a receiver that
//                                           deduplicates on the key would
//   400 not JSON / missing idempotency key  401 bad signature or stale time
//   404 unknown path   405 not POST   413 body too large
//   429 {"error":"rate limited"} with Retry-After: <seconds>
// The logged code is the HTTP status as text ("200", "401", ...).
//
// Threads: as FakeServer; every public method may be called from any thread.
#pragma once

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

#include "fakes/fake_server.h"
#include "fakes/fake_util.h"

namespace duban::fakes {

class FakeWebhook final : public FakeServer {
 public:
  struct Options {
    std::string path = "/hook";
    std::string secret{};  // empty: signatures are not checked
    Millis max_skew{std::chrono::minutes(5)};
    size_t max_body_bytes = 64 * 1024;
    bool require_idempotency_key = true;
    int per_minute = 0;  // 0: no rate limit
  };
  struct Delivery {
    std::string idempotency_key;
    nlohmann::json body;
    SystemTime at;
  };

  // `clock` must outlive this.
  FakeWebhook(const Clock* clock, Options options);
  ~FakeWebhook() override;

  std::string url() const { return base_url() + options_.path; }
  std::vector<Delivery> Delivered() const;

 protected:
  FakeReply Handle(const httplib::Request& req, SystemTime now) override;
  FakeReply ProviderError(const std::string& code,
                          const std::string& message) override;

 private:
  const Options options_;
  mutable std::mutex mu_;  // guards everything below
  std::vector<Delivery> delivered_;
  std::set<std::string> seen_keys_;
  SlidingWindow window_;
};

}  // namespace duban::fakes
