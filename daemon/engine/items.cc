// Item lifecycles driven by people: creating a hazard case or a transfer,
// moving it through its states, acknowledging it. Every accepted change is
// written together with its audit record; every refused one says which rule
// refused it, in a form the API maps to 403/404/409/422.
#include <fmt/format.h>

#include "engine/engine_impl.h"

namespace duban::engine {
namespace {

// Token roles cover campaign roles at the actor's own unit. A contact acting
// through an action link holds exactly its campaign role. Keep docs/api.md's
// role table in step with this.
bool AuthRoleCovers(const std::string& auth_role, const std::string& campaign_role,
                    model::Level anchor_level) {
  if (auth_role == "liaison") return campaign_role == "liaison";
  if (auth_role == "office") return campaign_role == "office";
  // A supervisor token stands for the leadership of its unit: the head,
  // the task force (专班) and the supervisors.
  if (auth_role == "supervisor") {
    return campaign_role == "supervisor" || campaign_role == "task_force" ||
           campaign_role == "head";
  }
  // Departments and agencies act for any role of their own unit.
  if (auth_role == "department") return anchor_level == model::Level::kDepartment;
  if (auth_role == "agency") return anchor_level == model::Level::kAgency;
  return false;
}

std::string JoinErrors(const std::vector<workflow::FieldError>& errors) {
  std::string msg;
  for (const auto& e : errors) {
    msg += fmt::format("{}{}: {}", msg.empty() ? "" : "\n", e.field, e.message);
  }
  return msg;
}

// Item data as field values; keys that are not scalars (bookkeeping
// objects) are left out.
workflow::FieldValues JsonToValues(const nlohmann::json& j) {
  workflow::FieldValues out;
  if (!j.is_object()) return out;
  for (const auto& [k, v] : j.items()) {
    if (v.is_boolean()) out[k] = v.get<bool>();
    else if (v.is_number_integer()) out[k] = v.get<int64_t>();
    else if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

}  // namespace

nlohmann::json ValuesToJson(const workflow::FieldValues& values) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& entry : values) {
    // Not a structured binding: clang 14 cannot capture one in a lambda.
    const std::string& name = entry.first;
    std::visit([&](const auto& x) { j[name] = x; }, entry.second);
  }
  return j;
}

bool Engine::Impl::MayAct(const std::vector<workflow::RolePath>& by, const std::string& owner,
                          const std::string& department, const Actor& actor) const {
  if (actor.admin()) return true;
  for (const auto& path : by) {
    const model::Unit* anchor = dir().Anchor(path, owner, department);
    if (anchor == nullptr || anchor->id != actor.unit) continue;
    if (!actor.contact_role.empty()) {
      if (actor.contact_role == path.role_id) return true;
      continue;
    }
    if (AuthRoleCovers(actor.auth_role, path.role_id, anchor->level)) return true;
  }
  return false;
}

bool Engine::InScope(const Actor& actor, const store::Item& item) const {
  if (actor.admin()) return true;
  if (actor.unit.empty()) return false;
  const Directory& d = *directory_;
  // A unit sees what it or its subtree owns (a department: its own items,
  // such as inspection findings), and what was sent to it.
  if (d.IsUnder(item.owner_unit, actor.unit)) return true;
  return !item.department_unit.empty() && d.IsUnder(item.department_unit, actor.unit);
}

Result<Engine::Impl::SlaPlan> Engine::Impl::PlanSla(const Campaign& c,
                                                    const workflow::ItemKind& kind, int state,
                                                    const nlohmann::json& data,
                                                    workflow::Severity severity,
                                                    SystemTime entered, int epoch) const {
  SlaPlan plan;
  const workflow::State& st = kind.states[static_cast<size_t>(state)];
  if (!st.sla) return plan;
  const workflow::SlaRule& rule = st.sla->For(severity);
  switch (rule.from) {
    case workflow::SlaRule::From::kEntered:
      if (rule.offset) plan.due = c.time->Apply(*rule.offset, entered);
      break;
    case workflow::SlaRule::From::kField: {
      auto it = data.find(rule.field);
      if (it != data.end() && it->is_string()) plan.due = c.time->EndOfDay(it->get<std::string>());
      break;
    }
    case workflow::SlaRule::From::kMilestone:
      if (rule.milestone >= 0) {
        plan.due = c.time->NextMilestone(
            c.spec->milestones[static_cast<size_t>(rule.milestone)], entered);
      }
      break;
  }
  if (plan.due && rule.ladder >= 0) {
    plan.timers = LadderTimers(c, c.spec->ladders[static_cast<size_t>(rule.ladder)], *plan.due,
                               epoch);
  }
  return plan;
}

Result<store::Item> Engine::CreateItem(const NewItemRequest& r, const Actor& actor,
                                       SystemTime now) {
  const Campaign* c = impl_->Find(r.campaign);
  if (c == nullptr) return Status::InvalidArgument(fmt::format("campaign: no such campaign '{}'", r.campaign));
  const workflow::ItemKind* kind = c->spec->FindItemKind(r.kind);
  if (kind == nullptr) {
    return Status::InvalidArgument(
        fmt::format("kind: campaign '{}' has no item kind '{}'", r.campaign, r.kind));
  }
  const Directory& d = *directory_;
  const model::Unit* owner = d.FindUnit(r.owner_unit);
  if (owner == nullptr) {
    return Status::InvalidArgument(fmt::format("owner_unit: no such unit '{}'", r.owner_unit));
  }
  bool level_ok = false;
  for (auto l : kind->owner) level_ok = level_ok || ToModelLevel(l) == owner->level;
  if (!level_ok) {
    return Status::InvalidArgument(fmt::format("owner_unit: a {} cannot own a {} ({})",
                                               model::LevelLabel(owner->level), kind->title,
                                               kind->id));
  }
  if (kind->has_department || kind->has_agency) {
    // One linked unit per item, in department_unit: the department a
    // transfer is sent to, or the agency that inspects a sampled house.
    const model::Level want = kind->has_department ? model::Level::kDepartment
                                                   : model::Level::kAgency;
    const model::Unit* dep = d.FindUnit(r.department_unit);
    if (r.department_unit.empty() || dep == nullptr || dep->level != want) {
      return Status::InvalidArgument(
          fmt::format("department_unit: {} needs the {} it is {}; '{}' is not one", kind->title,
                      kind->has_department ? "department" : "agency",
                      kind->has_department ? "sent to" : "assigned to", r.department_unit));
    }
  } else if (!r.department_unit.empty()) {
    return Status::InvalidArgument(
        fmt::format("department_unit: {} items are not sent to a department", kind->id));
  }
  if (!impl_->MayAct(kind->create_by, r.owner_unit, r.department_unit, actor)) {
    return Status::PermissionDenied(
        fmt::format("your role may not create {} for {}", kind->title, owner->name));
  }
  const auto errors = workflow::Validate(kind->create, r.fields);
  if (!errors.empty()) return Status::InvalidArgument(JoinErrors(errors));

  store::Item it;
  it.campaign = c->spec->id;
  it.kind = kind->id;
  it.key = !r.key.empty() ? r.key
                          : fmt::format("{}/{}/{}/{}-{}", c->spec->id, kind->id, r.owner_unit,
                                        ToUnixMillis(now), ++impl_->created_seq);
  it.owner_unit = r.owner_unit;
  it.department_unit = r.department_unit;
  it.state = kind->states[static_cast<size_t>(kind->initial)].id;
  const workflow::Severity sev = kind->SeverityOf(r.fields);
  it.severity = std::string(workflow::SeverityName(sev));
  nlohmann::json data = ValuesToJson(r.fields);
  it.data = data.dump();
  it.created_at = it.updated_at = it.state_entered_at = now;
  it.sla_epoch = 1;
  auto plan = impl_->PlanSla(*c, *kind, kind->initial, data, sev, now, it.sla_epoch);
  if (!plan.ok()) return plan.status();
  it.due_at = plan->due;
  store::AuditEntry audit;
  audit.at = now;
  audit.actor = actor.id;
  audit.via = actor.via;
  audit.action = "item.create";
  audit.payload = nlohmann::json{{"kind", it.kind},
                                 {"owner_unit", it.owner_unit},
                                 {"department_unit", it.department_unit},
                                 {"state", it.state},
                                 {"severity", it.severity},
                                 {"fields", data}}
                      .dump();
  auto id = impl_->store.CreateItem(it, plan->timers, audit);
  if (!id.ok()) return id.status();
  auto stored = impl_->store.GetItem(*id);
  if (!stored.ok()) return stored.status();
  return **stored;
}

Result<store::Item> Engine::Transition(const TransitionRequest& r, const Actor& actor,
                                       SystemTime now) {
  auto found = impl_->store.GetItem(r.item);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return Status::NotFound("no such item", std::to_string(r.item));
  const store::Item before = **found;
  if (!InScope(actor, before)) {
    return Status::PermissionDenied("this item is outside your unit");
  }
  const Campaign* c = impl_->Find(before.campaign);
  const workflow::ItemKind* kind = c == nullptr ? nullptr : c->spec->FindItemKind(before.kind);
  if (kind == nullptr) {
    return Status::InvalidArgument(
        "transition: this item has no lifecycle (reports are submitted, not moved)");
  }
  const int t = kind->FindTransition(r.transition);
  if (t < 0) {
    std::string names;
    for (const auto& tr : kind->transitions) names += (names.empty() ? "" : ", ") + tr.name;
    return Status::InvalidArgument(fmt::format("transition: {} has no step '{}' (steps: {})",
                                               kind->title, r.transition, names));
  }
  const workflow::Transition& tr = kind->transitions[static_cast<size_t>(t)];
  const int from = kind->FindState(before.state);
  if (from < 0 || !kind->AllowedFrom(t, from)) {
    std::string allowed;
    for (int s : tr.from) {
      allowed += (allowed.empty() ? "" : "、") + kind->states[static_cast<size_t>(s)].label;
    }
    const std::string now_label =
        from < 0 ? before.state : kind->states[static_cast<size_t>(from)].label;
    return Status::Conflict(fmt::format("“{}”只能在{}状态下进行，当前状态为{}", tr.title,
                                        allowed, now_label),
                            fmt::format("state {} does not allow {}", before.state, tr.name));
  }
  if (!impl_->MayAct(tr.by, before.owner_unit, before.department_unit, actor)) {
    std::string roles;
    for (const auto& p : tr.by) roles += (roles.empty() ? "" : ", ") + p.text;
    return Status::PermissionDenied(
        fmt::format("“{}”须由以下角色办理：{}", tr.title, roles));
  }
  nlohmann::json data = nlohmann::json::parse(before.data, nullptr, false);
  if (!data.is_object()) data = nlohmann::json::object();
  const auto errors = kind->ValidateTransition(t, JsonToValues(data), r.input);
  if (!errors.empty()) return Status::InvalidArgument(JoinErrors(errors));
  // Not structured bindings: clang 14 cannot capture one in a lambda.
  for (const auto& field : r.input) {
    std::visit([&](const auto& x) { data[field.first] = x; }, field.second);
  }
  for (const auto& field : tr.sets) {
    std::visit([&](const auto& x) { data[field.first] = x; }, field.second);
  }

  store::Item after = before;
  const workflow::State& to = kind->states[static_cast<size_t>(tr.to)];
  // Coming back to a state already left (failed acceptance, reopen) restarts
  // its SLA; messages say so through the reentries count.
  if (to.id != before.state && data.contains("_visited") && data["_visited"].is_object() &&
      data["_visited"].contains(to.id)) {
    data["_reentries"] = data.value("_reentries", 0) + 1;
  }
  data["_visited"][before.state] = true;
  after.state = to.id;
  const workflow::Severity sev = kind->SeverityOf(JsonToValues(data));
  after.severity = std::string(workflow::SeverityName(sev));
  after.data = data.dump();
  after.updated_at = std::max(now, before.updated_at + Millis(1));
  after.state_entered_at = now;
  after.acknowledged_at.reset();  // a new state asks for a new acknowledgement
  after.sla_epoch = before.sla_epoch + 1;  // pending ladder timers become obsolete
  after.resolved_at = !to.terminal        ? std::nullopt
                     : before.resolved_at ? before.resolved_at  // closed → closed
                                          : std::optional<SystemTime>(now);
  std::vector<store::Timer> timers;
  after.due_at.reset();
  if (!to.terminal) {
    auto plan = impl_->PlanSla(*c, *kind, tr.to, data, sev, now, after.sla_epoch);
    if (!plan.ok()) return plan.status();
    after.due_at = plan->due;
    timers = std::move(plan->timers);
  }
  // Items this step creates alongside itself (a finding's notice), checked
  // before anything is written.
  std::vector<store::NewItem> derived;
  const workflow::FieldValues values_after = JsonToValues(data);
  for (const workflow::DerivedItem& d : tr.creates) {
    if (d.when && !workflow::Evaluate(*d.when, values_after).value_or(false)) continue;
    const workflow::ItemKind* dk = c->spec->FindItemKind(d.kind);
    if (dk == nullptr) continue;  // the loader rejects this
    workflow::FieldValues fields;
    for (const auto& [to_field, from_field] : d.copy) {
      auto v = values_after.find(from_field);
      if (v != values_after.end()) fields[to_field] = v->second;
    }
    for (const auto& [to_field, offset] : d.dates) {
      fields[to_field] = c->time->LocalDate(c->time->Apply(offset, now));
    }
    const auto derived_errors = workflow::Validate(dk->create, fields);
    if (!derived_errors.empty()) {
      // Name the field of this step the person has to fill in.
      std::string lines;
      for (const auto& e : derived_errors) {
        std::string source = e.field;
        for (const auto& [to_field, from_field] : d.copy) {
          if (to_field == e.field) source = from_field;
        }
        lines += fmt::format("{}{}: 生成「{}」需要此项 ({})", lines.empty() ? "" : "\n", source,
                             dk->title, e.message);
      }
      return Status::InvalidArgument(lines);
    }
    store::NewItem n;
    n.item.campaign = c->spec->id;
    n.item.kind = dk->id;
    n.item.key = fmt::format("{}/{}", before.key, dk->id);
    n.item.owner_unit = before.owner_unit;
    n.item.state = dk->states[static_cast<size_t>(dk->initial)].id;
    const workflow::Severity dsev = dk->SeverityOf(fields);
    n.item.severity = std::string(workflow::SeverityName(dsev));
    const nlohmann::json ddata = ValuesToJson(fields);
    n.item.data = ddata.dump();
    n.item.created_at = n.item.updated_at = n.item.state_entered_at = now;
    n.item.sla_epoch = 1;
    auto dplan = impl_->PlanSla(*c, *dk, dk->initial, ddata, dsev, now, 1);
    if (!dplan.ok()) return dplan.status();
    n.item.due_at = dplan->due;
    n.timers = std::move(dplan->timers);
    n.audit.at = now;
    n.audit.actor = actor.id;
    n.audit.via = actor.via;
    n.audit.action = "item.create";
    n.audit.payload = nlohmann::json{{"kind", n.item.kind},
                                     {"owner_unit", n.item.owner_unit},
                                     {"state", n.item.state},
                                     {"severity", n.item.severity},
                                     {"fields", ddata},
                                     {"derived_from", before.id},
                                     {"transition", tr.name}}
                          .dump();
    derived.push_back(std::move(n));
  }
  store::AuditEntry audit;
  audit.at = now;
  audit.actor = actor.id;
  audit.via = actor.via;
  audit.action = "item.transition";
  audit.payload = nlohmann::json{{"transition", tr.name},
                                 {"from", before.state},
                                 {"to", after.state},
                                 {"input", ValuesToJson(r.input)}}
                      .dump();
  DUBAN_RETURN_IF_ERROR(
      impl_->store.UpdateItem(after, before.state, before.updated_at, timers, audit, derived));
  auto stored = impl_->store.GetItem(before.id);
  if (!stored.ok()) return stored.status();
  return **stored;
}

Result<store::Item> Engine::Acknowledge(store::ItemId id, const Actor& actor, SystemTime now) {
  auto found = impl_->store.GetItem(id);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return Status::NotFound("no such item", std::to_string(id));
  const store::Item before = **found;
  if (!InScope(actor, before)) return Status::PermissionDenied("this item is outside your unit");
  if (!before.open()) return Status::Conflict("该事项已办结，无需签收", "item is resolved");
  if (before.acknowledged_at) return Status::Conflict("该事项已签收", "already acknowledged");
  store::Item after = before;
  after.acknowledged_at = now;
  after.updated_at = std::max(now, before.updated_at + Millis(1));
  store::AuditEntry audit;
  audit.at = now;
  audit.actor = actor.id;
  audit.via = actor.via;
  audit.action = "item.ack";
  audit.payload = nlohmann::json{{"state", before.state}}.dump();
  DUBAN_RETURN_IF_ERROR(impl_->store.UpdateItem(after, before.state, before.updated_at, {}, audit));
  auto stored = impl_->store.GetItem(id);
  if (!stored.ok()) return stored.status();
  return **stored;
}

Result<CampaignStatus> Engine::StatusOf(const std::string& id, SystemTime now) const {
  const Campaign* c = impl_->Find(id);
  if (c == nullptr) return Status::NotFound("no such campaign", id);
  CampaignStatus out;
  out.id = c->spec->id;
  out.title = c->spec->title;
  const auto today = workflow::ParseDate(c->time->LocalDate(now));
  if (today) {
    for (const workflow::Phase* p : c->spec->PhasesOn(*today)) {
      CampaignStatus::PhaseInfo info;
      info.id = p->id;
      info.title = p->title;
      info.start = workflow::FormatDate(p->days.first);
      if (p->days.last) {
        info.end = workflow::FormatDate(*p->days.last);
        info.days_left = static_cast<int>(
            (std::chrono::sys_days(*p->days.last) - std::chrono::sys_days(*today)).count() + 1);
      }
      out.current.push_back(std::move(info));
    }
  }
  for (const auto& ob : c->spec->obligations) {
    if (auto next = c->time->NextOccurrence(ob, now)) {
      out.next.push_back({ob.id, ob.title, *next});
    }
  }
  for (const auto& m : c->spec->milestones) {
    if (auto next = c->time->NextMilestone(m, now)) out.next.push_back({m.id, m.title, *next});
  }
  std::sort(out.next.begin(), out.next.end(),
            [](const auto& a, const auto& b) { return a.at < b.at; });
  return out;
}

std::vector<std::shared_ptr<const workflow::WorkflowSpec>> Engine::campaigns() const {
  return impl_->options.campaigns;
}

}  // namespace duban::engine
