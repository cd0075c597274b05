// Feishu / Lark custom bot (reference/channels.md §3).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "notify/channels/robots.h"
#include "notify/channels/signing.h"
#include "notify/channels/text_util.h"

namespace duban::notify {
namespace {

constexpr char kCutMarker[] = "\n…（内容过长，已截断）";

// An interactive card: its lark_md element renders the markdown the robot
// templates produce, which the text and post types would show raw.
nlohmann::json Card(const std::string& title, const std::string& text) {
  return {{"config", {{"wide_screen_mode", true}}},
          {"header", {{"title", {{"tag", "plain_text"}, {"content", title}}}}},
          {"elements", {{{"tag", "div"}, {"text", {{"tag", "lark_md"}, {"content", text}}}}}}};
}

}  // namespace

FeishuChannel::FeishuChannel(RobotOptions options, ChannelDeps deps)
    : HttpChannel(options.name, std::move(deps), {options.token, options.secret}),
      options_(std::move(options)) {
  if (options_.url.empty()) options_.url = kDefaultUrl;
  if (options_.url.back() != '/') options_.url += '/';
}

void FeishuChannel::Send(const store::OutboxRow& row, std::function<void(SendResult)> done) {
  if (!TakeTokens("", 1, done)) return;
  std::string text = row.body;
  if (!options_.keyword.empty() && text.find(options_.keyword) == std::string::npos) {
    text = options_.keyword + "\n" + text;
  }
  if (options_.mention) {
    // A custom bot can mention only by open_id, never by mobile.
    if (auto contact = FindContact(row.recipient); contact && !contact->feishu_open_id.empty()) {
      text += fmt::format("\n<at id={}></at>", contact->feishu_open_id);
    }
  }
  const std::string title = TitleOf(row.title, row.body);
  nlohmann::json body;
  // The whole body must stay within 20 KB: cut the text until it does.
  size_t budget = kMaxBodyBytes - 2048;
  while (true) {
    body = {{"msg_type", "interactive"},
            {"card", Card(title, TruncateUtf8Bytes(text, budget, kCutMarker))}};
    if (!options_.secret.empty()) {
      const int64_t ts = ToUnixMillis(Now()) / 1000;
      body["timestamp"] = std::to_string(ts);
      body["sign"] = FeishuSign(options_.secret, ts);
    }
    if (body.dump().size() <= kMaxBodyBytes || budget < 1024) break;
    budget = budget * 3 / 4;
  }
  HttpRequest req;
  req.url = options_.url + UrlEncode(options_.token);
  req.headers = {{"Content-Type", "application/json"}};
  req.body = body.dump();
  req.timeout = options_.timeout;
  Fetch(std::move(req), [this, done](HttpResponse r) { Finish(done, Judge(r)); });
}

// The code table of channels.md §3. Read `code`; `StatusCode` is legacy.
// 9499 is both "bad request" and, with msg "too many request", a rate limit.
SendResult FeishuChannel::Judge(const HttpResponse& r) {
  const SystemTime now = Now();
  // 429 is judged below: Feishu's 11232 may come with it and a body.
  if (!r.complete() || r.status >= 500) return *TransportOutcome(r, now);
  const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  const char* field = j.is_object() && j.contains("code") ? "code" : "StatusCode";
  if (!j.is_object() || !j.contains(field) || !j[field].is_number_integer()) {
    if (auto t = TransportOutcome(r, now)) return *t;  // 429 without a body
    const std::string what = fmt::format("HTTP {}, not a Feishu answer: {}", r.status,
                                         BodySnippet(r.body, 120));
    return r.status >= 400 ? Broken(what + " (check the channel's url)") : RetrySoon(what);
  }
  const int code = j[field].get<int>();
  const std::string msg = j.value("msg", j.value("StatusMessage", ""));
  const std::string detail = fmt::format("code {}: {}", code, msg);
  const Millis wait = std::chrono::minutes(1);
  switch (code) {
    case 0:
      return Sent("", detail);
    case 11232:
      if (deps_.limiter) deps_.limiter->Block("", wait);
      return RetryAfter(now + wait, detail);
    case 9499:
      if (msg.find("too many request") != std::string::npos) {
        if (deps_.limiter) deps_.limiter->Block("", wait);
        return RetryAfter(now + wait, detail);
      }
      return Rejected(detail + " (malformed or over 20 KB)");
    case 19021:
      return Broken(detail + ClockHint(r, now));
    case 19022:
    case 19001:
      return Broken(detail);
    case 19024:
      return Rejected(detail + " (the message lacks the bot's keyword)");
    default:
      if (r.status == 429) return *TransportOutcome(r, now);
      return RetrySoon("unknown " + detail);
  }
}

}  // namespace duban::notify
