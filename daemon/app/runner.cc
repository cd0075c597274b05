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
};

Runner::Runner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Runner::~Runner() = default;
engine::Engine& Runner::engine() { return *impl_->engine; }

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
    env.post = std::move(post);
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
  impl->digester = std::make_unique<notify::Digester>(notify::DigestOptions{}, std::move(ddeps));
  impl->dispatcher = std::make_unique<notify::Dispatcher>(notify::DispatchOptions{}, *deps.store,
                                                          *deps.clock, impl->channels);
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
