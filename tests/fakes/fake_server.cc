#include "fakes/fake_server.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/check.h"

namespace duban::fakes {
namespace {

const char* FaultName(Fault::Kind kind) {
  switch (kind) {
    case Fault::Kind::kHttpError: return "http_error";
    case Fault::Kind::kNonJson: return "non_json";
    case Fault::Kind::kProviderError: return "provider_error";
    case Fault::Kind::kStall: return "stall";
    case Fault::Kind::kDropConnection: return "drop_connection";
  }
  return "?";
}

void Apply(const FakeReply& reply, httplib::Response& res) {
  res.status = reply.http_status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  res.set_content(reply.body, reply.content_type);
}

}  // namespace

std::string LoggedRequest::Header(const std::string& name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

Fault Fault::HttpError(int status) {
  Fault f;
  f.kind = Kind::kHttpError;
  f.http_status = status;
  return f;
}

Fault Fault::NonJson() {
  Fault f;
  f.kind = Kind::kNonJson;
  return f;
}

Fault Fault::ProviderError(std::string code, std::string message) {
  Fault f;
  f.kind = Kind::kProviderError;
  f.code = std::move(code);
  f.message = std::move(message);
  return f;
}

Fault Fault::Stall(Millis limit, bool handle_first) {
  Fault f;
  f.kind = Kind::kStall;
  f.stall_limit = limit;
  f.handle_first = handle_first;
  return f;
}

Fault Fault::DropConnection(bool handle_first) {
  Fault f;
  f.kind = Kind::kDropConnection;
  f.handle_first = handle_first;
  return f;
}

FakeServer::FakeServer(const Clock* clock) : clock_(clock) {
  DUBAN_CHECK(clock_ != nullptr);
}

FakeServer::~FakeServer() { Stop(); }

void FakeServer::Start() {
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    Serve(req, res);
  };
  // Bodies are read through a ContentReader because httplib answers 413 on
  // its own to form-urlencoded bodies over 8 KB, which a real SMS request
  // with many numbers exceeds; the fakes apply their own limits instead.
  auto with_body = [this](const httplib::Request& req, httplib::Response& res,
                          const httplib::ContentReader& reader) {
    httplib::Request full = req;
    full.body.clear();
    reader([&](const char* data, size_t n) {
      full.body.append(data, n);
      return true;
    });
    Serve(full, res);
  };
  server_.Get(".*", handler);
  server_.Post(".*", with_body);
  server_.Put(".*", with_body);
  server_.Delete(".*", with_body);
  // Idle keep-alive connections hold a worker until this timeout; keep it
  // short so Stop() never waits long on a client that keeps its socket.
  server_.set_keep_alive_timeout(1);
  port_ = server_.bind_to_any_port("127.0.0.1");
  DUBAN_CHECK(port_ > 0);
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // stop() is a no-op until the listen loop runs, so wait for it; otherwise a
  // Stop() right after Start() could leave the thread listening forever.
  // The socket already accepts connections, so clients never see this.
  while (!server_.is_running()) std::this_thread::yield();
}

void FakeServer::Stop() {
  {
    std::lock_guard<std::mutex> lock(stall_mu_);
    stopping_ = true;
  }
  stall_cv_.notify_all();
  if (thread_.joinable()) {
    server_.stop();
    thread_.join();
  }
}

std::string FakeServer::base_url() const {
  return fmt::format("http://127.0.0.1:{}", port_);
}

void FakeServer::ForceFault(Fault fault, int times) {
  if (times <= 0) return;
  std::lock_guard<std::mutex> lock(faults_mu_);
  faults_.emplace_back(std::move(fault), times);
}

void FakeServer::ClearFaults() {
  std::lock_guard<std::mutex> lock(faults_mu_);
  faults_.clear();
}

bool FakeServer::TakeFault(Fault* fault) {
  std::lock_guard<std::mutex> lock(faults_mu_);
  if (faults_.empty()) return false;
  *fault = faults_.front().first;
  if (--faults_.front().second == 0) faults_.pop_front();
  return true;
}

void FakeServer::ReleaseStalled() {
  {
    std::lock_guard<std::mutex> lock(stall_mu_);
    ++release_generation_;
  }
  stall_cv_.notify_all();
}

bool FakeServer::WaitForStalled(int count, Millis limit) {
  std::unique_lock<std::mutex> lock(stall_mu_);
  return stall_cv_.wait_for(lock, limit, [&] { return stalled_ >= count; });
}

void FakeServer::StallUntilReleased(Millis limit) {
  std::unique_lock<std::mutex> lock(stall_mu_);
  const uint64_t generation = release_generation_;
  ++stalled_;
  stall_cv_.notify_all();  // wakes WaitForStalled()
  stall_cv_.wait_for(lock, limit, [&] {
    return stopping_ || release_generation_ != generation;
  });
  --stalled_;
}

std::vector<LoggedRequest> FakeServer::Requests() const {
  std::lock_guard<std::mutex> lock(log_mu_);
  return log_;
}

size_t FakeServer::RequestCount() const {
  std::lock_guard<std::mutex> lock(log_mu_);
  return log_.size();
}

int FakeServer::DeliveriesFor(const std::string& key) const {
  std::lock_guard<std::mutex> lock(log_mu_);
  const auto it = deliveries_.find(key);
  return it == deliveries_.end() ? 0 : it->second;
}

int FakeServer::TotalDeliveries() const {
  std::lock_guard<std::mutex> lock(log_mu_);
  int total = 0;
  for (const auto& [key, n] : deliveries_) total += n;
  return total;
}

void FakeServer::CountDeliveries(const FakeReply& reply) {
  if (reply.deliveries <= 0) return;
  std::lock_guard<std::mutex> lock(log_mu_);
  deliveries_[reply.idempotency_key] += reply.deliveries;
}

void FakeServer::Record(LoggedRequest entry) {
  std::lock_guard<std::mutex> lock(log_mu_);
  log_.push_back(std::move(entry));
}

void FakeServer::Serve(const httplib::Request& req, httplib::Response& res) {
  LoggedRequest entry;
  entry.at = clock_->Now();
  entry.method = req.method;
  entry.target = req.target;
  entry.path = req.path;
  entry.headers = req.headers;
  entry.body = req.body;
  entry.remote_addr = req.remote_addr;

  Fault fault;
  const bool faulty = TakeFault(&fault);
  if (faulty) entry.fault = FaultName(fault.kind);

  FakeReply handled;
  bool did_handle = false;
  if (!faulty || fault.handle_first) {
    handled = Handle(req, entry.at);
    CountDeliveries(handled);  // counted now: a stalled answer is still sent
    did_handle = true;
  }
  if (did_handle) {
    entry.idempotency_key = handled.idempotency_key;
    entry.deliveries = handled.deliveries;
  }

  FakeReply sent = handled;
  if (faulty) {
    switch (fault.kind) {
      case Fault::Kind::kHttpError:
        sent = FakeReply{};
        sent.http_status = fault.http_status;
        sent.content_type = "text/html";
        sent.body = fmt::format("<html><body><h1>{} Service Unavailable</h1>"
                                "</body></html>", fault.http_status);
        break;
      case Fault::Kind::kNonJson:
        sent = FakeReply{};
        sent.content_type = "text/html";
        sent.body = "<html><body>upstream gateway error</body></html>";
        break;
      case Fault::Kind::kProviderError:
        sent = ProviderError(fault.code, fault.message);
        break;
      case Fault::Kind::kStall:
        StallUntilReleased(fault.stall_limit);
        if (!did_handle) {
          // Handled only now: the request takes effect when it is released.
          sent = Handle(req, clock_->Now());
          CountDeliveries(sent);
          entry.idempotency_key = sent.idempotency_key;
          entry.deliveries = sent.deliveries;
        }
        break;
      case Fault::Kind::kDropConnection: {
        // Promise the whole body, write half of it, then make the content
        // provider fail: httplib then closes the socket mid-response and
        // the client sees a truncated body (a read error).
        std::string body = did_handle ? handled.body : std::string(64, ' ');
        if (body.size() < 2) body.append(2, ' ');
        res.status = 200;
        const size_t size = body.size();
        res.set_content_provider(
            size, "application/json",
            [body = std::move(body)](size_t offset, size_t, httplib::DataSink& sink) {
              if (offset == 0) sink.write(body.data(), body.size() / 2);
              return false;
            });
        entry.http_status = 0;
        Record(std::move(entry));
        return;
      }
    }
  }
  Apply(sent, res);
  entry.http_status = sent.http_status;
  entry.code = sent.code;
  Record(std::move(entry));
}

}  // namespace duban::fakes
