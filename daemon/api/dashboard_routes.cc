// The dashboard's plumbing: /login (token → session cookie), /logout, and
// the runner every page goes through: session check on the loop, CSRF and
// origin checks on forms, security headers on every answer.
#include <fmt/format.h>

#include <cctype>

#include "api/auth.h"
#include "api/convert.h"
#include "api/dashboard_internal.h"
#include "api/dashboard_session.h"
#include "api/json_reply.h"
#include "api/scope.h"
#include "base/crypto.h"
#include "base/strings.h"
#include "store/store.h"

namespace duban::api {
namespace {

// No scripts, no external resources, inline styles only, forms post to us.
constexpr const char* kCsp =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

void Send(httplib::Response& res, const PageReply& r) {
  res.status = r.status;
  if (!r.redirect.empty()) res.set_header("Location", r.redirect);
  if (!r.set_cookie.empty()) res.set_header("Set-Cookie", r.set_cookie);
  res.set_content(r.body, r.content_type);
  if (!r.filename.empty()) {
    // RFC 6266/5987: an ASCII fallback and the UTF-8 name.
    res.set_header("Content-Disposition",
                   fmt::format("attachment; filename=\"duban-export{}\"; filename*=UTF-8''{}",
                               r.filename.substr(r.filename.rfind('.')),
                               dashboard::UrlEncode(r.filename)));
  }
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Content-Security-Policy", kCsp);
  res.set_header("Referrer-Policy", "same-origin");
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// scheme://host[:port] of a URL.
std::string OriginOf(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  return Lower(url.substr(0, url.find('/', scheme + 3)));
}

// A form must come from our own pages: SameSite=Strict keeps the cookie off
// cross-site posts, the CSRF token proves the page was ours, and a browser
// naming another origin is refused outright.
bool FromOurOrigin(const httplib::Request& req, const std::string& public_url) {
  std::string origin = req.get_header_value("Origin");
  if (origin.empty()) origin = OriginOf(req.get_header_value("Referer"));
  if (origin.empty() || origin == "null") return origin.empty();
  origin = OriginOf(origin + "/");
  if (origin == OriginOf(public_url + "/")) return true;
  const std::string host = Lower(req.get_header_value("Host"));
  return !host.empty() && (origin == "http://" + host || origin == "https://" + host);
}

// Only local paths: "/overdue?c=x", never "//evil" or "http://…".
std::string SafeNext(const std::string& next) {
  if (next.empty() || next[0] != '/' || (next.size() > 1 && (next[1] == '/' || next[1] == '\\'))) {
    return "/";
  }
  for (char c : next) {
    if (static_cast<unsigned char>(c) < 0x20) return "/";
  }
  return next;
}

bool IsForm(const httplib::Request& req) {
  return Lower(req.get_header_value("Content-Type")).rfind("application/x-www-form-urlencoded", 0) ==
         0;
}

const char* RoleTitle(const std::string& role) {
  if (role == "admin") return "管理员";
  if (role == "supervisor") return "专班";
  if (role == "office") return "规划建设办";
  if (role == "liaison") return "联络员";
  if (role == "department") return "成员单位";
  if (role == "agency") return "第三方机构";
  return "";
}

}  // namespace

store::ItemQuery View::Items() const {
  store::ItemQuery q;
  q.campaign = spec->id;
  if (by_department) {
    q.department_unit = root;
  } else {
    q.owner_units = owners;
  }
  return q;
}

bool View::Sees(const std::string& unit) const {
  if (root.empty()) return true;
  if (by_department) return unit == root;
  return dir->IsUnder(unit, root);
}

std::optional<PageReply> View::RefuseUnit(const std::string& unit) const {
  if (unit.empty() || (dir->FindUnit(unit) != nullptr && Sees(unit))) return std::nullopt;
  return PageReply::Message(403, "无权查看", "该单位不在您的管辖范围内。");
}

std::string View::UnitName(const std::string& unit) const {
  const model::Unit* u = dir->FindUnit(unit);
  return u != nullptr ? u->name : unit;
}

std::string View::CampaignParam(char lead) const {
  return std::string(1, lead) + "c=" + dashboard::UrlEncode(spec->id);
}

std::variant<View, PageReply> MakeView(HttpServer::Impl& s, const PageCall& call,
                                       std::string title, std::string active) {
  View v;
  const engine::Engine& engine = *s.deps.engine;
  v.dir = &engine.directory();
  const auto campaigns = engine.campaigns();
  if (campaigns.empty()) return PageReply::Message(404, "没有专项行动", "此督办服务没有配置专项行动。");
  const std::string wanted = call.Query("c");
  for (const auto& c : campaigns) {
    if (wanted.empty() || c->id == wanted) {
      v.spec = c.get();
      break;
    }
  }
  if (v.spec == nullptr) {
    return PageReply::Message(404, "找不到专项行动", "链接中的专项行动不存在，请从总览页进入。");
  }
  v.by_department = ByDepartment(call.actor);
  if (!call.actor.admin()) {
    v.root = call.actor.unit;
    if (!v.by_department) v.owners = Subtree(*v.dir, v.root);
  }
  v.layout.title = std::move(title);
  v.layout.active = std::move(active);
  v.layout.campaign = v.spec->id;
  v.layout.campaign_title = v.spec->title;
  for (const auto& c : campaigns) v.layout.campaigns.emplace_back(c->id, c->title);
  v.layout.viewer = fmt::format("{}{}", RoleTitle(call.token.role),
                                v.root.empty() ? "" : " · " + v.UnitName(v.root));
  if (!call.token.label.empty()) v.layout.viewer += "（" + call.token.label + "）";
  v.layout.now_text = LocalText(*v.spec, call.now, true);
  v.layout.csrf = call.csrf;
  v.layout.admin = call.actor.admin();
  return v;
}

std::string LocalText(const workflow::WorkflowSpec& spec, SystemTime t, bool weekday) {
  return weekday ? spec.timezone.FormatWithWeekday(t) : spec.timezone.Format(t);
}

int64_t DaysBetween(SystemTime from, SystemTime to) {
  return std::chrono::floor<std::chrono::hours>(to - from).count() / 24;
}

std::string KindTitle(const workflow::WorkflowSpec& spec, const std::string& kind) {
  for (const auto& k : spec.item_kinds) {
    if (k.id == kind) return k.title;
  }
  for (const auto& o : spec.obligations) {
    if (o.id == kind) return o.title;
  }
  return kind;
}

std::string StateLabel(const workflow::WorkflowSpec& spec, const std::string& kind,
                       const std::string& state) {
  for (const auto& k : spec.item_kinds) {
    if (k.id != kind) continue;
    const int i = k.FindState(state);
    if (i >= 0 && !k.states[static_cast<size_t>(i)].label.empty()) {
      return k.states[static_cast<size_t>(i)].label;
    }
  }
  if (state == "open") return "待报送";
  if (state == "submitted") return "已报送";
  if (state == "late") return "迟报";
  return state;
}

std::string MaskMobile(const std::string& mobile) { return api::MaskMobile(std::string_view(mobile)); }

void RegisterDashboardRoutes(HttpServer::Impl& s) {
  const bool secure = s.public_url.rfind("https://", 0) == 0 ||
                      s.options.public_url.rfind("https://", 0) == 0;

  // Runs `handler` for a signed-in viewer; anyone else is sent to /login
  // (GET) or refused (POST).
  auto page = [&s](const std::string& method, const std::string& pattern,
                           const std::string& doc_path, PageHandler handler) {
    const bool post = method == "POST";
    s.Raw(method, pattern, doc_path,
          [&s, post, handler = std::move(handler)](const httplib::Request& req,
                                                   httplib::Response& res) {
            if (s.deps.engine == nullptr || s.deps.store == nullptr || s.deps.clock == nullptr) {
              return Send(res, PageReply::Message(503, "暂时无法打开", "系统尚未就绪，请稍后再试。"));
            }
            auto call = std::make_shared<PageCall>();
            const std::string cookie =
                CookieValue(req.get_header_value("Cookie"), kSessionCookie);
            for (size_t i = 1; i < req.matches.size(); ++i) call->captures.push_back(req.matches[i]);
            call->query.insert(req.params.begin(), req.params.end());
            if (post) {
              if (!IsForm(req)) {
                return Send(res, PageReply::Message(415, "无法提交", "请在督办页面上提交表单。"));
              }
              httplib::detail::parse_query_text(req.body, call->form);
              if (!FromOurOrigin(req, s.public_url) ||
                  !CsrfMatches(cookie, call->Form("csrf"), s.deps.link_key)) {
                s.Log(LogLevel::kWarn,
                      fmt::format("dashboard: refused a form for {} without a valid CSRF token "
                                  "or from origin '{}'",
                                  req.path, req.get_header_value("Origin")));
                return Send(res, PageReply::Message(
                                     403, "无法提交",
                                     "表单已失效或并非来自督办页面。请刷新页面后重新提交。"));
              }
            }
            const std::string next = req.target.empty() ? "/" : req.target;
            auto reply = RunOnLoop<PageReply>(
                s.deps.post, s.options.loop_timeout,
                [&s, call, cookie, post, next, &handler]() -> PageReply {
                  call->now = s.deps.clock->Now();
                  auto claim = VerifySession(cookie, s.deps.link_key, call->now);
                  std::optional<store::ApiToken> token;
                  if (claim) {
                    auto stored = s.deps.store->FindToken(claim->token_id);
                    if (!stored.ok()) {
                      return PageReply::Message(503, "暂时无法打开", "系统繁忙，请稍后再试。");
                    }
                    const store::ApiToken* t = stored->has_value() ? &**stored : nullptr;
                    if (t != nullptr && !t->revoked_at &&
                        (!t->expires_at || call->now < *t->expires_at)) {
                      token = *t;
                    }
                  }
                  if (!token) {
                    if (post) {
                      return PageReply::Message(403, "请先登录", "登录已过期，请重新登录后再操作。",
                                                "/login");
                    }
                    return PageReply::Redirect("/login?next=" + dashboard::UrlEncode(next));
                  }
                  call->token = *token;
                  call->actor = ActorFor(*token);
                  call->actor.via = "dashboard";
                  call->csrf = CsrfFor(cookie, s.deps.link_key);
                  try {
                    return handler(s, *call);
                  } catch (const std::exception& e) {
                    s.Log(LogLevel::kError, fmt::format("dashboard: page failed: {}", e.what()));
                    return PageReply::Message(500, "出错了", "系统出错，请稍后再试。");
                  }
                });
            Send(res, reply ? *reply
                            : PageReply::Message(503, "暂时无法打开", "系统繁忙，请稍后再试。"));
          });
  };

  s.Raw("GET", "/login", "/login", [](const httplib::Request& req, httplib::Response& res) {
    Send(res, PageReply::Html(dashboard::RenderLogin("", SafeNext(req.get_param_value("next")))));
  });
  s.Raw("POST", "/login", "/login", [&s, secure](const httplib::Request& req,
                                                 httplib::Response& res) {
    if (s.deps.engine == nullptr || s.deps.store == nullptr || s.deps.clock == nullptr) {
      return Send(res, PageReply::Message(503, "暂时无法打开", "系统尚未就绪，请稍后再试。"));
    }
    if (!IsForm(req) || !FromOurOrigin(req, s.public_url)) {
      return Send(res, PageReply::Message(403, "无法登录", "请在督办登录页面输入令牌。", "/login"));
    }
    std::multimap<std::string, std::string> form;
    httplib::detail::parse_query_text(req.body, form);
    auto field = [&form](const char* k) {
      auto it = form.find(k);
      return it == form.end() ? std::string() : it->second;
    };
    const std::string next = SafeNext(field("next"));
    auto presented = ParseBearer("Bearer " + std::string(Trim(field("token"))));
    if (!presented) {
      return Send(res, PageReply::Html(
                           dashboard::RenderLogin("令牌格式不对：应以 dbn_ 开头，请完整粘贴。", next),
                           401));
    }
    struct Outcome {
      bool ok = false;
      std::string cookie;
      std::string why;
    };
    auto outcome = RunOnLoop<Outcome>(
        s.deps.post, s.options.loop_timeout, [&s, presented]() -> Outcome {
          const PresentedToken& p = *presented;
          const SystemTime now = s.deps.clock->Now();
          auto stored = s.deps.store->FindToken(p.id);
          if (!stored.ok()) return {false, "", "store"};
          const TokenCheck check = CheckToken(p, *stored, now);
          if (check != TokenCheck::kOk) return {false, "", TokenCheckName(check)};
          SystemTime until = now + kSessionLifetime;
          if ((*stored)->expires_at && *(*stored)->expires_at < until) until = *(*stored)->expires_at;
          return {true, MintSession(p.id, until, s.deps.link_key), ""};
        });
    if (!outcome) {
      return Send(res, PageReply::Message(503, "暂时无法登录", "系统繁忙，请稍后再试。", "/login"));
    }
    if (!outcome->ok) {
      s.Log(LogLevel::kWarn, fmt::format("dashboard: refused a login for token {}: {}",
                                         presented->id, outcome->why));
      return Send(res, PageReply::Html(
                           dashboard::RenderLogin("令牌无效、已过期或已被吊销，请联系管理员。", next),
                           401));
    }
    s.Log(LogLevel::kInfo, fmt::format("dashboard: token {} signed in", presented->id));
    res.set_header("Set-Cookie", SessionSetCookie(outcome->cookie, secure));
    Send(res, PageReply::Redirect(next));
  });
  page("POST", "/logout", "/logout", [secure](HttpServer::Impl&, const PageCall&) {
    PageReply r = PageReply::Redirect("/login");
    r.set_cookie = SessionSetCookie("", secure);
    return r;
  });
  RegisterDashboardPages(s, page);
}

}  // namespace duban::api
