// WeCom (企业微信) group robot (reference/channels.md §2).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "notify/channels/robots.h"
#include "notify/channels/signing.h"
#include "notify/channels/text_util.h"

namespace duban::notify {
namespace {

constexpr char kCutMarker[] = "\n…（内容过长，已截断，完整内容请登录督办查看）";

}  // namespace

WeComChannel::WeComChannel(RobotOptions options, ChannelDeps deps)
    : HttpChannel(options.name, std::move(deps), {options.token}), options_(std::move(options)) {
  if (options_.url.empty()) options_.url = kDefaultUrl;
}

HttpRequest WeComChannel::Post(std::string body) const {
  HttpRequest req;
  req.url = options_.url + (options_.url.find('?') == std::string::npos ? "?" : "&") + "key=" +
            UrlEncode(options_.token);
  req.headers = {{"Content-Type", "application/json"}};
  req.body = std::move(body);
  req.timeout = options_.timeout;
  return req;
}

void WeComChannel::Send(const store::OutboxRow& row, std::function<void(SendResult)> done) {
  // WeCom markdown cannot mention by mobile; a short text message that does
  // follows it, so such a row costs two of the robot's 20 a minute.
  std::string mobile;
  std::string who;
  if (options_.mention) {
    if (auto contact = FindContact(row.recipient)) {
      if (auto m = MainlandMobile(contact->mobile)) {
        mobile = *m;
        who = contact->name;
      }
    }
  }
  if (!TakeTokens("", mobile.empty() ? 1 : 2, done)) return;
  std::string content = row.body;
  if (!options_.keyword.empty() && content.find(options_.keyword) == std::string::npos) {
    content = options_.keyword + "\n" + content;
  }
  // The 4096-byte limit is on UTF-8 bytes: cut at a character, never fail.
  content = TruncateUtf8Bytes(content, kMarkdownMaxBytes, kCutMarker);
  const nlohmann::json markdown = {{"msgtype", "markdown"}, {"markdown", {{"content", content}}}};
  Fetch(Post(markdown.dump()), [this, done, mobile, who](HttpResponse r) {
    SendResult first = Judge(r);
    if (first.kind != SendResult::Kind::kSent || mobile.empty()) {
      Finish(done, std::move(first));
      return;
    }
    const std::string text =
        Utf8PrefixBytes(fmt::format("{}，请查看上面的督办消息。", who.empty() ? "您好" : who),
                        kTextMaxBytes);
    const nlohmann::json mention = {
        {"msgtype", "text"},
        {"text", {{"content", text}, {"mentioned_mobile_list", {mobile}}}}};
    Fetch(Post(mention.dump()), [this, done, first](HttpResponse r2) {
      SendResult second = Judge(r2);
      SendResult out = first;
      // The markdown is delivered either way: resending it would duplicate
      // it, so a failed mention is reported, not retried.
      out.detail = second.kind == SendResult::Kind::kSent
                       ? first.detail + "; @mention sent"
                       : first.detail + "; @mention not delivered: " + second.detail;
      Finish(done, std::move(out));
    });
  });
}

// The errcode table of channels.md §2; match on errcode, not errmsg (it
// carries a hint and the caller's address).
SendResult WeComChannel::Judge(const HttpResponse& r) {
  const SystemTime now = Now();
  if (auto t = TransportOutcome(r, now)) return *t;
  const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("errcode") || !j["errcode"].is_number_integer()) {
    const std::string what = fmt::format("HTTP {}, not a WeCom answer: {}", r.status,
                                         BodySnippet(r.body, 120));
    return r.status >= 400 ? Broken(what + " (check the channel's url)") : RetrySoon(what);
  }
  const int code = j["errcode"].get<int>();
  std::string msg = j.value("errmsg", "");
  msg = msg.substr(0, msg.find(", hint:"));
  const std::string detail = fmt::format("errcode {}: {}", code, msg);
  switch (code) {
    case 0:
      return Sent("", detail);
    case 45009: {
      // How long WeCom blocks is undocumented: wait for the next minute.
      const Millis wait = std::chrono::minutes(1);
      if (deps_.limiter) deps_.limiter->Block("", wait);
      return RetryAfter(now + wait, detail);
    }
    case -1:
      return RetrySoon(detail);
    case 93000:
      return Broken(detail + " (bad key, or the robot was removed from the group)");
    case 93004:
    case 93008:
      return Broken(detail);
    case 40058:
    case 40008:
    case 44004:
      return Rejected(detail);
    default:
      return RetrySoon("unknown " + detail);
  }
}

}  // namespace duban::notify
