// The dashboard over real HTTP with the whole App on 127.0.0.1:0: login
// turns a token into an HttpOnly SameSite=Strict cookie, every page needs
// it, forms need the session's CSRF token and our origin, viewers see only
// their subtree, and the figures on the pages are the API's.
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/sinks/ostream_sink.h>

#include <future>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "api/api.h"
#include "app/app.h"
#include "base/time_format.h"
#include "demo_town.h"
#include "store/store.h"
#include "testing/status_matchers.h"

namespace duban {
namespace {

using nlohmann::json;

constexpr const char* kCampaign = "jiafeng-2024-hundred-day";

class DashboardTest : public ::testing::Test {
 protected:
  DashboardTest() : clock_(*ParseRfc3339("2024-04-08T09:00:00+08:00")) {}

  void SetUp() override {
    {
      auto store = store::OpenSqlite({town_.database()}, clock_.Now());
      ASSERT_OK(store);
      county_ = Token(**store, "supervisor", "qinshui", &county_id_);
      liaison_ = Token(**store, "liaison", "jf-jiafeng", nullptr);
      other_liaison_ = Token(**store, "liaison", "jf-lizhuang", nullptr);
      admin_ = Token(**store, "admin", "qinshui", nullptr);
    }
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text_);
    auto log = std::make_shared<spdlog::logger>("test", sink);
    app::AppOptions opts;
    opts.config_path = town_.config().source_file;
    opts.clock = &clock_;
    auto app = app::App::Create(opts, log);
    ASSERT_OK(app);
    app_ = std::move(*app);
    run_ = std::async(std::launch::async, [this] { return app_->Run(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", app_->port());
    origin_ = "http://127.0.0.1:" + std::to_string(app_->port());
  }

  void TearDown() override {
    if (!app_) return;
    app_->RequestStop();
    ASSERT_EQ(run_.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_OK(run_.get());
  }

  std::string Token(store::Store& store, const std::string& role, const std::string& unit,
                    std::string* id) {
    api::IssuedToken t = api::NewToken(role, unit, "", role + "@" + unit, clock_.Now(),
                                       std::nullopt);
    store::AuditEntry a;
    a.at = clock_.Now();
    a.actor = "cli";
    a.via = "cli";
    a.action = "token.create";
    EXPECT_OK(store.InsertToken(t.record, a));
    if (id != nullptr) *id = t.record.id;
    return t.bearer;
  }

  json Api(const std::string& method, const std::string& path, const std::string& token,
           const json& body = nullptr, int* status = nullptr) {
    httplib::Headers h = {{"Authorization", "Bearer " + token}};
    httplib::Result r = method == "GET" ? client_->Get(path, h)
                                        : client_->Post(path, h, body.dump(), "application/json");
    EXPECT_TRUE(r) << path;
    if (!r) return nullptr;
    if (status != nullptr) *status = r->status;
    return json::parse(r->body, nullptr, false);
  }

  httplib::Result PostForm(const std::string& path, const std::string& form,
                           const std::string& cookie, const std::string& origin) {
    httplib::Headers h;
    if (!origin.empty()) h.emplace("Origin", origin);
    if (!cookie.empty()) h.emplace("Cookie", cookie);
    return client_->Post(path, h, form, "application/x-www-form-urlencoded");
  }

  // Logs in through the form; returns "duban_session=…" for a Cookie header.
  std::string Login(const std::string& token, const std::string& next = "/") {
    auto r = PostForm("/login", "token=" + token + "&next=" + next, "", origin_);
    EXPECT_TRUE(r);
    if (!r) return "";
    EXPECT_EQ(r->status, 303);
    const std::string set = r->get_header_value("Set-Cookie");
    EXPECT_NE(set.find("HttpOnly"), std::string::npos) << set;
    EXPECT_NE(set.find("SameSite=Strict"), std::string::npos) << set;
    return set.substr(0, set.find(';'));
  }

  httplib::Result Page(const std::string& path, const std::string& cookie) {
    return client_->Get(path, {{"Cookie", cookie}});
  }

  static std::string Csrf(const std::string& html) {
    std::smatch m;
    static const std::regex re("name=\"csrf\" value=\"([^\"]+)\"");
    return std::regex_search(html, m, re) ? m[1].str() : "";
  }
  static std::string TestId(const std::string& html, const std::string& id) {
    std::smatch m;
    const std::regex re("data-testid=\"" + id + "\">([^<]*)<");
    return std::regex_search(html, m, re) ? m[1].str() : "<missing " + id + ">";
  }

  // A hazard case in `village`, overdue once the clock has passed its SLA.
  int64_t NewCase(const std::string& village, const std::string& house) {
    const std::string& token = village == "jf-jiafeng" ? liaison_ : other_liaison_;
    json body = {{"campaign", kCampaign},
                 {"kind", "hazard_case"},
                 {"owner_unit", village},
                 {"fields", {{"house_id", house}, {"hazard_level", "serious"}}}};
    int status = 0;
    json r = Api("POST", "/api/v1/items", token, body, &status);
    EXPECT_EQ(status, 201) << r.dump();
    return r.value("id", int64_t{0});
  }

  testing::DemoTown town_;
  VirtualClock clock_;
  std::ostringstream log_text_;
  std::string county_, county_id_, liaison_, other_liaison_, admin_;
  std::unique_ptr<app::App> app_;
  std::future<Status> run_;
  std::unique_ptr<httplib::Client> client_;
  std::string origin_;
};

TEST_F(DashboardTest, PagesNeedASessionAndLoginSetsOne) {
  auto r = Page("/overdue?c=x", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303);
  // (httplib's client decodes Location; the header itself is percent-encoded.)
  EXPECT_EQ(r->get_header_value("Location"), "/login?next=/overdue?c=x");
  r = client_->Get("/login");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("name=\"token\""), std::string::npos);

  // A wrong token, a malformed one, and one from another site are refused.
  auto bad = PostForm("/login", "token=dbn_t_00_" + std::string(48, '0'), "", origin_);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401);
  EXPECT_EQ(bad->get_header_value("Set-Cookie"), "");
  bad = PostForm("/login", "token=hello", "", origin_);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401);
  bad = PostForm("/login", "token=" + county_, "", "https://evil.example");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 403);

  // `next` may only be a local path.
  auto r2 = PostForm("/login", "token=" + county_ + "&next=//evil.example/", "", origin_);
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->get_header_value("Location"), "/");
  const std::string cookie = Login(county_, "/laggards");
  ASSERT_FALSE(cookie.empty());
  EXPECT_EQ(log_text_.str().find(county_.substr(county_.rfind('_') + 1)), std::string::npos)
      << "the token's secret must never be logged";
  for (const char* path : {"/", "/overdue", "/compliance", "/laggards", "/transfers", "/progress",
                           "/outbox"}) {
    auto p = Page(path, cookie);
    ASSERT_TRUE(p) << path;
    EXPECT_EQ(p->status, 200) << path << "\n" << p->body.substr(0, 400);
    EXPECT_NE(p->body.find("专班 · 沁水县"), std::string::npos) << path;
    EXPECT_NE(p->get_header_value("Content-Security-Policy").find("default-src 'none'"),
              std::string::npos);
    EXPECT_EQ(p->get_header_value("X-Frame-Options"), "DENY");
  }
  // A forged cookie is no session.
  std::string forged = cookie;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  auto f = Page("/", forged);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->status, 303);
}

TEST_F(DashboardTest, RevokingTheTokenEndsItsSessionsAndLogoutClearsTheCookie) {
  const std::string cookie = Login(county_);
  auto p = Page("/", cookie);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->status, 200);
  // Logout is a form with CSRF.
  auto out = PostForm("/logout", "csrf=" + Csrf(p->body), cookie, origin_);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 303);
  EXPECT_NE(out->get_header_value("Set-Cookie").find("duban_session=; "), std::string::npos);
  {
    // Revoke through the store, as `duban token revoke` does.
    auto store = store::OpenSqlite({town_.database()}, clock_.Now());
    ASSERT_OK(store);
    store::AuditEntry a;
    a.at = clock_.Now();
    a.actor = "cli";
    a.via = "cli";
    a.action = "token.revoke";
    ASSERT_OK((*store)->RevokeToken(county_id_, clock_.Now(), a));
  }
  auto after = Page("/", cookie);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 303);
}

TEST_F(DashboardTest, FormsNeedTheSessionsCsrfTokenAndOurOrigin) {
  const int64_t id = NewCase("jf-jiafeng", "JF-0042");
  ASSERT_GT(id, 0);
  const std::string cookie = Login(liaison_);
  const std::string item = "/items/" + std::to_string(id);
  auto p = Page(item, cookie);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->status, 200) << p->body;
  EXPECT_NE(p->body.find("JF-0042"), std::string::npos);
  const std::string csrf = Csrf(p->body);
  ASSERT_FALSE(csrf.empty());
  ASSERT_NE(p->body.find("data-testid=\"ack\""), std::string::npos);

  // Without the token, with another session's token, or from another site.
  auto no = PostForm(item + "/ack", "", cookie, origin_);
  ASSERT_TRUE(no);
  EXPECT_EQ(no->status, 403);
  const std::string other = Login(county_);
  auto other_page = Page("/", other);
  ASSERT_TRUE(other_page);
  auto wrong = PostForm(item + "/ack", "csrf=" + Csrf(other_page->body), cookie, origin_);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  auto cross = PostForm(item + "/ack", "csrf=" + csrf, cookie, "https://evil.example");
  ASSERT_TRUE(cross);
  EXPECT_EQ(cross->status, 403);
  json before = Api("GET", "/api/v1/items/" + std::to_string(id), county_);
  EXPECT_TRUE(before["acknowledged_at"].is_null()) << before.dump();

  auto ok = PostForm(item + "/ack", "csrf=" + csrf, cookie, origin_);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 303);
  EXPECT_EQ(ok->get_header_value("Location"), item + "?done=ack");
  json after = Api("GET", "/api/v1/items/" + std::to_string(id), county_);
  EXPECT_FALSE(after["acknowledged_at"].is_null()) << after.dump();
  auto shown = Page(item + "?done=ack", cookie);
  ASSERT_TRUE(shown);
  EXPECT_NE(shown->body.find("已签收"), std::string::npos);
  EXPECT_EQ(shown->body.find("data-testid=\"ack\""), std::string::npos);
}

TEST_F(DashboardTest, ViewersSeeOnlyTheirSubtree) {
  const int64_t mine = NewCase("jf-jiafeng", "JF-0001");
  const int64_t theirs = NewCase("jf-lizhuang", "JF-0002");
  const std::string cookie = Login(liaison_);
  auto p = Page("/items/" + std::to_string(theirs), cookie);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 403);
  p = Page("/items/" + std::to_string(mine), cookie);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 200);
  p = Page("/overdue?unit=jf-lizhuang", cookie);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 403);
  // Only admins get a retry button and may post it.
  auto out = Page("/outbox", cookie);
  ASSERT_TRUE(out);
  auto retry = PostForm("/outbox/1/retry", "csrf=" + Csrf(out->body), cookie, origin_);
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->status, 403);
}

TEST_F(DashboardTest, OverviewAndLaggardsShowTheApisFigures) {
  NewCase("jf-jiafeng", "JF-0011");
  NewCase("jf-lizhuang", "JF-0012");
  NewCase("jf-lizhuang", "JF-0013");
  // Past the cases' first deadlines and two weekly reports nobody made.
  // (Overdue is judged at query time: no tick needs to run.)
  clock_.SetNow(*ParseRfc3339("2024-04-20T10:00:00+08:00"));
  json cases = Api("GET", std::string("/api/v1/items?campaign=") + kCampaign +
                              "&kind=hazard_case&overdue=true&limit=100",
                   county_);
  ASSERT_EQ(cases["items"].size(), 3u) << cases.dump();
  const std::string cookie = Login(county_);
  auto home = Page("/", cookie);
  ASSERT_TRUE(home);
  ASSERT_EQ(home->status, 200);
  // Overdue items of the campaign's item kinds (not missing reports).
  int64_t overdue = 0;
  for (const char* kind : {"hazard_case", "transfer", "inspection_finding"}) {
    json items = Api("GET", std::string("/api/v1/items?campaign=") + kCampaign +
                                "&overdue=true&limit=100&kind=" + kind,
                     county_);
    overdue += static_cast<int64_t>(items["items"].size());
  }
  EXPECT_EQ(TestId(home->body, "overdue-count"), std::to_string(overdue));
  auto list = Page("/overdue", cookie);
  ASSERT_TRUE(list);
  EXPECT_EQ(TestId(list->body, "overdue-total"), "共 " + std::to_string(overdue) + " 项");

  json lag = Api("GET", std::string("/api/v1/campaigns/") + kCampaign + "/laggards", county_);
  ASSERT_TRUE(lag["laggards"].is_array());
  ASSERT_FALSE(lag["laggards"].empty());
  auto page = Page("/laggards", cookie);
  ASSERT_TRUE(page);
  for (const auto& row : lag["laggards"]) {
    const std::string cell = fmt::format("{}</a></td><td class=\"n\">{}</td>",
                                         row["name"].get<std::string>(), row["score"].get<int64_t>());
    EXPECT_NE(page->body.find(cell), std::string::npos) << cell;
  }
}

}  // namespace
}  // namespace duban
