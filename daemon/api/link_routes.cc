// /a/<token>: one-tap action links. GET shows the page the link grants;
// POST (a form carrying the token again, from our own origin) performs it
// as the contact the link was issued to. Every refusal is a short Chinese
// page with the right status: 403 forged or not allowed, 404 unknown item,
// 410 expired or already used.
#include <fmt/format.h>

#include <cctype>
#include <variant>

#include "api/action_link.h"
#include "api/json_reply.h"
#include "api/link_page.h"
#include "api/server_impl.h"
#include "base/crypto.h"
#include "store/store.h"
#include "workflow/spec.h"

namespace duban::api {
namespace {

struct Page {
  int status = 200;
  std::string html;
};

Page Message(int status, std::string_view heading, std::string_view text) {
  return {status, RenderMessagePage(heading, text, status < 400)};
}

Page Forged() {
  return Message(403, "链接无效", "此链接不完整或已被改动。请打开短信中的完整链接，或联系镇规划建设办公室。");
}
Page Expired() {
  return Message(410, "链接已过期", "此链接已超过有效期。请通过最新的提醒短信重新打开，或联系镇规划建设办公室。");
}
Page Used() {
  return Message(410, "此链接已使用", "该事项已经办理，无需重复操作。如需更正，请联系镇规划建设办公室。");
}

// The scheme://host[:port] part of a URL, lowercased.
std::string OriginOf(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  const size_t end = url.find('/', scheme + 3);
  std::string out(url.substr(0, end));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// CSRF defence together with the token in the form: a browser posting our
// form names our origin in Origin (or at least Referer). A request naming
// another origin is refused; one naming none (an old client) is let through,
// as the token it carries is the secret anyway.
bool FromOurOrigin(const httplib::Request& req, const std::string& public_url) {
  std::string origin = req.get_header_value("Origin");
  if (origin.empty()) origin = OriginOf(req.get_header_value("Referer"));
  if (origin.empty()) return true;
  origin = OriginOf(origin + "/");
  if (origin == OriginOf(public_url + "/")) return true;
  const std::string host = req.get_header_value("Host");
  return !host.empty() && (origin == "http://" + host || origin == "https://" + host);
}

std::string Translate(const std::string& message) {
  if (message == "is required") return "必填";
  return message;
}

const workflow::WorkflowSpec* FindCampaign(const engine::Engine& engine, const std::string& id) {
  for (const auto& c : engine.campaigns()) {
    if (c->id == id) return c.get();
  }
  return nullptr;
}

// Everything the link is about, loaded and checked on the loop.
struct LinkContext {
  LinkGrant grant;
  store::Item item;
  const model::Contact* contact = nullptr;
  const workflow::WorkflowSpec* spec = nullptr;
  engine::Actor actor;
};

// Verifies the token and the item's state; a Page when the link may not be
// used (any more).
std::variant<LinkContext, Page> Load(HttpServer::Impl& s, const std::string& token,
                                     SystemTime now) {
  const VerifiedLink v = VerifyLink(token, s.deps.link_key, now);
  if (v.check == LinkCheck::kExpired) {
    s.Log(LogLevel::kInfo, fmt::format("link: refused an expired link for item {} (contact {})",
                                       v.grant.item, v.grant.contact));
    return Expired();
  }
  if (v.check != LinkCheck::kOk) {
    s.Log(LogLevel::kWarn, v.check == LinkCheck::kForged
                               ? "link: refused a link whose signature does not match"
                               : "link: refused a malformed link");
    return Forged();
  }
  LinkContext c;
  c.grant = v.grant;
  auto item = s.deps.store->GetItem(c.grant.item);
  if (!item.ok()) return Message(503, "暂时无法打开", "系统繁忙，请稍后再试。");
  if (!item->has_value()) return Message(404, "事项不存在", "此链接所指的事项已不存在。");
  c.item = **item;
  c.contact = s.deps.engine->directory().FindContact(c.grant.contact);
  if (c.contact == nullptr) {
    return Message(403, "链接无效", "此链接所发给的联系人已不在名册中，请联系镇规划建设办公室。");
  }
  const bool used = c.item.state != c.grant.state || !c.item.open() ||
                    (c.grant.action == LinkAction::kAck && c.item.acknowledged_at.has_value());
  if (used) return Used();
  c.spec = FindCampaign(*s.deps.engine, c.item.campaign);
  if (c.spec == nullptr) return Message(404, "活动已结束", "此事项所属的专项行动已不再运行。");
  c.actor.id = "contact:" + c.contact->id;
  c.actor.via = "link";
  c.actor.contact_role = c.contact->role;
  c.actor.unit = c.contact->unit_id;
  return c;
}

std::string UnitName(const HttpServer::Impl& s, const std::string& id) {
  const model::Unit* u = s.deps.engine->directory().FindUnit(id);
  return u == nullptr ? id : u->name;
}

std::string DueText(const LinkContext& c) {
  return c.item.due_at ? c.spec->timezone.FormatWithWeekday(*c.item.due_at) : "";
}

Page ReportForm(HttpServer::Impl& s, const LinkContext& c, const std::string& token,
                SystemTime now, const workflow::FieldValues& values,
                const std::vector<workflow::FieldError>& errors, int status) {
  const workflow::Obligation* ob = c.spec->FindObligation(c.item.kind);
  if (ob == nullptr) return Message(404, "无法报送", "此事项不是需要报送的报表。");
  ReportPage p;
  p.token = token;
  p.title = ob->title;
  p.campaign = c.spec->title;
  p.unit = UnitName(s, c.item.owner_unit);
  p.contact = c.contact->name;
  p.period = c.item.period;
  p.due = DueText(c);
  p.late = c.item.due_at && now >= *c.item.due_at;
  for (const auto& f : ob->fields.fields) {
    PageField pf{&f, "", ""};
    auto v = values.find(f.name);
    if (v != values.end()) {
      pf.value = std::visit(
          [](const auto& x) -> std::string {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, bool>) return x ? "1" : "";
            else if constexpr (std::is_same_v<T, std::string>) return x;
            else return std::to_string(x);
          },
          v->second);
    }
    for (const auto& e : errors) {
      if (e.field == f.name) pf.error += (pf.error.empty() ? "" : "；") + Translate(e.message);
    }
    p.fields.push_back(std::move(pf));
  }
  for (const auto& e : errors) {
    if (ob->fields.Find(e.field) == nullptr) {
      p.error += (p.error.empty() ? "" : "\n") + Translate(e.message);
    }
  }
  if (!errors.empty() && p.error.empty()) p.error = "请按提示修改后再提交。";
  return {status, RenderReportPage(p)};
}

Page AckForm(HttpServer::Impl& s, const LinkContext& c, const std::string& token,
             const std::string& error, int status) {
  const workflow::ItemKind* kind = c.spec->FindItemKind(c.item.kind);
  AckPage p;
  p.token = token;
  p.title = kind ? kind->title : c.item.kind;
  p.unit = UnitName(s, c.item.owner_unit);
  p.department = c.item.department_unit.empty() ? "" : UnitName(s, c.item.department_unit);
  p.contact = c.contact->name;
  p.state = c.item.state;
  p.due = DueText(c);
  if (kind != nullptr) {
    const int st = kind->FindState(c.item.state);
    if (st >= 0) p.state = kind->states[static_cast<size_t>(st)].label;
    nlohmann::json data = nlohmann::json::parse(c.item.data, nullptr, false);
    for (const auto& f : kind->fields.fields) {
      if (!data.is_object() || !data.contains(f.name)) continue;
      const auto& v = data[f.name];
      std::string text = v.is_string() ? v.get<std::string>() : v.dump();
      if (v.is_boolean()) text = v.get<bool>() ? "是" : "否";
      if (f.type == workflow::FieldType::kEnum) {
        for (const auto& e : f.values) {
          if (e.value == text) text = e.label;
        }
      }
      p.facts.emplace_back(f.label, text);
    }
  }
  p.error = error;
  return {status, RenderAckPage(p)};
}

Page Show(HttpServer::Impl& s, const std::string& token) {
  const SystemTime now = s.deps.clock->Now();
  auto loaded = Load(s, token, now);
  if (auto* page = std::get_if<Page>(&loaded)) return *page;
  const LinkContext& c = std::get<LinkContext>(loaded);
  if (c.grant.action == LinkAction::kReport) return ReportForm(s, c, token, now, {}, {}, 200);
  return AckForm(s, c, token, "", 200);
}

Page Perform(HttpServer::Impl& s, const std::string& token,
             const std::multimap<std::string, std::string>& form) {
  const SystemTime now = s.deps.clock->Now();
  auto loaded = Load(s, token, now);
  if (auto* page = std::get_if<Page>(&loaded)) return *page;
  const LinkContext& c = std::get<LinkContext>(loaded);
  engine::Engine& engine = *s.deps.engine;
  if (c.grant.action == LinkAction::kReport) {
    const workflow::Obligation* ob = c.spec->FindObligation(c.item.kind);
    if (ob == nullptr) return Message(404, "无法报送", "此事项不是需要报送的报表。");
    std::vector<workflow::FieldError> errors;
    workflow::FieldValues values = ParseForm(ob->fields, form, &errors);
    if (errors.empty()) errors = workflow::Validate(ob->fields, values);
    if (!errors.empty()) return ReportForm(s, c, token, now, values, errors, 422);
    engine::Submission sub{c.item.campaign, c.item.kind, c.item.owner_unit, c.item.period,
                           values, c.actor};
    auto done = engine.Submit(sub, now);
    if (!done.ok()) {
      const Status& st = done.status();
      if (st.code() == StatusCode::kConflict) return Used();
      if (st.code() == StatusCode::kPermissionDenied) {
        s.Log(LogLevel::kWarn, fmt::format("link: refused a report on item {} by contact {}: {}",
                                           c.item.id, c.contact->id, st.message()));
        return Message(403, "无权报送", "您不能为该单位报送，请联系镇规划建设办公室。");
      }
      if (st.code() == StatusCode::kInvalidArgument) {
        // The engine's checks are the same as Validate's; keep the form.
        return ReportForm(s, c, token, now, values, {{"", st.message()}}, 422);
      }
      s.Log(LogLevel::kError, fmt::format("link: report for item {} failed: {}", c.item.id,
                                          st.ToString()));
      return Message(503, "暂时无法报送", "系统繁忙，请稍后再试。");
    }
    const bool late = nlohmann::json::parse(done->data, nullptr, false).value("late", false);
    return Message(200, "已报送",
                   fmt::format("{}（{}，{}）已报送{}。谢谢！", ob->title,
                               UnitName(s, c.item.owner_unit), c.item.period,
                               late ? "，已记录为迟报" : ""));
  }
  // Acknowledging: a kind whose lifecycle has an "acknowledge" step (a
  // transfer's 签收) takes it; any other item records the acknowledgement.
  const workflow::ItemKind* kind = c.spec->FindItemKind(c.item.kind);
  Result<store::Item> done = Status::Internal("unset");
  const int t = kind ? kind->FindTransition("acknowledge") : -1;
  if (t >= 0 && kind->AllowedFrom(t, kind->FindState(c.item.state))) {
    done = engine.Transition({c.item.id, "acknowledge", {}}, c.actor, now);
  } else {
    done = engine.Acknowledge(c.item.id, c.actor, now);
  }
  if (!done.ok()) {
    const Status& st = done.status();
    if (st.code() == StatusCode::kConflict) return Used();
    if (st.code() == StatusCode::kPermissionDenied) {
      s.Log(LogLevel::kWarn, fmt::format("link: refused an acknowledgement of item {} by contact "
                                         "{}: {}",
                                         c.item.id, c.contact->id, st.message()));
      return Message(403, "无权签收", "您不能签收该事项，请联系镇规划建设办公室。");
    }
    if (st.code() == StatusCode::kInvalidArgument) {
      return AckForm(s, c, token, st.message(), 422);
    }
    s.Log(LogLevel::kError,
          fmt::format("link: ack of item {} failed: {}", c.item.id, st.ToString()));
    return Message(503, "暂时无法签收", "系统繁忙，请稍后再试。");
  }
  return Message(200, "已签收", fmt::format("{}已签收，请按期办理。谢谢！",
                                            kind ? kind->title : std::string("该事项")));
}

void Send(httplib::Response& res, const Page& page) {
  res.status = page.status;
  res.set_content(page.html, "text/html; charset=utf-8");
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                 "frame-ancestors 'none'; base-uri 'none'");
  res.set_header("Referrer-Policy", "same-origin");
}

void Run(HttpServer::Impl& s, httplib::Response& res, std::function<Page()> work) {
  if (s.deps.engine == nullptr || s.deps.store == nullptr || s.deps.clock == nullptr) {
    return Send(res, Message(503, "暂时无法打开", "系统尚未就绪，请稍后再试。"));
  }
  auto page = RunOnLoop<Page>(s.deps.post, s.options.loop_timeout, [&s, work]() -> Page {
    try {
      return work();
    } catch (const std::exception& e) {
      s.Log(LogLevel::kError, fmt::format("link: page failed: {}", e.what()));
      return Message(500, "出错了", "系统出错，请稍后再试或联系镇规划建设办公室。");
    }
  });
  Send(res, page ? *page : Message(503, "暂时无法打开", "系统繁忙，请稍后再试。"));
}

}  // namespace

void RegisterLinkRoutes(HttpServer::Impl& s) {
  // Any text after /a/: a link cut short in a message gets the "invalid"
  // page rather than a bare 404.
  const std::string pattern = "/a/([^/]{1,1024})";
  s.Raw("GET", pattern, "/a/{token}", [&s](const httplib::Request& req, httplib::Response& res) {
    const std::string token = req.matches[1];
    Run(s, res, [&s, token] { return Show(s, token); });
  });
  s.Raw("POST", pattern, "/a/{token}", [&s](const httplib::Request& req, httplib::Response& res) {
    const std::string token = req.matches[1];
    const std::string type = req.get_header_value("Content-Type");
    if (type.rfind("application/x-www-form-urlencoded", 0) != 0) {
      return Send(res, Message(415, "无法提交", "请在链接打开的页面上填写并提交。"));
    }
    std::multimap<std::string, std::string> form;
    httplib::detail::parse_query_text(req.body, form);
    auto t = form.find("t");
    if (t == form.end() || !crypto::ConstantTimeEquals(t->second, token)) {
      return Send(res, Forged());
    }
    if (!FromOurOrigin(req, s.public_url)) {
      s.Log(LogLevel::kWarn, fmt::format("link: refused a form posted from {}",
                                         req.get_header_value("Origin")));
      return Send(res, Message(403, "无法提交", "请在链接打开的页面上填写并提交。"));
    }
    Run(s, res, [&s, token, form] { return Perform(s, token, form); });
  });
}

}  // namespace duban::api
