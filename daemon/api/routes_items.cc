// /api/v1/items, /api/v1/items/{id}, its events and acknowledgement, and
// /api/v1/reports with its batch form. Handlers run on the loop thread
// (server_impl.h).
#include <fmt/format.h>

#include <charconv>

#include "api/cursor.h"
#include "api/scope.h"
#include "api/server_impl.h"
#include "base/time_format.h"
#include "store/store.h"
#include "workflow/spec.h"

namespace duban::api {
namespace {

Reply Invalid(const std::string& field, const std::string& detail) {
  return Reply::Error(422, "invalid_argument", fmt::format("{}: {}", field, detail), field);
}

Reply UnknownParam(const std::string& name) {
  return Invalid(name, "not a parameter of this endpoint");
}

Reply UnknownMember(const std::string& name) {
  return Invalid(name, "not a member of this request body");
}

// The id in the path; nullopt when it is out of range (then 404).
std::optional<store::ItemId> PathId(const ApiCall& call) {
  const std::string& s = call.captures.at(0);
  store::ItemId id = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || ptr != s.data() + s.size() || id <= 0) return std::nullopt;
  return id;
}

Reply NoSuchItem() { return Reply::Error(404, "not_found", "no such item"); }

using Campaigns = std::vector<std::shared_ptr<const workflow::WorkflowSpec>>;

const workflow::WorkflowSpec* FindCampaign(const Campaigns& campaigns, const std::string& id) {
  for (const auto& c : campaigns) {
    if (c->id == id) return c.get();
  }
  return nullptr;
}

Result<std::optional<SystemTime>> TimeParam(const ApiCall& call, const std::string& name) {
  return ParseTimeParam(name, call.Query(name));
}

Reply ListItems(HttpServer::Impl& s, const ApiCall& call) {
  if (auto bad = call.UnknownQuery({"unit", "kind", "state", "campaign", "overdue", "open",
                                    "due_from", "due_to", "limit", "cursor"});
      !bad.empty()) {
    return UnknownParam(bad);
  }
  const engine::Engine& engine = *s.deps.engine;
  const engine::Directory& dir = engine.directory();
  store::ItemQuery q;
  auto limit = ParseLimit(call.Query("limit"));
  if (!limit.ok()) return Reply::FromStatus(limit.status());
  q.limit = *limit + 1;  // one more tells whether another page follows
  if (const std::string c = call.Query("cursor"); !c.empty()) {
    auto after = DecodeIdCursor(c);
    if (!after) return Invalid("cursor", "not a cursor this server handed out");
    q.after_id = *after;
  }
  const std::string unit = call.Query("unit");
  if (ByDepartment(call.actor)) {
    q.department_unit = call.actor.unit;
    if (!unit.empty()) {
      if (dir.FindUnit(unit) == nullptr) return Invalid("unit", "no such unit '" + unit + "'");
      q.owner_units = Subtree(dir, unit);
    }
  } else {
    auto root = ScopeRoot(dir, call.actor, unit);
    if (!root.ok()) return Reply::FromStatus(root.status());
    if (!root->empty()) {
      q.owner_units = Subtree(dir, *root);
      // An empty list would mean "any owner": a token whose unit has left
      // the directory sees nothing.
      if (q.owner_units.empty()) return Reply::Json({{"items", nlohmann::json::array()},
                                                     {"next_cursor", nullptr}});
    }
  }
  q.campaign = call.Query("campaign");
  q.kind = call.Query("kind");
  q.state = call.Query("state");
  for (const char* flag : {"overdue", "open"}) {
    const std::string v = call.Query(flag);
    if (!v.empty() && v != "true" && v != "false") return Invalid(flag, "expected true or false");
  }
  if (call.Query("overdue") == "true") q.overdue_at = call.now;
  if (call.Query("open") == "true") q.open_only = true;
  auto from = TimeParam(call, "due_from");
  if (!from.ok()) return Reply::FromStatus(from.status());
  auto to = TimeParam(call, "due_to");
  if (!to.ok()) return Reply::FromStatus(to.status());
  q.due_from = *from;
  q.due_to = *to;
  auto items = s.deps.store->ListItems(q);
  if (!items.ok()) return Reply::FromStatus(items.status());
  const bool more = static_cast<int>(items->size()) > *limit;
  if (more) items->pop_back();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& it : *items) {
    // The query already keeps to the caller's units; this is the engine's
    // own rule, checked once more.
    if (engine.InScope(call.actor, it)) out.push_back(ItemJson(it, call.now));
  }
  nlohmann::json body = {{"items", out}, {"next_cursor", nullptr}};
  if (more) body["next_cursor"] = EncodeCursor(std::to_string(items->back().id));
  return Reply::Json(std::move(body));
}

// The steps the item's lifecycle allows from its current state.
nlohmann::json NextSteps(const engine::Engine& engine, const store::Item& it) {
  nlohmann::json out = nlohmann::json::array();
  const workflow::WorkflowSpec* spec = FindCampaign(engine.campaigns(), it.campaign);
  const workflow::ItemKind* kind = spec ? spec->FindItemKind(it.kind) : nullptr;
  if (kind == nullptr) return out;
  const int st = kind->FindState(it.state);
  if (st < 0) return out;
  for (int t : kind->states[static_cast<size_t>(st)].outgoing) {
    const workflow::Transition& tr = kind->transitions[static_cast<size_t>(t)];
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& f : tr.input.fields) fields.push_back(FieldSpecJson(f));
    nlohmann::json by = nlohmann::json::array();
    for (const auto& p : tr.by) by.push_back(p.text);
    out.push_back({{"name", tr.name},
                   {"title", tr.title},
                   {"to", kind->states[static_cast<size_t>(tr.to)].id},
                   {"by", by},
                   {"fields", fields}});
  }
  return out;
}

Reply GetItem(HttpServer::Impl& s, const ApiCall& call) {
  if (auto bad = call.UnknownQuery({}); !bad.empty()) return UnknownParam(bad);
  auto id = PathId(call);
  if (!id) return NoSuchItem();
  auto item = s.deps.store->GetItem(*id);
  if (!item.ok()) return Reply::FromStatus(item.status());
  if (!item->has_value()) return NoSuchItem();
  const store::Item& it = **item;
  if (!s.deps.engine->InScope(call.actor, it)) {
    return Reply::Forbidden("this item is outside your token's scope");
  }
  auto history = s.deps.store->ItemHistory(it.id);
  if (!history.ok()) return Reply::FromStatus(history.status());
  auto deliveries = s.deps.store->OutboxForItem(it.id);
  if (!deliveries.ok()) return Reply::FromStatus(deliveries.status());
  nlohmann::json body = ItemJson(it, call.now);
  body["history"] = nlohmann::json::array();
  for (const auto& e : *history) body["history"].push_back(AuditJson(e));
  body["deliveries"] = nlohmann::json::array();
  for (const auto& r : *deliveries) body["deliveries"].push_back(OutboxJson(r, false));
  body["next_steps"] = NextSteps(*s.deps.engine, it);
  return Reply::Json(std::move(body));
}

Reply CreateItem(HttpServer::Impl& s, const ApiCall& call) {
  if (auto bad = call.UnknownMember(
          {"campaign", "kind", "owner_unit", "department_unit", "key", "fields"});
      !bad.empty()) {
    return UnknownMember(bad);
  }
  engine::NewItemRequest r;
  for (auto [name, out] : {std::pair{"campaign", &r.campaign}, std::pair{"kind", &r.kind},
                           std::pair{"owner_unit", &r.owner_unit},
                           std::pair{"department_unit", &r.department_unit},
                           std::pair{"key", &r.key}}) {
    auto v = call.BodyText(name);
    if (!v.ok()) return Reply::FromStatus(v.status());
    *out = *v;
  }
  for (const char* required : {"campaign", "kind", "owner_unit"}) {
    if (call.body.value(required, nlohmann::json()).is_null()) {
      return Invalid(required, "is required");
    }
  }
  auto fields = FieldValuesFromJson(call.body.value("fields", nlohmann::json()));
  if (!fields.ok()) return Reply::FromStatus(fields.status());
  r.fields = std::move(*fields);
  auto item = s.deps.engine->CreateItem(r, call.actor, call.now);
  if (!item.ok()) return Reply::FromStatus(item.status());
  Reply reply = Reply::Json(ItemJson(*item, call.now), 201);
  reply.location = fmt::format("/api/v1/items/{}", item->id);
  return reply;
}

Reply PostEvent(HttpServer::Impl& s, const ApiCall& call) {
  if (auto bad = call.UnknownMember({"transition", "fields"}); !bad.empty()) {
    return UnknownMember(bad);
  }
  auto id = PathId(call);
  if (!id) return NoSuchItem();
  auto name = call.BodyText("transition");
  if (!name.ok()) return Reply::FromStatus(name.status());
  if (name->empty()) return Invalid("transition", "is required");
  auto fields = FieldValuesFromJson(call.body.value("fields", nlohmann::json()));
  if (!fields.ok()) return Reply::FromStatus(fields.status());
  auto item = s.deps.engine->Transition({*id, *name, std::move(*fields)}, call.actor, call.now);
  if (!item.ok()) return Reply::FromStatus(item.status());
  return Reply::Json(ItemJson(*item, call.now));
}

Reply Ack(HttpServer::Impl& s, const ApiCall& call) {
  if (auto bad = call.UnknownMember({}); !bad.empty()) return UnknownMember(bad);
  auto id = PathId(call);
  if (!id) return NoSuchItem();
  auto item = s.deps.engine->Acknowledge(*id, call.actor, call.now);
  if (!item.ok()) return Reply::FromStatus(item.status());
  return Reply::Json(ItemJson(*item, call.now));
}

// The members of one report (the body of POST /api/v1/reports, or one entry
// of POST /api/v1/reports/batch) as a Submission by `actor` in *out;
// nullopt when they are well-formed, else the refusal naming the member.
std::optional<Reply> ParseReport(const Campaigns& campaigns, const nlohmann::json& body,
                                 const engine::Actor& actor, engine::Submission* out) {
  if (auto bad = UnknownMemberOf(body, {"campaign", "obligation", "unit", "period", "fields"});
      !bad.empty()) {
    return UnknownMember(bad);
  }
  engine::Submission& sub = *out;
  for (auto [name, field] :
       {std::pair{"campaign", &sub.campaign}, std::pair{"obligation", &sub.obligation},
        std::pair{"unit", &sub.unit}, std::pair{"period", &sub.period}}) {
    auto v = TextMemberOf(body, name);
    if (!v.ok()) return Reply::FromStatus(v.status());
    if (v->empty()) return Invalid(name, "is required");
    *field = std::move(*v);
  }
  const workflow::WorkflowSpec* spec = FindCampaign(campaigns, sub.campaign);
  if (spec == nullptr) return Invalid("campaign", "no such campaign '" + sub.campaign + "'");
  if (spec->FindObligation(sub.obligation) == nullptr) {
    return Invalid("obligation", fmt::format("campaign {} has no obligation '{}'", spec->id,
                                             sub.obligation));
  }
  if (!workflow::ParseDate(sub.period)) {
    return Invalid("period", "expected the local due date YYYY-MM-DD, e.g. 2024-04-12");
  }
  auto fields = FieldValuesFromJson(body.value("fields", nlohmann::json()));
  if (!fields.ok()) return Reply::FromStatus(fields.status());
  sub.fields = std::move(*fields);
  sub.actor = actor;
  return std::nullopt;
}

Reply Report(HttpServer::Impl& s, const ApiCall& call) {
  engine::Submission sub;
  if (auto bad = ParseReport(s.deps.engine->campaigns(), call.body, call.actor, &sub)) {
    return *bad;
  }
  auto item = s.deps.engine->Submit(sub, call.now);
  if (!item.ok()) return Reply::FromStatus(item.status());
  return Reply::Json(ItemJson(*item, call.now));
}

// Reports a batch may carry: a week of a county's villages, and one batch
// takes the loop thread for tens of milliseconds at most.
constexpr size_t kMaxBatchReports = 1000;

// POST /api/v1/reports/batch: each entry is parsed and judged as the
// single endpoint would (its answer is what that endpoint would have
// answered), and the accepted ones are committed in one transaction
// before the reply, so one bad entry never loses the others.
Reply ReportBatch(HttpServer::Impl& s, const ApiCall& call) {
  if (auto bad = call.UnknownMember({"reports"}); !bad.empty()) return UnknownMember(bad);
  const auto member = call.body.find("reports");
  if (member == call.body.end() || member->is_null()) return Invalid("reports", "is required");
  if (!member->is_array()) return Invalid("reports", "expected a list of reports");
  const nlohmann::json& entries = *member;
  if (entries.size() > kMaxBatchReports) {
    return Reply::Error(413, "payload_too_large",
                        fmt::format("reports: at most {} reports a request, this one has {}; "
                                    "send the rest in another request",
                                    kMaxBatchReports, entries.size()),
                        "reports");
  }
  const Campaigns campaigns = s.deps.engine->campaigns();
  std::vector<Reply> answers(entries.size());
  std::vector<engine::Submission> subs;
  std::vector<size_t> slot;  // subs[k] is entry slot[k]
  subs.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!entries[i].is_object()) {
      answers[i] = Reply::Error(400, "bad_request", "each report must be a JSON object");
      continue;
    }
    engine::Submission sub;
    if (auto bad = ParseReport(campaigns, entries[i], call.actor, &sub)) {
      answers[i] = std::move(*bad);
      continue;
    }
    slot.push_back(i);
    subs.push_back(std::move(sub));
  }
  auto done = s.deps.engine->SubmitBatch(subs, call.now);
  if (!done.ok()) return Reply::FromStatus(done.status());  // nothing was saved
  std::vector<std::optional<store::Item>> items(entries.size());  // accepted ones
  int64_t accepted = 0;
  for (size_t k = 0; k < slot.size(); ++k) {
    Result<store::Item>& r = (*done)[k];
    if (r.ok()) {
      items[slot[k]] = std::move(*r);
      ++accepted;
    } else {
      answers[slot[k]] = Reply::FromStatus(r.status());
    }
  }
  // Denials (403) and failures (5xx) are logged as the single endpoint logs
  // them, one line a batch for each kind.
  for (const bool failures : {false, true}) {
    size_t count = 0;
    size_t first = 0;
    for (size_t i = 0; i < answers.size(); ++i) {
      const int st = items[i] ? 200 : answers[i].status;
      if ((failures ? st >= 500 : st == 403) && count++ == 0) first = i;
    }
    if (count == 0) continue;
    const Reply& a = answers[first];
    s.Log(failures ? LogLevel::kError : LogLevel::kWarn,
          fmt::format("api: {} {} of {} reports of POST /api/v1/reports/batch for token {}; "
                      "first, entry {} ({}): {}",
                      failures ? "failed" : "refused", count, answers.size(), call.token.id, first,
                      a.status, a.log_note.empty() ? a.body.value("detail", "") : a.log_note));
  }
  // The items' JSON (most of a large answer) is built on the HTTP worker
  // thread: ItemJson is pure, and the loop judges the next batch meanwhile.
  Reply reply;
  reply.deferred_body = [answers = std::move(answers), items = std::move(items), accepted,
                         now = call.now]() {
    nlohmann::json results = nlohmann::json::array();
    for (size_t i = 0; i < items.size(); ++i) {
      nlohmann::json r = nlohmann::json::object();
      if (items[i]) {
        r["status"] = 200;
        r["item"] = ItemJson(*items[i], now);
      } else {
        r["status"] = answers[i].status;
        r["error"] = answers[i].body;
      }
      results.push_back(std::move(r));
    }
    return nlohmann::json{{"results", std::move(results)},
                          {"accepted", accepted},
                          {"refused", static_cast<int64_t>(items.size()) - accepted}};
  };
  return reply;
}

}  // namespace

void RegisterItemRoutes(HttpServer::Impl& s) {
  const std::string item = R"(/api/v1/items/(\d{1,19}))";
  s.Api("GET", "/api/v1/items", "/api/v1/items",
        [&s](const ApiCall& c) { return ListItems(s, c); });
  s.Api("POST", "/api/v1/items", "/api/v1/items",
        [&s](const ApiCall& c) { return CreateItem(s, c); });
  s.Api("GET", item, "/api/v1/items/{id}", [&s](const ApiCall& c) { return GetItem(s, c); });
  s.Api("POST", item + "/events", "/api/v1/items/{id}/events",
        [&s](const ApiCall& c) { return PostEvent(s, c); });
  s.Api("POST", item + "/ack", "/api/v1/items/{id}/ack",
        [&s](const ApiCall& c) { return Ack(s, c); });
  s.Api("POST", "/api/v1/reports", "/api/v1/reports",
        [&s](const ApiCall& c) { return Report(s, c); });
  s.Api("POST", "/api/v1/reports/batch", "/api/v1/reports/batch",
        [&s](const ApiCall& c) { return ReportBatch(s, c); });
}

}  // namespace duban::api
