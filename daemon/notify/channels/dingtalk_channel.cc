// DingTalk custom group robot (reference/channels.md §1).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "notify/channels/robots.h"
#include "notify/channels/signing.h"
#include "notify/channels/text_util.h"

namespace duban::notify {
namespace {

// DingTalk rejects bodies over 20 000 bytes; stay well under.
constexpr size_t kMaxTextBytes = 18000;
constexpr char kCutMarker[] = "\n\n…（内容过长，已截断）";

}  // namespace

std::vector<RateLimit> DefaultRobotLimits(const std::string& type, int per_minute) {
  const Millis minute = std::chrono::minutes(1);
  if (type == "feishu") {
    return {{per_minute > 0 ? per_minute : 100, minute}, {5, std::chrono::seconds(1)}};
  }
  return {{per_minute > 0 ? per_minute : 20, minute}};
}

DingTalkChannel::DingTalkChannel(RobotOptions options, ChannelDeps deps)
    : HttpChannel(options.name, std::move(deps), {options.token, options.secret}),
      options_(std::move(options)) {
  if (options_.url.empty()) options_.url = kDefaultUrl;
}

void DingTalkChannel::Send(const store::OutboxRow& row, std::function<void(SendResult)> done) {
  if (!TakeTokens("", 1, done)) return;
  std::string text = row.body;
  if (!options_.keyword.empty() && text.find(options_.keyword) == std::string::npos) {
    text = options_.keyword + "\n\n" + text;
  }
  nlohmann::json at_mobiles = nlohmann::json::array();
  if (options_.mention) {
    if (auto contact = FindContact(row.recipient)) {
      if (auto mobile = MainlandMobile(contact->mobile)) {
        at_mobiles.push_back(*mobile);
        // DingTalk highlights the mention only when "@<mobile>" is in the text too.
        text += "\n\n@" + *mobile;
      }
    }
  }
  text = TruncateUtf8Bytes(text, kMaxTextBytes, kCutMarker);
  const nlohmann::json body = {
      {"msgtype", "markdown"},
      {"markdown", {{"title", TitleOf(row.title, row.body)}, {"text", text}}},
      {"at", {{"atMobiles", at_mobiles}, {"isAtAll", false}}}};

  HttpRequest req;
  req.url = options_.url + (options_.url.find('?') == std::string::npos ? "?" : "&") +
            "access_token=" + UrlEncode(options_.token);
  if (!options_.secret.empty()) {
    const int64_t ts = ToUnixMillis(Now());
    req.url += fmt::format("&timestamp={}&sign={}", ts, DingTalkSign(options_.secret, ts).url_encoded);
  }
  req.headers = {{"Content-Type", "application/json;charset=utf-8"}};
  req.body = body.dump();
  req.timeout = options_.timeout;
  Fetch(std::move(req), [this, done](HttpResponse r) { Finish(done, Judge(r)); });
}

// The errcode table of channels.md §1. 310000 has three causes, told apart
// by errmsg.
SendResult DingTalkChannel::Judge(const HttpResponse& r) {
  const SystemTime now = Now();
  if (auto t = TransportOutcome(r, now)) return *t;
  const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("errcode") || !j["errcode"].is_number_integer()) {
    const std::string what = fmt::format("HTTP {}, not a DingTalk answer: {}", r.status,
                                         BodySnippet(r.body, 120));
    // A 4xx page means the url is wrong; anything else may be a gateway hiccup.
    return r.status >= 400 ? Broken(what + " (check the channel's url)") : RetrySoon(what);
  }
  const int code = j["errcode"].get<int>();
  const std::string msg = j.value("errmsg", "");
  const std::string detail = fmt::format("errcode {}: {}", code, msg);
  switch (code) {
    case 0:
      return Sent("", detail);
    case 130101:
    case 410100:
      // DingTalk blocks the whole robot for 10 minutes: hold every row.
      if (deps_.limiter) deps_.limiter->Block("", kThrottle);
      return RetryAfter(now + kThrottle, detail + " (robot throttled for 10 min)");
    case -1:
    case 500100:
      return RetrySoon(detail);
    case 310000:
      if (msg.find("keyword") != std::string::npos) {
        return Rejected(detail + " (the message lacks the robot's keyword)");
      }
      if (msg.find("sign") != std::string::npos) return Broken(detail + ClockHint(r, now));
      return Broken(detail);
    case 300001:
    case 300005:
    case 400101:
    case 400102:
    case 400106:
    case 400013:
      return Broken(detail);
    case 40035:
    case 43002:
    case 43004:
    case 400105:
      return Rejected(detail);
    default:
      if (msg.find("too long") != std::string::npos) return Rejected(detail);
      return RetrySoon("unknown " + detail);
  }
}

}  // namespace duban::notify
