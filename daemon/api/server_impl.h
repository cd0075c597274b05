// HttpServer::Impl and the route-registration helpers shared by the route
// files of api/ (routes_*.cc, link_routes.cc). Internal to api/.
//
// An API handler (ApiHandler) runs on the loop thread with an authenticated
// actor; everything before it (content type, JSON parsing, the
// Authorization header) runs on the httplib worker thread.
#pragma once

#include <httplib.h>

#include <functional>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "api/api.h"
#include "api/convert.h"
#include "engine/engine.h"

namespace duban::api {

// What a handler answers.
struct Reply {
  int status = 200;
  nlohmann::json body;
  std::string location;  // a Location header for 201
  std::string log_note;  // logged with a denial, never sent
  // When set, the body sent is what this returns, called on the HTTP worker
  // thread once the loop has moved on: for a large body built from values
  // the handler already holds (it must not touch loop-owned state).
  std::function<nlohmann::json()> deferred_body;

  static Reply Json(nlohmann::json body, int status = 200) {
    Reply r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  static Reply Error(int status, std::string code, std::string detail, std::string field = "") {
    return Json(ErrorBody({status, std::move(code), std::move(detail), std::move(field)}), status);
  }
  static Reply FromStatus(const Status& s) {
    HttpError e = ErrorFromStatus(s);
    Reply r = Json(ErrorBody(e), e.status);
    if (e.status >= 500) r.log_note = s.ToString();
    return r;
  }
  static Reply Forbidden(std::string detail) { return Error(403, "forbidden", std::move(detail)); }
};

// One authenticated API request, as the handler sees it.
struct ApiCall {
  engine::Actor actor;
  store::ApiToken token;
  std::vector<std::string> captures;  // the path pattern's groups
  std::multimap<std::string, std::string> query;
  nlohmann::json body;  // always an object; empty when the request had no body
  SystemTime now;

  // The query parameter's value, "" when absent.
  std::string Query(const std::string& key) const {
    auto it = query.find(key);
    return it == query.end() ? std::string() : it->second;
  }
  // The first parameter not in `allowed`, for a 422 naming it; "" if none.
  std::string UnknownQuery(std::initializer_list<const char*> allowed) const;
  // The first body member not in `allowed`; "" if none.
  std::string UnknownMember(std::initializer_list<const char*> allowed) const;
  // Body member `key` as text: "" when absent; kInvalidArgument when it is
  // present but not a string.
  Result<std::string> BodyText(const char* key) const;
};

// ApiCall::UnknownMember and BodyText for any JSON object `obj` (an entry
// of a batch): "" when `obj` is not an object or the member is absent.
std::string UnknownMemberOf(const nlohmann::json& obj, std::initializer_list<const char*> allowed);
Result<std::string> TextMemberOf(const nlohmann::json& obj, const char* key);

using ApiHandler = std::function<Reply(const ApiCall&)>;

struct HttpServer::Impl {
  Options options;
  Deps deps;
  httplib::Server server;
  int port = 0;
  std::string public_url;
  std::thread thread;
  bool stopped = false;

  // Registered routes: written by Create before serving, read-only after.
  struct Route {
    std::string method;
    std::string doc_path;  // "/api/v1/items/{id}"
    std::regex pattern;
  };
  std::vector<Route> routes;

  void Log(LogLevel level, const std::string& text) const {
    if (deps.log) deps.log(level, text);
  }
  // The documented path of the route serving `method` `path`, else "other".
  std::string RouteLabel(const std::string& method, const std::string& path) const;

  // Registers an authenticated JSON route under `pattern` (a regex).
  void Api(const std::string& method, const std::string& pattern, const std::string& doc_path,
           ApiHandler handler);
  // Registers any other route; the handler does its own work.
  void Raw(const std::string& method, const std::string& pattern, const std::string& doc_path,
           httplib::Server::Handler handler);
};

void RegisterItemRoutes(HttpServer::Impl& s);
void RegisterDirectoryRoutes(HttpServer::Impl& s);
void RegisterOutboxRoutes(HttpServer::Impl& s);
void RegisterLinkRoutes(HttpServer::Impl& s);
void RegisterSpotCheckRoutes(HttpServer::Impl& s);
void RegisterDashboardRoutes(HttpServer::Impl& s);

}  // namespace duban::api
