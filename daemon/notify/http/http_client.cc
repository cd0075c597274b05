#include "notify/http/http_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <deque>
#include <mutex>
#include <thread>

namespace duban::notify {
namespace {

// One request from Fetch() until its callback is posted. Owned by the curl
// thread once it leaves the queue.
struct Transfer {
  HttpRequest request;
  HttpClient::Done done;
  HttpResponse response;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  size_t max_bytes = 0;
  bool too_large = false;
  std::chrono::steady_clock::time_point started;

  ~Transfer() {
    if (headers != nullptr) curl_slist_free_all(headers);
    if (easy != nullptr) curl_easy_cleanup(easy);
  }
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * n;
  if (t->response.body.size() + bytes > t->max_bytes) {
    t->too_large = true;
    return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * n;
  std::string_view line(data, bytes);
  // A new status line starts a new header block (after 100 Continue or a
  // redirect), whose headers replace the previous block's.
  if (line.rfind("HTTP/", 0) == 0) {
    t->response.headers.clear();
    return bytes;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  t->response.headers[name] = std::string(value);
  return bytes;
}

HttpResponse::Error Classify(CURLcode code) {
  switch (code) {
    case CURLE_OK: return HttpResponse::Error::kNone;
    case CURLE_OPERATION_TIMEDOUT: return HttpResponse::Error::kTimeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return HttpResponse::Error::kConnect;
    default: return HttpResponse::Error::kTransport;
  }
}

}  // namespace

std::string HttpResponse::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

std::string UrlAuthority(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  const size_t start = scheme + 3;
  const size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? std::string::npos
                                                                     : end - start);
  const size_t at = authority.rfind('@');
  if (at != std::string::npos) authority.erase(0, at + 1);
  return authority;
}

struct HttpClient::Impl {
  HttpClientOptions options;
  PostFn post;
  CURLM* multi = nullptr;
  std::thread thread;
  // Cleared by the destructor on the loop thread and read by posted
  // completions on the loop thread, so a completion that was posted before
  // the client died never runs. Shared because completions outlive Impl.
  std::shared_ptr<std::atomic<bool>> alive = std::make_shared<std::atomic<bool>>(true);

  mutable std::mutex mu;  // guards queue, stopping and pending_count
  std::deque<std::unique_ptr<Transfer>> queue;
  bool stopping = false;
  int pending_count = 0;

  // Curl thread only.
  std::vector<std::unique_ptr<Transfer>> running;

  void Run();
  void StartTransfer(std::unique_ptr<Transfer> t);
  void Finish(CURL* easy, CURLcode code);
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<HttpClient>> HttpClient::Create(HttpClientOptions options, PostFn post) {
  // Reference-counted by libcurl and thread-safe since 7.84; balanced by
  // curl_global_cleanup() in the destructor.
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    return Status::Internal("libcurl initialisation failed");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->options.max_in_flight = std::max(1, impl->options.max_in_flight);
  impl->post = std::move(post);
  impl->multi = curl_multi_init();
  if (impl->multi == nullptr) {
    curl_global_cleanup();
    return Status::Internal("curl_multi_init failed");
  }
  curl_multi_setopt(impl->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                    static_cast<long>(std::max(1, impl->options.max_per_host)));
  curl_multi_setopt(impl->multi, CURLMOPT_MAXCONNECTS,
                    static_cast<long>(impl->options.max_in_flight * 2));
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->Run(); });
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

HttpClient::~HttpClient() {
  impl_->alive->store(false);
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
  }
  curl_multi_wakeup(impl_->multi);
  impl_->thread.join();
  for (auto& t : impl_->running) curl_multi_remove_handle(impl_->multi, t->easy);
  impl_->running.clear();
  curl_multi_cleanup(impl_->multi);
  curl_global_cleanup();
}

void HttpClient::Fetch(HttpRequest request, Done done) {
  auto t = std::make_unique<Transfer>();
  t->request = std::move(request);
  t->done = std::move(done);
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->stopping) return;  // abandoned, as documented
    impl_->queue.push_back(std::move(t));
    ++impl_->pending_count;
  }
  curl_multi_wakeup(impl_->multi);
}

int HttpClient::pending() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->pending_count;
}

void HttpClient::Impl::StartTransfer(std::unique_ptr<Transfer> t) {
  t->easy = curl_easy_init();
  t->max_bytes = options.max_response_bytes;
  t->started = std::chrono::steady_clock::now();
  if (t->easy == nullptr) {
    t->response.error = HttpResponse::Error::kTransport;
    t->response.error_text = "curl_easy_init failed";
    std::shared_ptr<Transfer> shared(std::move(t));
    auto flag = alive;
    post([flag, shared] {
      if (flag->load()) shared->done(std::move(shared->response));
    });
    std::lock_guard<std::mutex> lock(mu);
    --pending_count;
    return;
  }
  CURL* e = t->easy;
  const HttpRequest& r = t->request;
  curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);  // we run on a thread of our own
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(options.connect_timeout, r.timeout).count()));
  curl_easy_setopt(e, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  // Redirects are not followed: a provider that redirects is misconfigured
  // and the body would not be re-signed for the new URL.
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  if (r.method == "GET") {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
    if (r.method != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }
  for (const auto& [name, value] : r.headers) {
    t->headers = curl_slist_append(t->headers, fmt::format("{}: {}", name, value).c_str());
  }
  // No "Expect: 100-continue" round trip before larger bodies.
  t->headers = curl_slist_append(t->headers, "Expect:");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  curl_multi_add_handle(multi, e);
  running.push_back(std::move(t));
}

void HttpClient::Impl::Finish(CURL* easy, CURLcode code) {
  auto it = std::find_if(running.begin(), running.end(),
                         [easy](const auto& t) { return t->easy == easy; });
  if (it == running.end()) return;
  std::shared_ptr<Transfer> t(std::move(*it));
  running.erase(it);
  curl_multi_remove_handle(multi, easy);
  HttpResponse& resp = t->response;
  resp.elapsed = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - t->started);
  resp.error = Classify(code);
  long connects = 0;
  curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
  resp.new_connections = static_cast<int>(connects);
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    resp.status = static_cast<int>(status);
  } else {
    resp.error_text = t->too_large ? fmt::format("response larger than {} bytes", t->max_bytes)
                      : t->error[0] != '\0' ? std::string(t->error)
                                            : std::string(curl_easy_strerror(code));
    resp.body.clear();
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    --pending_count;
  }
  auto flag = alive;
  post([flag, t] {
    if (flag->load()) t->done(std::move(t->response));
  });
}

void HttpClient::Impl::Run() {
  while (true) {
    std::vector<std::unique_ptr<Transfer>> starting;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (stopping) return;
      while (!queue.empty() &&
             static_cast<int>(running.size() + starting.size()) < options.max_in_flight) {
        starting.push_back(std::move(queue.front()));
        queue.pop_front();
      }
    }
    for (auto& t : starting) StartTransfer(std::move(t));
    int still_running = 0;
    curl_multi_perform(multi, &still_running);
    int left = 0;
    bool finished = false;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Finish(msg->easy_handle, msg->data.result);
      finished = true;
    }
    // A finished transfer frees a slot: start the next queued one now.
    if (finished) continue;
    // Sleeps until a socket is ready, a timeout of curl's is due, or
    // Fetch()/the destructor calls curl_multi_wakeup().
    curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
}

}  // namespace duban::notify
