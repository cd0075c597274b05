// HttpClient: outgoing HTTP(S) for the network channels, on libcurl's multi
// interface driven by one thread of its own, so the Asio loop never blocks
// on the network. Connections (and TLS sessions, DNS answers) are reused
// across requests; at most `max_in_flight` transfers run at once and the
// rest wait in a FIFO queue; every request has its own total timeout.
//
// Completions are handed back through the `post` function the owner
// supplies (app passes one that queues onto the loop), so a channel's
// callback runs on the loop thread, never on the curl thread.
//
// Threads: Fetch() may be called from any thread. The destructor must run
// on the thread that `post` delivers to (the loop thread): it stops the curl
// thread and guarantees that no callback runs afterwards, not even one
// already posted. Requests unfinished at that point are abandoned without a
// callback, so destroy the client before anything its callbacks reference.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace duban::notify {

struct HttpRequest {
  std::string method = "POST";  // GET, POST, PUT, DELETE
  std::string url;
  // In order; a header given here replaces curl's own (Host, Content-Type).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  Millis timeout{std::chrono::seconds(10)};  // the whole transfer
};

struct HttpResponse {
  enum class Error {
    kNone,       // a complete HTTP response arrived (any status)
    kTimeout,    // no complete answer in time: the request may have arrived
    kConnect,    // could not resolve or connect: the request never left
    kTransport,  // broken mid-way (reset, truncated body): may have arrived
  };
  Error error = Error::kNone;
  std::string error_text;  // curl's message when error != kNone
  int status = 0;          // HTTP status; 0 without a response
  std::map<std::string, std::string> headers;  // names lowercased; last wins
  std::string body;
  Millis elapsed{0};  // real time the transfer took, for logs
  int new_connections = 0;  // connections opened for it: 0 = one was reused

  bool complete() const { return error == Error::kNone; }
  // The header's value, or "" (`name` in lowercase).
  std::string Header(const std::string& name) const;
};

struct HttpClientOptions {
  int max_in_flight = 8;           // concurrent transfers, all hosts
  int max_per_host = 4;            // concurrent connections to one host
  Millis connect_timeout{std::chrono::seconds(5)};
  size_t max_response_bytes = 1 << 20;  // larger bodies fail as kTransport
  std::string user_agent = "duban/" DUBAN_VERSION;
};

class HttpClient {
 public:
  using PostFn = std::function<void(std::function<void()>)>;
  using Done = std::function<void(HttpResponse)>;

  // Starts the curl thread. kInternal when libcurl cannot be initialised.
  // REQUIRES: `post` is callable from any thread.
  static Result<std::unique_ptr<HttpClient>> Create(HttpClientOptions options, PostFn post);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Queues `request`; `done` is later posted with the response or the
  // transport error. Any thread.
  void Fetch(HttpRequest request, Done done);

  // Transfers queued or running (tests, `channel list`). Any thread.
  int pending() const;

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// "host[:port]" of an absolute URL ("https://a.b:8443/x?y" -> "a.b:8443"),
// as sent in the Host header; "" when `url` has no scheme.
std::string UrlAuthority(const std::string& url);

}  // namespace duban::notify
