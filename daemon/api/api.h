// HttpServer: inbound HTTP (cpp-httplib) for /healthz, /metrics and, as later
// issues add them, the JSON API under /api/v1 and the dashboard.
//
// httplib runs its handlers on its own worker threads. Handlers never touch
// engine or store state directly: they hand work to the loop with `post` and
// wait (bounded) for the answer, so the loop stays the only owner of state.
// Create/Start/Stop are called from the thread that owns the App.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/metrics.h"
#include "base/status.h"

namespace duban::store {
class Store;
}

namespace duban::api {

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port; see HttpServer::port()
  int threads = 8;
  size_t max_body_bytes = 1 << 20;
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
  // How long a handler waits for the loop before answering 503.
  std::chrono::milliseconds loop_timeout{5000};
};

struct Deps {
  Metrics* metrics = nullptr;
  // Runs a task on the loop thread. Must be callable from any thread.
  std::function<void(std::function<void()>)> post;
  // Used only inside posted tasks, i.e. on the loop thread.
  store::Store* store = nullptr;
  std::function<double()> uptime_seconds;
  std::string clock_kind;
};

class HttpServer {
 public:
  // Binds the listening socket (so port() is known) but does not serve yet.
  // Fails with kUnavailable when the address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> Create(const Options& options, Deps deps);
  ~HttpServer();

  int port() const;
  // Starts serving on a background thread.
  void Start();
  // Stops accepting, lets in-flight requests finish, joins the thread.
  // Safe to call twice. Must not be called from the loop thread while
  // handlers may be waiting for the loop: it would wait for itself.
  void Stop();

  // Opaque; public only so route files in api/ can register on it.
  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace duban::api
