#include "app/app.h"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <thread>

#include "api/api.h"
#include "app/campaigns.h"
#include "app/logging.h"
#include "app/runner.h"
#include "base/metrics.h"
#include "base/time_format.h"
#include "config/config.h"
#include "runtime/loop.h"
#include "runtime/real_clock.h"
#include "runtime/systemd_notifier.h"
#include "store/store.h"

namespace duban::app {

struct App::Impl {
  AppOptions options;
  std::shared_ptr<spdlog::logger> log;
  std::unique_ptr<runtime::RealClock> own_clock;
  const Clock* clock = nullptr;
  SteadyTime started_steady;
  std::shared_ptr<const config::DaemonConfig> config;
  // The configuration the runner (engine, channels, digests) was built
  // from. It holds a raw pointer into it, so a reload must not free it;
  // campaign, channel and notify changes take effect after a restart.
  std::shared_ptr<const config::DaemonConfig> runner_config;
  Metrics metrics;
  std::unique_ptr<store::Store> store;
  runtime::Loop loop;
  runtime::SystemdNotifier systemd;
  std::unique_ptr<api::HttpServer> http;
  Loaded loaded;
  std::unique_ptr<Runner> runner;
  std::unique_ptr<runtime::Loop::Timer> wake;
  std::thread stopper;
  bool stopping = false;
  // Since when the due work has been failing (a full disk, a lock held too
  // long), and why; /healthz reports it. Loop thread only.
  std::optional<SystemTime> failing_since;
  std::string failing_why;

  void BeginStop();
  void Reload();
  // Runs due work, then sleeps until the next moment anything is due.
  void Wake();
};

namespace {

// The action-link key: from server.link_key (a file or systemd credential,
// so a copied database cannot mint links) or else the database's own.
Result<std::string> LinkKey(const config::DaemonConfig& cfg, store::Store& store) {
  if (!cfg.link_key) return api::LoadOrCreateLinkKey(store);
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  auto key = config::ResolveSecret(*cfg.link_key, dir != nullptr ? dir : "");
  if (!key.ok()) return Status(key.status().code(), "server.link_key: " + key.status().message());
  if (key->size() < 32) {
    return Status::InvalidArgument(
        "server.link_key must be at least 32 bytes; make one with "
        "`head -c 48 /dev/urandom | base64 > link.key`",
        cfg.link_key->ToString());
  }
  return *key;
}

Result<std::shared_ptr<const config::DaemonConfig>> LoadConfigOrError(
    const std::string& path) {
  Diagnostics diags;
  auto cfg = config::LoadConfig(path, &diags);
  if (cfg == nullptr) {
    return Status::InvalidArgument(
        fmt::format("the configuration has {} error(s):\n{}", diags.error_count(),
                    diags.ToString()));
  }
  return cfg;
}

// Refuses to mix clocks silently: a database that a demo ran on campaign
// time holds timers and history in 2024, and real time would fire them all.
Status CheckClockKind(store::Store& store, const Clock& clock, bool allow) {
  auto previous = store.GetMeta("clock_kind");
  if (!previous.ok()) return previous.status();
  const std::string now_kind = clock.Kind();
  if (previous->has_value() && **previous != now_kind && !allow) {
    return Status::Conflict(fmt::format(
        "this database was last run on a {} clock and would now run on a {} "
        "clock; timers and history would be wrong. Use a fresh database, or "
        "pass --allow-clock-change if this is intended",
        **previous, now_kind));
  }
  return store.SetMeta("clock_kind", now_kind);
}

}  // namespace

App::App(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

App::~App() {
  if (impl_->stopper.joinable()) impl_->stopper.join();
  if (impl_->http) impl_->http->Stop();
}

Result<std::unique_ptr<App>> App::Create(const AppOptions& options,
                                         std::shared_ptr<spdlog::logger> logger) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->log = std::move(logger);
  if (options.clock != nullptr) {
    impl->clock = options.clock;
  } else {
    impl->own_clock = std::make_unique<runtime::RealClock>();
    impl->clock = impl->own_clock.get();
  }
  impl->started_steady = impl->clock->SteadyNow();

  auto cfg = LoadConfigOrError(options.config_path);
  if (!cfg.ok()) return cfg.status();
  impl->config = *cfg;
  const std::string level = options.log_level.value_or(impl->config->log_level);
  if (!SetLevel(*impl->log, level)) {
    return Status::InvalidArgument("unknown log level", level);
  }

  store::Options sopts;
  sopts.path = options.database.value_or(impl->config->database_path);
  sopts.busy_timeout_ms = impl->config->busy_timeout_ms;
  auto store = store::OpenSqlite(sopts, impl->clock->Now());
  if (!store.ok()) {
    return Status(store.status().code(),
                  fmt::format("database {}: {}", sopts.path, store.status().message()));
  }
  impl->store = std::move(*store);
  DUBAN_RETURN_IF_ERROR(
      CheckClockKind(*impl->store, *impl->clock, options.allow_clock_change));
  impl->log->info("database {} at schema version {}", sopts.path,
                  impl->store->SchemaVersion());

  Diagnostics diags;
  impl->loaded = LoadCampaigns(*impl->config, &diags);
  for (const auto& d : diags.items()) {
    if (d.severity == Diagnostic::Severity::kWarning) impl->log->warn("{}", d.ToString());
  }
  if (diags.has_errors()) {
    return Status::InvalidArgument(fmt::format("the campaigns have {} error(s):\n{}",
                                               diags.error_count(), diags.ToString()));
  }
  impl->runner_config = impl->config;
  RunnerDeps rdeps{impl->runner_config.get(), impl->store.get(), impl->clock, impl->log.get(),
                   &impl->loaded, nullptr, &impl->metrics};
  Impl* loop_owner = impl.get();
  auto runner = Runner::Create(rdeps, [loop_owner](std::function<void()> fn) {
    loop_owner->loop.Post(std::move(fn));
  });
  if (!runner.ok()) return runner.status();
  impl->runner = std::move(*runner);

  impl->metrics.Describe("duban_build_info", "gauge", "Build information.");
  impl->metrics.Describe("duban_tick_failing", "gauge",
                         "1 while due work (timers, digests, dispatch) keeps failing, e.g. disk full.");
  impl->metrics.Describe("duban_tick_failures_total", "counter",
                         "Wake-ups whose due work failed and was retried.");
  impl->metrics.Set("duban_tick_failing", {}, 0);
  impl->metrics.Set("duban_build_info", {{"version", DUBAN_VERSION}}, 1);
  impl->metrics.Describe("process_start_time_seconds", "gauge",
                         "Start time of the process since the Unix epoch, in seconds.");
  impl->metrics.Set("process_start_time_seconds", {},
                    static_cast<double>(ToUnixMillis(impl->clock->Now())) / 1000.0);

  api::Options aopts;
  aopts.host = impl->config->listen_host;
  aopts.port = options.port.value_or(impl->config->listen_port);
  aopts.threads = impl->config->http_threads;
  aopts.public_url = impl->config->public_url;
  auto link_key = LinkKey(*impl->config, *impl->store);
  if (!link_key.ok()) return link_key.status();
  api::Deps deps;
  deps.metrics = &impl->metrics;
  Impl* raw = impl.get();
  deps.post = [raw](std::function<void()> fn) { raw->loop.Post(std::move(fn)); };
  deps.store = impl->store.get();
  deps.uptime_seconds = [raw] {
    return static_cast<double>((raw->clock->SteadyNow() - raw->started_steady).count()) /
           1000.0;
  };
  deps.clock_kind = impl->clock->Kind();
  deps.trouble = [raw]() -> std::string {
    if (!raw->failing_since) return "";
    return "due work failing since " + FormatUtc(*raw->failing_since) + ": " + raw->failing_why;
  };
  deps.engine = &impl->runner->engine();
  deps.clock = impl->clock;
  deps.link_key = std::move(*link_key);
  deps.log = [log = impl->log](api::LogLevel level, const std::string& text) {
    log->log(level == api::LogLevel::kError  ? spdlog::level::err
             : level == api::LogLevel::kWarn ? spdlog::level::warn
                                             : spdlog::level::info,
             "{}", text);
  };
  const std::string key_for_links = deps.link_key;
  auto http = api::HttpServer::Create(aopts, std::move(deps));
  if (!http.ok()) return http.status();
  impl->http = std::move(*http);
  // Reminders carry one-tap links: a report link for an owed report, an
  // acknowledge link for anything else not yet acknowledged. A link lives
  // three days past the item's deadline (or past now, for overdue ones).
  impl->runner->SetLinkMaker([raw, key_for_links, url = impl->http->public_url()](
                                 const store::Item& item, const model::Contact& contact) {
    api::LinkGrant g;
    g.item = item.id;
    g.contact = contact.id;
    g.state = item.state;
    bool report = false;
    for (const auto& spec : raw->loaded.campaigns) {
      if (spec->id == item.campaign && spec->FindObligation(item.kind) != nullptr) report = true;
    }
    if (!report && item.acknowledged_at) return std::string();
    g.action = report ? api::LinkAction::kReport : api::LinkAction::kAck;
    const SystemTime base = std::max(item.due_at.value_or(raw->clock->Now()), raw->clock->Now());
    g.expires_at = base + std::chrono::hours(72);
    auto link = api::MintActionLink(g, key_for_links, url);
    return link.ok() ? *link : std::string();
  });
  return std::unique_ptr<App>(new App(std::move(impl)));
}

int App::port() const { return impl_->http->port(); }

std::string App::url() const {
  const std::string& host = impl_->config->listen_host;
  const bool v6 = host.find(':') != std::string::npos;
  return fmt::format("http://{}{}{}:{}/", v6 ? "[" : "", host, v6 ? "]" : "", port());
}

Status App::Run() {
  Impl& s = *impl_;
  s.loop.OnSignals([&s](int sig) {
    if (sig == SIGHUP) {
      s.Reload();
    } else {
      s.log->info("received {}, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      s.BeginStop();
    }
  });
  if (auto period = s.systemd.WatchdogPeriod()) {
    s.loop.Every(*period, [&s] { s.systemd.WatchdogPing(); });
  }
  DUBAN_RETURN_IF_ERROR(s.runner->Start(s.clock->Now()));
  s.wake = s.loop.NewTimer();
  s.loop.Post([&s] { s.Wake(); });
  s.http->Start();
  s.log->info("listening on {}", url());
  s.systemd.Ready(fmt::format("serving on {}", url()));
  s.loop.Run();
  if (s.stopper.joinable()) s.stopper.join();
  s.log->info("stopped cleanly");
  return Status::OK();
}

void App::RequestStop() {
  Impl* s = impl_.get();
  s->loop.Post([s] { s->BeginStop(); });
}

// Runs on the loop thread. HTTP handlers may be waiting for the loop, so the
// HTTP server is stopped from another thread while the loop keeps serving
// their posted work; only then does the loop itself stop.
void App::Impl::BeginStop() {
  if (stopping) return;
  stopping = true;
  if (wake) wake->Cancel();
  systemd.Stopping();
  stopper = std::thread([this] {
    http->Stop();
    loop.Post([this] { loop.Stop(); });
  });
}

// Runs on the loop thread. Sleeps at most a minute so that a step of the
// wall clock (NTP) is noticed soon; timers already fired never fire again.
void App::Impl::Wake() {
  if (stopping) return;
  const SystemTime now = clock->Now();
  auto tick = runner->Tick(now);
  if (!tick.ok()) {
    // Nothing is lost: a failed tick's transaction rolled back, and its
    // timers are still due at the next try.
    if (!failing_since) {
      failing_since = now;
      metrics.Set("duban_tick_failing", {}, 1);
    }
    failing_why = tick.status().ToString();
    metrics.Increment("duban_tick_failures_total", {});
    log->error("engine tick failed, retrying in a minute: {}", failing_why);
  } else if (failing_since) {
    log->warn("engine tick works again after failing since {}", FormatUtc(*failing_since));
    failing_since.reset();
    failing_why.clear();
    metrics.Set("duban_tick_failing", {}, 0);
  }
  if (tick.ok() && tick->did_work()) {
    log->info("tick: {} timer(s) ({} skipped, {} obsolete), {} item(s) created, {} digest(s), "
              "{} message(s) dispatched",
              tick->engine.timers, tick->engine.skipped, tick->engine.obsolete,
              tick->engine.items_created, tick->digests, tick->dispatched);
  }
  Millis delay = std::chrono::minutes(1);
  auto next = runner->NextWake();
  if (next.ok() && next->has_value()) {
    delay = std::clamp<Millis>(std::chrono::duration_cast<Millis>(**next - clock->Now()),
                               Millis(0), delay);
  }
  // On an accelerated demo clock a campaign minute passes faster.
  delay = Millis(static_cast<int64_t>(static_cast<double>(delay.count()) / clock->Rate()));
  wake->Arm(delay, [this] { Wake(); });
}

// Runs on the loop thread. A new config is validated in full before it
// replaces the running one; a broken file changes nothing.
void App::Impl::Reload() {
  systemd.Reloading();
  log->info("SIGHUP: reloading {}", options.config_path);
  auto next = LoadConfigOrError(options.config_path);
  if (!next.ok()) {
    log->error("reload refused, keeping the running configuration. {}",
               next.status().message());
    systemd.Ready("reload refused; running the previous configuration");
    return;
  }
  const auto& n = **next;
  if (n.listen_host != config->listen_host || n.listen_port != config->listen_port ||
      n.database_path != config->database_path) {
    log->warn("server.listen and database.path changes take effect after a restart");
  }
  log->info("campaigns, channels and notify settings in effect are those the daemon started "
            "with; restart to apply changes to them");
  if (!options.log_level) SetLevel(*log, n.log_level);
  config = *next;
  log->info("configuration reloaded");
  systemd.Ready("configuration reloaded");
}

}  // namespace duban::app
