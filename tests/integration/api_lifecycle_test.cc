// The whole App on 127.0.0.1:0 with the demo town: a hazard case walked
// through its lifecycle over HTTP with the right tokens, wrong moves
// refused with the right status and field, a weekly report confirmed and a
// transfer acknowledged through one-tap action links, and all of it in the
// item's history.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <spdlog/sinks/ostream_sink.h>

#include <future>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api/api.h"
#include "app/app.h"
#include "base/time_format.h"
#include "demo_town.h"
#include "store/audit.h"
#include "store/store.h"
#include "testing/status_matchers.h"

namespace duban {
namespace {

using nlohmann::json;

constexpr const char* kCampaign = "jiafeng-2024-hundred-day";

class ApiLifecycleTest : public ::testing::Test {
 protected:
  // Monday of the week whose weekly report is due Friday 2024-04-12 12:00.
  ApiLifecycleTest() : clock_(*ParseRfc3339("2024-04-08T09:00:00+08:00")) {}

  void SetUp() override {
    // Tokens and the link key are written before the daemon starts, as
    // `duban token create` would.
    {
      auto store = store::OpenSqlite({town_.database()}, clock_.Now());
      ASSERT_OK(store);
      auto key = api::LoadOrCreateLinkKey(**store);
      ASSERT_OK(key);
      link_key_ = *key;
      office_ = Token(**store, "office", "jiafeng");
      liaison_ = Token(**store, "liaison", "jf-jiafeng");
      other_liaison_ = Token(**store, "liaison", "jf-lizhuang");
      county_ = Token(**store, "supervisor", "qinshui");
      department_ = Token(**store, "department", "jf-market");
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
    base_ = "http://127.0.0.1:" + std::to_string(app_->port());
  }

  void TearDown() override {
    if (!app_) return;
    app_->RequestStop();
    ASSERT_EQ(run_.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_OK(run_.get());
  }

  std::string Token(store::Store& store, const std::string& role, const std::string& unit) {
    api::IssuedToken t = api::NewToken(role, unit, "", role + "@" + unit, clock_.Now(),
                                       std::nullopt);
    store::AuditEntry a;
    a.at = clock_.Now();
    a.actor = "cli";
    a.via = "cli";
    a.action = "token.create";
    EXPECT_OK(store.InsertToken(t.record, a));
    token_ids_[t.bearer] = t.record.id;
    return t.bearer;
  }

  struct Answer {
    int status = 0;
    json body;
  };
  Answer Call(const std::string& method, const std::string& path, const std::string& token,
              const json& body = nullptr) {
    httplib::Headers h = {{"Authorization", "Bearer " + token}};
    httplib::Result r = method == "GET"
                            ? client_->Get(path, h)
                            : client_->Post(path, h, body.is_null() ? "" : body.dump(),
                                            "application/json");
    EXPECT_TRUE(r) << method << " " << path;
    if (!r) return {};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  Answer Event(int64_t id, const std::string& token, const std::string& transition,
               const json& fields = json::object()) {
    return Call("POST", "/api/v1/items/" + std::to_string(id) + "/events", token,
                {{"transition", transition}, {"fields", fields}});
  }

  // The action link's path ("/a/…") for `grant`.
  std::string LinkPath(const api::LinkGrant& grant) {
    auto url = api::MintActionLink(grant, link_key_, base_);
    EXPECT_OK(url);
    return url.ok() ? url->substr(base_.size()) : "";
  }
  httplib::Result PostForm(const std::string& path, const std::string& form,
                           const std::string& origin) {
    httplib::Headers h;
    if (!origin.empty()) h.emplace("Origin", origin);
    return client_->Post(path, h, form, "application/x-www-form-urlencoded");
  }

  testing::DemoTown town_;
  VirtualClock clock_;
  std::ostringstream log_text_;
  std::string link_key_;
  std::string office_, liaison_, other_liaison_, county_, department_;
  std::map<std::string, std::string> token_ids_;
  std::unique_ptr<app::App> app_;
  std::future<Status> run_;
  std::unique_ptr<httplib::Client> client_;
  std::string base_;
};

TEST_F(ApiLifecycleTest, HazardCaseFromReportToCloseOutWithWrongMovesRefused) {
  const json create = {{"campaign", kCampaign},
                       {"kind", "hazard_case"},
                       {"owner_unit", "jf-jiafeng"},
                       {"fields", {{"house_id", "JF-0042"}, {"hazard_level", "serious"}}}};
  EXPECT_EQ(Call("POST", "/api/v1/items", "dbn_t_00_" + std::string(48, '0'), create).status,
            401);
  // Another village's liaison may not report a case here.
  EXPECT_EQ(Call("POST", "/api/v1/items", other_liaison_, create).status, 403);
  json bad_level = create;
  bad_level["fields"]["hazard_level"] = "dangerous";
  Answer a = Call("POST", "/api/v1/items", liaison_, bad_level);
  EXPECT_EQ(a.status, 422);
  EXPECT_EQ(a.body.value("field", ""), "hazard_level") << a.body;

  a = Call("POST", "/api/v1/items", liaison_, create);
  ASSERT_EQ(a.status, 201) << a.body;
  const int64_t id = a.body["id"];
  EXPECT_EQ(a.body["state"], "reported");
  EXPECT_EQ(a.body["severity"], "warning");
  EXPECT_FALSE(a.body["due_at"].is_null());

  // Appraisal before control: wrong state.
  a = Event(id, county_, "appraise", {{"appraisal_level", "C"}});
  EXPECT_EQ(a.status, 409) << a.body;
  EXPECT_EQ(a.body["error"], "conflict");
  a = Event(id, liaison_, "control", {{"control_measures", "清人、封房，设置警示标志"}});
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body["state"], "controlled");
  EXPECT_EQ(a.body["fields"]["control_active"], true);

  // Only the town office records an appraisal.
  const json appraisal = {{"appraisal_level", "C"},
                          {"appraisal_agency", "晋城市建筑设计院"},
                          {"appraisal_date", "2024-04-09"}};
  a = Event(id, liaison_, "appraise", appraisal);
  EXPECT_EQ(a.status, 403) << a.body;
  EXPECT_EQ(a.body["error"], "forbidden");
  a = Event(id, office_, "appraise", {{"appraisal_agency", "晋城市建筑设计院"}});
  EXPECT_EQ(a.status, 422) << a.body;
  EXPECT_EQ(a.body.value("field", ""), "appraisal_level") << a.body;
  a = Event(id, office_, "appraise", appraisal);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body["state"], "appraised");

  a = Event(id, liaison_, "start_rectification", {{"method", "reinforce"}});
  EXPECT_EQ(a.status, 422) << a.body;
  EXPECT_EQ(a.body.value("field", ""), "deadline") << a.body;
  a = Event(id, liaison_, "start_rectification",
            {{"method", "reinforce"}, {"deadline", "2024-05-31"}});
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body["state"], "rectifying");
  EXPECT_EQ(a.body["due_at"], "2024-05-31T15:59:59.999Z");

  // The guard names the field and says why.
  a = Event(id, liaison_, "submit_for_acceptance", {{"photos_uploaded", false}});
  EXPECT_EQ(a.status, 422) << a.body;
  EXPECT_EQ(a.body.value("field", ""), "photos_uploaded") << a.body;
  EXPECT_NE(a.body["detail"].get<std::string>().find("请先上传整治照片"), std::string::npos);
  a = Event(id, liaison_, "submit_for_acceptance", {{"photos_uploaded", true}});
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body["state"], "awaiting_acceptance");

  // Acceptance is the county's (or the town office's), not the village's.
  const json acceptance = {{"acceptance_date", "2024-05-28"},
                           {"acceptance_parties", "权益人、专家、县、镇、村"}};
  EXPECT_EQ(Event(id, liaison_, "pass_acceptance", acceptance).status, 403);
  EXPECT_EQ(Event(id, liaison_, "no_such_step").status, 422);
  a = Event(id, county_, "pass_acceptance", acceptance);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body["state"], "closed");
  EXPECT_EQ(a.body["open"], false);
  EXPECT_EQ(Event(id, county_, "pass_acceptance", acceptance).status, 409);

  // The whole story is in the item's history, attributed to the tokens.
  EXPECT_EQ(Call("GET", "/api/v1/items/" + std::to_string(id), other_liaison_).status, 403);
  a = Call("GET", "/api/v1/items/" + std::to_string(id), office_);
  ASSERT_EQ(a.status, 200) << a.body;
  std::vector<std::string> story;
  for (const auto& h : a.body["history"]) {
    story.push_back(h["action"].get<std::string>() + " " +
                    h["payload"].value("transition", std::string()) + " " +
                    h["actor"].get<std::string>());
    EXPECT_EQ(h["via"], "api");
  }
  const std::string l = "token:" + token_ids_[liaison_];
  const std::string o = "token:" + token_ids_[office_];
  const std::string c = "token:" + token_ids_[county_];
  EXPECT_EQ(story, (std::vector<std::string>{
                       "item.create  " + l, "item.transition control " + l,
                       "item.transition appraise " + o,
                       "item.transition start_rectification " + l,
                       "item.transition submit_for_acceptance " + l,
                       "item.transition pass_acceptance " + c}));
  std::vector<std::string> next;
  for (const auto& s : a.body["next_steps"]) next.push_back(s["name"]);
  EXPECT_EQ(next, (std::vector<std::string>{"reopen", "lift_control"}));
  EXPECT_TRUE(a.body["deliveries"].is_array());

  // Listing: the closed case shows for the town, not for another village.
  a = Call("GET", "/api/v1/items?kind=hazard_case&state=closed", office_);
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(a.body["items"].size(), 1u);
  a = Call("GET", "/api/v1/items?kind=hazard_case", other_liaison_);
  EXPECT_EQ(a.body["items"].size(), 0u);

  // Denials reach the log without any token secret.
  const std::string log = log_text_.str();
  EXPECT_NE(log.find("refused POST /api/v1/items for token " + token_ids_[other_liaison_]),
            std::string::npos)
      << log;
  for (const auto& [bearer, tid] : token_ids_) {
    EXPECT_EQ(log.find(bearer.substr(bearer.rfind('_') + 1)), std::string::npos);
  }
}

TEST_F(ApiLifecycleTest, ReportsPageThroughItemsAndAreSubmittedOnce) {
  // The week's report items exist before the week starts: one per village
  // and department of the town.
  std::vector<json> reports;
  std::string url = "/api/v1/items?kind=weekly_report&due_from=2024-04-12T12:00:00%2B08:00"
                    "&due_to=2024-04-12T12:00:01%2B08:00&limit=4";
  for (int page = 0; page < 10; ++page) {
    Answer a = Call("GET", url, office_);
    ASSERT_EQ(a.status, 200) << a.body;
    for (const auto& it : a.body["items"]) reports.push_back(it);
    if (a.body["next_cursor"].is_null()) break;
    url = "/api/v1/items?kind=weekly_report&limit=4&due_from=2024-04-12T12:00:00%2B08:00"
          "&due_to=2024-04-12T12:00:01%2B08:00&cursor=" +
          a.body["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(reports.size(), 10u);  // 8 villages, 2 departments

  const json figures = {{"mis_checked", 12},      {"mis_surveyed", 1},  {"missed", 0},
                        {"key_checked", 30},      {"key_hazards", 2},   {"key_rectified", 1},
                        {"appraisal_checked", 5}, {"appraisal_noncompliant", 0},
                        {"work_summary", "完成本周入户核查"}};
  json report = {{"campaign", kCampaign},
                 {"obligation", "weekly_report"},
                 {"unit", "jf-jiafeng"},
                 {"period", "2024-04-12"},
                 {"fields", figures}};
  EXPECT_EQ(Call("POST", "/api/v1/reports", other_liaison_, report).status, 403);
  json missing = report;
  missing["fields"].erase("work_summary");
  Answer a = Call("POST", "/api/v1/reports", liaison_, missing);
  EXPECT_EQ(a.status, 422);
  EXPECT_EQ(a.body.value("field", ""), "work_summary");
  json inconsistent = report;
  inconsistent["fields"]["mis_surveyed"] = 20;
  a = Call("POST", "/api/v1/reports", liaison_, inconsistent);
  EXPECT_EQ(a.status, 422);
  EXPECT_EQ(a.body.value("field", ""), "mis_surveyed");
  a = Call("POST", "/api/v1/reports", liaison_, report);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body["state"], "submitted");
  EXPECT_EQ(a.body["fields"]["late"], false);
  EXPECT_EQ(Call("POST", "/api/v1/reports", liaison_, report).status, 409);
  json unowed = report;
  unowed["period"] = "2024-12-27";
  EXPECT_EQ(Call("POST", "/api/v1/reports", liaison_, unowed).status, 404);

  a = Call("GET", "/api/v1/campaigns/" + std::string(kCampaign) + "/status", liaison_);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body["current_phases"][0]["id"], "survey");
  EXPECT_EQ(Call("GET", "/api/v1/campaigns/nope/status", liaison_).status, 404);
}

TEST_F(ApiLifecycleTest, WeeklyReportConfirmedThroughAnActionLink) {
  Answer a = Call("GET", "/api/v1/items?kind=weekly_report&unit=jf-lizhuang&open=true", office_);
  ASSERT_EQ(a.status, 200) << a.body;
  ASSERT_EQ(a.body["items"].size(), 1u) << a.body;
  const json item = a.body["items"][0];
  const int64_t id = item["id"];
  ASSERT_EQ(item["state"], "due");

  api::LinkGrant grant;
  grant.item = id;
  grant.contact = "jf-lizhuang-liaison";
  grant.action = api::LinkAction::kReport;
  grant.state = "due";
  grant.expires_at = clock_.Now() + std::chrono::hours(24 * 5);
  const std::string path = LinkPath(grant);
  ASSERT_EQ(path.rfind("/a/", 0), 0u) << path;
  const std::string token = path.substr(3);

  // The phone opens the page.
  auto page = client_->Get(path);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200) << page->body;
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("百日攻坚工作周报"), std::string::npos);
  EXPECT_NE(page->body.find("李庄村"), std::string::npos);
  EXPECT_NE(page->body.find("刘丽"), std::string::npos);
  EXPECT_NE(page->body.find("2024-04-12 12:00 周五"), std::string::npos);
  EXPECT_NE(page->body.find("name=\"f_mis_checked\""), std::string::npos);
  EXPECT_NE(page->body.find("确认已报送"), std::string::npos);
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("default-src 'none'"),
            std::string::npos);

  const std::string form = "t=" + token +
                           "&f_mis_checked=12&f_mis_surveyed=1&f_missed=0&f_key_checked=30"
                           "&f_key_hazards=2&f_key_rectified=1&f_appraisal_checked=5"
                           "&f_appraisal_noncompliant=0&f_work_summary=%E5%AE%8C%E6%88%90";
  // A form posted from another site is refused; so is one without the token.
  auto r = PostForm(path, form, "https://evil.example");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  r = PostForm(path, "f_mis_checked=1", base_);
  EXPECT_EQ(r->status, 403);
  // A missing figure comes back as the form with the field marked.
  r = PostForm(path, "t=" + token + "&f_mis_checked=12", base_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_NE(r->body.find("必填"), std::string::npos);
  EXPECT_NE(r->body.find("name=\"f_mis_checked\" value=\"12\""), std::string::npos);

  r = PostForm(path, form, base_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find("已报送"), std::string::npos);

  // Used once: the item left the state the link was bound to.
  r = PostForm(path, form, base_);
  EXPECT_EQ(r->status, 410);
  EXPECT_NE(r->body.find("此链接已使用"), std::string::npos);
  EXPECT_EQ(client_->Get(path)->status, 410);

  a = Call("GET", "/api/v1/items/" + std::to_string(id), office_);
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body["state"], "submitted");
  EXPECT_EQ(a.body["fields"]["mis_checked"], 12);
  EXPECT_EQ(a.body["fields"]["work_summary"], "完成");
  const json last = a.body["history"].back();
  EXPECT_EQ(last["action"], "report.submit");
  EXPECT_EQ(last["actor"], "contact:jf-lizhuang-liaison");
  EXPECT_EQ(last["via"], "link");
}

TEST_F(ApiLifecycleTest, ForgedExpiredAndMisdirectedLinksGetAClearPage) {
  Answer a = Call("GET", "/api/v1/items?kind=weekly_report&unit=jf-guonan&open=true", office_);
  ASSERT_EQ(a.body["items"].size(), 1u) << a.body;
  api::LinkGrant grant;
  grant.item = a.body["items"][0]["id"];
  grant.contact = "jf-guonan-liaison";
  grant.state = "due";
  grant.expires_at = clock_.Now() + std::chrono::hours(1);
  const std::string path = LinkPath(grant);

  std::string tampered = path;
  tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
  for (const std::string& bad : {tampered, std::string("/a/garbage"),
                                 path.substr(0, path.size() - 10)}) {
    auto r = client_->Get(bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << bad;
    EXPECT_NE(r->body.find("链接无效"), std::string::npos);
  }
  // A link for an item that does not exist (validly signed).
  api::LinkGrant ghost = grant;
  ghost.item = 999999;
  EXPECT_EQ(client_->Get(LinkPath(ghost))->status, 404);

  EXPECT_EQ(client_->Get(path)->status, 200);
  clock_.Advance(std::chrono::hours(2));
  auto r = client_->Get(path);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 410);
  EXPECT_NE(r->body.find("链接已过期"), std::string::npos);
  EXPECT_EQ(r->body.find("exception"), std::string::npos);
}

TEST_F(ApiLifecycleTest, TransferAcknowledgedByTheDepartmentThroughALink) {
  const json create = {{"campaign", kCampaign},
                       {"kind", "transfer"},
                       {"owner_unit", "jf-jiafeng"},
                       {"department_unit", "jf-market"},
                       {"fields", {{"problem", "沿街商铺无营业执照经营餐饮"}}}};
  EXPECT_EQ(Call("POST", "/api/v1/items", liaison_, create).status, 403);
  Answer a = Call("POST", "/api/v1/items", office_, create);
  ASSERT_EQ(a.status, 201) << a.body;
  const int64_t id = a.body["id"];
  EXPECT_EQ(a.body["state"], "sent");

  // The market department sees the transfer sent to it; another village's
  // liaison may not look at it.
  a = Call("GET", "/api/v1/items?kind=transfer", department_);
  ASSERT_EQ(a.body["items"].size(), 1u) << a.body;
  EXPECT_EQ(Call("GET", "/api/v1/items/" + std::to_string(id), other_liaison_).status, 403);

  api::LinkGrant grant;
  grant.item = id;
  grant.contact = "jf-market-contact";
  grant.action = api::LinkAction::kAck;
  grant.state = "sent";
  grant.expires_at = clock_.Now() + std::chrono::hours(72);
  const std::string path = LinkPath(grant);
  auto page = client_->Get(path);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200) << page->body;
  EXPECT_NE(page->body.find("沿街商铺无营业执照经营餐饮"), std::string::npos);
  EXPECT_NE(page->body.find("嘉峰市场监管所"), std::string::npos);
  EXPECT_NE(page->body.find("确认签收"), std::string::npos);
  const std::string token = path.substr(3);
  auto r = PostForm(path, "t=" + token, "");  // no Origin: the token alone still counts
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find("已签收"), std::string::npos);
  EXPECT_EQ(PostForm(path, "t=" + token, base_)->status, 410);

  a = Call("GET", "/api/v1/items/" + std::to_string(id), department_);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body["state"], "acknowledged");
  const json last = a.body["history"].back();
  EXPECT_EQ(last["payload"]["transition"], "acknowledge");
  EXPECT_EQ(last["actor"], "contact:jf-market-contact");
  EXPECT_EQ(last["via"], "link");
  // The department then handles it over the API.
  a = Event(id, department_, "handle", {{"result", "已责令停业整改"}});
  EXPECT_EQ(a.status, 200) << a.body;
}

}  // namespace
}  // namespace duban

namespace duban {
namespace {

// The laggard ranking over the API: a transfer the market department never
// acknowledges counts against the department, weighed by how long it is
// overdue; each caller sees its own subtree only.
TEST_F(ApiLifecycleTest, LaggardRankingBlamesTheDepartmentAStuckTransferWaitsOn) {
  const json create = {{"campaign", kCampaign},
                       {"kind", "transfer"},
                       {"owner_unit", "jf-jiafeng"},
                       {"department_unit", "jf-market"},
                       {"fields", {{"problem", "沿街商铺无营业执照经营餐饮"}}}};
  Answer a = Call("POST", "/api/v1/items", office_, create);
  ASSERT_EQ(a.status, 201) << a.body;
  const std::string path = std::string("/api/v1/campaigns/") + kCampaign + "/laggards";
  a = Call("GET", path, office_);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_TRUE(a.body["laggards"].empty()) << a.body;  // due in 3 working days: nobody behind

  // Monday 04-08 + 3 working days = Thursday 04-11; ten days later it is
  // 7 to 29 days overdue: 2 × 2 points.
  clock_.Advance(std::chrono::hours(24 * 14));
  a = Call("GET", path, office_);
  ASSERT_EQ(a.status, 200) << a.body;
  ASSERT_FALSE(a.body["laggards"].empty()) << a.body;
  const json& top = a.body["laggards"][0];
  EXPECT_EQ(top["unit"], "jf-market");
  EXPECT_EQ(top["name"], "嘉峰市场监管所");
  EXPECT_EQ(top["stuck_transfers"], 1);
  EXPECT_EQ(top["overdue_items"], 0);
  EXPECT_EQ(top["overdue_points"], 4);
  EXPECT_NE(top["why"].get<std::string>().find("移送逾期未办1件"), std::string::npos) << top;
  // The village that sent it is not blamed for it (only for its own reports).
  for (const auto& row : a.body["laggards"]) {
    EXPECT_EQ(row["overdue_points"], row["unit"] == "jf-market" ? 4 : 0) << row;
  }

  // The county sees the same unit in its subtree; a village liaison sees
  // nothing above its own village, and cannot ask for the town.
  a = Call("GET", path + "?unit=jiafeng", county_);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body["laggards"][0]["unit"], "jf-market");
  a = Call("GET", path, liaison_);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_TRUE(a.body["laggards"].empty()) << a.body;
  EXPECT_EQ(Call("GET", path + "?unit=jf-lizhuang", liaison_).status, 403);
  // Mistakes are named.
  a = Call("GET", path + "?from=yesterday", office_);
  EXPECT_EQ(a.status, 422);
  EXPECT_EQ(a.body["field"], "from") << a.body;
  EXPECT_EQ(Call("GET", path + "?colour=red", office_).status, 422);
  EXPECT_EQ(Call("GET", "/api/v1/campaigns/no-such/laggards", office_).status, 404);
}

}  // namespace
}  // namespace duban

namespace duban {
namespace {

// Hostile input (issue 11, item 4): SQL metacharacters, path traversal,
// malformed UTF-8 and oversized requests in every kind of field the API
// reads. Each is refused with a 4xx, and afterwards not one item or audit
// record has changed and the daemon still serves.
TEST_F(ApiLifecycleTest, HostileInputIsRefusedAndChangesNothing) {
  auto snapshot = [&] {
    SQLite::Database db(town_.database(), SQLite::OPEN_READONLY);
    return std::to_string(db.execAndGet("SELECT COUNT(*) FROM items").getInt64()) + "/" +
           db.execAndGet("SELECT COALESCE(MAX(updated_at), 0) FROM items").getString() + "/" +
           std::to_string(db.execAndGet("SELECT COUNT(*) FROM audit_log").getInt64());
  };
  ASSERT_TRUE(client_->Get("/healthz"));  // the loop has finished starting
  const std::string before = snapshot();
  const std::vector<std::string> evil = {
      "jf-jiafeng' OR '1'='1",       "x\"; DROP TABLE items; --",   "../../../../etc/passwd",
      "..%2F..%2Fetc%2Fpasswd",       "%00",                         "\xff\xfe\xfd",
      std::string("a\0b", 3),         std::string(70000, 'A'),      "jf-jiafeng/../jf-lizhuang",
  };
  int refused = 0;
  auto expect_4xx = [&](const std::string& what, const httplib::Result& r) {
    ASSERT_TRUE(r) << what;
    EXPECT_GE(r->status, 400) << what << ": " << r->body.substr(0, 200);
    EXPECT_LT(r->status, 500) << what << ": " << r->body.substr(0, 200);
    ++refused;
  };
  const httplib::Headers office = {{"Authorization", "Bearer " + office_}};
  for (const std::string& s : evil) {
    const std::string q = httplib::detail::encode_query_param(s);
    for (const char* param : {"unit", "cursor", "due_from", "limit"}) {
      expect_4xx(std::string("query ") + param,
                 client_->Get("/api/v1/items?" + std::string(param) + "=" + q, office));
    }
    expect_4xx("path id", client_->Get("/api/v1/items/" + q, office));
    expect_4xx("campaign path", client_->Get("/api/v1/campaigns/" + q + "/laggards", office));
    // Every string member of a create, one at a time.
    for (const char* member : {"campaign", "kind", "owner_unit", "department_unit"}) {
      json create = {{"campaign", kCampaign},
                     {"kind", "hazard_case"},
                     {"owner_unit", "jf-lizhuang"},  // in the office's town
                     {"fields", {{"house_id", "JF-0099"}, {"hazard_level", "general"}}}};
      create[member] = s;
      // Bytes that are not UTF-8 go in as U+FFFD (raw bytes are tried below).
      std::string body = create.dump(-1, ' ', false, json::error_handler_t::replace);
      expect_4xx(std::string("create ") + member,
                 client_->Post("/api/v1/items", office, body, "application/json"));
    }
    json event = {{"transition", s}, {"fields", {{"reason", s}}}};
    expect_4xx("event", client_->Post("/api/v1/items/1/events", office,
                                      event.dump(-1, ' ', false, json::error_handler_t::replace),
                                      "application/json"));
  }
  // Raw bytes that are not UTF-8 inside JSON, and an oversized header.
  expect_4xx("raw bytes", client_->Post("/api/v1/items", office,
                                        "{\"campaign\":\"\xff\xfe\",\"kind\":\"hazard_case\"}",
                                        "application/json"));
  expect_4xx("lone surrogate",
             client_->Post("/api/v1/items", office,
                           R"({"campaign":"\udc00","kind":"hazard_case","owner_unit":"jf-jiafeng"})",
                           "application/json"));
  {
    httplib::Client c("127.0.0.1", app_->port());
    auto r = c.Get("/api/v1/items", {{"Authorization", "Bearer " + office_},
                                     {"X-Padding", std::string(100000, 'x')}});
    EXPECT_TRUE(!r || r->status >= 400) << (r ? r->body : "");
  }
  EXPECT_GT(refused, 100);
  EXPECT_EQ(snapshot(), before);
  auto health = client_->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  SQLite::Database db(town_.database(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");

  // Metacharacters in free text are data, stored and shown verbatim.
  const std::string text = "x'; DROP TABLE items; -- ../../etc/passwd <script>";
  Answer a = Call("POST", "/api/v1/items", office_,
                  {{"campaign", kCampaign},
                   {"kind", "hazard_case"},
                   {"owner_unit", "jf-lizhuang"},
                   {"key", text},
                   {"fields", {{"house_id", text}, {"hazard_level", "general"}}}});
  ASSERT_EQ(a.status, 201) << a.body;
  a = Call("GET", "/api/v1/items/" + std::to_string(a.body["id"].get<int64_t>()), office_);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body["key"], text);
  EXPECT_EQ(a.body["fields"]["house_id"], text);
  EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM items WHERE key = 'x''; DROP TABLE items; -- "
                          "../../etc/passwd <script>'").getInt(), 1);
}

}  // namespace
}  // namespace duban

namespace duban {
namespace {

// POST /api/v1/reports/batch: many weekly reports in one request, each
// judged as the single endpoint judges it, the accepted ones committed
// together before the answer.
json WeekReport(const std::string& unit, const std::string& period = "2024-04-12") {
  return {{"campaign", kCampaign},
          {"obligation", "weekly_report"},
          {"unit", unit},
          {"period", period},
          {"fields",
           {{"mis_checked", 12},
            {"mis_surveyed", 1},
            {"missed", 0},
            {"key_checked", 30},
            {"key_hazards", 2},
            {"key_rectified", 1},
            {"appraisal_checked", 5},
            {"appraisal_noncompliant", 0},
            {"work_summary", "完成本周入户核查"}}}};
}

std::vector<int> Statuses(const json& body) {
  std::vector<int> out;
  for (const auto& r : body["results"]) out.push_back(r["status"].get<int>());
  return out;
}

TEST_F(ApiLifecycleTest, ReportBatchAnswersEachEntryAsTheSingleEndpointWould) {
  json missing = WeekReport("jf-jiafeng");
  missing["fields"].erase("work_summary");
  json unknown = WeekReport("jf-jiafeng");
  unknown["colour"] = "red";
  const json batch = {{"reports",
                       {missing,                                  // 422, names the field
                        WeekReport("jf-lizhuang"),                // 403: another village
                        WeekReport("jf-jiafeng"),                 // 200
                        WeekReport("jf-jiafeng"),                 // 409: done just before
                        "not a report",                           // 400
                        unknown,                                  // 422, names the member
                        WeekReport("jf-jiafeng", "2024-12-27"),   // 404: nothing owed
                        WeekReport("jf-jiafeng", "12 April")}}};  // 422: period
  Answer a = Call("POST", "/api/v1/reports/batch", liaison_, batch);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(Statuses(a.body), (std::vector<int>{422, 403, 200, 409, 400, 422, 404, 422}));
  EXPECT_EQ(a.body["accepted"], 1);
  EXPECT_EQ(a.body["refused"], 7);
  const json& r = a.body["results"];
  EXPECT_EQ(r[0]["error"]["field"], "work_summary") << r[0];
  EXPECT_EQ(r[1]["error"]["error"], "forbidden") << r[1];
  EXPECT_EQ(r[2]["item"]["state"], "submitted") << r[2];
  EXPECT_EQ(r[2]["item"]["owner_unit"], "jf-jiafeng") << r[2];
  EXPECT_EQ(r[2]["item"]["fields"]["late"], false) << r[2];
  EXPECT_EQ(r[4]["error"]["error"], "bad_request") << r[4];
  EXPECT_EQ(r[5]["error"]["field"], "colour") << r[5];
  EXPECT_EQ(r[6]["error"]["error"], "not_found") << r[6];
  EXPECT_EQ(r[7]["error"]["field"], "period") << r[7];
  // The single endpoint agrees about the one it accepted.
  EXPECT_EQ(Call("POST", "/api/v1/reports", liaison_, WeekReport("jf-jiafeng")).status, 409);
  a = Call("GET", "/api/v1/items?kind=weekly_report&unit=jf-lizhuang&open=true", office_);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body["items"].size(), 1u) << "the refused entry stays open";
  // The denial is logged like the single endpoint's, without the secret.
  const std::string log = log_text_.str();
  EXPECT_NE(log.find("refused 1 of 8 reports of POST /api/v1/reports/batch for token " +
                     token_ids_[liaison_]),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find(liaison_.substr(liaison_.rfind('_') + 1)), std::string::npos);
}

TEST_F(ApiLifecycleTest, ReportBatchWritesWhatTheSingleEndpointWrites) {
  ASSERT_TRUE(client_->Get("/healthz"));  // the week's items exist before the clock moves
  // Late, so the lateness is computed alike too.
  clock_.Advance(std::chrono::hours(24 * 4 + 4));  // Friday 13:00
  Answer single = Call("POST", "/api/v1/reports", office_, WeekReport("jf-lizhuang"));
  ASSERT_EQ(single.status, 200) << single.body;
  Answer batch =
      Call("POST", "/api/v1/reports/batch", office_, {{"reports", {WeekReport("jf-guonan")}}});
  ASSERT_EQ(batch.status, 200) << batch.body;
  ASSERT_EQ(Statuses(batch.body), std::vector<int>{200});
  const json& item = batch.body["results"][0]["item"];
  EXPECT_EQ(item["fields"], single.body["fields"]);
  EXPECT_EQ(item["fields"]["late"], true);
  EXPECT_EQ(item["fields"]["late_minutes"], 60);
  for (const char* key : {"state", "kind", "resolved_at", "updated_at", "due_at", "period"}) {
    EXPECT_EQ(item[key], single.body[key]) << key;
  }
  auto last_audit = [&](int64_t id) {
    Answer a = Call("GET", "/api/v1/items/" + std::to_string(id), office_);
    EXPECT_EQ(a.status, 200) << a.body;
    json h = a.body["history"].back();
    h["payload"].erase("unit");
    h.erase("seq");
    h.erase("hash");
    h.erase("prev_hash");
    h.erase("item_id");
    return h;
  };
  const json from_single = last_audit(single.body["id"].get<int64_t>());
  EXPECT_EQ(from_single["action"], "report.submit") << from_single;
  EXPECT_EQ(last_audit(item["id"].get<int64_t>()), from_single);
}

TEST_F(ApiLifecycleTest, ReportBatchIsDurableOnReturnAndKeepsTheAuditChain) {
  json reports = json::array();
  for (const char* unit : {"jf-jiafeng", "jf-lizhuang", "jf-guonan", "jf-yinzhuang", "jf-qinzhuang",
                           "jf-wuan", "jf-mozhang", "jf-wozhuang", "jf-market", "jf-fire"}) {
    reports.push_back(WeekReport(unit));
  }
  reports.push_back(WeekReport("qinshui"));  // 404: the county owes no weekly report
  Answer a = Call("POST", "/api/v1/reports/batch", office_, {{"reports", reports}});
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body["accepted"], 10) << a.body;
  EXPECT_EQ(a.body["results"][10]["status"], 404) << a.body;
  // A fresh store on the same file, while the daemon still runs, sees every
  // accepted report, and the audit chain holds.
  auto fresh = store::OpenSqlite({town_.database()}, clock_.Now());
  ASSERT_OK(fresh);
  for (size_t i = 0; i < 10; ++i) {
    auto it = (*fresh)->GetItem(a.body["results"][i]["item"]["id"].get<int64_t>());
    ASSERT_OK(it);
    ASSERT_TRUE(it->has_value());
    EXPECT_EQ((**it).state, "submitted") << i;
    EXPECT_TRUE((**it).resolved_at.has_value()) << i;
  }
  auto chain = store::VerifyAuditChain(**fresh);
  ASSERT_OK(chain);
  EXPECT_TRUE(chain->ok()) << chain->problem;
  int submits = 0;
  auto records = (*fresh)->AuditAfter(0, 10000);
  ASSERT_OK(records);
  for (const auto& e : *records) submits += e.action == "report.submit";
  EXPECT_EQ(submits, 10);
}

TEST_F(ApiLifecycleTest, ReportBatchRefusesAMalformedOrOversizedBodyAsAWhole) {
  const httplib::Headers h = {{"Authorization", "Bearer " + office_}};
  auto post = [&](const std::string& body) {
    httplib::Result r = client_->Post("/api/v1/reports/batch", h, body, "application/json");
    EXPECT_TRUE(r);
    return r ? Answer{r->status, json::parse(r->body, nullptr, false)} : Answer{};
  };
  Answer a = post("{\"reports\": [");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body["error"], "bad_request") << a.body;
  a = post("[]");
  EXPECT_EQ(a.status, 400) << a.body;
  a = post("{}");
  EXPECT_EQ(a.status, 422);
  EXPECT_EQ(a.body["field"], "reports") << a.body;
  a = post(R"({"reports": {"unit": "jf-jiafeng"}})");
  EXPECT_EQ(a.status, 422);
  EXPECT_EQ(a.body["field"], "reports") << a.body;
  a = post(R"({"reports": [], "dry_run": true})");
  EXPECT_EQ(a.status, 422);
  EXPECT_EQ(a.body["field"], "dry_run") << a.body;
  a = post(R"({"reports": []})");
  EXPECT_EQ(a.status, 200) << a.body;
  EXPECT_TRUE(a.body["results"].empty()) << a.body;

  // Over the cap: refused whole, with the reason; nothing is recorded, even
  // the valid entries.
  json reports = json::array();
  reports.push_back(WeekReport("jf-jiafeng"));
  while (reports.size() < 1001) reports.push_back(json::object());
  a = Call("POST", "/api/v1/reports/batch", office_, {{"reports", reports}});
  EXPECT_EQ(a.status, 413);
  EXPECT_EQ(a.body["error"], "payload_too_large") << a.body;
  EXPECT_EQ(a.body["field"], "reports") << a.body;
  EXPECT_NE(a.body["detail"].get<std::string>().find("1000"), std::string::npos) << a.body;
  a = Call("GET", "/api/v1/items?kind=weekly_report&unit=jf-jiafeng&open=true", office_);
  EXPECT_EQ(a.body["items"].size(), 1u) << a.body;
  // No token: 401, as everywhere.
  EXPECT_EQ(
      client_->Post("/api/v1/reports/batch", R"({"reports": []})", "application/json")->status,
      401);
}

}  // namespace
}  // namespace duban
