// HttpServer: inbound HTTP (cpp-httplib): /healthz, /metrics, the JSON API
// under /api/v1 (bearer tokens, docs/api.md) and one-tap action links /a/…
// for people who hold no token.
//
// httplib runs its handlers on its own worker threads. Handlers never touch
// engine or store state directly: they hand work to the loop with `post` and
// wait (bounded) for the answer, so the loop stays the only owner of state.
// Create/Start/Stop are called from the thread that owns the App. The free
// functions below are pure or take the store explicitly (loop thread).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/metrics.h"
#include "base/status.h"
#include "store/records.h"

namespace duban::store {
class Store;
}
namespace duban::engine {
class Engine;
}

namespace duban::api {

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port; see HttpServer::port()
  int threads = 8;
  size_t max_body_bytes = 1 << 20;
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
  // How long a handler waits for the loop before answering 503.
  std::chrono::milliseconds loop_timeout{5000};
  // Base of action links ("https://duban.example.gov.cn"); empty means
  // http://<host>:<bound port>.
  std::string public_url;
};

enum class LogLevel { kInfo, kWarn, kError };

struct Deps {
  Metrics* metrics = nullptr;
  // Runs a task on the loop thread. Must be callable from any thread.
  std::function<void(std::function<void()>)> post;
  // Used only inside posted tasks, i.e. on the loop thread.
  store::Store* store = nullptr;
  engine::Engine* engine = nullptr;  // null: /api/v1 and /a/ answer 503
  const Clock* clock = nullptr;      // read on the loop thread
  std::function<double()> uptime_seconds;
  std::string clock_kind;
  // Called on the loop thread by /healthz: "" when the daemon's own work
  // runs, else why it does not (e.g. the disk is full). May be empty.
  std::function<std::string()> trouble;
  // Raw bytes of the action-link HMAC key (LoadOrCreateLinkKey).
  std::string link_key;
  // Where denials and failures are reported; never given a token's secret.
  // Called from the loop thread and httplib threads; may be empty.
  std::function<void(LogLevel, const std::string&)> log;
};

// One registered route, as the OpenAPI document spells it.
struct RouteInfo {
  std::string method;  // "GET"
  std::string path;    // "/api/v1/items/{id}"
};

class HttpServer {
 public:
  // Binds the listening socket (so port() is known) but does not serve yet.
  // Fails with kUnavailable when the address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> Create(const Options& options, Deps deps);
  ~HttpServer();

  int port() const;
  // Every route served, in registration order (the OpenAPI test reads it).
  std::vector<RouteInfo> routes() const;
  // The base of action links this server issues ("http://127.0.0.1:8080").
  std::string public_url() const;
  // Starts serving on a background thread.
  void Start();
  // Stops accepting, lets in-flight requests finish, joins the thread.
  // Safe to call twice. Must not be called from the loop thread while
  // handlers may be waiting for the loop: it would wait for itself.
  void Stop();

  // Opaque; public only so route files in api/ can register on it.
  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// --- API tokens ("dbn_<id>_<secret>"; only SHA-256 of the secret is stored).

// admin, supervisor, office, liaison, department, agency.
const std::vector<std::string>& TokenRoles();

struct IssuedToken {
  store::ApiToken record;  // what the store keeps (secret_hash, never the secret)
  std::string bearer;      // shown to the operator once: "dbn_t_…_…"
};

// A fresh token with random id and secret. REQUIRES: `role` is a TokenRole.
IssuedToken NewToken(const std::string& role, const std::string& unit_id,
                     const std::string& contact_id, const std::string& label,
                     SystemTime created_at, std::optional<SystemTime> expires_at);

// --- One-tap action links "/a/<payload>.<mac>".

enum class LinkAction { kReport, kAck };

// What a link lets its holder do, once: report for (or acknowledge) `item`
// as `contact`, while the item is still in `state` and before `expires_at`.
struct LinkGrant {
  store::ItemId item = 0;
  std::string contact;  // contact id
  LinkAction action = LinkAction::kReport;
  std::string state;    // the item's state when the link is issued
  SystemTime expires_at;
};

// The full URL "<public_url>/a/<token>" for `grant`, signed with `key` (the
// raw link key). kInvalidArgument when the contact or state contains '|'.
// Pure; any thread. The notification side calls this (through a callback
// app hands it) to put links in reminders.
Result<std::string> MintActionLink(const LinkGrant& grant, std::string_view key,
                                   std::string_view public_url);

// --- Calendar feeds "/ics/<token>.ics" (ics_feed.h).

// The full URL "<public_url>/ics/<token>.ics" of `unit`'s deadline feed
// (iCalendar, for phones to subscribe to), signed with `key` (the raw link
// key). The same unit always gets the same URL, and it does not expire.
// kInvalidArgument when the unit id is empty or contains '|'. Pure; any
// thread. The dashboard shows each viewer the URL of their unit.
Result<std::string> MintFeedUrl(const std::string& unit, std::string_view key,
                                std::string_view public_url);

// Reads the link key from the store's meta table (`link_key`, 32 random
// bytes as hex), creating it on first use. Returns the raw bytes. Loop
// thread (or before the loop runs).
Result<std::string> LoadOrCreateLinkKey(store::Store& store);

}  // namespace duban::api
