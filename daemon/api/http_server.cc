#include "api/api.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "api/auth.h"
#include "api/ics_feed.h"
#include "api/json_reply.h"
#include "api/server_impl.h"
#include "store/store.h"

namespace duban::api {
namespace {

bool IsJsonType(const std::string& content_type) {
  std::string t = content_type.substr(0, content_type.find(';'));
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t == "application/json" || (t.rfind("application/", 0) == 0 && t.ends_with("+json"));
}

void WriteReply(httplib::Response& res, const Reply& r) {
  res.status = r.status;
  // Replace rather than throw on text that is not UTF-8 (it can only come
  // from data imported before validation existed).
  nlohmann::json deferred;
  if (r.deferred_body) deferred = r.deferred_body();
  const nlohmann::json& body = r.deferred_body ? deferred : r.body;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
  if (!r.location.empty()) res.set_header("Location", r.location);
  if (r.status == 401) res.set_header("WWW-Authenticate", "Bearer realm=\"duban\"");
  res.set_header("Cache-Control", "no-store");
}

void RegisterHealth(HttpServer::Impl& s);

}  // namespace

std::string ApiCall::UnknownQuery(std::initializer_list<const char*> allowed) const {
  for (const auto& entry : query) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const std::string& key = entry.first;
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
      return key;
    }
  }
  return "";
}

std::string UnknownMemberOf(const nlohmann::json& obj, std::initializer_list<const char*> allowed) {
  if (!obj.is_object()) return "";
  for (const auto& member : obj.items()) {
    const std::string& key = member.key();
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
      return key;
    }
  }
  return "";
}

Result<std::string> TextMemberOf(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return std::string();
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) return Status::InvalidArgument(fmt::format("{}: expected text", key));
  return it->get<std::string>();
}

std::string ApiCall::UnknownMember(std::initializer_list<const char*> allowed) const {
  return UnknownMemberOf(body, allowed);
}

Result<std::string> ApiCall::BodyText(const char* key) const { return TextMemberOf(body, key); }

std::string HttpServer::Impl::RouteLabel(const std::string& method,
                                         const std::string& path) const {
  for (const auto& r : routes) {
    if (r.method == method && std::regex_match(path, r.pattern)) return r.doc_path;
  }
  return "other";
}

void HttpServer::Impl::Raw(const std::string& method, const std::string& pattern,
                           const std::string& doc_path, httplib::Server::Handler handler) {
  routes.push_back({method, doc_path, std::regex(pattern)});
  if (method == "GET") {
    server.Get(pattern, std::move(handler));
  } else if (method == "POST") {
    server.Post(pattern, std::move(handler));
  } else if (method == "DELETE") {
    server.Delete(pattern, std::move(handler));
  } else {
    server.Put(pattern, std::move(handler));
  }
}

// Checks what can be checked without state on the worker thread (content
// type, JSON, the Authorization header's form), then authenticates and runs
// the handler on the loop. Denials are logged with the token id only.
void HttpServer::Impl::Api(const std::string& method, const std::string& pattern,
                           const std::string& doc_path, ApiHandler handler) {
  auto serve = [this, method, doc_path, handler = std::move(handler)](
                   const httplib::Request& req, httplib::Response& res) {
    auto finish = [&](const Reply& r, const std::string& who) {
      if (r.status == 401 || r.status == 403) {
        Log(LogLevel::kWarn,
            fmt::format("api: refused {} {} for {} ({}): {}", method, req.path, who, r.status,
                        r.log_note.empty() ? r.body.value("detail", "") : r.log_note));
      } else if (r.status >= 500) {
        Log(LogLevel::kError, fmt::format("api: {} {} failed ({}): {}", method, req.path,
                                          r.status, r.log_note));
      }
      WriteReply(res, r);
    };
    if (deps.engine == nullptr || deps.clock == nullptr || deps.store == nullptr) {
      return finish(Reply::Error(503, "unavailable", "the API is not enabled in this process"),
                    "anyone");
    }
    auto call = std::make_shared<ApiCall>();
    if (!req.body.empty()) {
      if (!IsJsonType(req.get_header_value("Content-Type"))) {
        return finish(Reply::Error(415, "unsupported_media_type",
                                   "send the body as JSON with Content-Type: application/json"),
                      "anyone");
      }
      call->body = nlohmann::json::parse(req.body, nullptr, false);
      if (call->body.is_discarded()) {
        return finish(Reply::Error(400, "bad_request", "the body is not well-formed JSON"),
                      "anyone");
      }
      if (!call->body.is_object()) {
        return finish(Reply::Error(400, "bad_request", "the body must be a JSON object"),
                      "anyone");
      }
    }
    if (call->body.is_null()) call->body = nlohmann::json::object();
    auto presented = ParseBearer(req.get_header_value("Authorization"));
    if (!presented) {
      Reply r = Reply::Error(401, "unauthorized",
                             "send Authorization: Bearer dbn_<id>_<secret> (see docs/api.md)");
      r.log_note = req.has_header("Authorization") ? "malformed Authorization header"
                                                   : "no Authorization header";
      return finish(r, "no token");
    }
    for (size_t i = 1; i < req.matches.size(); ++i) call->captures.push_back(req.matches[i]);
    call->query.insert(req.params.begin(), req.params.end());
    const std::string token_id = presented->id;
    auto reply = RunOnLoop<Reply>(
        deps.post, options.loop_timeout,
        [this, call, secret = std::move(*presented), &handler]() -> Reply {
          call->now = deps.clock->Now();
          auto stored = deps.store->FindToken(secret.id);
          if (!stored.ok()) return Reply::FromStatus(stored.status());
          const TokenCheck check = CheckToken(secret, *stored, call->now);
          if (check != TokenCheck::kOk) {
            Reply r = Reply::Error(401, "unauthorized", "the token is unknown, expired or revoked");
            r.log_note = TokenCheckName(check);
            return r;
          }
          call->token = **stored;
          call->actor = ActorFor(call->token);
          try {
            return handler(*call);
          } catch (const std::exception& e) {
            Reply r = Reply::Error(500, "internal", "internal error; see the daemon log");
            r.log_note = e.what();
            return r;
          }
        });
    if (!reply) {
      return finish(Reply::Error(503, "unavailable", "the daemon did not answer in time; retry"),
                    "token " + token_id);
    }
    finish(*reply, "token " + token_id);
  };
  Raw(method, pattern, doc_path, std::move(serve));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

int HttpServer::port() const { return impl_->port; }

std::string HttpServer::public_url() const { return impl_->public_url; }

std::vector<RouteInfo> HttpServer::routes() const {
  std::vector<RouteInfo> out;
  for (const auto& r : impl_->routes) out.push_back({r.method, r.doc_path});
  return out;
}

Result<std::unique_ptr<HttpServer>> HttpServer::Create(const Options& options, Deps deps) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->deps = std::move(deps);
  httplib::Server& srv = impl->server;
  const int threads = options.threads;
  srv.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  srv.set_payload_max_length(options.max_body_bytes);
  srv.set_read_timeout(options.read_timeout);
  srv.set_write_timeout(options.write_timeout);
  srv.set_keep_alive_timeout(5);
  // Answers are small and written in pieces: without this, Nagle's algorithm
  // holds the last piece for the client's delayed ACK (~40 ms per request,
  // measured by duban-bench's ingest scenario).
  srv.set_tcp_nodelay(true);
  Metrics* metrics = impl->deps.metrics;
  metrics->Describe("duban_http_requests_total", "counter",
                    "HTTP requests served, by method, route and status code.");
  // Counted before the response is written (the logger runs after), so a
  // client that reads /metrics right after a request sees it counted. The
  // label is the route, never the raw path, so a client cannot grow the
  // metric without bound.
  Impl* raw = impl.get();
  srv.set_post_routing_handler([metrics, raw](const httplib::Request& req,
                                              httplib::Response& res) {
    metrics->Increment("duban_http_requests_total",
                       {{"method", req.method},
                        {"route", raw->RouteLabel(req.method, req.path)},
                        {"code", std::to_string(res.status)}});
  });
  srv.set_exception_handler([raw](const httplib::Request& req, httplib::Response& res,
                                  std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    raw->Log(LogLevel::kError, fmt::format("http: {} {} threw: {}", req.method, req.path, what));
    ReplyError(res, 500, "internal", "internal error; see the daemon log");
  });
  srv.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    switch (res.status) {
      case 404:
        ReplyError(res, 404, "not_found", "no such endpoint");
        break;
      case 413:
        ReplyError(res, 413, "payload_too_large", "the request body is over the size limit");
        break;
      case 400:
        ReplyError(res, 400, "bad_request", "the request is malformed");
        break;
      case 405:
        ReplyError(res, 405, "method_not_allowed", "this endpoint does not take that method");
        break;
      default:
        ReplyError(res, res.status, "http_error", "request refused");
        break;
    }
  });
  RegisterHealth(*impl);
  RegisterItemRoutes(*impl);
  RegisterDirectoryRoutes(*impl);
  RegisterOutboxRoutes(*impl);
  RegisterLinkRoutes(*impl);
  RegisterIcsRoutes(*impl);
  RegisterSpotCheckRoutes(*impl);
  RegisterDashboardRoutes(*impl);

  if (options.port == 0) {
    impl->port = srv.bind_to_any_port(options.host);
  } else {
    impl->port = srv.bind_to_port(options.host, options.port) ? options.port : -1;
  }
  if (impl->port <= 0) {
    return Status::Unavailable(
        fmt::format("cannot listen on {}:{}", options.host, options.port),
        "is another program using the port, or is the address wrong?");
  }
  impl->public_url = options.public_url;
  while (!impl->public_url.empty() && impl->public_url.back() == '/') impl->public_url.pop_back();
  if (impl->public_url.empty()) {
    const bool v6 = options.host.find(':') != std::string::npos;
    impl->public_url = fmt::format("http://{}{}{}:{}", v6 ? "[" : "", options.host,
                                   v6 ? "]" : "", impl->port);
    if (options.host == "0.0.0.0" || options.host == "::") {
      impl->Log(LogLevel::kWarn,
                fmt::format("action links will point at {}, which no phone can open; set "
                            "server.public_url",
                            impl->public_url));
    }
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

void HttpServer::Start() {
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
}

void HttpServer::Stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

namespace {

void RegisterHealth(HttpServer::Impl& s) {
  s.Raw("GET", "/healthz", "/healthz", [&s](const httplib::Request&, httplib::Response& res) {
    auto db = RunOnLoop<std::pair<Status, std::string>>(s.deps.post, s.options.loop_timeout, [&s] {
      return std::make_pair(s.deps.store->Ping(), s.deps.trouble ? s.deps.trouble() : "");
    });
    nlohmann::json body = {
        {"version", DUBAN_VERSION},
        {"uptime_seconds", s.deps.uptime_seconds ? s.deps.uptime_seconds() : 0.0},
        {"clock", s.deps.clock_kind},
    };
    // Reads can still work while writes fail (a full disk): both are told.
    const bool ok = db.has_value() && db->first.ok() && db->second.empty();
    body["status"] = ok ? "ok" : "degraded";
    body["database"] = !db.has_value() ? "timeout" : (db->first.ok() ? "ok" : db->first.message());
    if (db.has_value() && !db->second.empty()) body["work"] = db->second;
    res.status = ok ? 200 : 503;
    res.set_content(body.dump(), "application/json");
  });
  s.Raw("GET", "/metrics", "/metrics", [&s](const httplib::Request&, httplib::Response& res) {
    res.set_content(s.deps.metrics->Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace
}  // namespace duban::api
