// FakeServer: the machinery every provider fake shares. It runs a
// cpp-httplib server on 127.0.0.1 with an ephemeral port on its own thread,
// keeps a request log and per-idempotency-key delivery counts, and applies
// forced faults ("HTTP 503 on the next 2 calls", "stall the next call").
//
// A provider fake derives from it, implements Handle() and ProviderError(),
// calls Start() at the end of its constructor and Stop() first thing in its
// destructor (so no handler runs while its members are being destroyed).
//
// Threads: Handle() runs on httplib worker threads, several at once. Every
// public method may be called from any thread.
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/clock.h"

namespace duban::fakes {

// What a provider fake decided about one request.
struct FakeReply {
  int http_status = 200;
  std::string body;
  std::string content_type = "application/json;charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string code;             // provider outcome: "0", "130101", "OK", ...
  std::string idempotency_key;  // webhook key, Alibaba OutId, Tencent SessionContext
  int deliveries = 0;           // messages this request actually delivered
};

struct LoggedRequest {
  SystemTime at;  // the fake's clock when the request arrived
  std::string method;
  std::string target;  // raw path and query
  std::string path;
  httplib::Headers headers;
  std::string body;
  std::string remote_addr;
  int http_status = 0;  // what the client was sent (0: connection dropped)
  std::string code;     // provider code the client saw ("" for faults w/o one)
  std::string idempotency_key;
  int deliveries = 0;
  std::string fault;  // "" or the name of the applied fault

  std::string Header(const std::string& name) const;
};

struct Fault {
  enum class Kind { kHttpError, kNonJson, kProviderError, kStall, kDropConnection };
  Kind kind = Kind::kHttpError;
  int http_status = 503;  // kHttpError
  std::string code;       // kProviderError: e.g. "130101", "isv.BUSINESS_LIMIT_CONTROL"
  std::string message;    // kProviderError; empty = the provider's usual text
  // kStall: real time to hold the answer unless ReleaseStalled() comes first.
  Millis stall_limit{std::chrono::seconds(5)};
  // Run the provider logic first, so the request takes effect (the message
  // is sent) even though the client then sees the fault.
  bool handle_first = false;

  static Fault HttpError(int status = 503);
  static Fault NonJson();
  static Fault ProviderError(std::string code, std::string message = {});
  static Fault Stall(Millis limit = std::chrono::seconds(5), bool handle_first = false);
  static Fault DropConnection(bool handle_first = false);
};

class FakeServer {
 public:
  virtual ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  // "http://127.0.0.1:<port>".
  std::string base_url() const;
  int port() const { return port_; }

  // The next `times` requests get `fault` (queued after earlier faults).
  void ForceFault(Fault fault, int times = 1);
  // Drops the faults not yet applied.
  void ClearFaults();
  // Wakes every stalled request; each then answers normally.
  void ReleaseStalled();
  // Blocks until at least `count` requests are stalled or `limit` passes.
  // Returns whether they were.
  bool WaitForStalled(int count, Millis limit = std::chrono::seconds(5));

  std::vector<LoggedRequest> Requests() const;
  size_t RequestCount() const;
  // Messages delivered under an idempotency key ("" = requests without one).
  int DeliveriesFor(const std::string& key) const;
  int TotalDeliveries() const;

 protected:
  // `clock` must outlive this.
  explicit FakeServer(const Clock* clock);
  // REQUIRES: called once, at the end of the most derived constructor.
  void Start();
  // Stops serving and joins; idempotent. REQUIRES: the most derived
  // destructor calls it before touching its members.
  void Stop();

  const Clock* clock() const { return clock_; }

  // The provider logic. Runs on a worker thread; must lock its own state.
  virtual FakeReply Handle(const httplib::Request& req, SystemTime now) = 0;
  // A provider-shaped business error with `code` (`message` may be empty).
  virtual FakeReply ProviderError(const std::string& code,
                                  const std::string& message) = 0;

 private:
  void Serve(const httplib::Request& req, httplib::Response& res);
  bool TakeFault(Fault* fault);
  void StallUntilReleased(Millis limit);
  void CountDeliveries(const FakeReply& reply);
  void Record(LoggedRequest entry);

  const Clock* clock_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex faults_mu_;  // guards faults_
  std::deque<std::pair<Fault, int>> faults_;

  std::mutex stall_mu_;  // guards stalled_, release_generation_, stopping_
  std::condition_variable stall_cv_;
  int stalled_ = 0;
  uint64_t release_generation_ = 0;
  bool stopping_ = false;

  mutable std::mutex log_mu_;  // guards log_ and deliveries_
  std::vector<LoggedRequest> log_;
  std::map<std::string, int> deliveries_;
};

}  // namespace duban::fakes
