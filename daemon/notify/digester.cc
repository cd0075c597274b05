#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "notify/notify.h"
#include "render/render.h"
#include "store/store.h"

namespace duban::notify {

Family FamilyOfType(const std::string& type) {
  if (type == "aliyun_sms" || type == "tencent_sms") return Family::kSms;
  if (type == "dingtalk" || type == "wecom" || type == "feishu") return Family::kMarkdown;
  return Family::kText;
}

// The family's own template, else the closest one: plain text reads well
// everywhere; markdown is still legible as SMS; an SMS text is plain text.
const std::string& Binding::For(Family f) const {
  const std::string* order[3];
  switch (f) {
    case Family::kSms: order[0] = &sms; order[1] = &text; order[2] = &markdown; break;
    case Family::kMarkdown: order[0] = &markdown; order[1] = &text; order[2] = &sms; break;
    case Family::kText: order[0] = &text; order[1] = &markdown; order[2] = &sms; break;
  }
  for (const std::string* s : order) {
    if (!s->empty()) return *s;
  }
  return text;
}

Digester::Digester(DigestOptions options, DigestDeps deps)
    : options_(options), deps_(std::move(deps)) {}

Result<std::optional<SystemTime>> Digester::NextWake() {
  return deps_.store->NextIntentGroupAt();
}

// Digests are committed in batches of commit_batch, one transaction each:
// a crash before a batch's commit leaves its intents open (redone next
// tick); after it, they are consumed with the rows created, so nothing is
// done twice. Groups read in a round are all committed before the next
// round reads, so none is digested twice within a tick.
Result<int> Digester::Tick(SystemTime now) {
  // Nothing to do unless some window has closed: one look at the oldest
  // open window (an index lookup) instead of aggregating every open intent
  // on each wake-up, e.g. the ~100,000 intents of Friday noon during their
  // two-minute window, while the dispatcher wakes the loop.
  auto next = deps_.store->NextIntentGroupAt();
  if (!next.ok()) return next.status();
  if (!*next || **next > now) return 0;
  int digests = 0;
  bool loaded_silences = false;
  std::vector<store::DigestCommit> pending;
  auto flush = [&]() -> Status {
    Status st = deps_.store->CommitDigests(pending, now);
    pending.clear();
    return st;
  };
  while (true) {
    auto groups = deps_.store->ClosedIntentGroups(now, options_.batch_limit);
    if (!groups.ok()) return groups.status();
    if (groups->empty()) return digests;
    for (const auto& [recipient, binding] : *groups) {
      auto group = deps_.store->OpenIntents(recipient, binding);
      if (!group.ok()) {
        DUBAN_RETURN_IF_ERROR(flush());
        return group.status();
      }
      if (group->empty()) continue;
      if (!loaded_silences) {  // once per tick, and only when there is work
        auto active = deps_.store->ActiveSilences(now);
        if (!active.ok()) return active.status();
        silences_ = std::move(*active);
        loaded_silences = true;
      }
      if (Status st = DigestGroup(*group, now, pending); !st.ok()) {
        // The digests built before this one are kept, as when each was
        // committed on its own.
        DUBAN_RETURN_IF_ERROR(flush());
        return st;
      }
      ++digests;
      if (static_cast<int>(pending.size()) >= options_.commit_batch) {
        DUBAN_RETURN_IF_ERROR(flush());
      }
    }
    DUBAN_RETURN_IF_ERROR(flush());
  }
}

// The first active silence covering a message about `unit` of message
// kind `binding` on `channel`; nullptr when none.
const store::Silence* Digester::SilenceFor(const std::string& unit, const std::string& binding,
                                           const std::string& channel, SystemTime now) const {
  for (const auto& s : silences_) {
    if (s.starts_at > now || s.expires_at <= now) continue;
    if (!s.channel.empty() && s.channel != channel) continue;
    if (!s.kind.empty() && s.kind != binding) continue;
    if (!s.unit_id.empty()) {
      if (unit.empty()) continue;
      const bool under = deps_.is_under ? deps_.is_under(unit, s.unit_id) : unit == s.unit_id;
      if (!under) continue;
    }
    return &s;
  }
  return nullptr;
}

// One digest: pick the channel, re-check items (resolved, moved on, or
// acknowledged before the deadline) and silences, render, defer for quiet
// hours.
Status Digester::DigestGroup(const std::vector<store::Intent>& group, SystemTime now,
                             std::vector<store::DigestCommit>& out) {
  store::DigestCommit commit;
  for (const auto& in : group) commit.consumed.push_back(in.id);
  const store::Intent& first = group.front();
  auto contact = deps_.find_contact(first.recipient);
  if (!contact) {
    commit.outcome = "suppressed: recipient " + first.recipient + " is not in the directory";
    out.push_back(std::move(commit));
    return Status::OK();
  }
  const ChannelInfo* channel = nullptr;
  for (const auto& name : contact->channels) {
    auto it = deps_.channels.find(name);
    if (it != deps_.channels.end()) {
      channel = &it->second;
      break;
    }
  }
  if (channel == nullptr) {
    auto it = deps_.channels.find(deps_.default_channel);
    if (it == deps_.channels.end()) {
      commit.outcome = "suppressed: no configured channel for " + contact->id;
      out.push_back(std::move(commit));
      return Status::OK();
    }
    channel = &it->second;
  }

  nlohmann::json items = nlohmann::json::array();
  std::vector<store::ItemId> item_ids;
  bool critical = false;
  bool bypass = false;
  std::string silenced_by;
  for (const auto& in : group) {
    std::optional<store::Item> current;
    if (in.item_id != 0) {
      auto item = deps_.store->GetItem(in.item_id);
      if (!item.ok()) return item.status();
      if (!item->has_value() || !(*item)->open()) continue;  // resolved meanwhile
      current = std::move(**item);
    }
    nlohmann::json p = nlohmann::json::parse(in.payload, nullptr, false);
    if (p.is_discarded() || !p.is_object()) p = nlohmann::json::object();
    if (current) {
      // The item moved to another state since: this message is about the
      // old one (a transfer acknowledged at 08:30 is not "overdue" at 09:00).
      if (p.contains("epoch") && p["epoch"] != current->sla_epoch) continue;
      // Acknowledged: reminders before the deadline stop; escalation goes on
      // until the item is resolved (DESIGN: only resolution stops it). An
      // intent without the flag (older) is treated as a reminder.
      if (current->acknowledged_at && p.value("pre_due", true)) continue;
    }
    if (current && deps_.link_for) {
      // Made at send time, bound to the item's state now: a link in a
      // message about a report already made would only say "已处理".
      if (std::string link = deps_.link_for(*current, *contact); !link.empty()) p["link"] = link;
    }
    // Silences (set by an office, audited) drop matching items; critical
    // messages are never silenced.
    if (in.severity != "critical") {
      const std::string unit = p.value("unit_id", contact->unit_id);
      if (const store::Silence* s = SilenceFor(unit, in.binding, channel->name, now)) {
        silenced_by = fmt::format("silence #{} ({})", s->id, s->reason);
        continue;
      }
    }
    if (in.item_id != 0) item_ids.push_back(in.item_id);
    items.push_back(std::move(p));
    critical = critical || in.severity == "critical";
    bypass = bypass || in.bypass_quiet_hours || in.severity == "critical";
  }
  if (items.empty()) {
    commit.outcome = silenced_by.empty()
                         ? "suppressed: every item was resolved or acknowledged before sending"
                         : "suppressed: " + silenced_by;
    if (deps_.on_suppressed) deps_.on_suppressed(silenced_by.empty() ? "resolved" : "silenced");
    out.push_back(std::move(commit));
    return Status::OK();
  }
  for (size_t i = 0; i < items.size(); ++i) items[i]["last"] = i + 1 == items.size();

  auto binding = deps_.bindings.find(first.binding);
  if (binding == deps_.bindings.end()) {
    return Status::NotFound("template binding", first.binding);
  }
  const std::string& tmpl = binding->second.For(channel->family);
  nlohmann::json ctx = items.front();
  ctx["items"] = items;
  ctx["count"] = items.size();
  // "另有N项": SMS templates name the first item and count the rest.
  if (items.size() > 1) ctx["more"] = items.size() - 1;
  ctx["recipient"] = {{"name", contact->name}, {"role", contact->role}};
  auto body = deps_.templates->Render(tmpl, ctx);

  store::OutboxRow row;
  row.idempotency_key = fmt::format("digest/{}/{}", first.id, channel->name);
  row.channel = channel->name;
  row.recipient = contact->id;
  row.address = channel->is_sms ? contact->mobile : channel->name;
  row.binding = first.binding;
  row.campaign = first.campaign;
  row.severity = critical ? "critical" : first.severity;
  row.items = item_ids;
  row.next_attempt_at = now;
  // SMS providers send approved templates whose parameters the channel
  // renders from this same context (notify/channels/sms_params.h).
  if (channel->family == Family::kSms) row.params = ctx.dump();
  if (!body.ok()) {
    // A template bug must not hold back every other message: the digest is
    // kept as a dead letter the administrator sees and can retry after a fix.
    row.state = "dead";
    row.body = fmt::format("(not rendered: template '{}' for {}: {})", tmpl, first.binding,
                           body.status().message());
    commit.outcome = "dead: template failed";
    commit.rows.push_back(std::move(row));
    out.push_back(std::move(commit));
    return Status::OK();
  }
  row.body = *body;
  // Quiet hours hold SMS until the window ends; they never drop a message.
  // Critical messages (collapse risk) go out at once.
  if (channel->is_sms && !bypass) {
    const int qs = contact->quiet_start_min.value_or(options_.quiet_start_min);
    const int qe = contact->quiet_end_min.value_or(options_.quiet_end_min);
    const int m = deps_.local_time->MinuteOfDay(now);
    const bool quiet = qs <= qe ? (m >= qs && m < qe) : (m >= qs || m < qe);
    if (quiet) row.next_attempt_at = deps_.local_time->NextAt(now, qe);
  }
  commit.outcome = "sent";
  commit.rows.push_back(std::move(row));
  out.push_back(std::move(commit));
  return Status::OK();
}

}  // namespace duban::notify
