#include "app/channels.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "notify/channels/robots.h"
#include "notify/channels/signing.h"
#include "notify/channels/sms_channels.h"
#include "notify/channels/webhook_channel.h"
#include "notify/console_channel.h"
#include "notify/http/http_client.h"

namespace duban::app {
namespace {

std::string Param(const config::ChannelConfig& ch, const std::string& key,
                  const std::string& fallback = "") {
  auto it = ch.params.find(key);
  return it == ch.params.end() ? fallback : it->second;
}

int IntParam(const config::ChannelConfig& ch, const std::string& key, int fallback) {
  auto it = ch.params.find(key);
  return it == ch.params.end() ? fallback : std::atoi(it->second.c_str());
}

bool IsSmsType(const std::string& type) { return type == "aliyun_sms" || type == "tencent_sms"; }

// Resolves the channel's secrets once, at construction.
class Secrets {
 public:
  Secrets(const config::ChannelConfig& ch, std::string credentials_dir)
      : ch_(ch), dir_(std::move(credentials_dir)) {}
  Result<std::string> Get(const std::string& key) const {
    auto it = ch_.secrets.find(key);
    if (it == ch_.secrets.end()) return std::string();
    auto v = config::ResolveSecret(it->second, dir_);
    if (!v.ok()) {
      return Status(v.status().code(),
                    fmt::format("channel '{}', {}: {}", ch_.name, key, v.status().message()));
    }
    return v;
  }

 private:
  const config::ChannelConfig& ch_;
  std::string dir_;
};

Millis Timeout(const config::ChannelConfig& ch) {
  return Millis(IntParam(ch, "timeout_ms", 10000));
}

}  // namespace

bool IsNetworkType(const std::string& type) { return type != "console" && type != "file"; }

std::vector<notify::RateLimit> EndpointLimits(const config::ChannelConfig& ch) {
  const int per_minute = ch.rate_per_minute.value_or(0);
  if (ch.type == "dingtalk" || ch.type == "wecom" || ch.type == "feishu") {
    return notify::DefaultRobotLimits(ch.type, per_minute);
  }
  if (per_minute > 0) return {{per_minute, std::chrono::minutes(1)}};
  return {};
}

std::vector<notify::RateLimit> NumberLimits(const config::ChannelConfig& ch) {
  if (!IsSmsType(ch.type)) return {};
  return notify::DefaultSmsNumberLimits(ch.type, IntParam(ch, "per_number_per_day", 0));
}

Result<notify::SmsTemplates> SmsTemplatesOf(const config::ChannelConfig& ch) {
  // Alibaba: keep each value within 20 characters (channels.md §4); Tencent
  // rejects over 12 for individually verified accounts (§5).
  const size_t default_max = ch.type == "tencent_sms" ? 12 : 20;
  std::map<std::string, notify::SmsTemplate> by_kind;
  for (const auto& [kind, tc] : ch.sms_templates) {
    notify::SmsTemplate t;
    t.code = tc.code;
    for (const auto& pc : tc.params) {
      notify::SmsParam p;
      p.name = pc.name;
      p.from = pc.from;
      p.field = pc.field;
      if (!pc.list.empty()) p.list = pc.list;
      if (!pc.counter.empty()) p.counter = pc.counter;
      if (!pc.separator.empty()) p.separator = pc.separator;
      p.max_chars = pc.max > 0 ? static_cast<size_t>(pc.max) : default_max;
      t.params.push_back(std::move(p));
    }
    by_kind[kind] = std::move(t);
  }
  auto compiled = notify::SmsTemplates::Compile(std::move(by_kind));
  if (!compiled.ok()) {
    return Status::InvalidArgument(
        fmt::format("channel '{}' templates: {}", ch.name, compiled.status().message()));
  }
  return compiled;
}

ChannelSet::~ChannelSet() {
  // First: no completion may reach a channel being destroyed.
  http_.clear();
}

notify::Channel* ChannelSet::Find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

Result<std::unique_ptr<ChannelSet>> ChannelSet::Create(
    const std::vector<config::ChannelConfig>& channels, const ChannelEnv& env) {
  auto set = std::unique_ptr<ChannelSet>(new ChannelSet());
  std::string credentials_dir = env.credentials_dir;
  if (credentials_dir.empty()) {
    if (const char* d = std::getenv("CREDENTIALS_DIRECTORY")) credentials_dir = d;
  }
  for (const auto& ch : channels) {
    std::unique_ptr<notify::Channel> made;
    if (ch.type == "console") {
      made = std::make_unique<notify::ConsoleChannel>(ch.name, env.console, env.local_time);
    } else if (ch.type == "file") {
      made = std::make_unique<notify::FileChannel>(ch.name, Param(ch, "path"));
    } else {
      if (!env.post) {
        return Status::InvalidArgument(fmt::format(
            "channel '{}' ({}) needs the event loop to deliver network answers", ch.name,
            ch.type));
      }
      auto http = notify::HttpClient::Create({}, env.post);
      if (!http.ok()) return http.status();
      set->http_.push_back(std::move(*http));
      Secrets secrets(ch, credentials_dir);
      notify::ChannelDeps deps;
      deps.http = set->http_.back().get();
      deps.clock = env.clock;
      deps.find_contact = env.find_contact;
      // Channels that post to the same robot or account share its budget.
      // The key holds a hash of the token, never the token.
      auto limiter_for = [&](const std::string& identity) {
        const std::string key = ch.type + "|" + Param(ch, "url") + "|" + notify::Sha256Hex(identity);
        auto& l = set->limiters_[key];
        if (l == nullptr) l = std::make_shared<notify::RateLimiter>(env.clock, EndpointLimits(ch));
        return l;
      };
      if (ch.type == "dingtalk" || ch.type == "wecom" || ch.type == "feishu") {
        notify::RobotOptions o;
        o.name = ch.name;
        o.url = Param(ch, "url");
        auto token = secrets.Get(ch.type == "wecom" ? "key" : "token");
        if (!token.ok()) return token.status();
        auto secret = secrets.Get("secret");
        if (!secret.ok()) return secret.status();
        o.token = *token;
        o.secret = *secret;
        o.keyword = Param(ch, "keyword");
        o.mention = Param(ch, "mention", "true") == "true";
        o.timeout = Timeout(ch);
        deps.limiter = limiter_for(o.token);
        if (ch.type == "dingtalk") {
          made = std::make_unique<notify::DingTalkChannel>(std::move(o), std::move(deps));
        } else if (ch.type == "wecom") {
          made = std::make_unique<notify::WeComChannel>(std::move(o), std::move(deps));
        } else {
          made = std::make_unique<notify::FeishuChannel>(std::move(o), std::move(deps));
        }
      } else if (ch.type == "webhook") {
        notify::WebhookOptions o;
        o.name = ch.name;
        o.url = Param(ch, "url");
        auto secret = secrets.Get("secret");
        if (!secret.ok()) return secret.status();
        o.secret = *secret;
        o.timeout = Timeout(ch);
        deps.limiter = limiter_for("");
        made = std::make_unique<notify::WebhookChannel>(std::move(o), std::move(deps));
      } else if (IsSmsType(ch.type)) {
        const bool aliyun = ch.type == "aliyun_sms";
        notify::SmsOptions o;
        o.name = ch.name;
        o.url = Param(ch, "url");
        o.key_id = Param(ch, aliyun ? "access_key_id" : "secret_id");
        auto key_secret = secrets.Get(aliyun ? "access_key_secret" : "secret_key");
        if (!key_secret.ok()) return key_secret.status();
        o.key_secret = *key_secret;
        o.sign_name = Param(ch, "sign_name");
        o.sdk_app_id = Param(ch, "sdk_app_id");
        o.region = Param(ch, "region", "ap-guangzhou");
        o.timeout = Timeout(ch);
        auto templates = SmsTemplatesOf(ch);
        if (!templates.ok()) return templates.status();
        deps.limiter = limiter_for(o.key_id);
        // Per-number budgets belong to the account too: shared the same way.
        auto& per_number = set->limiters_["numbers|" + ch.type + "|" + o.key_id];
        if (per_number == nullptr) {
          per_number = std::make_shared<notify::RateLimiter>(env.clock, NumberLimits(ch));
        }
        if (aliyun) {
          made = std::make_unique<notify::AliyunSmsChannel>(std::move(o), std::move(*templates),
                                                            std::move(deps), per_number);
        } else {
          made = std::make_unique<notify::TencentSmsChannel>(std::move(o), std::move(*templates),
                                                             std::move(deps), per_number);
        }
      } else {
        return Status::InvalidArgument(
            fmt::format("channel '{}': unknown type '{}'", ch.name, ch.type));
      }
    }
    set->by_name_[ch.name] = made.get();
    set->owned_.push_back(std::move(made));
  }
  return set;
}

void CheckChannels(const config::DaemonConfig& cfg, const Loaded& loaded, Diagnostics* diags) {
  auto add = [&](Diagnostic::Severity sev, int line, std::string path, std::string message,
                 std::string hint = {}) {
    Diagnostic d;
    d.severity = sev;
    d.file = cfg.source_file;
    d.line = line;
    d.path = std::move(path);
    d.message = std::move(message);
    d.hint = std::move(hint);
    diags->Add(std::move(d));
  };
  const nlohmann::json sample = notify::SampleSmsContext();
  for (size_t i = 0; i < cfg.channels.size(); ++i) {
    const auto& ch = cfg.channels[i];
    if (!IsSmsType(ch.type)) continue;
    const std::string path = fmt::format("channels[{}].templates", i);
    auto templates = SmsTemplatesOf(ch);
    if (!templates.ok()) {
      add(Diagnostic::Severity::kError, 0, path, templates.status().message());
      continue;
    }
    for (const auto& problem : templates->Check(sample)) {
      const int line = ch.sms_templates.at(problem.kind).line;
      add(Diagnostic::Severity::kWarning, line, path + "." + problem.kind, problem.message,
          problem.overlong ? "it is shortened to fit when sent; raise max if the provider allows"
                           : "the context has the intent's facts (unit, title, due, ...), "
                             "items[], count and recipient.name");
    }
    // Kinds a campaign sends by SMS but this channel cannot: dead letters.
    std::vector<std::string> uncovered;
    for (const auto& spec : loaded.campaigns) {
      for (const auto& b : spec->templates) {
        if (b.sms.empty() || ch.sms_templates.contains(b.id)) continue;
        if (std::find(uncovered.begin(), uncovered.end(), b.id) == uncovered.end()) {
          uncovered.push_back(b.id);
        }
      }
    }
    if (!uncovered.empty()) {
      add(Diagnostic::Severity::kWarning, 0, path,
          fmt::format("channel '{}' has no template code for message kind(s) {}: such SMS become "
                      "dead letters",
                      ch.name, fmt::join(uncovered, ", ")),
          "add <kind>: {code: SMS_..., params: {...}} under the channel's templates");
    }
  }
}

}  // namespace duban::app
