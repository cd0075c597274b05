#include "http_tools.h"

#include <httplib.h>

#include <set>

namespace duban::bench {

struct Sink::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  mutable std::mutex mu;  // guards the fields below
  std::set<std::string> keys;
  int64_t duplicates = 0;
  std::chrono::steady_clock::time_point first{}, last{};
};

Sink::Sink() : impl_(std::make_unique<Impl>()) {
  // Many worker threads: the daemon's HTTP client keeps several requests in
  // flight, and the sink must never be what it waits on.
  impl_->server.new_task_queue = [] { return new httplib::ThreadPool(16); };
  impl_->server.set_keep_alive_max_count(1000000);
  impl_->server.set_tcp_nodelay(true);
  impl_->server.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
    const auto now = std::chrono::steady_clock::now();
    const std::string key = req.get_header_value("X-Duban-Idempotency-Key");
    {
      std::lock_guard<std::mutex> lock(impl_->mu);
      if (!key.empty() && !impl_->keys.insert(key).second) {
        ++impl_->duplicates;
      } else {
        if (count_.fetch_add(1) == 0) impl_->first = now;
        impl_->last = now;
      }
    }
    res.set_content(R"({"ok":true})", "application/json");
  });
  impl_->port = impl_->server.bind_to_any_port("127.0.0.1");
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
  while (!impl_->server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

Sink::~Sink() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string Sink::url() const { return "http://127.0.0.1:" + std::to_string(impl_->port) + "/hook"; }

int64_t Sink::duplicates() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->duplicates;
}

double Sink::span_seconds() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (count_.load() < 2) return 0;
  return std::chrono::duration<double>(impl_->last - impl_->first).count();
}

std::chrono::steady_clock::time_point Sink::first() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->first;
}

void Sink::Reset() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->keys.clear();
  impl_->duplicates = 0;
  count_ = 0;
}

int64_t LoadSink(const std::string& url, int clients, double seconds) {
  const auto slash = url.find('/', std::string("http://").size());
  const std::string host = url.substr(0, slash);
  const std::string path = url.substr(slash);
  std::atomic<int64_t> ok{0};
  std::atomic<int64_t> seq{0};
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      httplib::Client cli(host);
      cli.set_keep_alive(true);
      cli.set_tcp_nodelay(true);
      const std::string body =
          R"({"channel":"sms","recipient":"v1-liaison","severity":"warning","text":"【督办】第1村：您村有隐患房屋整治已逾期，请尽快整改并在平台上传整治照片。"})";
      while (std::chrono::steady_clock::now() < end) {
        httplib::Headers h{{"X-Duban-Idempotency-Key", "load/" + std::to_string(seq.fetch_add(1))}};
        auto r = cli.Post(path, h, body, "application/json");
        if (r && r->status == 200) ok.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  return ok.load();
}

int GetStatus(int port, const std::string& path) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_connection_timeout(std::chrono::milliseconds(200));
  auto r = cli.Get(path);
  return r ? r->status : -1;
}

struct ApiClient::Impl {
  Impl(int port, std::string t) : cli("127.0.0.1", port), token(std::move(t)) {}
  httplib::Client cli;
  std::string token;
};

ApiClient::ApiClient(int port, std::string token)
    : impl_(std::make_unique<Impl>(port, std::move(token))) {
  impl_->cli.set_keep_alive(true);
  impl_->cli.set_tcp_nodelay(true);
  impl_->cli.set_read_timeout(std::chrono::seconds(30));
}
ApiClient::~ApiClient() = default;

int ApiClient::Post(const std::string& path, const std::string& json, std::string* body) {
  httplib::Headers h{{"Authorization", "Bearer " + impl_->token}};
  auto r = impl_->cli.Post(path, h, json, "application/json");
  if (!r) return -1;
  if (body != nullptr) *body = r->body;
  return r->status;
}

}  // namespace duban::bench
