// Submissions of obligation items (the weekly report with its figures).
#include <fmt/format.h>

#include "engine/engine_impl.h"

namespace duban::engine {
Result<store::Item> Engine::Submit(const Submission& s, SystemTime now) {
  const Campaign* c = impl_->Find(s.campaign);
  if (c == nullptr) return Status::NotFound("no such campaign", s.campaign);
  const workflow::Obligation* ob = c->spec->FindObligation(s.obligation);
  if (ob == nullptr) return Status::NotFound("no such obligation", s.obligation);
  const std::string key = ObligationItemKey(s.campaign, s.obligation, s.period, s.unit);
  auto item = impl_->store.FindItemByKey(key);
  if (!item.ok()) return item.status();
  if (!item->has_value()) {
    return Status::NotFound("no report is owed for this unit and period", key);
  }
  // Reports are made by the owing unit's people or by offices above it.
  const Actor& a = s.actor;
  const bool may = a.admin() || (!a.unit.empty() && directory_->IsUnder(s.unit, a.unit) &&
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
  nlohmann::json data = ValuesToJson(s.fields);
  const store::Item& it = **item;
  // "每周五上午12时前": a report at exactly the due instant is late unless the
  // campaign says due_inclusive.
  const bool late = it.due_at && (ob->due_inclusive ? now > *it.due_at : now >= *it.due_at);
  data["late"] = late;
  if (late) {
    data["late_minutes"] =
        std::chrono::duration_cast<std::chrono::minutes>(now - *it.due_at).count();
  }
  data["submitted_by"] = s.actor.id;
  store::AuditEntry audit;
  audit.at = now;
  audit.actor = s.actor.id;
  audit.via = s.actor.via;
  audit.action = "report.submit";
  audit.payload = nlohmann::json{{"obligation", s.obligation},
                                 {"unit", s.unit},
                                 {"period", s.period},
                                 {"late", late},
                                 {"fields", ValuesToJson(s.fields)}}
                      .dump();
  DUBAN_RETURN_IF_ERROR(impl_->store.ResolveItem(it.id, "submitted", data.dump(), now, audit));
  auto after = impl_->store.GetItem(it.id);
  if (!after.ok()) return after.status();
  return **after;
}

}  // namespace duban::engine
