// HttpClient over real loopback HTTP with real libcurl, against FakeWebhook.
#include "notify/http/http_client.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "fakes/fake_webhook.h"
#include "notify/channels/signing.h"
#include "notify/channel_test_util.h"

namespace duban::notify {
namespace {

using fakes::Fault;
using fakes::FakeWebhook;
using testing::TestLoop;

class HttpClientTest : public ::testing::Test {
 protected:
  HttpClientTest() : clock_(testing::TestStart()), fake_(&clock_, WebhookOptions()) {}
  // Closes kept-alive connections before the fake stops.
  ~HttpClientTest() override { client_.reset(); }

  static FakeWebhook::Options WebhookOptions() {
    FakeWebhook::Options o;
    o.require_idempotency_key = false;
    return o;
  }

  void MakeClient(HttpClientOptions o = {}) {
    auto c = HttpClient::Create(o, loop_.Poster());
    ASSERT_TRUE(c.ok());
    client_ = std::move(*c);
  }

  HttpRequest Post(const std::string& body, Millis timeout = std::chrono::seconds(10)) {
    HttpRequest r;
    r.url = fake_.url();
    r.headers = {{"Content-Type", "application/json"}, {"X-Duban-Idempotency-Key", "k1"}};
    r.body = body;
    r.timeout = timeout;
    return r;
  }

  // Fetches and waits for the completion on this thread.
  HttpResponse Fetch(HttpRequest r) {
    std::optional<HttpResponse> got;
    const auto me = std::this_thread::get_id();
    client_->Fetch(std::move(r), [&](HttpResponse resp) {
      EXPECT_EQ(std::this_thread::get_id(), me) << "completion must run on the loop thread";
      got = std::move(resp);
    });
    EXPECT_TRUE(loop_.RunUntil([&] { return got.has_value(); }));
    return got.value_or(HttpResponse{});
  }

  VirtualClock clock_;
  FakeWebhook fake_;
  TestLoop loop_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(HttpClientTest, PostsBodyAndHeadersAndReadsTheAnswerOnTheLoopThread) {
  MakeClient();
  HttpResponse r = Fetch(Post(R"({"hello":"世界"})"));
  ASSERT_TRUE(r.complete()) << r.error_text;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"duplicate":false,"ok":true})");
  EXPECT_EQ(r.Header("content-type"), "application/json;charset=utf-8");
  const auto requests = fake_.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].body, R"({"hello":"世界"})");
  EXPECT_EQ(requests[0].Header("X-Duban-Idempotency-Key"), "k1");
  EXPECT_EQ(requests[0].Header("Expect"), "");
}

TEST_F(HttpClientTest, GetSendsNoBody) {
  MakeClient();
  HttpRequest r = Post("");
  r.method = "GET";
  HttpResponse resp = Fetch(r);
  ASSERT_TRUE(resp.complete());
  EXPECT_EQ(resp.status, 405);  // the fake wants POST
  EXPECT_EQ(fake_.Requests().at(0).method, "GET");
}

TEST_F(HttpClientTest, ReusesItsConnection) {
  MakeClient();
  EXPECT_EQ(Fetch(Post("{}")).new_connections, 1);
  EXPECT_EQ(Fetch(Post("{}")).new_connections, 0);
  EXPECT_EQ(Fetch(Post("{}")).new_connections, 0);
}

TEST_F(HttpClientTest, TimesOutAStalledRequest) {
  MakeClient();
  fake_.ForceFault(Fault::Stall(std::chrono::seconds(10)));
  HttpResponse r = Fetch(Post("{}", std::chrono::milliseconds(300)));
  EXPECT_EQ(r.error, HttpResponse::Error::kTimeout);
  EXPECT_EQ(r.status, 0);
  fake_.ReleaseStalled();
}

TEST_F(HttpClientTest, ReportsARefusedConnection) {
  MakeClient();
  // A port that was just free: nothing listens there.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  HttpRequest r = Post("{}");
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  HttpResponse resp = Fetch(r);
  EXPECT_EQ(resp.error, HttpResponse::Error::kConnect) << resp.error_text;
}

TEST_F(HttpClientTest, ReportsAConnectionDroppedMidAnswer) {
  MakeClient();
  fake_.ForceFault(Fault::DropConnection());
  HttpResponse r = Fetch(Post("{}"));
  EXPECT_EQ(r.error, HttpResponse::Error::kTransport);
}

TEST_F(HttpClientTest, BoundsConcurrencyAndQueuesTheRest) {
  HttpClientOptions o;
  o.max_in_flight = 2;
  MakeClient(o);
  fake_.ForceFault(Fault::Stall(std::chrono::seconds(20)), 4);
  int done = 0;
  for (int i = 0; i < 4; ++i) {
    client_->Fetch(Post("{}"), [&](HttpResponse r) {
      EXPECT_TRUE(r.complete());
      ++done;
    });
  }
  ASSERT_TRUE(fake_.WaitForStalled(2));
  // Two run; the other two wait in the client, not at the server.
  EXPECT_FALSE(fake_.WaitForStalled(3, std::chrono::milliseconds(300)));
  EXPECT_EQ(client_->pending(), 4);
  fake_.ReleaseStalled();
  ASSERT_TRUE(loop_.RunUntil([&] { return done == 2; }));
  ASSERT_TRUE(fake_.WaitForStalled(2));
  fake_.ReleaseStalled();
  ASSERT_TRUE(loop_.RunUntil([&] { return done == 4; }));
  EXPECT_EQ(client_->pending(), 0);
}

TEST_F(HttpClientTest, NoCallbackRunsAfterTheClientIsDestroyed) {
  MakeClient();
  fake_.ForceFault(Fault::Stall(std::chrono::seconds(10)));
  bool called = false;
  client_->Fetch(Post("{}"), [&](HttpResponse) { called = true; });
  ASSERT_TRUE(fake_.WaitForStalled(1));
  client_.reset();
  fake_.ReleaseStalled();
  loop_.RunUntil([] { return false; }, std::chrono::milliseconds(100));
  EXPECT_FALSE(called);
}

TEST(UrlAuthorityTest, TakesHostAndPort) {
  EXPECT_EQ(UrlAuthority("https://sms.tencentcloudapi.com/"), "sms.tencentcloudapi.com");
  EXPECT_EQ(UrlAuthority("http://127.0.0.1:8080/a?b=c"), "127.0.0.1:8080");
  EXPECT_EQ(UrlAuthority("https://user:pw@h.example:8443"), "h.example:8443");
  EXPECT_EQ(UrlAuthority("no-scheme"), "");
}

}  // namespace
}  // namespace duban::notify
