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

struct Event {
  SystemTime at;
  int line = 0;
  engine::Submission submission;
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
    const std::string type = j.value("type", "");
    if (type != "submit") return bad(fmt::format("unknown event type '{}'; expected submit", type));
    Event e;
    e.at = *at;
    e.line = n;
    e.submission.campaign = j.value("campaign", default_campaign);
    e.submission.obligation = j.value("obligation", "");
    e.submission.unit = j.value("unit", "");
    e.submission.period = j.value("period", "");
    e.submission.actor.id = j.value("actor", "simulate");
    e.submission.actor.via = "simulate";
    e.submission.actor.auth_role = "admin";  // a scripted event speaks for the campaign
    if (j.contains("fields") && j["fields"].is_object()) e.submission.fields = ToFields(j["fields"]);
    out.push_back(std::move(e));
  }
  std::stable_sort(out.begin(), out.end(), [](const Event& a, const Event& b) { return a.at < b.at; });
  return out;
}

}  // namespace

void RecordingChannel::Send(const store::OutboxRow& row,
                            std::function<void(notify::SendResult)> done) {
  out_->push_back({clock_.Now(), row.channel, row.recipient, "", row.address, row.binding,
                   row.severity, row.body});
  done({notify::SendResult::Kind::kSent, fmt::format("sim-{}", row.id), "", {}});
}

Result<SimulationResult> Simulate(const config::DaemonConfig& config,
                                  const SimulationOptions& options, spdlog::logger& log) {
  Diagnostics diags;
  Loaded loaded = LoadCampaigns(config, &diags);
  if (diags.has_errors()) {
    return Status::InvalidArgument("the campaigns have errors:\n" + diags.ToString());
  }
  // Work on a copy: a simulation never touches the live database.
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
  size_t next_event = 0;
  bool restarted = !options.restart_at.has_value();

  while (true) {
    auto store = store::OpenSqlite({options.database_copy, config.busy_timeout_ms}, clock.Now());
    if (!store.ok()) return store.status();
    // The copy must not be refused for the live database's clock kind.
    DUBAN_RETURN_IF_ERROR((*store)->SetMeta("clock_kind", clock.Kind()));
    RunnerDeps deps{&config, store->get(), &clock, &log, &loaded, &recorder, nullptr};
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
        auto r = (*runner)->engine().Submit(e.submission, clock.Now());
        if (!r.ok()) {
          log.warn("{}:{}: event not applied: {}", options.events_file, e.line, r.status().message());
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
  auto store = store::OpenSqlite({options.database_copy, config.busy_timeout_ms}, clock.Now());
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
