// The bench's HTTP pieces, in one translation unit so cpp-httplib is
// compiled once: the webhook sink the daemon delivers to, a load client
// that measures the sink alone, and a keep-alive client for the API.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace duban::bench {

// A loopback HTTP server that answers every POST with 200 {"ok":true} and
// counts messages (distinct idempotency keys and duplicates), recording the
// steady-clock time of the first and last arrival. Thread-safe.
class Sink {
 public:
  Sink();
  ~Sink();
  std::string url() const;  // http://127.0.0.1:<port>/hook
  int64_t count() const { return count_.load(); }
  int64_t duplicates() const;
  // Seconds between the first and the last arrival; 0 before two.
  double span_seconds() const;
  std::chrono::steady_clock::time_point first() const;
  void Reset();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<int64_t> count_{0};
};

// Posts webhook-sized JSON bodies to `url` from `clients` keep-alive
// connections for `seconds`; returns the requests answered 200.
int64_t LoadSink(const std::string& url, int clients, double seconds);

// GET http://127.0.0.1:port/path; the status, or -1 when not connected.
int GetStatus(int port, const std::string& path);

// A keep-alive API client: POST JSON with a bearer token.
class ApiClient {
 public:
  ApiClient(int port, std::string token);
  ~ApiClient();
  // Returns the HTTP status (-1 on a connection error); the body in *body.
  int Post(const std::string& path, const std::string& json, std::string* body);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace duban::bench
