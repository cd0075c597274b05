#include "fakes/fake_dingtalk.h"

#include <cstdlib>

#include "notify/channels/signing.h"

namespace duban::fakes {
namespace {

FakeReply Answer(int errcode, const std::string& errmsg) {
  FakeReply r;
  r.body = nlohmann::json{{"errcode", errcode}, {"errmsg", errmsg}}.dump();
  r.code = std::to_string(errcode);
  return r;
}

bool IsNonEmptyString(const nlohmann::json& obj, const char* field) {
  return obj.is_object() && obj.contains(field) && obj[field].is_string() &&
         !obj[field].get<std::string>().empty();
}

// Returns the first missing required field of the message, or "".
std::string MissingField(const std::string& msgtype, const nlohmann::json& body) {
  const nlohmann::json& m = body.contains(msgtype) ? body[msgtype] : nlohmann::json();
  if (!m.is_object()) return msgtype;
  if (msgtype == "text") return IsNonEmptyString(m, "content") ? "" : "content";
  if (msgtype == "markdown") {
    if (!IsNonEmptyString(m, "title")) return "title";
    return IsNonEmptyString(m, "text") ? "" : "text";
  }
  if (msgtype == "link") {
    for (const char* f : {"title", "text", "messageUrl"}) {
      if (!IsNonEmptyString(m, f)) return f;
    }
    return "";
  }
  if (msgtype == "actionCard") {
    for (const char* f : {"title", "text"}) {
      if (!IsNonEmptyString(m, f)) return f;
    }
    const bool single = IsNonEmptyString(m, "singleTitle") && IsNonEmptyString(m, "singleURL");
    const bool buttons = m.contains("btns") && m["btns"].is_array() && !m["btns"].empty();
    return single || buttons ? "" : "singleTitle";
  }
  // feedCard
  return m.contains("links") && m["links"].is_array() && !m["links"].empty() ? ""
                                                                            : "links";
}

}  // namespace

FakeDingTalk::FakeDingTalk(const Clock* clock, Options options)
    : FakeServer(clock), options_(std::move(options)) {
  Start();
}

FakeDingTalk::~FakeDingTalk() { Stop(); }

std::string FakeDingTalk::SendUrl(const std::string& token) const {
  return base_url() + "/robot/send?access_token=" + notify::UrlEncode(token);
}

std::vector<FakeDingTalk::Message> FakeDingTalk::Delivered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return delivered_;
}

FakeReply FakeDingTalk::ProviderError(const std::string& code,
                                      const std::string& message) {
  return Answer(std::atoi(code.c_str()), message.empty() ? "forced error" : message);
}

FakeReply FakeDingTalk::Handle(const httplib::Request& req, SystemTime now) {
  if (TargetPath(req.target) != "/robot/send") {
    FakeReply r;
    r.http_status = 404;
    r.content_type = "text/html";
    r.body = "<html><body>404 Not Found</body></html>";
    r.code = "404";
    return r;
  }
  if (req.method != "POST") return Answer(43002, "需要POST请求");
  if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
    return Answer(43004, "无效的HTTP HEADER Content-Type");
  }
  const auto query = ParseTargetQuery(req.target);
  if (!query) return Answer(40035, "缺少参数 access_token");
  const auto token_it = query->find("access_token");
  const auto robot_it = token_it == query->end()
                            ? options_.robots.end()
                            : options_.robots.find(token_it->second);
  if (robot_it == options_.robots.end()) return Answer(300001, "token is not exist");
  const std::string& token = robot_it->first;
  const Robot& robot = robot_it->second;
  if (!IpAllowed(req.remote_addr, robot.ip_allowlist)) {
    return Answer(310000, "ip " + req.remote_addr + " not in whitelist");
  }
  if (!robot.secret.empty()) {
    const auto ts = query->find("timestamp");
    const auto sign = query->find("sign");
    if (ts == query->end() || sign == query->end()) return Answer(310000, "sign not match");
    char* end = nullptr;
    const long long ts_ms = std::strtoll(ts->second.c_str(), &end, 10);
    if (ts->second.empty() || *end != '\0') return Answer(310000, "sign not match");
    if (std::chrono::abs(now - FromUnixMillis(ts_ms)) > options_.max_skew) {
      return Answer(310000, "sign not match, timestamp is out of range");
    }
    // ParseTargetQuery already URL-decoded `sign`; a client that skipped
    // the encoding step has had its '+' turned into ' ' and fails here.
    if (sign->second != notify::DingTalkSign(robot.secret, ts_ms).base64) {
      return Answer(310000, "sign not match");
    }
  }

  std::lock_guard<std::mutex> lock(mu_);
  const auto blocked = throttled_.find(token);
  if (blocked != throttled_.end() && now < blocked->second) {
    return Answer(130101, "send too fast, exceed 20 times per minute");
  }
  const Millis minute = std::chrono::minutes(1);
  if (window_.Count(token, now, minute) >= options_.per_minute) {
    throttled_[token] = now + options_.throttle;
    return Answer(130101, "send too fast, exceed 20 times per minute");
  }
  if (req.body.size() > options_.max_body_bytes) {
    return Answer(options_.oversize_errcode, "message too long, exceed 20000 bytes");
  }
  const nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return Answer(40035, "缺少参数 json");
  if (!body.contains("msgtype") || !body["msgtype"].is_string()) {
    return Answer(40035, "缺少参数 msgtype");
  }
  const std::string msgtype = body["msgtype"];
  if (msgtype != "text" && msgtype != "markdown" && msgtype != "link" &&
      msgtype != "actionCard" && msgtype != "feedCard") {
    return Answer(400105, "不支持的消息类型");
  }
  if (const std::string missing = MissingField(msgtype, body); !missing.empty()) {
    return Answer(40035, "缺少参数 " + missing);
  }
  if (!robot.keywords.empty()) {
    const std::string content = body[msgtype].dump(-1, ' ', false);
    bool found = false;
    for (const std::string& k : robot.keywords) {
      found = found || content.find(k) != std::string::npos;
    }
    if (!found) return Answer(310000, "keywords not in content");
  }
  window_.Add(token, now);
  window_.Prune(now, minute);
  delivered_.push_back({token, msgtype, body, now});
  FakeReply r = Answer(0, "ok");
  r.deliveries = 1;
  return r;
}

}  // namespace duban::fakes
