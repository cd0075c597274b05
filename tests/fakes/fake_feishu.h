// FakeFeishu: the Feishu / Lark custom bot (channels.md §3 and §7) on
// loopback. POST /open-apis/bot/v2/hook/<token> with a JSON body.
//
// Success is the full legacy-plus-new shape
//   {"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"}
// and errors are {"code":N,"data":{},"msg":"..."}, so a client must read
// `code`. Checks, in order: path and POST (else HTTP 404), a known token
// (19001), body <= 20 KB (9499 Bad Request, HTTP 400), JSON (9499), with a
// secret: `timestamp` (string, or a number: UNCONFIRMED upstream) within
// 3600 s in seconds and `sign` == Base64(HMAC(ts+"\n"+secret, "")) (19021),
// IP allow-list (19022), 5 per sliding second and 100 per sliding minute
// (11232, HTTP rate_limit_http_status), msg_type and its content (9499),
// keywords (19024). Only accepted messages count toward the rate limits.
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

class FakeFeishu final : public FakeServer {
 public:
  struct Bot {
    std::string secret{};                 // empty: no signing
    std::vector<std::string> keywords{};  // empty: no keyword mode
    std::vector<std::string> ip_allowlist{};
  };
  struct Options {
    std::map<std::string, Bot> bots{};  // by hook token
    int per_second = 5;
    int per_minute = 100;
    int rate_limit_http_status = 200;  // some clients see 429 (UNCONFIRMED)
    Millis max_skew{std::chrono::hours(1)};
    size_t max_body_bytes = 20 * 1024;
  };
  struct Message {
    std::string token;
    std::string msg_type;
    nlohmann::json body;
    SystemTime at;
  };

  // `clock` must outlive this.
  FakeFeishu(const Clock* clock, Options options);
  ~FakeFeishu() override;

  // base_url() + "/open-apis/bot/v2/hook/<token>".
  std::string HookUrl(const std::string& token) const;
  std::vector<Message> Delivered() const;

 protected:
  FakeReply Handle(const httplib::Request& req, SystemTime now) override;
  FakeReply ProviderError(const std::string& code,
                          const std::string& message) override;

 private:
  const Options options_;
  mutable std::mutex mu_;  // guards delivered_ and window_
  std::vector<Message> delivered_;
  SlidingWindow window_;  // accepted sends per token
};

}  // namespace duban::fakes
