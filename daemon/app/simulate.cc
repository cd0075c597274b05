#include "app/simulate.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/campaigns.h"
#include "app/runner.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "schedule/schedule.h"
#include "store/store.h"

namespace duban::app {
namespace {

// One scripted event. `submit` reports for an obligation; `create`,
// `transition` and `ack` drive an item's lifecycle, naming the item by the
// key its `create` gave it.
struct Event {
  enum class Type { kSubmit, kCreate, kTransition, kAck };
  Type type = Type::kSubmit;
  SystemTime at;
  int line = 0;
  engine::Submission submission;   // submit
  engine::NewItemRequest create;   // create
  std::string item_key;            // transition, ack
  std::string transition;          // transition
  workflow::FieldValues input;     // transition
  engine::Actor actor;
};

workflow::FieldValues ToFields(const nlohmann::json& j) {
  workflow::FieldValues out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const auto& v = it.value();
    if (v.is_boolean()) out[it.key()] = v.get<bool>();
    else if (v.is_number_integer()) out[it.key()] = v.get<int64_t>();
    else if (v.is_string()) out[it.key()] = v.get<std::string>();
    else out[it.key()] = v.dump();
  }
  return out;
}

// Text member `key` of `j`; "" when absent, an error when not text or
// absent but required.
Result<std::string> Text(const nlohmann::json& j, const char* key, bool required) {
  if (!j.contains(key)) {
    if (required) return Status::InvalidArgument(fmt::format("missing \"{}\"", key));
    return std::string();
  }
  if (!j[key].is_string()) return Status::InvalidArgument(fmt::format("\"{}\" must be text", key));
  return j[key].get<std::string>();
}

Result<std::vector<Event>> ReadEvents(const std::string& path, const std::string& default_campaign) {
  std::vector<Event> out;
  if (path.empty()) return out;
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read events file", path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos || line[0] == '#') continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    auto bad = [&](const std::string& what) {
      return Status::InvalidArgument(fmt::format("{}:{}: {}", path, n, what));
    };
    if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
    if (!j.contains("at") || !j["at"].is_string()) return bad("missing \"at\" (a time with an offset)");
    auto at = ParseRfc3339(j["at"].get<std::string>());
    if (!at) return bad("\"at\" is not a time with an offset such as 2024-04-12T13:00+08:00");
    Event e;
    e.at = *at;
    e.line = n;
    e.actor.id = "simulate";
    e.actor.via = "simulate";
    e.actor.auth_role = "admin";  // a scripted event speaks for the campaign
    if (auto a = Text(j, "actor", false); a.ok() && !a->empty()) e.actor.id = *a;
    const std::string type = j.value("type", "");
    const std::string campaign = j.value("campaign", default_campaign);
    // Collects the first error of the fields read below.
    Status status;
    auto text = [&](const char* key, bool required) {
      auto r = Text(j, key, required);
      if (!r.ok()) {
        if (status.ok()) status = r.status();
        return std::string();
      }
      return *r;
    };
    workflow::FieldValues fields;
    if (j.contains("fields")) {
      if (!j["fields"].is_object()) return bad("\"fields\" must be an object");
      fields = ToFields(j["fields"]);
    }
    if (type == "submit") {
      e.type = Event::Type::kSubmit;
      e.submission.campaign = campaign;
      e.submission.obligation = text("obligation", true);
      e.submission.unit = text("unit", true);
      e.submission.period = text("period", true);
      e.submission.fields = std::move(fields);
      e.submission.actor = e.actor;
    } else if (type == "create") {
      e.type = Event::Type::kCreate;
      e.create.campaign = campaign;
      e.create.kind = text("kind", true);
      e.create.owner_unit = text("owner", true);
      e.create.department_unit = text("department", false);
      e.create.key = text("key", true);
      e.create.fields = std::move(fields);
    } else if (type == "transition") {
      e.type = Event::Type::kTransition;
      e.item_key = text("item", true);
      e.transition = text("transition", true);
      e.input = std::move(fields);
    } else if (type == "ack") {
      e.type = Event::Type::kAck;
      e.item_key = text("item", true);
    } else {
      return bad(fmt::format("unknown event type '{}'; expected submit, create, transition or ack",
                             type));
    }
    if (!status.ok()) return bad(status.message());
    out.push_back(std::move(e));
  }
  std::stable_sort(out.begin(), out.end(), [](const Event& a, const Event& b) { return a.at < b.at; });
  return out;
}

// Applies one event through the engine, as the API would.
Status Apply(const Event& e, engine::Engine& engine, store::Store& store, SystemTime now) {
  if (e.type == Event::Type::kSubmit) return engine.Submit(e.submission, now).status();
  if (e.type == Event::Type::kCreate) return engine.CreateItem(e.create, e.actor, now).status();
  auto item = store.FindItemByKey(e.item_key);
  if (!item.ok()) return item.status();
  if (!item->has_value()) {
    return Status::NotFound(fmt::format("no item with key '{}' (create it first)", e.item_key));
  }
  if (e.type == Event::Type::kAck) return engine.Acknowledge((*item)->id, e.actor, now).status();
  engine::TransitionRequest t;
  t.item = (*item)->id;
  t.transition = e.transition;
  t.input = e.input;
  return engine.Transition(t, e.actor, now).status();
}

}  // namespace

void RecordingChannel::Send(const store::OutboxRow& row,
                            std::function<void(notify::SendResult)> done) {
  out_->push_back({clock_.Now(), row.idempotency_key, row.channel, row.recipient, "", row.address,
                   row.binding, row.severity, row.body});
  done({notify::SendResult::Kind::kSent, fmt::format("sim-{}", row.id), "", {}});
}

Result<SimulationResult> Simulate(const config::DaemonConfig& config,
                                  const SimulationOptions& options, spdlog::logger& log) {
  Diagnostics diags;
  Loaded loaded = LoadCampaigns(config, &diags);
  if (diags.has_errors()) {
    return Status::InvalidArgument("the campaigns have errors:\n" + diags.ToString());
  }
  // Work on a copy: a simulation never touches the live database. The copy
  // is opened without fsync per commit: it is thrown away (or kept only as a
  // demo's starting point), and a week of a province is ~100,000 commits.
  std::error_code ec;
  std::filesystem::remove(options.database_copy, ec);
  if (std::filesystem::exists(config.database_path)) {
    auto live = store::OpenSqlite({config.database_path, config.busy_timeout_ms}, options.from);
    if (!live.ok()) return live.status();
    DUBAN_RETURN_IF_ERROR((*live)->BackupTo(options.database_copy));
  } else {
    log.warn("database {} does not exist yet: simulating with an empty directory",
             config.database_path);
  }
  auto events = ReadEvents(options.events_file,
                           loaded.campaigns.empty() ? "" : loaded.campaigns.front()->id);
  if (!events.ok()) return events.status();

  SimulationResult result;
  VirtualClock clock(options.from);
  RecordingChannel recorder(clock, &result.messages);
  notify::Channel* deliver = options.wrap_channel ? options.wrap_channel(&recorder) : &recorder;
  size_t next_event = 0;
  bool restarted = !options.restart_at.has_value();

  while (true) {
    auto store = store::OpenSqlite(
        {options.database_copy, config.busy_timeout_ms, /*durable=*/false}, clock.Now());
    if (!store.ok()) return store.status();
    // The copy must not be refused for the live database's clock kind.
    DUBAN_RETURN_IF_ERROR((*store)->SetMeta("clock_kind", clock.Kind()));
    RunnerDeps deps{&config, store->get(), &clock, &log, &loaded, deliver, nullptr};
    auto runner = Runner::Create(deps);
    if (!runner.ok()) return runner.status();
    DUBAN_RETURN_IF_ERROR((*runner)->Start(clock.Now()));
    const SystemTime stop = restarted ? options.to : *options.restart_at;
    // Bounded: each round either fires something or advances the clock.
    for (int round = 0; round < 10'000'000; ++round) {
      auto wake = (*runner)->NextWake();
      if (!wake.ok()) return wake.status();
      std::optional<SystemTime> next = *wake;
      if (next_event < events->size() && (!next || (*events)[next_event].at < *next)) {
        next = (*events)[next_event].at;
      }
      if (!next || *next >= stop) break;
      if (*next > clock.Now()) clock.SetNow(*next);
      while (next_event < events->size() && (*events)[next_event].at <= clock.Now()) {
        const Event& e = (*events)[next_event++];
        const Status r = Apply(e, (*runner)->engine(), **store, clock.Now());
        if (!r.ok()) {
          log.warn("{}:{}: event not applied: {}", options.events_file, e.line, r.message());
        } else {
          ++result.events_applied;
        }
      }
      auto tick = (*runner)->Tick(clock.Now());
      if (!tick.ok()) return tick.status();
      result.timers += tick->engine.timers;
      result.skipped += tick->engine.skipped;
    }
    if (restarted) break;
    // Simulated restart: everything in memory is dropped; only the database
    // carries over, exactly as after a crash.
    clock.SetNow(std::max(clock.Now(), *options.restart_at));
    restarted = true;
  }
  // Name the recipients for people reading the schedule.
  auto store = store::OpenSqlite(
      {options.database_copy, config.busy_timeout_ms, /*durable=*/false}, clock.Now());
  if (store.ok()) {
    auto contacts = (*store)->ListContacts();
    if (contacts.ok()) {
      std::map<std::string, const model::Contact*> by_id;
      for (const auto& c : *contacts) by_id[c.id] = &c;
      for (auto& m : result.messages) {
        auto it = by_id.find(m.recipient);
        if (it != by_id.end()) m.recipient_name = it->second->name;
      }
    }
  }
  return result;
}

std::string FormatSimulationText(const SimulationResult& r, const std::string& time_zone) {
  auto zone = schedule::Zone::Load(time_zone);
  const schedule::Zone z = zone.ok() ? *zone : schedule::Zone();
  std::string out;
  // day → recipient → count, both in order of first appearance by time.
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, int>>>> days;
  for (const auto& m : r.messages) {
    const std::string who = m.recipient_name.empty() ? m.recipient
                                                     : fmt::format("{}（{}）", m.recipient_name, m.recipient);
    out += fmt::format("{}  [{}] → {}{}\n", z.FormatWithWeekday(m.at), m.channel, who,
                       m.severity == "info" ? "" : fmt::format("  ⚠ {}", m.severity));
    for (const auto& line : Split(m.body, '\n')) {
      if (!line.empty()) out += "    " + line + "\n";
    }
    out += "\n";
    const std::string day = z.FormatWithWeekday(m.at).substr(0, 10);
    if (days.empty() || days.back().first != day) days.push_back({day, {}});
    auto& recips = days.back().second;
    auto it = std::find_if(recips.begin(), recips.end(), [&](const auto& p) { return p.first == who; });
    if (it == recips.end()) recips.push_back({who, 1}); else ++it->second;
  }
  out += fmt::format("== 汇总 summary: {} 条消息 messages, {} 个定时 timers ({} skipped), {} 个事件 events ==\n",
                     r.messages.size(), r.timers, r.skipped, r.events_applied);
  for (const auto& [day, recips] : days) {
    int total = 0;
    for (const auto& p : recips) total += p.second;
    out += fmt::format("{}  {} 条\n", day, total);
    for (const auto& [who, n] : recips) out += fmt::format("    {} ×{}\n", who, n);
  }
  return out;
}

std::string FormatSimulationJson(const SimulationResult& r, const std::string& time_zone) {
  auto zone = schedule::Zone::Load(time_zone);
  const schedule::Zone z = zone.ok() ? *zone : schedule::Zone();
  std::string out;
  for (const auto& m : r.messages) {
    nlohmann::json j = {{"at", FormatWithOffset(m.at, z.OffsetMinutes(m.at))},
                        {"channel", m.channel},
                        {"recipient", m.recipient},
                        {"recipient_name", m.recipient_name},
                        {"address", m.address},
                        {"template", m.binding},
                        {"severity", m.severity},
                        {"text", m.body}};
    out += j.dump() + "\n";
  }
  return out;
}

}  // namespace duban::app
