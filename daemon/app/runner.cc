#include "app/runner.h"

#include <fmt/format.h>

#include <cstdio>

#include "app/channels.h"
#include "notify/dispatcher.h"
#include "notify/notify.h"
#include "schedule/schedule.h"
#include "store/store.h"

namespace duban::app {
namespace {

// Local time in the daemon's default zone, for quiet hours and the console.
class ZoneLocalTime final : public notify::LocalTime {
 public:
  explicit ZoneLocalTime(schedule::Zone zone) : zone_(std::move(zone)) {}
  int MinuteOfDay(SystemTime t) const override {
    return static_cast<int>(
        std::chrono::duration_cast<std::chrono::minutes>(zone_.ToLocal(t).time_of_day).count());
  }
  SystemTime NextAt(SystemTime t, int minute) const override {
    return zone_.NextLocalTime(t, std::chrono::minutes(minute));
  }
  std::string Short(SystemTime t) const override { return zone_.FormatWithWeekday(t); }

 private:
  schedule::Zone zone_;
};

}  // namespace

notify::Family FamilyOf(const config::ChannelConfig& ch) {
  auto it = ch.params.find("family");
  if (it != ch.params.end()) {
    if (it->second == "sms") return notify::Family::kSms;
    if (it->second == "markdown") return notify::Family::kMarkdown;
    return notify::Family::kText;
  }
  return notify::FamilyOfType(ch.type);
}

struct Runner::Impl {
  RunnerDeps deps;
  std::unique_ptr<ZoneLocalTime> local_time;
  std::unique_ptr<ChannelSet> channel_set;
  std::map<std::string, notify::Channel*> channels;
  std::map<std::string, notify::ChannelInfo> channel_info;
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<notify::Digester> digester;
  std::unique_ptr<notify::Dispatcher> dispatcher;
  std::optional<SystemTime> gauges_at;  // last refresh of the outbox gauges
  std::function<std::string(const store::Item&, const model::Contact&)> link_maker;

  void AlertAdmin(const notify::ChannelTrouble& t);
  void UpdateGauges(SystemTime now);
};

// A channel failing past notify.channel_alert_after: the administrator hears
// of it through one of their channels that is not the failing one.
void Runner::Impl::AlertAdmin(const notify::ChannelTrouble& t) {
  const SystemTime now = deps.clock->Now();
  if (deps.log != nullptr) {
    deps.log->error("channel {} has been failing since {}: {}", t.channel,
                    local_time->Short(t.failing_since), t.last_error);
  }
  if (deps.metrics != nullptr) {
    deps.metrics->Increment("duban_channel_alerts_total", {{"channel", t.channel}});
  }
  const std::string& admin = deps.config->admin_contact;
  const model::Contact* c = admin.empty() ? nullptr : engine->directory().FindContact(admin);
  if (c == nullptr) {
    if (deps.log != nullptr) {
      deps.log->warn("no notify.admin_contact in the directory to tell about channel {}",
                     t.channel);
    }
    return;
  }
  std::string via;
  for (const auto& name : c->channels) {
    if (name != t.channel && channels.count(name)) {
      via = name;
      break;
    }
  }
  if (via.empty()) {
    if (deps.log != nullptr) {
      deps.log->warn("admin contact {} has no channel other than the failing {}", admin,
                     t.channel);
    }
    return;
  }
  store::DigestCommit d;
  d.outcome = "sent";
  store::OutboxRow row;
  row.idempotency_key =
      fmt::format("alert/{}/{}", t.channel, ToUnixMillis(t.failing_since));
  row.channel = via;
  row.recipient = c->id;
  row.address = channel_info[via].is_sms ? c->mobile : via;
  row.binding = "channel_alert";
  row.severity = "critical";  // an administrator must hear of it at night too
  row.body = fmt::format(
      "【督办系统告警】发送通道「{}」自{}起持续发送失败，提醒可能无法送达。最近错误：{}。"
      "请检查配置、账户与网络，可用 duban channel test {} 验证。",
      t.channel, local_time->Short(t.failing_since), t.last_error, t.channel);
  row.next_attempt_at = now;
  d.rows = {row};
  if (Status st = deps.store->CommitDigest(d, now); !st.ok() && deps.log != nullptr) {
    deps.log->error("could not queue the channel alert: {}", st.ToString());
  }
}

// Outbox depth and age for /metrics, refreshed at most every 15 s of loop
// time (the counts read an index per state, not every row).
void Runner::Impl::UpdateGauges(SystemTime now) {
  if (deps.metrics == nullptr || (gauges_at && now - *gauges_at < std::chrono::seconds(15))) {
    return;
  }
  gauges_at = now;
  auto counts = deps.store->OutboxCounts();
  if (counts.ok()) {
    for (const char* state : {"pending", "sending", "retry", "sent", "dead"}) {
      int64_t n = 0;
      for (const auto& [s, c] : *counts) {
        if (s == state) n = c;
      }
      deps.metrics->Set("duban_outbox_messages", {{"state", state}}, static_cast<double>(n));
    }
  }
  auto oldest = deps.store->OldestUndelivered();
  if (oldest.ok()) {
    const double age =
        *oldest ? std::chrono::duration<double>(now - **oldest).count() : 0.0;
    deps.metrics->Set("duban_outbox_oldest_undelivered_seconds", {}, age);
  }
}

Runner::Runner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Runner::~Runner() = default;
engine::Engine& Runner::engine() { return *impl_->engine; }

void Runner::SetLinkMaker(
    std::function<std::string(const store::Item&, const model::Contact&)> maker) {
  impl_->link_maker = std::move(maker);
}

Result<std::unique_ptr<Runner>> Runner::Create(const RunnerDeps& deps,
                                               std::function<void(std::function<void()>)> post) {
  auto impl = std::make_unique<Impl>();
  impl->deps = deps;
  auto zone = schedule::Zone::Load(deps.config->time_zone);
  if (!zone.ok()) return zone.status();
  impl->local_time = std::make_unique<ZoneLocalTime>(*zone);

  if (deps.all_channels == nullptr) {
    ChannelEnv env;
    env.clock = deps.clock;
    env.local_time = impl->local_time.get();
    env.post = post;
    Impl* self = impl.get();
    env.find_contact = [self](const std::string& id) -> std::optional<model::Contact> {
      const model::Contact* c = self->engine->directory().FindContact(id);
      if (c == nullptr) return std::nullopt;
      return *c;
    };
    auto set = ChannelSet::Create(deps.config->channels, env);
    if (!set.ok()) return set.status();
    impl->channel_set = std::move(*set);
  }
  for (const auto& ch : deps.config->channels) {
    notify::ChannelInfo info{ch.name, ch.type, FamilyOf(ch), FamilyOf(ch) == notify::Family::kSms};
    impl->channel_info[ch.name] = info;
    impl->channels[ch.name] =
        deps.all_channels != nullptr ? deps.all_channels : impl->channel_set->Find(ch.name);
  }

  engine::Options eopts;
  eopts.campaigns = deps.loaded->campaigns;
  eopts.calendar = deps.loaded->calendar.get();
  eopts.group_wait = deps.config->group_wait;
  impl->engine = std::make_unique<engine::Engine>(eopts, *deps.store);

  notify::DigestDeps ddeps;
  ddeps.store = deps.store;
  ddeps.templates = deps.loaded->templates.get();
  ddeps.local_time = impl->local_time.get();
  ddeps.channels = impl->channel_info;
  ddeps.default_channel = deps.config->channels.empty() ? "" : deps.config->channels.front().name;
  for (const auto& spec : deps.loaded->campaigns) {
    for (const auto& b : spec->templates) {
      ddeps.bindings[b.id] = notify::Binding{b.sms, b.markdown, b.text};
    }
  }
  Impl* raw = impl.get();
  ddeps.find_contact = [raw](const std::string& id) -> std::optional<model::Contact> {
    const model::Contact* c = raw->engine->directory().FindContact(id);
    if (c == nullptr) return std::nullopt;
    return *c;
  };
  ddeps.link_for = [raw](const store::Item& item, const model::Contact& contact) {
    return raw->link_maker ? raw->link_maker(item, contact) : std::string();
  };
  ddeps.is_under = [raw](const std::string& unit, const std::string& root) {
    return raw->engine->directory().IsUnder(unit, root);
  };
  Metrics* metrics = deps.metrics;
  if (metrics != nullptr) {
    metrics->Describe("duban_messages_total", "counter",
                      "Delivery outcomes per channel: sent, retry, dead.");
    metrics->Describe("duban_digests_suppressed_total", "counter",
                      "Digests not sent: every item resolved or acknowledged, or silenced.");
    metrics->Describe("duban_outbox_messages", "gauge", "Outbox rows by state.");
    metrics->Describe("duban_outbox_oldest_undelivered_seconds", "gauge",
                      "Age of the oldest message not yet delivered (0 when none).");
    metrics->Describe("duban_channel_alerts_total", "counter",
                      "Times a channel failed long enough to alert the administrator.");
    ddeps.on_suppressed = [metrics](const std::string& reason) {
      metrics->Increment("duban_digests_suppressed_total", {{"reason", reason}});
    };
  }
  impl->digester = std::make_unique<notify::Digester>(notify::DigestOptions{}, std::move(ddeps));
  notify::DispatchOptions dopts;
  dopts.alert_after = deps.config->channel_alert_after;
  impl->dispatcher =
      std::make_unique<notify::Dispatcher>(dopts, *deps.store, *deps.clock, impl->channels);
  impl->dispatcher->OnChannelTrouble([raw](const notify::ChannelTrouble& t) { raw->AlertAdmin(t); });
  // Network channels answer through the loop: answers queued together are
  // recorded in one transaction.
  if (post) impl->dispatcher->RecordThrough(post);
  if (metrics != nullptr) {
    impl->dispatcher->OnOutcome([metrics](const std::string& channel, const char* outcome) {
      metrics->Increment("duban_messages_total", {{"channel", channel}, {"outcome", outcome}});
    });
  }
  return std::unique_ptr<Runner>(new Runner(std::move(impl)));
}

Status Runner::ReloadDirectory() {
  auto units = impl_->deps.store->ListUnits();
  if (!units.ok()) return units.status();
  auto contacts = impl_->deps.store->ListContacts();
  if (!contacts.ok()) return contacts.status();
  impl_->engine->SetDirectory(
      std::make_shared<engine::Directory>(std::move(*units), std::move(*contacts)));
  return Status::OK();
}

Status Runner::Start(SystemTime now) {
  DUBAN_RETURN_IF_ERROR(ReloadDirectory());
  return impl_->engine->Sync(now);
}

Result<RunnerTick> Runner::Tick(SystemTime now) {
  RunnerTick t;
  auto e = impl_->engine->Tick(now);
  if (!e.ok()) return e.status();
  t.engine = *e;
  auto d = impl_->digester->Tick(now);
  if (!d.ok()) return d.status();
  t.digests = *d;
  auto s = impl_->dispatcher->Tick(now);
  if (!s.ok()) return s.status();
  t.dispatched = *s;
  impl_->UpdateGauges(now);
  return t;
}

Result<std::optional<SystemTime>> Runner::NextWake() {
  std::optional<SystemTime> best;
  auto consider = [&best](const Result<std::optional<SystemTime>>& r) -> Status {
    if (!r.ok()) return r.status();
    if (r->has_value() && (!best || **r < *best)) best = **r;
    return Status::OK();
  };
  DUBAN_RETURN_IF_ERROR(consider(impl_->engine->NextWake()));
  DUBAN_RETURN_IF_ERROR(consider(impl_->digester->NextWake()));
  DUBAN_RETURN_IF_ERROR(consider(impl_->dispatcher->NextWake()));
  return best;
}

}  // namespace duban::app
