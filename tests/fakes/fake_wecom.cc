#include "fakes/fake_wecom.h"

#include <fmt/format.h>

#include <cstdlib>

#include "notify/channels/signing.h"

namespace duban::fakes {
namespace {

// WeCom appends a hint and the caller's address to every error message.
FakeReply Answer(int errcode, const std::string& errmsg) {
  FakeReply r;
  std::string msg = errmsg;
  if (errcode != 0) {
    msg += fmt::format(", hint: [1700000000_fake_{}], from ip: 127.0.0.1, more info "
                       "at https://open.work.weixin.qq.com/devtool/query?e={}",
                       errcode, errcode);
  }
  r.body = nlohmann::json{{"errcode", errcode}, {"errmsg", msg}}.dump();
  r.code = std::to_string(errcode);
  return r;
}

FakeReply Ok() { return Answer(0, "ok"); }

std::vector<std::string> Strings(const nlohmann::json& obj, const char* field) {
  std::vector<std::string> out;
  if (!obj.contains(field) || !obj[field].is_array()) return out;
  for (const auto& v : obj[field]) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

FakeWeCom::FakeWeCom(const Clock* clock, Options options)
    : FakeServer(clock), options_(std::move(options)) {
  Start();
}

FakeWeCom::~FakeWeCom() { Stop(); }

std::string FakeWeCom::SendUrl(const std::string& key) const {
  return base_url() + "/cgi-bin/webhook/send?key=" + notify::UrlEncode(key);
}

std::vector<FakeWeCom::Message> FakeWeCom::Delivered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return delivered_;
}

FakeReply FakeWeCom::ProviderError(const std::string& code,
                                   const std::string& message) {
  return Answer(std::atoi(code.c_str()), message.empty() ? "forced error" : message);
}

// Fills `out` and returns Ok(), or returns the rejection.
FakeReply FakeWeCom::Validate(const nlohmann::json& body, Message* out) const {
  if (!body.contains("msgtype") || !body["msgtype"].is_string()) {
    return Answer(40008, "invalid message type");
  }
  out->msgtype = body["msgtype"];
  out->body = body;
  const std::string& type = out->msgtype;
  if (type == "text" || type == "markdown" || type == "markdown_v2") {
    const nlohmann::json& m = body.contains(type) ? body[type] : nlohmann::json();
    if (!m.is_object() || !m.contains("content") || !m["content"].is_string() ||
        m["content"].get<std::string>().empty()) {
      return Answer(44004, "empty content");
    }
    out->content = m["content"];
    const size_t limit = type == "text" ? options_.max_text_bytes : options_.max_markdown_bytes;
    if (out->content.size() > limit) {
      return Answer(40058, fmt::format("content exceed max length {}", limit));
    }
    out->mentioned_list = Strings(m, "mentioned_list");
    if (type == "text") out->mentioned_mobiles = Strings(m, "mentioned_mobile_list");
    return Ok();
  }
  if (type == "news") {
    const nlohmann::json* articles = nullptr;
    if (body.contains("news") && body["news"].is_object() &&
        body["news"].contains("articles") && body["news"]["articles"].is_array()) {
      articles = &body["news"]["articles"];
    }
    if (articles == nullptr || articles->empty()) {
      return Answer(40058, "missing articles");
    }
    if (articles->size() > 8) return Answer(40058, "articles exceed max count 8");
    nlohmann::json& kept = out->body["news"]["articles"];
    for (auto& a : kept) {
      if (!a.is_object() || !a.contains("title") || !a["title"].is_string() ||
          !a.contains("url") || !a["url"].is_string()) {
        return Answer(40058, "invalid article, title and url required");
      }
      a["title"] = Utf8TruncateBytes(a["title"].get<std::string>(), 128);
      if (a.contains("description") && a["description"].is_string()) {
        a["description"] = Utf8TruncateBytes(a["description"].get<std::string>(), 512);
      }
    }
    return Ok();
  }
  if (type == "image") {
    const nlohmann::json& m = body.contains("image") ? body["image"] : nlohmann::json();
    if (!m.is_object() || !m.contains("base64") || !m.contains("md5")) {
      return Answer(40058, "image base64 and md5 required");
    }
    return Ok();
  }
  if (type == "file" || type == "template_card") {
    return body.contains(type) && body[type].is_object()
               ? Ok()
               : Answer(40058, "missing " + type);
  }
  return Answer(40008, "invalid message type");
}

FakeReply FakeWeCom::Handle(const httplib::Request& req, SystemTime now) {
  if (TargetPath(req.target) != "/cgi-bin/webhook/send" || req.method != "POST") {
    FakeReply r;
    r.http_status = 404;
    r.content_type = "text/html";
    r.body = "<html><body>404 Not Found</body></html>";
    r.code = "404";
    return r;
  }
  const auto query = ParseTargetQuery(req.target);
  std::string key;
  if (query && query->contains("key")) key = query->at("key");
  if (!options_.keys.contains(key)) return Answer(93000, "invalid webhook url");

  std::lock_guard<std::mutex> lock(mu_);
  const Millis minute = std::chrono::minutes(1);
  if (window_.Count(key, now, minute) >= options_.per_minute) {
    return Answer(45009, "api freq out of limit");
  }
  const nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Answer(40058, "invalid parameter, body is not json");
  }
  Message message;
  FakeReply verdict = Validate(body, &message);
  if (verdict.code != "0") return verdict;
  message.key = key;
  message.at = now;
  window_.Add(key, now);
  window_.Prune(now, minute);
  delivered_.push_back(std::move(message));
  verdict.deliveries = 1;
  return verdict;
}

}  // namespace duban::fakes
