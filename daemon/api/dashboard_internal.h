// The dashboard's routes (dashboard_routes.cc: login, sessions, CSRF, the
// page runner) and pages (dashboard_pages.cc). Internal to api/.
//
// A page handler runs on the loop thread with the viewer's actor, like an
// API handler, and returns HTML (or a download). It reads through the store
// and engine with queries bounded by what the page shows.
#pragma once

#include <functional>
#include <variant>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/server_impl.h"
#include "dashboard/dashboard.h"
#include "engine/engine.h"
#include "workflow/spec.h"

namespace duban::api {

struct PageCall {
  engine::Actor actor;
  store::ApiToken token;
  SystemTime now;
  std::vector<std::string> captures;
  std::multimap<std::string, std::string> query;
  std::multimap<std::string, std::string> form;  // POST: the form's fields
  std::string csrf;                              // the session's CSRF token
  std::string Query(const std::string& key) const {
    auto it = query.find(key);
    return it == query.end() ? std::string() : it->second;
  }
  std::string Form(const std::string& key) const {
    auto it = form.find(key);
    return it == form.end() ? std::string() : it->second;
  }
};

struct PageReply {
  int status = 200;
  std::string body;
  std::string content_type = "text/html; charset=utf-8";
  std::string redirect;  // a 303 to this local path
  std::string filename;  // a download: Content-Disposition attachment
  std::string set_cookie;  // a Set-Cookie header value
  static PageReply Html(std::string html, int status = 200) {
    PageReply r;
    r.status = status;
    r.body = std::move(html);
    return r;
  }
  static PageReply Redirect(std::string to) {
    PageReply r;
    r.status = 303;
    r.redirect = std::move(to);
    return r;
  }
  static PageReply Message(int status, std::string_view heading, std::string_view text,
                           std::string_view back = "/") {
    return Html(dashboard::RenderMessage(heading, text, back), status);
  }
};

using PageHandler = std::function<PageReply(HttpServer::Impl&, const PageCall&)>;

// What most pages need: the campaign shown (?c=, else the first), the
// viewer's scope, and the layout around the page.
struct View {
  const workflow::WorkflowSpec* spec = nullptr;
  const engine::Directory* dir = nullptr;
  std::string root;                 // the scope's root unit; "" = everything (admin)
  std::vector<std::string> owners;  // the subtree's unit ids; empty when root is ""
  bool by_department = false;       // department/agency: items sent to actor.unit
  dashboard::Layout layout;
  // The item query every list starts from: campaign and scope.
  store::ItemQuery Items() const;
  // True when `unit` is in the viewer's scope.
  bool Sees(const std::string& unit) const;
  // A 403 page when `unit` (a ?unit= filter; "" = none) is unknown or
  // outside the viewer's scope.
  std::optional<PageReply> RefuseUnit(const std::string& unit) const;
  std::string UnitName(const std::string& unit) const;
  // "?c=<campaign>" or "&c=…" for links.
  std::string CampaignParam(char lead = '?') const;
  std::string Render(std::string_view body_html) const {
    return dashboard::RenderPage(layout, body_html);
  }
};

// Builds the View for `call`; a message page when the campaign is unknown.
std::variant<View, PageReply> MakeView(HttpServer::Impl& s, const PageCall& call,
                                       std::string title, std::string active);

// Local time in the campaign's zone: "2024-05-24 11:55", with the weekday
// when `weekday`.
std::string LocalText(const workflow::WorkflowSpec& spec, SystemTime t, bool weekday = false);
// Whole days from `from` to `to` (floor), for ages.
int64_t DaysBetween(SystemTime from, SystemTime to);
// The label of `state` in `kind` (its id when unknown).
std::string StateLabel(const workflow::WorkflowSpec& spec, const std::string& kind,
                       const std::string& state);
std::string KindTitle(const workflow::WorkflowSpec& spec, const std::string& kind);
// 138****0002.
std::string MaskMobile(const std::string& mobile);

void RegisterDashboardPages(HttpServer::Impl& s,
                            const std::function<void(const std::string& method,
                                                     const std::string& pattern,
                                                     const std::string& doc_path,
                                                     PageHandler handler)>& page);

}  // namespace duban::api
