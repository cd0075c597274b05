// The API server over real loopback HTTP with an in-memory store and an
// engine without campaigns: error shapes, authentication, unit scopes and
// pagination. Lifecycle scenarios are in tests/integration/api_*_test.cc.
#include "api/api.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>

#include <mutex>
#include <nlohmann/json.hpp>

#include "base/time_format.h"
#include "engine/engine.h"
#include "store/store.h"
#include "testing/paths.h"
#include "testing/status_matchers.h"

namespace duban::api {
namespace {

const SystemTime kNow = *ParseRfc3339("2024-04-12T10:00:00+08:00");

model::Unit U(const std::string& id, model::Level level, const std::string& parent) {
  model::Unit u;
  u.id = id;
  u.name = id;
  u.level = level;
  u.parent_id = parent;
  return u;
}

model::Contact C(const std::string& id, const std::string& unit, const std::string& role,
                 const std::string& mobile) {
  model::Contact c;
  c.id = id;
  c.unit_id = unit;
  c.role = role;
  c.name = id;
  c.mobile = mobile;
  return c;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::OpenSqlite({":memory:"}, kNow);
    ASSERT_OK(store);
    store_ = std::move(*store);
    std::vector<model::Unit> units = {
        U("shanxi", model::Level::kProvince, ""), U("qinshui", model::Level::kCounty, "shanxi"),
        U("jiafeng", model::Level::kTown, "qinshui"),
        U("jf-jiafeng", model::Level::kVillage, "jiafeng"),
        U("jf-lizhuang", model::Level::kVillage, "jiafeng"),
        U("jf-guonan", model::Level::kVillage, "jiafeng"),
        U("jf-market", model::Level::kDepartment, "jiafeng"),
        U("other-town", model::Level::kTown, "qinshui"),
        U("ot-village", model::Level::kVillage, "other-town")};
    std::vector<model::Contact> contacts = {
        C("jiafeng-office", "jiafeng", "office", "+8613800000002"),
        C("jf-jiafeng-liaison", "jf-jiafeng", "liaison", "+8613800000011"),
        C("jf-lizhuang-liaison", "jf-lizhuang", "liaison", "+8613800000013"),
        C("ot-liaison", "ot-village", "liaison", "+8613800000099")};
    ASSERT_OK(store_->UpsertUnits(units));
    ASSERT_OK(store_->UpsertContacts(contacts));
    engine_ = std::make_unique<engine::Engine>(engine::Options{}, *store_);
    engine_->SetDirectory(std::make_shared<engine::Directory>(units, contacts));
    Options opts;
    opts.port = 0;
    opts.threads = 2;
    opts.max_body_bytes = 4096;
    auto server = HttpServer::Create(opts, MakeDeps());
    ASSERT_OK(server);
    server_ = std::move(*server);
    server_->Start();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  Deps MakeDeps() {
    Deps deps;
    deps.metrics = &metrics_;
    // The test thread is the "loop": tasks run at once, in the caller.
    deps.post = [this](std::function<void()> fn) {
      std::lock_guard<std::mutex> lock(loop_mu_);
      fn();
    };
    deps.store = store_.get();
    deps.engine = engine_.get();
    deps.clock = &clock_;
    deps.link_key = std::string(32, 'k');
    deps.log = [this](LogLevel, const std::string& text) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_ += text + "\n";
    };
    return deps;
  }

  // Stores a token and returns its bearer string.
  std::string Token(const std::string& role, const std::string& unit,
                    std::optional<SystemTime> expires = std::nullopt) {
    IssuedToken t = NewToken(role, unit, "", "", kNow, expires);
    store::AuditEntry a;
    a.at = kNow;
    a.actor = "test";
    a.via = "cli";
    a.action = "token.create";
    EXPECT_OK(store_->InsertToken(t.record, a));
    ids_[t.bearer] = t.record.id;
    return t.bearer;
  }
  httplib::Headers Auth(const std::string& bearer) {
    return {{"Authorization", "Bearer " + bearer}};
  }
  nlohmann::json Body(const httplib::Result& r) {
    EXPECT_TRUE(r);
    if (!r) return nullptr;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json") << r->body;
    return nlohmann::json::parse(r->body, nullptr, false);
  }
  std::string Log() {
    std::lock_guard<std::mutex> lock(log_mu_);
    return log_;
  }

  VirtualClock clock_{kNow};
  Metrics metrics_;
  std::mutex loop_mu_;  // serialises "loop" tasks from the server's threads
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
  std::map<std::string, std::string> ids_;
  std::mutex log_mu_;  // guards log_
  std::string log_;
};

TEST_F(HttpServerTest, EveryRefusalHasTheOneErrorShape) {
  const std::string admin = Token("admin", "shanxi");
  struct Case {
    const char* what;
    httplib::Result result;
    int status;
    std::string error;
    std::string field;
  };
  const std::string big(5000, ' ');
  Case cases[] = {
      {"no token", client_->Get("/api/v1/items"), 401, "unauthorized", ""},
      {"not JSON", client_->Post("/api/v1/items", Auth(admin), "a=1", "text/plain"), 415,
       "unsupported_media_type", ""},
      {"broken JSON", client_->Post("/api/v1/items", Auth(admin), "{\"a\":", "application/json"),
       400, "bad_request", ""},
      {"JSON list", client_->Post("/api/v1/items", Auth(admin), "[1]", "application/json"), 400,
       "bad_request", ""},
      {"too big", client_->Post("/api/v1/items", Auth(admin), "[" + big + "]", "application/json"),
       413, "payload_too_large", ""},
      {"no endpoint", client_->Get("/api/v1/nothing", Auth(admin)), 404, "not_found", ""},
      {"unknown param", client_->Get("/api/v1/items?colour=red", Auth(admin)), 422,
       "invalid_argument", "colour"},
      {"bad cursor", client_->Get("/api/v1/items?cursor=57", Auth(admin)), 422,
       "invalid_argument", "cursor"},
      {"bad limit", client_->Get("/api/v1/units?limit=0", Auth(admin)), 422, "invalid_argument",
       "limit"},
      {"bad time", client_->Get("/api/v1/items?due_from=yesterday", Auth(admin)), 422,
       "invalid_argument", "due_from"},
      {"unknown unit", client_->Get("/api/v1/items?unit=atlantis", Auth(admin)), 422,
       "invalid_argument", "unit"},
      {"no such item", client_->Get("/api/v1/items/999", Auth(admin)), 404, "not_found", ""},
      {"unknown member",
       client_->Post("/api/v1/items", Auth(admin), R"({"campain": "x"})", "application/json"),
       422, "invalid_argument", "campain"},
      {"missing member", client_->Post("/api/v1/items/1/events", Auth(admin), "{}",
                                       "application/json"),
       422, "invalid_argument", "transition"},
  };
  for (auto& c : cases) {
    ASSERT_TRUE(c.result) << c.what;
    EXPECT_EQ(c.result->status, c.status) << c.what << ": " << c.result->body;
    nlohmann::json body = nlohmann::json::parse(c.result->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << c.what << ": " << c.result->body;
    EXPECT_EQ(body.value("error", ""), c.error) << c.what;
    EXPECT_TRUE(body["detail"].is_string()) << c.what;
    EXPECT_EQ(body.value("field", ""), c.field) << c.what;
    for (const auto& [k, v] : body.items()) {
      EXPECT_TRUE(k == "error" || k == "detail" || k == "field") << c.what << ": " << k;
    }
  }
  EXPECT_EQ(cases[0].result->get_header_value("WWW-Authenticate"), "Bearer realm=\"duban\"");
}

TEST_F(HttpServerTest, BadExpiredAndRevokedTokensGet401AndAreLoggedWithoutTheSecret) {
  const std::string good = Token("office", "jiafeng");
  const std::string expiring = Token("office", "jiafeng", kNow + std::chrono::hours(1));
  const std::string revoked = Token("office", "jiafeng");
  store::AuditEntry a;
  a.at = kNow;
  a.actor = "test";
  a.via = "cli";
  a.action = "token.revoke";
  ASSERT_OK(store_->RevokeToken(ids_[revoked], kNow, a));
  EXPECT_EQ(client_->Get("/api/v1/units", Auth(good))->status, 200);
  EXPECT_EQ(client_->Get("/api/v1/units", Auth(expiring))->status, 200);
  clock_.Advance(std::chrono::hours(1));
  EXPECT_EQ(client_->Get("/api/v1/units", Auth(expiring))->status, 401);
  EXPECT_EQ(client_->Get("/api/v1/units", Auth(revoked))->status, 401);
  std::string wrong = good;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_EQ(client_->Get("/api/v1/units", Auth(wrong))->status, 401);
  EXPECT_EQ(client_->Get("/api/v1/units", {{"Authorization", "Basic abc"}})->status, 401);

  const std::string log = Log();
  EXPECT_NE(log.find("expired token"), std::string::npos) << log;
  EXPECT_NE(log.find("revoked token"), std::string::npos) << log;
  EXPECT_NE(log.find("wrong secret"), std::string::npos) << log;
  EXPECT_NE(log.find("token " + ids_[revoked]), std::string::npos) << log;
  for (const auto& bearer : {good, expiring, revoked, wrong}) {
    const std::string secret = bearer.substr(bearer.rfind('_') + 1);
    EXPECT_EQ(log.find(secret), std::string::npos) << "a secret reached the log";
  }
}

std::vector<std::string> UnitIds(const nlohmann::json& body) {
  std::vector<std::string> out;
  for (const auto& u : body["units"]) out.push_back(u["id"]);
  return out;
}

TEST_F(HttpServerTest, EachRoleSeesItsOwnSubtree) {
  const std::string liaison = Token("liaison", "jf-jiafeng");
  const std::string office = Token("office", "jiafeng");
  const std::string department = Token("department", "jf-market");
  EXPECT_EQ(UnitIds(Body(client_->Get("/api/v1/units", Auth(liaison)))),
            std::vector<std::string>{"jf-jiafeng"});
  // A filter above the token's unit narrows to the token's unit.
  EXPECT_EQ(UnitIds(Body(client_->Get("/api/v1/units?under=shanxi", Auth(liaison)))),
            std::vector<std::string>{"jf-jiafeng"});
  EXPECT_EQ(client_->Get("/api/v1/units?under=jf-lizhuang", Auth(liaison))->status, 403);
  EXPECT_EQ(UnitIds(Body(client_->Get("/api/v1/units", Auth(office)))),
            (std::vector<std::string>{"jf-guonan", "jf-jiafeng", "jf-lizhuang", "jf-market",
                                      "jiafeng"}));
  EXPECT_EQ(UnitIds(Body(client_->Get("/api/v1/units?level=village", Auth(office)))),
            (std::vector<std::string>{"jf-guonan", "jf-jiafeng", "jf-lizhuang"}));
  EXPECT_EQ(UnitIds(Body(client_->Get("/api/v1/units", Auth(department)))),
            std::vector<std::string>{"jf-market"});
  EXPECT_EQ(client_->Get("/api/v1/units?under=other-town", Auth(office))->status, 403);
  EXPECT_NE(Log().find("refused GET /api/v1/units"), std::string::npos);
  // Outbox and silences are for offices, supervisors and admins.
  EXPECT_EQ(client_->Get("/api/v1/outbox", Auth(liaison))->status, 403);
  EXPECT_EQ(client_->Get("/api/v1/silences", Auth(department))->status, 403);
  EXPECT_EQ(client_->Get("/api/v1/silences", Auth(office))->status, 200);
}

TEST_F(HttpServerTest, ContactsAreScopedAndMobilesMaskedExceptForAdmins) {
  const std::string office = Token("office", "jiafeng");
  const std::string admin = Token("admin", "shanxi");
  nlohmann::json seen = Body(client_->Get("/api/v1/contacts", Auth(office)));
  std::vector<std::string> ids;
  for (const auto& c : seen["contacts"]) ids.push_back(c["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"jf-jiafeng-liaison", "jf-lizhuang-liaison",
                                           "jiafeng-office"}));
  EXPECT_EQ(seen["contacts"][0]["mobile"], "138****0011");
  nlohmann::json all = Body(client_->Get("/api/v1/contacts?role=liaison", Auth(admin)));
  ASSERT_EQ(all["contacts"].size(), 3u);
  EXPECT_EQ(all["contacts"][0]["mobile"], "+8613800000011");
}

TEST_F(HttpServerTest, CursorsWalkEveryUnitOnceInOrder) {
  const std::string admin = Token("admin", "shanxi");
  std::vector<std::string> seen;
  std::string url = "/api/v1/units?limit=4";
  for (int page = 0; page < 10; ++page) {
    nlohmann::json body = Body(client_->Get(url, Auth(admin)));
    ASSERT_LE(body["units"].size(), 4u);
    for (const auto& id : UnitIds(body)) seen.push_back(id);
    if (body["next_cursor"].is_null()) break;
    url = "/api/v1/units?limit=4&cursor=" + body["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"jf-guonan", "jf-jiafeng", "jf-lizhuang",
                                            "jf-market", "jiafeng", "ot-village", "other-town",
                                            "qinshui", "shanxi"}));
}

TEST_F(HttpServerTest, SilencesAreScopedAndAudited) {
  const std::string office = Token("office", "jiafeng");
  auto add = [&](const std::string& body) {
    return client_->Post("/api/v1/silences", Auth(office), body, "application/json");
  };
  auto r = add(R"({"unit_id": "jf-lizhuang", "expires_at": "2024-04-15T00:00:00+08:00",
                  "reason": "停电"})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const int64_t id = nlohmann::json::parse(r->body)["id"];
  EXPECT_EQ(add(R"({"unit_id": "ot-village", "expires_at": "2024-04-15T00:00:00+08:00",
                   "reason": "x"})")->status,
            403);
  EXPECT_EQ(add(R"({"kind": "weekly_report", "expires_at": "2024-04-15T00:00:00+08:00",
                   "reason": "x"})")->status,
            422);  // only an admin silences every unit
  EXPECT_EQ(add(R"({"unit_id": "jf-lizhuang", "expires_at": "2024-04-01T00:00:00+08:00",
                   "reason": "x"})")->status,
            422);
  nlohmann::json list = Body(client_->Get("/api/v1/silences", Auth(office)));
  ASSERT_EQ(list["silences"].size(), 1u);
  EXPECT_EQ(list["silences"][0]["reason"], "停电");
  auto del = client_->Delete("/api/v1/silences/" + std::to_string(id), Auth(office));
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 200) << del->body;
  EXPECT_EQ(client_->Delete("/api/v1/silences/" + std::to_string(id), Auth(office))->status, 404);
  auto audit = store_->AuditAfter(0, 100);
  ASSERT_OK(audit);
  std::vector<std::string> actions;
  for (const auto& e : *audit) {
    if (e.action.rfind("silence.", 0) == 0) {
      actions.push_back(e.action);
      EXPECT_EQ(e.actor, "token:" + ids_[office]);
      EXPECT_EQ(e.via, "api");
    }
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"silence.create", "silence.cancel"}));
}

TEST_F(HttpServerTest, DeadLettersAreListedInScopeAndRetriedByAdminsOnly) {
  const std::string office = Token("office", "jiafeng");
  const std::string admin = Token("admin", "shanxi");
  store::DigestCommit digest;
  digest.outcome = "sent";
  for (const char* recipient : {"jf-jiafeng-liaison", "ot-liaison"}) {
    store::OutboxRow row;
    row.idempotency_key = std::string("k-") + recipient;
    row.channel = "sms";
    row.recipient = recipient;
    row.binding = "weekly_report_reminder";
    row.body = "请报送周报";
    row.next_attempt_at = kNow;
    digest.rows.push_back(row);
  }
  ASSERT_OK(store_->CommitDigest(digest, kNow));
  auto rows = store_->ListOutbox({});
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  for (const auto& r : *rows) ASSERT_OK(store_->MarkDead(r.id, "isv.MOBILE_NUMBER_ILLEGAL", kNow));

  nlohmann::json dead = Body(client_->Get("/api/v1/outbox?state=dead", Auth(office)));
  ASSERT_EQ(dead["messages"].size(), 1u) << dead;  // the other town's message is not shown
  EXPECT_EQ(dead["messages"][0]["recipient"], "jf-jiafeng-liaison");
  EXPECT_EQ(dead["messages"][0]["last_error"], "isv.MOBILE_NUMBER_ILLEGAL");
  EXPECT_EQ(Body(client_->Get("/api/v1/outbox?state=dead", Auth(admin)))["messages"].size(), 2u);
  EXPECT_EQ(client_->Get("/api/v1/outbox?state=lost", Auth(admin))->status, 422);

  const std::string retry =
      "/api/v1/outbox/" + std::to_string(dead["messages"][0]["id"].get<int64_t>()) + "/retry";
  EXPECT_EQ(client_->Post(retry, Auth(office), "", "application/json")->status, 403);
  auto r = client_->Post(retry, Auth(admin), "", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(nlohmann::json::parse(r->body)["state"], "retry");
  EXPECT_EQ(client_->Post(retry, Auth(admin), "", "application/json")->status, 409);
  EXPECT_EQ(client_->Post("/api/v1/outbox/999/retry", Auth(admin), "", "application/json")->status,
            404);
  auto audit = store_->AuditAfter(0, 100);
  ASSERT_OK(audit);
  EXPECT_EQ(audit->back().action, "outbox.retry");
  EXPECT_EQ(audit->back().actor, "token:" + ids_[admin]);
}

TEST_F(HttpServerTest, RequestsAreCountedByRouteNotByPath) {
  const std::string admin = Token("admin", "shanxi");
  client_->Get("/api/v1/items/12345", Auth(admin));
  client_->Get("/api/v1/items/67890", Auth(admin));
  const std::string text = metrics_.Render();
  EXPECT_NE(text.find("route=\"/api/v1/items/{id}\",code=\"404\"} 2"), std::string::npos)
      << text;
}

// A client that opens a connection and sends half a request, then nothing,
// is cut off after the read timeout; it does not hold a worker for good, and
// the server answers others once the workers are free again. (A client that
// trickles a byte every few seconds is the reverse proxy's to stop; see
// docs/operations.md.)
TEST_F(HttpServerTest, AClientThatStopsMidRequestIsCutOffAfterTheReadTimeout) {
  Options opts;
  opts.port = 0;
  opts.threads = 2;
  opts.read_timeout = std::chrono::seconds(1);
  auto server = HttpServer::Create(opts, MakeDeps());
  ASSERT_OK(server);
  (*server)->Start();
  std::vector<int> slow;
  for (int i = 0; i < 2; ++i) {  // as many as there are workers
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>((*server)->port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const std::string half = "POST /api/v1/items HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n";
    ASSERT_EQ(send(fd, half.data(), half.size(), 0), static_cast<ssize_t>(half.size()));
    // recv() below gives up after 20 s: if the server never closes, it fails.
    timeval limit{20, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    slow.push_back(fd);
  }
  for (int fd : slow) {
    char buf[512];
    ssize_t n = 0;
    std::string answer;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0) answer.append(buf, static_cast<size_t>(n));
    EXPECT_EQ(n, 0) << "the server did not close a stalled connection (errno " << errno << ")";
    // It said nothing, or refused the request: never a 2xx to half a request.
    EXPECT_TRUE(answer.empty() || answer.rfind("HTTP/1.1 4", 0) == 0) << answer;
    close(fd);
  }
  httplib::Client other("127.0.0.1", (*server)->port());
  auto r = other.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  (*server)->Stop();
}

TEST_F(HttpServerTest, EveryRouteIsInTheOpenApiDocument) {
  YAML::Node doc = YAML::LoadFile(testing::SourcePath("docs/openapi.yaml"));
  ASSERT_TRUE(doc["paths"].IsMap());
  const auto routes = server_->routes();
  ASSERT_EQ(routes.size(), 41u);
  for (const auto& r : routes) {
    std::string method = r.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    YAML::Node path = doc["paths"][r.path];
    EXPECT_TRUE(path.IsMap() && path[method].IsMap())
        << r.method << " " << r.path << " is served but not in docs/openapi.yaml";
  }
}

}  // namespace
}  // namespace duban::api
