// FakeDingTalk: the DingTalk custom group robot (channels.md §1 and §7) on
// loopback. POST /robot/send?access_token=<token>[&timestamp=<ms>&sign=<b64>]
// with a JSON body; answers HTTP 200 with {"errcode":N,"errmsg":"..."}.
//
// Checks, in order: POST on /robot/send (else 43002; other paths HTTP 404),
// Content-Type JSON (43004), known token (300001 token is not exist),
// IP allow-list (310000 ip X not in whitelist), signing when the robot has a
// secret (310000 sign not match: missing, |now-ts| > 1 h, or a different
// Base64 after URL-decoding), the per-token rate limit (20 per sliding 60 s;
// the 21st and everything for the next 10 min get 130101), body size in
// bytes (oversize_errcode, UNCONFIRMED upstream), JSON (40035), msgtype
// (400105), per-msgtype required fields (40035), keywords (310000 keywords
// not in content). Only accepted messages count toward the rate limit.
//
// Threads: as FakeServer; every public method may be called from any thread.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "fakes/fake_server.h"
#include "fakes/fake_util.h"

namespace duban::fakes {

class FakeDingTalk final : public FakeServer {
 public:
  struct Robot {
    std::string secret{};                 // empty: no signing
    std::vector<std::string> keywords{};  // empty: no keyword mode
    std::vector<std::string> ip_allowlist{};
  };
  struct Options {
    std::map<std::string, Robot> robots{};  // by access_token
    int per_minute = 20;
    Millis throttle{std::chrono::minutes(10)};
    Millis max_skew{std::chrono::hours(1)};
    size_t max_body_bytes = 20000;
    int oversize_errcode = 460101;  // UNCONFIRMED (channels.md §8)
  };
  struct Message {
    std::string token;
    std::string msgtype;
    nlohmann::json body;
    SystemTime at;
  };

  // `clock` must outlive this.
  FakeDingTalk(const Clock* clock, Options options);
  ~FakeDingTalk() override;

  // base_url() + "/robot/send?access_token=<token>".
  std::string SendUrl(const std::string& token) const;
  std::vector<Message> Delivered() const;

 protected:
  FakeReply Handle(const httplib::Request& req, SystemTime now) override;
  FakeReply ProviderError(const std::string& code,
                          const std::string& message) override;

 private:
  const Options options_;
  mutable std::mutex mu_;  // guards everything below
  std::vector<Message> delivered_;
  SlidingWindow window_;                          // accepted sends per token
  std::map<std::string, SystemTime> throttled_;   // token -> blocked until
};

}  // namespace duban::fakes
