// The whole App in-process on 127.0.0.1:0: start, serve /healthz and
// /metrics, reload on SIGHUP, stop cleanly on SIGTERM.
#include <gtest/gtest.h>
#include <httplib.h>
#include <spdlog/sinks/ostream_sink.h>

#include <csignal>
#include <future>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "app/app.h"
#include "base/clock.h"
#include "base/time_format.h"
#include "testing/paths.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace duban::app {
namespace {

class AppLifecycleTest : public ::testing::Test {
 protected:
  AppLifecycleTest() : clock_(*ParseRfc3339("2024-04-12T11:55:00+08:00")) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text_);
    log_ = std::make_shared<spdlog::logger>("test", sink);
  }

  // A config in a temp dir pointing at the shipped campaigns and templates.
  std::string WriteConfig(const std::string& extra = "") {
    return dir_.Write("duban.yaml",
                      "server:\n  listen: 127.0.0.1:0\n"
                      "database:\n  path: " + dir_.File("duban.db") + "\n"
                      "campaigns: [" + testing::SourcePath("workflows/jiafeng-2024-hundred-day.yaml") + "]\n"
                      "templates_dir: " + testing::SourcePath("templates") + "\n"
                      "holidays: " + testing::SourcePath("config/calendars/cn-holidays.csv") + "\n" +
                      extra);
  }

  std::unique_ptr<App> Start(const std::string& config) {
    AppOptions opts;
    opts.config_path = config;
    opts.clock = &clock_;
    auto app = App::Create(opts, log_);
    EXPECT_OK(app);
    if (!app.ok()) return nullptr;
    return std::move(*app);
  }

  testing::TempDir dir_;
  VirtualClock clock_;
  std::ostringstream log_text_;
  std::shared_ptr<spdlog::logger> log_;
};

TEST_F(AppLifecycleTest, ServesHealthAndMetricsThenStopsCleanlyOnSigterm) {
  auto app = Start(WriteConfig());
  ASSERT_NE(app, nullptr);
  ASSERT_GT(app->port(), 0);
  auto run = std::async(std::launch::async, [&] { return app->Run(); });

  httplib::Client client("127.0.0.1", app->port());
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto body = nlohmann::json::parse(health->body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["database"], "ok");
  EXPECT_EQ(body["version"], DUBAN_VERSION);
  EXPECT_EQ(body["clock"], "virtual");

  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("duban_build_info{version=\"" DUBAN_VERSION "\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics->body.find(
                "duban_http_requests_total{method=\"GET\",route=\"/healthz\",code=\"200\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("process_start_time_seconds 1712894100"), std::string::npos)
      << metrics->body;

  auto missing = client.Get("/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing->body)["error"], "not_found");

  ASSERT_EQ(kill(getpid(), SIGTERM), 0);
  ASSERT_EQ(run.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_OK(run.get());
  EXPECT_NE(log_text_.str().find("received SIGTERM, shutting down"), std::string::npos);
  EXPECT_NE(log_text_.str().find("stopped cleanly"), std::string::npos);
}

TEST_F(AppLifecycleTest, BrokenReloadKeepsTheRunningConfig) {
  const std::string path = WriteConfig();
  auto app = Start(path);
  ASSERT_NE(app, nullptr);
  auto run = std::async(std::launch::async, [&] { return app->Run(); });
  httplib::Client client("127.0.0.1", app->port());
  ASSERT_TRUE(client.Get("/healthz"));

  dir_.Write("duban.yaml", "server: [this is not a mapping\n");
  ASSERT_EQ(kill(getpid(), SIGHUP), 0);
  // The daemon still answers after the refused reload.
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  app->RequestStop();
  ASSERT_EQ(run.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_OK(run.get());
  EXPECT_NE(log_text_.str().find("reload refused, keeping the running configuration"),
            std::string::npos)
      << log_text_.str();
}

TEST_F(AppLifecycleTest, BadConfigFailsToStartWithEveryError) {
  const std::string path = dir_.Write("bad.yaml", "server:\n  listen: x\n  bogus: 1\n");
  AppOptions opts;
  opts.config_path = path;
  opts.clock = &clock_;
  auto app = App::Create(opts, log_);
  ASSERT_FALSE(app.ok());
  const std::string msg = app.status().message();
  EXPECT_NE(msg.find("bad.yaml:2:11: error: server.listen"), std::string::npos) << msg;
  EXPECT_NE(msg.find("bad.yaml:3:3: error: server.bogus: unknown key 'bogus'"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("missing required key 'database'"), std::string::npos) << msg;
}

TEST_F(AppLifecycleTest, DatabaseWrittenOnAnotherClockKindIsRefused) {
  const std::string path = WriteConfig();
  { ASSERT_NE(Start(path), nullptr); }  // records clock_kind=virtual
  class OtherClock final : public Clock {
   public:
    SystemTime Now() const override { return FromUnixMillis(0); }
    SteadyTime SteadyNow() const override { return SteadyTime(); }
    const char* Kind() const override { return "offset"; }
  } other;
  AppOptions opts;
  opts.config_path = path;
  opts.clock = &other;
  auto app = App::Create(opts, log_);
  ASSERT_FALSE(app.ok());
  EXPECT_EQ(app.status().code(), StatusCode::kConflict);
  opts.allow_clock_change = true;
  EXPECT_OK(App::Create(opts, log_));
}

}  // namespace
}  // namespace duban::app
