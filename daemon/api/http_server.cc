#include <httplib.h>

#include <fmt/format.h>

#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/api.h"
#include "api/json_reply.h"
#include "store/store.h"

namespace duban::api {

struct HttpServer::Impl {
  Options options;
  Deps deps;
  httplib::Server server;
  int port = 0;
  std::thread thread;
  bool stopped = false;
};

namespace {

// The label for the request counter: the route, never the raw path, so a
// client cannot grow the metric without bound.
std::string RouteLabel(const httplib::Request& req) {
  static const char* kKnown[] = {"/healthz", "/metrics"};
  for (const char* k : kKnown) {
    if (req.path == k) return k;
  }
  return "other";
}

void RegisterHealth(HttpServer::Impl& s);

}  // namespace

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

int HttpServer::port() const { return impl_->port; }

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
  Metrics* metrics = impl->deps.metrics;
  metrics->Describe("duban_http_requests_total", "counter",
                    "HTTP requests served, by method, route and status code.");
  // Counted before the response is written (the logger runs after), so a
  // client that reads /metrics right after a request sees it counted.
  srv.set_post_routing_handler([metrics](const httplib::Request& req, httplib::Response& res) {
    metrics->Increment("duban_http_requests_total",
                       {{"method", req.method}, {"route", RouteLabel(req)},
                        {"code", std::to_string(res.status)}});
  });
  srv.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                               std::exception_ptr) {
    ReplyError(res, 500, "internal", "internal error; see the daemon log");
  });
  srv.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) {
      ReplyError(res, res.status, res.status == 404 ? "not_found" : "http_error",
                 res.status == 404 ? "no such endpoint" : "request refused");
    }
  });
  RegisterHealth(*impl);

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
  s.server.Get("/healthz", [&s](const httplib::Request&, httplib::Response& res) {
    auto db = RunOnLoop<Status>(s.deps.post, s.options.loop_timeout,
                                [&s] { return s.deps.store->Ping(); });
    nlohmann::json body = {
        {"version", DUBAN_VERSION},
        {"uptime_seconds", s.deps.uptime_seconds ? s.deps.uptime_seconds() : 0.0},
        {"clock", s.deps.clock_kind},
    };
    const bool ok = db.has_value() && db->ok();
    body["status"] = ok ? "ok" : "degraded";
    body["database"] = !db.has_value() ? "timeout" : (db->ok() ? "ok" : db->message());
    res.status = ok ? 200 : 503;
    res.set_content(body.dump(), "application/json");
  });
  s.server.Get("/metrics", [&s](const httplib::Request&, httplib::Response& res) {
    res.set_content(s.deps.metrics->Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace
}  // namespace duban::api
