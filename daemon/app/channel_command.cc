// `duban channel test NAME [--to CONTACT]` sends one clearly marked test
// message through a configured channel and prints the provider's answer:
// the first thing to do after configuring a robot or an SMS account.
// `duban channel list` shows each channel's type, its state as far as the
// outbox knows (last sent, failing since, last error) and its rate budget.
//
// Single-threaded CLI code; the main thread doubles as the loop thread that
// HTTP completions are posted to.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/channels.h"
#include "app/cli_store.h"
#include "app/commands.h"
#include "app/runner.h"
#include "notify/channels/text_util.h"
#include "runtime/real_clock.h"
#include "schedule/schedule.h"

namespace duban::app {
namespace {

struct ChannelArgs {
  std::string config = "config/duban.yaml";
  std::string name;
  std::string to;    // a contact id or a mobile number
  std::string kind;  // message kind whose SMS template to use
  int timeout_s = 30;
};

// Runs what the HTTP client posts, on the calling (main) thread.
class CliLoop {
 public:
  void Post(std::function<void()> fn) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(fn));
    }
    cv_.notify_all();
  }
  bool RunUntil(const std::function<bool()>& done, std::chrono::seconds limit) {
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

class ZoneTime final : public notify::LocalTime {
 public:
  explicit ZoneTime(schedule::Zone zone) : zone_(std::move(zone)) {}
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

const config::ChannelConfig* FindChannel(const config::DaemonConfig& cfg, const std::string& name) {
  for (const auto& c : cfg.channels) {
    if (c.name == name) return &c;
  }
  std::string names;
  for (const auto& c : cfg.channels) names += (names.empty() ? "" : ", ") + c.name;
  std::fprintf(stderr, "no channel '%s' in %s; configured: %s\n", name.c_str(),
               cfg.source_file.c_str(), names.empty() ? "(none)" : names.c_str());
  return nullptr;
}

// The contact --to names: a mobile number as is, else a contact id from the
// directory in the database.
std::optional<model::Contact> ResolveTo(const std::string& to, const std::string& config_path) {
  model::Contact c;
  c.id = "channel-test";
  c.name = "测试";
  if (to.empty()) return c;
  if (auto mobile = notify::MainlandMobile(to)) {
    c.mobile = "+86" + *mobile;
    return c;
  }
  auto db = OpenCliStore(config_path);
  if (!db) return std::nullopt;
  auto contacts = db->store->ListContacts();
  if (!contacts.ok()) {
    std::fprintf(stderr, "%s\n", contacts.status().ToString().c_str());
    return std::nullopt;
  }
  for (const auto& found : *contacts) {
    if (found.id == to) return found;
  }
  std::fprintf(stderr, "'%s' is neither a mainland mobile number nor a contact id in the "
                       "directory (import contacts first)\n", to.c_str());
  return std::nullopt;
}

int RunTest(const ChannelArgs& args) {
  Diagnostics diags;
  auto cfg = config::LoadConfig(args.config, &diags);
  if (cfg == nullptr) {
    std::fprintf(stderr, "%s", diags.ToString().c_str());
    return 1;
  }
  const config::ChannelConfig* ch = FindChannel(*cfg, args.name);
  if (ch == nullptr) return 1;
  const bool sms = FamilyOf(*ch) == notify::Family::kSms;
  auto contact = ResolveTo(args.to, args.config);
  if (!contact) return 1;
  if (sms && contact->mobile.empty()) {
    std::fprintf(stderr, "an SMS test needs a number: --to 13800000000 or --to CONTACT_ID\n");
    return 1;
  }
  auto zone = schedule::Zone::Load(cfg->time_zone);
  if (!zone.ok()) {
    std::fprintf(stderr, "%s\n", zone.status().ToString().c_str());
    return 1;
  }
  ZoneTime local(*zone);
  runtime::RealClock clock;
  CliLoop loop;
  ChannelEnv env;
  env.clock = &clock;
  env.local_time = &local;
  env.post = [&loop](std::function<void()> fn) { loop.Post(std::move(fn)); };
  env.find_contact = [&contact](const std::string& id) -> std::optional<model::Contact> {
    if (id == contact->id) return *contact;
    return std::nullopt;
  };
  auto set = ChannelSet::Create({*ch}, env);
  if (!set.ok()) {
    std::fprintf(stderr, "%s\n", set.status().ToString().c_str());
    return 1;
  }

  const SystemTime now = clock.Now();
  store::OutboxRow row;
  row.idempotency_key = fmt::format("channel-test/{}/{}", ch->name, ToUnixMillis(now));
  row.created_at = now;
  row.next_attempt_at = now;
  row.channel = ch->name;
  row.recipient = contact->id;
  row.address = sms ? contact->mobile : ch->name;
  row.campaign = "channel-test";
  row.title = "【督办测试】通道测试";
  row.body = fmt::format("【督办测试】这是督办通道“{}”（{}）的测试消息，发送于{}。收到即说明配置正确，"
                         "无需回复。",
                         ch->name, ch->type, local.Short(now));
  // SMS can only carry an approved template: use the kind asked for, else
  // one named channel_test, else the first configured, with sample facts.
  row.binding = args.kind.empty() ? "channel_test" : args.kind;
  if (sms && args.kind.empty() && !ch->sms_templates.contains("channel_test") &&
      !ch->sms_templates.empty()) {
    row.binding = ch->sms_templates.begin()->first;
  }
  nlohmann::json params = notify::SampleSmsContext();
  params["campaign"] = "督办测试";
  params["recipient"] = {{"name", contact->name}, {"role", contact->role}};
  row.params = params.dump();

  std::printf("sending a test message through '%s' (%s) to %s ...\n", ch->name.c_str(),
              ch->type.c_str(), row.address.empty() ? "(the group)" : row.address.c_str());
  if (sms) {
    if (auto templates = SmsTemplatesOf(*ch); templates.ok()) {
      if (auto msg = templates->Render(row.binding, params); msg.ok()) {
        std::printf("  template %s for message kind %s:", msg->code.c_str(), row.binding.c_str());
        for (const auto& [k, v] : msg->params) std::printf(" %s=%s", k.c_str(), v.c_str());
        std::printf("\n");
      }
    }
  }
  std::optional<notify::SendResult> result;
  set.value()->Find(ch->name)->Send(row, [&](notify::SendResult r) { result = std::move(r); });
  if (!loop.RunUntil([&] { return result.has_value(); }, std::chrono::seconds(args.timeout_s))) {
    std::fprintf(stderr, "no answer within %d s\n", args.timeout_s);
    return 1;
  }
  std::printf("result:   %s\n", notify::SendResultKindName(result->kind));
  if (!result->provider_id.empty()) std::printf("message:  %s\n", result->provider_id.c_str());
  if (!result->detail.empty()) std::printf("provider: %s\n", result->detail.c_str());
  if (result->kind == notify::SendResult::Kind::kRetryAfter) {
    std::printf("retry at: %s\n", FormatLocal(*cfg, result->retry_at).c_str());
  }
  return result->kind == notify::SendResult::Kind::kSent ? 0 : 1;
}

std::string Limits(const std::vector<notify::RateLimit>& limits) {
  std::string out;
  for (const auto& l : limits) out += (out.empty() ? "" : " and ") + l.ToString();
  return out;
}

int RunList(const ChannelArgs& args) {
  auto db = OpenCliStore(args.config);
  if (!db) return 1;
  const config::DaemonConfig& cfg = *db->config;
  if (cfg.channels.empty()) std::printf("no channels configured in %s\n", args.config.c_str());
  for (const auto& ch : cfg.channels) {
    std::printf("%s  %s\n", ch.name.c_str(), ch.type.c_str());
    store::OutboxQuery q;
    q.channel = ch.name;
    q.limit = 500;
    auto rows = db->store->ListOutbox(q);  // newest first
    if (!rows.ok()) {
      std::printf("  state:       unknown (%s)\n", rows.status().ToString().c_str());
      continue;
    }
    const store::OutboxRow* last_sent = nullptr;
    const store::OutboxRow* last_error = nullptr;
    const store::OutboxRow* oldest_failing = nullptr;
    int failing = 0;
    int sent_last_minute = 0;
    for (const auto& row : *rows) {
      if (row.state == "sent" && row.sent_at) {
        if (last_sent == nullptr) last_sent = &row;
        if (*row.sent_at > db->now - std::chrono::minutes(1)) ++sent_last_minute;
      }
      // A message held by duban's own rate limit has not failed.
      const bool failed =
          !row.last_error.empty() && !row.last_error.starts_with(notify::kHeldPrefix);
      if (last_error == nullptr && failed) last_error = &row;
      // Failures newer than the newest delivery: the channel's current streak.
      if (last_sent == nullptr && failed && (row.state == "retry" || row.state == "dead")) {
        ++failing;
        oldest_failing = &row;
      }
    }
    std::string state = "ok";
    if (rows->empty()) state = "ok (no messages yet)";
    if (failing > 0) {
      state = fmt::format("failing since {} ({} message(s) not delivered since the last success)",
                          FormatLocal(cfg, oldest_failing->created_at), failing);
    }
    std::printf("  state:       %s\n", state.c_str());
    std::printf("  last sent:   %s\n",
                last_sent ? FormatLocal(cfg, *last_sent->sent_at).c_str() : "never");
    if (last_error != nullptr) {
      std::printf("  last error:  %s (message %lld, %s)\n", last_error->last_error.c_str(),
                  static_cast<long long>(last_error->id), last_error->state.c_str());
    }
    const auto endpoint = EndpointLimits(ch);
    const auto numbers = NumberLimits(ch);
    std::string budget = endpoint.empty() ? "no limit of duban's own" : Limits(endpoint);
    for (const auto& l : endpoint) {
      if (l.window == std::chrono::minutes(1)) {
        budget += fmt::format(", {} left now ({} sent in the last minute)",
                              std::max(0, l.tokens - sent_last_minute), sent_last_minute);
      }
    }
    if (!numbers.empty()) budget += "; per number " + Limits(numbers);
    std::printf("  rate budget: %s\n", budget.c_str());
  }
  return 0;
}

}  // namespace

void AddChannelCommand(CLI::App& cli, int* exit_code) {
  auto args = std::make_shared<ChannelArgs>();
  CLI::App* cmd = cli.add_subcommand("channel", "Test and list the configured channels");
  cmd->require_subcommand(1);
  cmd->add_option("-c,--config", args->config, "Configuration file")->capture_default_str();

  CLI::App* test = cmd->add_subcommand(
      "test", "Send one clearly marked test message (【督办测试】) and print the answer");
  test->add_option("name", args->name, "Channel name, as configured")->required();
  test->add_option("--to", args->to, "A contact id or a mobile number (needed for SMS)");
  test->add_option("--kind", args->kind, "SMS: the message kind whose template to use");
  test->add_option("--timeout", args->timeout_s, "Seconds to wait for the answer")
      ->capture_default_str();
  test->add_option("-c,--config", args->config, "Configuration file");
  test->callback([args, exit_code] { *exit_code = RunTest(*args); });

  CLI::App* list = cmd->add_subcommand("list", "Each channel's type, state and rate budget");
  list->add_option("-c,--config", args->config, "Configuration file");
  list->callback([args, exit_code] { *exit_code = RunList(*args); });
}

}  // namespace duban::app
