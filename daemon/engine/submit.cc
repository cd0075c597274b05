// Submissions of obligation items (the weekly report with its figures), one
// at a time (Submit) or many in one transaction (SubmitBatch). Both judge
// each submission with Judge below, so they accept, refuse and audit alike.
#include <fmt/format.h>

#include <unordered_set>

#include "engine/engine_impl.h"

namespace duban::engine {
namespace {

// Decides one submission against the store as it is: what to write when it
// is accepted, else the error Submit documents (checked in that order:
// campaign, obligation, item, actor, fields, already resolved). `c` is the
// submission's campaign, nullptr when there is none.
Result<store::Resolution> Judge(const Campaign* c, store::Store& store, const Directory& directory,
                                const Submission& s, SystemTime now) {
  if (c == nullptr) return Status::NotFound("no such campaign", s.campaign);
  const workflow::Obligation* ob = c->spec->FindObligation(s.obligation);
  if (ob == nullptr) return Status::NotFound("no such obligation", s.obligation);
  const std::string key = ObligationItemKey(s.campaign, s.obligation, s.period, s.unit);
  auto item = store.FindItemByKey(key);
  if (!item.ok()) return item.status();
  if (!item->has_value()) {
    return Status::NotFound("no report is owed for this unit and period", key);
  }
  // Reports are made by the owing unit's people or by offices above it.
  const Actor& a = s.actor;
  const bool may = a.admin() || (!a.unit.empty() && directory.IsUnder(s.unit, a.unit) &&
                                 (!a.contact_role.empty() || a.auth_role == "liaison" ||
                                  a.auth_role == "office" || a.auth_role == "supervisor" ||
                                  // departments owe the weekly report too
                                  a.auth_role == "department"));
  if (!may) {
    return Status::PermissionDenied(
        fmt::format("you may not report for {}", s.unit));
  }
  const std::vector<workflow::FieldError> errors = workflow::Validate(ob->fields, s.fields);
  if (!errors.empty()) {
    std::string msg;
    for (const auto& e : errors) msg += fmt::format("{}{}: {}", msg.empty() ? "" : "\n", e.field, e.message);
    return Status::InvalidArgument(msg);
  }
  const store::Item& it = **item;
  // The store refuses this too, in its transaction; checked here so that a
  // batch can refuse one entry without failing the others.
  if (it.resolved_at) return Status::Conflict("item is already resolved", std::to_string(it.id));
  const nlohmann::json fields = ValuesToJson(s.fields);
  nlohmann::json data = fields;
  // "每周五上午12时前": a report at exactly the due instant is late unless the
  // campaign says due_inclusive.
  const bool late = it.due_at && (ob->due_inclusive ? now > *it.due_at : now >= *it.due_at);
  data["late"] = late;
  if (late) {
    data["late_minutes"] =
        std::chrono::duration_cast<std::chrono::minutes>(now - *it.due_at).count();
  }
  data["submitted_by"] = s.actor.id;
  store::Resolution r;
  r.id = it.id;
  r.state = "submitted";
  r.data = data.dump();
  r.audit.at = now;
  r.audit.actor = s.actor.id;
  r.audit.via = s.actor.via;
  r.audit.action = "report.submit";
  r.audit.payload = nlohmann::json{
      {"obligation", s.obligation},
      {"unit", s.unit},
      {"period", s.period},
      {"late", late},
      {"fields",
       fields}}.dump();
  return r;
}

}  // namespace

Result<store::Item> Engine::Submit(const Submission& s, SystemTime now) {
  Result<store::Resolution> r = Judge(impl_->Find(s.campaign), impl_->store, *directory_, s, now);
  if (!r.ok()) return r.status();
  auto items = impl_->store.ResolveItems({std::move(*r)}, now);
  if (!items.ok()) return items.status();
  return std::move(items->front());
}

Result<std::vector<Result<store::Item>>> Engine::SubmitBatch(
    const std::vector<Submission>& submissions, SystemTime now) {
  std::vector<Result<store::Item>> out;
  out.reserve(submissions.size());
  std::vector<store::Resolution> accepted;
  std::vector<size_t> slot;  // accepted[k] answers out[slot[k]]
  std::unordered_set<store::ItemId> taken;
  for (const Submission& s : submissions) {
    Result<store::Resolution> r = Judge(impl_->Find(s.campaign), impl_->store, *directory_, s, now);
    if (r.ok() && !taken.insert(r->id).second) {
      // As if sent one request later: the first one resolved it.
      r = Status::Conflict("item is already resolved", std::to_string(r->id));
    }
    if (!r.ok()) {
      out.emplace_back(r.status());
      continue;
    }
    slot.push_back(out.size());
    out.emplace_back(Status::Internal("not committed"));  // replaced below
    accepted.push_back(std::move(*r));
  }
  if (accepted.empty()) return out;
  // Judging and committing run in one turn of the loop thread, the store's
  // only writer in the daemon, so nothing judged above changes before this
  // commit; another process writing the same file could still make it fail
  // as a whole (then nothing is saved, and a retry judges afresh).
  auto items = impl_->store.ResolveItems(accepted, now);
  if (!items.ok()) return items.status();
  for (size_t k = 0; k < slot.size(); ++k) out[slot[k]] = std::move((*items)[k]);
  return out;
}

}  // namespace duban::engine
