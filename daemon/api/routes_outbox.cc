// /api/v1/outbox (messages and dead letters, retry) and /api/v1/silences.
// Offices, supervisors and admins only; each change is audited. Handlers
// run on the loop thread (server_impl.h).
#include <fmt/format.h>

#include <charconv>

#include "api/cursor.h"
#include "api/scope.h"
#include "api/server_impl.h"
#include "base/time_format.h"
#include "store/store.h"

namespace duban::api {
namespace {

Reply Invalid(const std::string& field, const std::string& detail) {
  return Reply::Error(422, "invalid_argument", fmt::format("{}: {}", field, detail), field);
}

// Outbox and silences are for the people who run the campaign.
bool Oversees(const engine::Actor& a) {
  return a.admin() || a.auth_role == "office" || a.auth_role == "supervisor";
}

Reply NotOverseer() {
  return Reply::Forbidden("only office, supervisor and admin tokens may use this endpoint");
}

std::optional<int64_t> PathId(const ApiCall& call) {
  const std::string& s = call.captures.at(0);
  int64_t id = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || ptr != s.data() + s.size() || id <= 0) return std::nullopt;
  return id;
}

// A message is visible to a non-admin when its recipient's unit is in scope.
bool SeesRow(const engine::Directory& dir, const engine::Actor& a, const store::OutboxRow& r) {
  if (a.admin()) return true;
  const model::Contact* c = dir.FindContact(r.recipient);
  return c != nullptr && SeesUnit(dir, a, c->unit_id);
}

Reply ListOutbox(HttpServer::Impl& s, const ApiCall& call) {
  if (!Oversees(call.actor)) return NotOverseer();
  if (auto bad = call.UnknownQuery({"state", "channel", "limit", "cursor"}); !bad.empty()) {
    return Invalid(bad, "not a parameter of this endpoint");
  }
  store::OutboxQuery q;
  auto limit = ParseLimit(call.Query("limit"));
  if (!limit.ok()) return Reply::FromStatus(limit.status());
  q.limit = *limit + 1;
  if (const std::string c = call.Query("cursor"); !c.empty()) {
    auto before = DecodeIdCursor(c);
    if (!before) return Invalid("cursor", "not a cursor this server handed out");
    q.before_id = *before;
  }
  q.state = call.Query("state");
  static const char* kStates[] = {"pending", "sending", "sent", "retry", "dead", "suppressed"};
  if (!q.state.empty() &&
      std::none_of(std::begin(kStates), std::end(kStates),
                   [&](const char* st) { return q.state == st; })) {
    return Invalid("state", "expected pending, sending, sent, retry, dead or suppressed");
  }
  q.channel = call.Query("channel");
  auto rows = s.deps.store->ListOutbox(q);
  if (!rows.ok()) return Reply::FromStatus(rows.status());
  const bool more = static_cast<int>(rows->size()) > *limit;
  if (more) rows->pop_back();
  const engine::Directory& dir = s.deps.engine->directory();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : *rows) {
    if (SeesRow(dir, call.actor, r)) out.push_back(OutboxJson(r, true));
  }
  nlohmann::json body = {{"messages", out}, {"next_cursor", nullptr}};
  if (more) body["next_cursor"] = EncodeCursor(std::to_string(rows->back().id));
  return Reply::Json(std::move(body));
}

Reply RetryOutbox(HttpServer::Impl& s, const ApiCall& call) {
  if (!call.actor.admin()) return Reply::Forbidden("only admin tokens may retry dead letters");
  auto id = PathId(call);
  if (!id) return Reply::Error(404, "not_found", "no such message");
  auto row = s.deps.store->GetOutbox(*id);
  if (!row.ok()) return Reply::FromStatus(row.status());
  if (!row->has_value()) return Reply::Error(404, "not_found", "no such message");
  store::AuditEntry audit;
  audit.at = call.now;
  audit.actor = call.actor.id;
  audit.via = "api";
  audit.action = "outbox.retry";
  audit.payload = nlohmann::json{{"outbox_id", *id}, {"channel", (*row)->channel},
                                 {"last_error", (*row)->last_error}}
                      .dump();
  Status st = s.deps.store->RetryDead(*id, call.now, audit);
  if (!st.ok()) return Reply::FromStatus(st);
  auto after = s.deps.store->GetOutbox(*id);
  if (!after.ok()) return Reply::FromStatus(after.status());
  if (!after->has_value()) return Reply::Error(404, "not_found", "no such message");
  return Reply::Json(OutboxJson(**after, true));
}

bool SeesSilence(const engine::Directory& dir, const engine::Actor& a, const store::Silence& s) {
  // A silence without a unit applies everywhere, so everyone sees it.
  return a.admin() || s.unit_id.empty() || SeesUnit(dir, a, s.unit_id);
}

Reply ListSilences(HttpServer::Impl& s, const ApiCall& call) {
  if (!Oversees(call.actor)) return NotOverseer();
  if (auto bad = call.UnknownQuery({}); !bad.empty()) {
    return Invalid(bad, "not a parameter of this endpoint");
  }
  auto list = s.deps.store->ActiveSilences(call.now);
  if (!list.ok()) return Reply::FromStatus(list.status());
  const engine::Directory& dir = s.deps.engine->directory();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& sil : *list) {
    if (SeesSilence(dir, call.actor, sil)) out.push_back(SilenceJson(sil));
  }
  return Reply::Json({{"silences", out}});
}

Reply AddSilence(HttpServer::Impl& s, const ApiCall& call) {
  if (!Oversees(call.actor)) return NotOverseer();
  if (auto bad = call.UnknownMember(
          {"unit_id", "kind", "channel", "starts_at", "expires_at", "reason"});
      !bad.empty()) {
    return Invalid(bad, "not a member of this request body");
  }
  store::Silence sil;
  std::string starts, expires;
  for (auto [name, out] : {std::pair{"unit_id", &sil.unit_id}, std::pair{"kind", &sil.kind},
                           std::pair{"channel", &sil.channel}, std::pair{"reason", &sil.reason},
                           std::pair{"starts_at", &starts}, std::pair{"expires_at", &expires}}) {
    auto v = call.BodyText(name);
    if (!v.ok()) return Reply::FromStatus(v.status());
    *out = *v;
  }
  const engine::Directory& dir = s.deps.engine->directory();
  if (!sil.unit_id.empty() && dir.FindUnit(sil.unit_id) == nullptr) {
    return Invalid("unit_id", "no such unit '" + sil.unit_id + "'");
  }
  if (!call.actor.admin()) {
    if (sil.unit_id.empty()) {
      return Invalid("unit_id", "is required: only an admin may silence every unit");
    }
    if (!SeesUnit(dir, call.actor, sil.unit_id)) {
      return Reply::Forbidden(fmt::format("unit {} is outside your token's scope", sil.unit_id));
    }
  }
  if (sil.unit_id.empty() && sil.kind.empty() && sil.channel.empty()) {
    return Invalid("unit_id", "name a unit, a kind or a channel; silencing everything is refused");
  }
  if (sil.reason.empty()) return Invalid("reason", "is required (it goes in the audit log)");
  if (expires.empty()) return Invalid("expires_at", "is required");
  auto until = ParseRfc3339(expires);
  if (!until) return Invalid("expires_at", "expected an RFC 3339 time with an offset");
  sil.starts_at = call.now;
  if (!starts.empty()) {
    auto from = ParseRfc3339(starts);
    if (!from) return Invalid("starts_at", "expected an RFC 3339 time with an offset");
    sil.starts_at = *from;
  }
  sil.expires_at = *until;
  if (sil.expires_at <= call.now || sil.expires_at <= sil.starts_at) {
    return Invalid("expires_at", "must be after now and after starts_at");
  }
  sil.created_by = call.actor.id;
  sil.created_at = call.now;
  store::AuditEntry audit;
  audit.at = call.now;
  audit.actor = call.actor.id;
  audit.via = "api";
  audit.action = "silence.create";
  audit.payload = nlohmann::json{{"unit_id", sil.unit_id},
                                 {"kind", sil.kind},
                                 {"channel", sil.channel},
                                 {"starts_at", TimeText(sil.starts_at)},
                                 {"expires_at", TimeText(sil.expires_at)},
                                 {"reason", sil.reason}}
                      .dump();
  auto id = s.deps.store->InsertSilence(sil, audit);
  if (!id.ok()) return Reply::FromStatus(id.status());
  sil.id = *id;
  Reply r = Reply::Json(SilenceJson(sil), 201);
  r.location = fmt::format("/api/v1/silences/{}", sil.id);
  return r;
}

Reply CancelSilence(HttpServer::Impl& s, const ApiCall& call) {
  if (!Oversees(call.actor)) return NotOverseer();
  auto id = PathId(call);
  if (!id) return Reply::Error(404, "not_found", "no such active silence");
  auto list = s.deps.store->ActiveSilences(call.now);
  if (!list.ok()) return Reply::FromStatus(list.status());
  auto it = std::find_if(list->begin(), list->end(),
                         [&](const store::Silence& x) { return x.id == *id; });
  if (it == list->end()) return Reply::Error(404, "not_found", "no such active silence");
  if (!call.actor.admin() &&
      (it->unit_id.empty() || !SeesUnit(s.deps.engine->directory(), call.actor, it->unit_id))) {
    return Reply::Forbidden("this silence is outside your token's scope");
  }
  store::AuditEntry audit;
  audit.at = call.now;
  audit.actor = call.actor.id;
  audit.via = "api";
  audit.action = "silence.cancel";
  audit.payload = nlohmann::json{{"silence_id", *id}}.dump();
  Status st = s.deps.store->CancelSilence(*id, call.now, audit);
  if (!st.ok()) return Reply::FromStatus(st);
  store::Silence done = *it;
  done.cancelled_at = call.now;
  return Reply::Json(SilenceJson(done));
}

}  // namespace

void RegisterOutboxRoutes(HttpServer::Impl& s) {
  s.Api("GET", "/api/v1/outbox", "/api/v1/outbox",
        [&s](const ApiCall& c) { return ListOutbox(s, c); });
  s.Api("POST", R"(/api/v1/outbox/(\d{1,19})/retry)", "/api/v1/outbox/{id}/retry",
        [&s](const ApiCall& c) { return RetryOutbox(s, c); });
  s.Api("GET", "/api/v1/silences", "/api/v1/silences",
        [&s](const ApiCall& c) { return ListSilences(s, c); });
  s.Api("POST", "/api/v1/silences", "/api/v1/silences",
        [&s](const ApiCall& c) { return AddSilence(s, c); });
  s.Api("DELETE", R"(/api/v1/silences/(\d{1,19}))", "/api/v1/silences/{id}",
        [&s](const ApiCall& c) { return CancelSilence(s, c); });
}

}  // namespace duban::api
