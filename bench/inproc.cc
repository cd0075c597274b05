#include "inproc.h"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace duban::bench {

void NullChannel::Send(const store::OutboxRow& row,
                       std::function<void(notify::SendResult)> done) {
  if (hold_until) {
    done({notify::SendResult::Kind::kRetryAfter, "", "bench: held for the delivery run", *hold_until});
    return;
  }
  ++sent;
  done({notify::SendResult::Kind::kSent, fmt::format("null-{}", row.id), "", {}});
}

Result<std::unique_ptr<InProc>> InProc::Open(const std::string& config_path, SystemTime now) {
  auto p = std::unique_ptr<InProc>(new InProc());
  p->clock.SetNow(now);
  Diagnostics diags;
  p->config = config::LoadConfig(config_path, &diags);
  if (p->config == nullptr) return Status::InvalidArgument("bench config", diags.ToString());
  p->loaded = app::LoadCampaigns(*p->config, &diags);
  if (diags.has_errors()) return Status::InvalidArgument("bench campaigns", diags.ToString());
  auto store = store::OpenSqlite({p->config->database_path, p->config->busy_timeout_ms}, now);
  if (!store.ok()) return store.status();
  p->store = std::move(*store);
  p->log = std::make_shared<spdlog::logger>("bench", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  p->log->set_level(spdlog::level::warn);
  return p;
}

InProc::~InProc() { CloseStore(); }

Status InProc::StartRunner() {
  app::RunnerDeps deps;
  deps.config = config.get();
  deps.store = store.get();
  deps.clock = &clock;
  deps.log = log.get();
  deps.loaded = &loaded;
  deps.all_channels = &channel;
  auto r = app::Runner::Create(deps);
  if (!r.ok()) return r.status();
  runner = std::move(*r);
  return runner->Start(clock.Now());
}

Result<app::RunnerTick> InProc::TickUntilIdle(SystemTime t) {
  clock.SetNow(t);
  app::RunnerTick sum;
  while (true) {
    auto r = runner->Tick(t);
    if (!r.ok()) return r.status();
    if (!r->did_work()) return sum;
    sum.engine.timers += r->engine.timers;
    sum.engine.fired += r->engine.fired;
    sum.engine.skipped += r->engine.skipped;
    sum.engine.obsolete += r->engine.obsolete;
    sum.engine.items_created += r->engine.items_created;
    sum.engine.intents += r->engine.intents;
    sum.digests += r->digests;
    sum.dispatched += r->dispatched;
  }
}

void InProc::CloseStore() {
  runner.reset();
  store.reset();
}

}  // namespace duban::bench
