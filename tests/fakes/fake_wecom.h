// FakeWeCom: the WeCom (企业微信) group robot (channels.md §2 and §7) on
// loopback. POST /cgi-bin/webhook/send?key=<key> with a JSON body; answers
// HTTP 200 with {"errcode":N,"errmsg":"..., hint: [...], from ip: ..."}.
//
// Checks, in order: the path and POST (else HTTP 404; WeCom documents no
// code for these), a known key (93000 invalid
// webhook url), 20 per sliding 60 s per key (45009 api freq out of limit),
// JSON (40058), msgtype (40008), non-empty content (44004), sizes in UTF-8
// bytes (text 2048, markdown 4096: 40058 content exceed max length N), news
// with 1-8 articles each with a url (40058; title/description over 128/512
// bytes are truncated as WeCom does). mentioned_mobile_list is honoured
// only for text: Delivered() shows it empty for markdown.
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

class FakeWeCom final : public FakeServer {
 public:
  struct Options {
    std::set<std::string> keys{};
    int per_minute = 20;
    size_t max_text_bytes = 2048;
    size_t max_markdown_bytes = 4096;
  };
  struct Message {
    std::string key;
    std::string msgtype;
    std::string content;  // text/markdown content ("" for other types)
    std::vector<std::string> mentioned_list;
    std::vector<std::string> mentioned_mobiles;  // as honoured
    nlohmann::json body;  // news articles already truncated
    SystemTime at;
  };

  // `clock` must outlive this.
  FakeWeCom(const Clock* clock, Options options);
  ~FakeWeCom() override;

  // base_url() + "/cgi-bin/webhook/send?key=<key>".
  std::string SendUrl(const std::string& key) const;
  std::vector<Message> Delivered() const;

 protected:
  FakeReply Handle(const httplib::Request& req, SystemTime now) override;
  FakeReply ProviderError(const std::string& code,
                          const std::string& message) override;

 private:
  FakeReply Validate(const nlohmann::json& body, Message* out) const;

  const Options options_;
  mutable std::mutex mu_;  // guards delivered_ and window_
  std::vector<Message> delivered_;
  SlidingWindow window_;
};

}  // namespace duban::fakes
