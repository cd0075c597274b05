// notify: turns the engine's intents into delivered messages.
//
//   intents ──Digester──▶ outbox rows ──Dispatcher──▶ channels
//
// The Digester groups open intents per (recipient, template binding) once the
// group's window (group_wait) has closed, re-checks each item (resolved,
// moved to another state, or acknowledged before its deadline: those drop
// out; an empty digest is recorded as suppressed),
// picks the recipient's channel, drops items under an active silence,
// renders the template for the channel's family and applies quiet hours,
// then commits the outbox rows and the
// consumed intents in one transaction (several digests share one: group
// commit, DigestOptions::commit_batch).
//
// Loop thread only. notify never includes engine/; app wires the two.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "model/model.h"
#include "store/records.h"

namespace duban::render {
class TemplateSet;
}
namespace duban::store {
class Store;
struct DigestCommit;
}

namespace duban::notify {

// Channel families decide which template renders a message.
enum class Family { kSms, kMarkdown, kText };

struct ChannelInfo {
  std::string name;   // configured name: "sms", "town-robot", "console"
  std::string type;   // console, file, dingtalk, wecom, feishu, webhook, aliyun_sms, tencent_sms
  Family family = Family::kText;
  bool is_sms = false;  // quiet hours apply by default
};

// Family of a channel type: SMS providers → kSms; DingTalk, WeCom and Feishu
// robots → kMarkdown; console, file and webhook → kText.
Family FamilyOfType(const std::string& type);

// Template names per family for one binding (a message kind).
struct Binding {
  std::string sms;
  std::string markdown;
  std::string text;
  const std::string& For(Family f) const;
};

// Local-time questions notify needs answered (quiet hours), implemented by
// app over the campaign calendar so notify does not depend on schedule/.
class LocalTime {
 public:
  virtual ~LocalTime() = default;
  // Minutes after local midnight at `t`.
  virtual int MinuteOfDay(SystemTime t) const = 0;
  // The first instant after `t` whose local time is `minute_of_day`.
  virtual SystemTime NextAt(SystemTime t, int minute_of_day) const = 0;
  // "4月12日 12:00" for messages.
  virtual std::string Short(SystemTime t) const = 0;
};

struct DigestOptions {
  Millis group_wait{std::chrono::minutes(2)};
  // Default SMS quiet hours, local minutes after midnight (21:00–08:00).
  int quiet_start_min = 21 * 60;
  int quiet_end_min = 8 * 60;
  // Groups read per round. Each round's query aggregates every open
  // intent, so a round should take every closed group there is: the
  // national Friday noon closes ~25,000 (one town office each), which took
  // 25 rounds of 1,000. A group is two short names, so 50,000 is a few MB.
  int batch_limit = 50000;
  // Digests committed per transaction (group commit: with synchronous=FULL
  // each commit waits for one fsync).
  int commit_batch = 500;
};

// Everything the Digester reads besides the store. Must outlive it.
struct DigestDeps {
  store::Store* store = nullptr;
  const render::TemplateSet* templates = nullptr;
  const LocalTime* local_time = nullptr;
  std::map<std::string, Binding> bindings;            // binding id → templates
  std::map<std::string, ChannelInfo> channels;        // channel name → info
  // Contact lookup by id (the directory lives in the store; app may cache).
  std::function<std::optional<model::Contact>(const std::string&)> find_contact;
  std::string default_channel;                        // when a contact names none configured
  // True when `unit` is `root` or below it (silences by unit subtree).
  std::function<bool(const std::string& unit, const std::string& root)> is_under;
  // A one-tap action link for `contact` about `item` ("" when none applies);
  // app builds it from the API's signing key and public address.
  std::function<std::string(const store::Item& item, const model::Contact& contact)> link_for;
  // Told of every digest that sends nothing, with the reason (metrics).
  std::function<void(const std::string& reason)> on_suppressed;
};

class Digester {
 public:
  Digester(DigestOptions options, DigestDeps deps);

  // Builds and commits every digest whose window has closed at `now`.
  // Returns the number of outbox rows written.
  Result<int> Tick(SystemTime now);
  // When the next group window closes; nullopt when no intent is open.
  Result<std::optional<SystemTime>> NextWake();

 private:
  // Builds one digest and appends it to `out` (committed by the caller).
  Status DigestGroup(const std::vector<store::Intent>& group, SystemTime now,
                     std::vector<store::DigestCommit>& out);
  const store::Silence* SilenceFor(const std::string& unit, const std::string& binding,
                                   const std::string& channel, SystemTime now) const;

  DigestOptions options_;
  DigestDeps deps_;
  std::vector<store::Silence> silences_;  // active ones, loaded per tick
};

}  // namespace duban::notify
