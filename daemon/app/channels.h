// The channel factory: builds every configured channel (console, file and
// the six network channels of reference/channels.md) from config, resolving
// secrets at construction. Lives in app/ because notify/ does not know
// config/. Used by the Runner (serve) and `duban channel`.
//
// Loop thread only: channels are used on the thread `post` delivers to.
#pragma once

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/campaigns.h"
#include "base/clock.h"
#include "base/diagnostic.h"
#include "base/status.h"
#include "config/config.h"
#include "notify/channel.h"
#include "notify/channels/http_channel.h"
#include "notify/channels/sms_params.h"
#include "notify/notify.h"
#include "notify/rate_limiter.h"

namespace duban::app {

struct ChannelEnv {
  const Clock* clock = nullptr;                    // must outlive the channels
  const notify::LocalTime* local_time = nullptr;   // console timestamps
  std::FILE* console = stdout;
  // Hands work to the loop thread; any thread. Required when a network
  // channel is configured: HTTP completions come back through it.
  std::function<void(std::function<void()>)> post;
  notify::ContactLookup find_contact;  // @mentions; may be empty
  // $CREDENTIALS_DIRECTORY for credential: secrets; "" = read the variable.
  std::string credentials_dir;
};

// Every configured channel, built and owned, each network channel with an
// HTTP client of its own: a provider that answers slowly fills only its own
// channel's transfer slots, never another channel's (no head-of-line
// blocking). Destroying the set stops the HTTP clients first, so no channel
// callback runs after it is gone.
class ChannelSet {
 public:
  // kInvalidArgument naming the channel for a bad setting, kNotFound for a
  // secret that cannot be read (the reference is named, never a value).
  static Result<std::unique_ptr<ChannelSet>> Create(
      const std::vector<config::ChannelConfig>& channels, const ChannelEnv& env);
  ~ChannelSet();

  // nullptr for an unknown name.
  notify::Channel* Find(const std::string& name) const;
  const std::map<std::string, notify::Channel*>& by_name() const { return by_name_; }

 private:
  ChannelSet() = default;
  std::vector<std::unique_ptr<notify::Channel>> owned_;
  std::map<std::string, notify::Channel*> by_name_;
  std::map<std::string, std::shared_ptr<notify::RateLimiter>> limiters_;  // by endpoint
  std::vector<std::unique_ptr<notify::HttpClient>> http_;  // one per network channel
};

// True for the types that talk to a provider over the network.
bool IsNetworkType(const std::string& type);

// The limits duban keeps for one channel: per endpoint (robot or account)
// and, for SMS, per number. Defaults from channels.md; rate_per_minute and
// per_number_per_day override them.
std::vector<notify::RateLimit> EndpointLimits(const config::ChannelConfig& channel);
std::vector<notify::RateLimit> NumberLimits(const config::ChannelConfig& channel);

// The channel's SMS templates, compiled (max defaults: Alibaba 20, Tencent
// 12 characters). kInvalidArgument for a snippet that does not parse.
Result<notify::SmsTemplates> SmsTemplatesOf(const config::ChannelConfig& channel);

// For `duban check`: every SMS channel's templates rendered against sample
// data (missing variables, over-long parameters, snippets that do not
// parse), and message kinds a campaign sends as SMS that an SMS channel has
// no template code for. Errors and warnings go to `diags`, positioned in
// the config file.
void CheckChannels(const config::DaemonConfig& cfg, const Loaded& loaded, Diagnostics* diags);

}  // namespace duban::app
