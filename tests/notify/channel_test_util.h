// Test plumbing for the network channels: a stand-in for the loop thread
// (the test thread runs whatever the HTTP client posts), and a harness with
// a virtual clock, a real libcurl HttpClient and helpers that send one row
// and wait for its answer. No sleeps: waits are on a condition variable
// with a generous real-time limit.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "base/time_format.h"
#include "notify/channel.h"
#include "notify/channels/http_channel.h"
#include "notify/http/http_client.h"
#include "notify/rate_limiter.h"

namespace duban::notify::testing {

// Work posted from any thread runs on the thread that calls RunUntil().
class TestLoop {
 public:
  void Post(std::function<void()> fn) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(fn));
    }
    cv_.notify_all();
  }
  HttpClient::PostFn Poster() {
    return [this](std::function<void()> fn) { Post(std::move(fn)); };
  }
  // Runs posted work until `done()` holds or `limit` of real time passes.
  bool RunUntil(const std::function<bool()>& done,
                Millis limit = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      std::function<void()> fn;
      {
        std::unique_lock<std::mutex> lock(mu_);
        if (!cv_.wait_until(lock, deadline, [&] { return !queue_.empty(); })) return done();
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
    return true;
  }

 private:
  std::mutex mu_;  // guards queue_
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
};

// 10:00 Beijing time on a Friday.
inline SystemTime TestStart() { return *ParseRfc3339("2024-06-28T02:00:00Z"); }

class ChannelHarness {
 public:
  ChannelHarness() : clock_(TestStart()) {
    HttpClientOptions o;
    auto http = HttpClient::Create(o, loop_.Poster());
    EXPECT_TRUE(http.ok());
    http_ = std::move(*http);
  }
  ~ChannelHarness() { http_.reset(); }

  ChannelDeps Deps(std::vector<RateLimit> limits = {}) {
    ChannelDeps d;
    d.http = http_.get();
    d.clock = &clock_;
    d.limiter = std::make_shared<RateLimiter>(&clock_, std::move(limits));
    d.find_contact = [this](const std::string& id) -> std::optional<model::Contact> {
      if (id != contact_.id) return std::nullopt;
      return contact_;
    };
    return d;
  }

  // Sends `row` and waits for the answer, which must arrive on this thread.
  SendResult Send(Channel& channel, const store::OutboxRow& row) {
    std::optional<SendResult> result;
    const auto thread = std::this_thread::get_id();
    channel.Send(row, [&](SendResult r) {
      EXPECT_EQ(std::this_thread::get_id(), thread) << "done must run on the loop thread";
      EXPECT_FALSE(result.has_value()) << "done called twice";
      result = std::move(r);
    });
    EXPECT_TRUE(loop_.RunUntil([&] { return result.has_value(); })) << "no answer";
    return result.value_or(SendResult{SendResult::Kind::kRetrySoon, "", "no answer", {}});
  }

  StatusAnswer Query(Channel& channel, const store::OutboxRow& row) {
    std::optional<StatusAnswer> answer;
    channel.QueryStatus(row, [&](StatusAnswer a) { answer = std::move(a); });
    EXPECT_TRUE(loop_.RunUntil([&] { return answer.has_value(); })) << "no answer";
    return answer.value_or(StatusAnswer{});
  }

  store::OutboxRow Row(const std::string& key, const std::string& body) const {
    store::OutboxRow row;
    row.id = 7;
    row.idempotency_key = key;
    row.created_at = clock_.Now();
    row.next_attempt_at = clock_.Now();
    row.recipient = contact_.id;
    row.address = contact_.mobile;
    row.binding = "weekly_report_reminder";
    row.campaign = "jiafeng-2024";
    row.body = body;
    return row;
  }

  VirtualClock clock_;
  TestLoop loop_;
  std::unique_ptr<HttpClient> http_;
  model::Contact contact_{.id = "jf-shangcun-liaison", .unit_id = "jf-shangcun",
                          .role = "liaison", .name = "张三", .mobile = "+8613800001111",
                          .channels = {}, .feishu_open_id = "ou_zhangsan",
                          .quiet_start_min = {}, .quiet_end_min = {}};
};

}  // namespace duban::notify::testing
