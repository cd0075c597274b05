#include "fakes/fake_feishu.h"

#include <cstdlib>

#include "notify/channels/signing.h"

namespace duban::fakes {
namespace {

constexpr char kHookPrefix[] = "/open-apis/bot/v2/hook/";

FakeReply Error(int code, const std::string& msg, int http_status = 200) {
  FakeReply r;
  r.http_status = http_status;
  r.body = nlohmann::json{{"code", code}, {"data", nlohmann::json::object()}, {"msg", msg}}
               .dump();
  r.code = std::to_string(code);
  return r;
}

FakeReply BadRequest() { return Error(9499, "Bad Request", 400); }

FakeReply Success() {
  FakeReply r;
  r.body = nlohmann::json{{"StatusCode", 0},
                          {"StatusMessage", "success"},
                          {"code", 0},
                          {"data", nlohmann::json::object()},
                          {"msg", "success"}}
               .dump();
  r.code = "0";
  r.deliveries = 1;
  return r;
}

// The timestamp field: a decimal string in the docs; numbers are accepted
// too because whether Feishu does is unconfirmed.
std::optional<int64_t> Timestamp(const nlohmann::json& body) {
  if (!body.contains("timestamp")) return std::nullopt;
  const nlohmann::json& ts = body["timestamp"];
  if (ts.is_number_integer()) return ts.get<int64_t>();
  if (!ts.is_string()) return std::nullopt;
  const std::string text = ts.get<std::string>();
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0') return std::nullopt;
  return v;
}

bool HasObject(const nlohmann::json& obj, const char* field) {
  return obj.is_object() && obj.contains(field) && obj[field].is_object();
}

bool ContentOk(const std::string& type, const nlohmann::json& body) {
  if (type == "interactive") return HasObject(body, "card");
  if (!HasObject(body, "content")) return false;
  const nlohmann::json& c = body["content"];
  if (type == "text") return c.contains("text") && c["text"].is_string();
  if (type == "post") return HasObject(c, "post");
  if (type == "image") return c.contains("image_key") && c["image_key"].is_string();
  if (type == "share_chat") return c.contains("share_chat_id") && c["share_chat_id"].is_string();
  return false;
}

}  // namespace

FakeFeishu::FakeFeishu(const Clock* clock, Options options)
    : FakeServer(clock), options_(std::move(options)) {
  Start();
}

FakeFeishu::~FakeFeishu() { Stop(); }

std::string FakeFeishu::HookUrl(const std::string& token) const {
  return base_url() + kHookPrefix + token;
}

std::vector<FakeFeishu::Message> FakeFeishu::Delivered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return delivered_;
}

FakeReply FakeFeishu::ProviderError(const std::string& code,
                                    const std::string& message) {
  const int n = std::atoi(code.c_str());
  const int status = n == 9499 ? 400 : n == 11232 ? options_.rate_limit_http_status : 200;
  return Error(n, message.empty() ? "forced error" : message, status);
}

FakeReply FakeFeishu::Handle(const httplib::Request& req, SystemTime now) {
  const std::string path = TargetPath(req.target);
  if (path.rfind(kHookPrefix, 0) != 0 || req.method != "POST") {
    FakeReply r = Error(404, "404 page not found", 404);
    r.content_type = "text/plain";
    r.body = "404 page not found";
    return r;
  }
  const std::string token = path.substr(sizeof(kHookPrefix) - 1);
  const auto bot_it = options_.bots.find(token);
  if (bot_it == options_.bots.end()) {
    return Error(19001, "param invalid: incoming webhook access token invalid");
  }
  const Bot& bot = bot_it->second;
  if (req.body.size() > options_.max_body_bytes) return BadRequest();
  const nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return BadRequest();
  if (!bot.secret.empty()) {
    const std::optional<int64_t> ts = Timestamp(body);
    const bool sign_ok =
        ts.has_value() && body.contains("sign") && body["sign"].is_string() &&
        std::chrono::abs(now - SystemTime(std::chrono::seconds(*ts))) <= options_.max_skew &&
        body["sign"].get<std::string>() == notify::FeishuSign(bot.secret, *ts);
    if (!sign_ok) {
      return Error(19021,
                   "sign match fail or timestamp is not within one hour from current time");
    }
  }
  if (!IpAllowed(req.remote_addr, bot.ip_allowlist)) return Error(19022, "Ip Not Allowed");

  std::lock_guard<std::mutex> lock(mu_);
  if (window_.Count(token, now, std::chrono::seconds(1)) >= options_.per_second ||
      window_.Count(token, now, std::chrono::minutes(1)) >= options_.per_minute) {
    return Error(11232, "frequency limited psm[lark.oapi.app.platform.runtime]",
                 options_.rate_limit_http_status);
  }
  if (!body.contains("msg_type") || !body["msg_type"].is_string()) return BadRequest();
  const std::string type = body["msg_type"];
  if (!ContentOk(type, body)) return BadRequest();
  if (!bot.keywords.empty()) {
    const std::string text =
        (type == "interactive" ? body["card"] : body["content"]).dump(-1, ' ', false);
    bool found = false;
    for (const std::string& k : bot.keywords) found = found || text.find(k) != std::string::npos;
    if (!found) return Error(19024, "Key Words Not Found");
  }
  window_.Add(token, now);
  window_.Prune(now, std::chrono::minutes(1));
  delivered_.push_back({token, type, body, now});
  return Success();
}

}  // namespace duban::fakes
