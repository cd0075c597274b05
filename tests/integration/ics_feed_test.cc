// The calendar feed over HTTP, on the whole App with the demo town: a town's
// feed lists each village's weekly report, the campaign's milestones and
// phase ends; a village's feed only its own, and a report once submitted
// leaves it; a repeated fetch is the same calendar (304 with its ETag);
// a damaged or forged token gets the same 404 as an unknown path; and
// `duban token ics` prints the URL the daemon accepts.
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
#include "store/store.h"
#include "testing/paths.h"
#include "testing/process.h"
#include "testing/status_matchers.h"

namespace duban {
namespace {

using nlohmann::json;

// RFC 5545 unfolding: a CRLF followed by one space goes.
std::string Unfold(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

class IcsFeedTest : public ::testing::Test {
 protected:
  // Monday of the week whose weekly report is due Friday 2024-04-12 12:00.
  IcsFeedTest() : clock_(*ParseRfc3339("2024-04-08T09:00:00+08:00")) {}

  void SetUp() override {
    {
      auto store = store::OpenSqlite({town_.database()}, clock_.Now());
      ASSERT_OK(store);
      auto key = api::LoadOrCreateLinkKey(**store);
      ASSERT_OK(key);
      link_key_ = *key;
      api::IssuedToken t = api::NewToken("liaison", "jf-jiafeng", "", "liaison", clock_.Now(),
                                         std::nullopt);
      store::AuditEntry a;
      a.at = clock_.Now();
      a.actor = "cli";
      a.via = "cli";
      a.action = "token.create";
      ASSERT_OK((*store)->InsertToken(t.record, a));
      liaison_ = t.bearer;
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

  // The feed's path ("/ics/….ics") for `unit`.
  std::string FeedPath(const std::string& unit) {
    auto url = api::MintFeedUrl(unit, link_key_, base_);
    EXPECT_OK(url);
    return url.ok() ? url->substr(base_.size()) : "";
  }

  testing::DemoTown town_;
  VirtualClock clock_;
  std::ostringstream log_text_;
  std::string link_key_;
  std::string liaison_;
  std::unique_ptr<app::App> app_;
  std::future<Status> run_;
  std::unique_ptr<httplib::Client> client_;
  std::string base_;
};

TEST_F(IcsFeedTest, TownFeedListsEachVillagesReportMilestonesAndPhaseEnds) {
  auto r = client_->Get(FeedPath("jiafeng"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/calendar; charset=utf-8");
  EXPECT_NE(r->get_header_value("Cache-Control").find("private"), std::string::npos);
  const std::string etag = r->get_header_value("ETag");
  EXPECT_FALSE(etag.empty());
  const std::string cal = Unfold(r->body);
  EXPECT_EQ(cal.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  EXPECT_NE(cal.find("\r\nX-WR-CALNAME:督办·嘉峰镇\r\n"), std::string::npos);
  EXPECT_NE(cal.find("\r\nMETHOD:PUBLISH\r\n"), std::string::npos);

  // Friday 2024-04-12 12:00 Beijing time, one event per village and
  // department of the town (8 + 2), each linking its item's page.
  EXPECT_EQ(Count(cal, "SUMMARY:周报截止：百日攻坚工作周报（"), 10u) << cal;
  EXPECT_NE(cal.find("SUMMARY:周报截止：百日攻坚工作周报（嘉峰村）\r\n"), std::string::npos);
  EXPECT_NE(cal.find("SUMMARY:周报截止：百日攻坚工作周报（嘉峰市场监管所）\r\n"),
            std::string::npos);
  EXPECT_GE(Count(cal, "DTSTART:20240412T040000Z\r\n"), 10u);
  EXPECT_GE(Count(cal, "\r\nURL:" + base_ + "/items/"), 10u);
  EXPECT_GE(Count(cal, "TRIGGER:-PT3H\r\n"), 10u);
  // Only the report items speak for this Friday: no campaign-wide copy.
  EXPECT_EQ(cal.find("SUMMARY:周报截止：百日攻坚工作周报（嘉峰镇"), std::string::npos) << cal;
  // The first monthly dispatch (05-20, in the rectification phase) is not
  // materialised yet: one event for the town's units until it is.
  EXPECT_NE(cal.find("SUMMARY:月报截止：月度工作调度（嘉峰镇下辖单位）\r\n"), std::string::npos)
      << cal;
  EXPECT_NE(cal.find("DTSTART:20240520T090000Z\r\n"), std::string::npos);
  // The milestones of June and the phase ends still ahead.
  EXPECT_NE(cal.find("SUMMARY:节点截止：基本完成经营性自建房安全隐患整治\r\n"), std::string::npos);
  EXPECT_NE(cal.find("SUMMARY:节点截止：集中整治阶段\r\n"), std::string::npos);
  EXPECT_NE(cal.find("DTSTART:20240630T155959Z\r\n"), std::string::npos);
  EXPECT_NE(cal.find("SUMMARY:阶段截止：集中摸排\r\nDESCRIPTION:集中摸排阶段：2024-03-25 至 "
                     "2024-04-25"),
            std::string::npos)
      << cal;
  EXPECT_NE(cal.find("DTSTART;VALUE=DATE:20240425\r\nDTEND;VALUE=DATE:20240426\r\n"),
            std::string::npos);
  EXPECT_EQ(Count(cal, "BEGIN:VEVENT"), Count(cal, "END:VEVENT"));

  // Fetched again: the same calendar (the same UIDs), and 304 with the ETag.
  auto again = client_->Get(FeedPath("jiafeng"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, r->body);
  auto cached = client_->Get(FeedPath("jiafeng"), {{"If-None-Match", etag}});
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->status, 304);
  EXPECT_TRUE(cached->body.empty());
}

TEST_F(IcsFeedTest, VillageFeedShowsItsOwnAndAReportedWeekLeavesIt) {
  const std::string path = FeedPath("jf-jiafeng");
  auto r = client_->Get(path);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  std::string cal = Unfold(r->body);
  EXPECT_NE(cal.find("X-WR-CALNAME:督办·嘉峰村\r\n"), std::string::npos);
  EXPECT_EQ(Count(cal, "SUMMARY:周报截止：百日攻坚工作周报（嘉峰村）\r\n"), 1u) << cal;
  EXPECT_EQ(cal.find("李庄村"), std::string::npos);
  EXPECT_NE(cal.find("DTSTART:20240412T040000Z\r\n"), std::string::npos);

  const json report = {{"campaign", "jiafeng-2024-hundred-day"},
                       {"obligation", "weekly_report"},
                       {"unit", "jf-jiafeng"},
                       {"period", "2024-04-12"},
                       {"fields",
                        {{"mis_checked", 12}, {"mis_surveyed", 1}, {"missed", 0},
                         {"key_checked", 30}, {"key_hazards", 2}, {"key_rectified", 1},
                         {"appraisal_checked", 5}, {"appraisal_noncompliant", 0},
                         {"work_summary", "完成本周入户核查"}}}};
  auto posted = client_->Post("/api/v1/reports", {{"Authorization", "Bearer " + liaison_}},
                              report.dump(), "application/json");
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 200) << posted->body;

  auto after = client_->Get(path, {{"If-None-Match", r->get_header_value("ETag")}});
  ASSERT_TRUE(after);
  ASSERT_EQ(after->status, 200);
  cal = Unfold(after->body);
  // Neither the item nor a campaign-wide stand-in for the same Friday.
  EXPECT_EQ(cal.find("DTSTART:20240412T040000Z\r\n"), std::string::npos) << cal;
  EXPECT_NE(cal.find("SUMMARY:节点截止：基本完成经营性自建房安全隐患整治\r\n"), std::string::npos);
}

TEST_F(IcsFeedTest, DamagedOrForgedTokensGetTheSame404AsAnUnknownPath) {
  const std::string good = FeedPath("jiafeng");
  const std::string token = good.substr(5, good.size() - 5 - 4);  // "/ics/" … ".ics"
  const size_t dot = token.find('.');
  auto flip = [](std::string s, size_t pos) {
    s[pos] = s[pos] == 'A' ? 'B' : 'A';
    return s;
  };
  auto unknown = client_->Get("/nothing-here");
  ASSERT_TRUE(unknown);
  ASSERT_EQ(unknown->status, 404);
  auto other_key = api::MintFeedUrl("jiafeng", std::string(32, 'x'), base_);
  ASSERT_OK(other_key);
  auto gone = api::MintFeedUrl("atlantis", link_key_, base_);
  ASSERT_OK(gone);
  const std::string bad[] = {
      "/ics/" + flip(token, dot + 3) + ".ics",  // the MAC
      "/ics/" + flip(token, 2) + ".ics",        // the payload
      "/ics/" + token,                          // no .ics
      "/ics/" + token.substr(0, dot) + ".ics",  // no MAC
      other_key->substr(base_.size()),          // another server's key
      gone->substr(base_.size()),               // a unit not in the directory
  };
  for (const auto& path : bad) {
    auto r = client_->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_EQ(r->body, unknown->body) << path;
  }
  const std::string log = log_text_.str();
  EXPECT_NE(log.find("ics: refused a feed token that does not verify"), std::string::npos);
  EXPECT_NE(log.find("no longer in the directory"), std::string::npos);
  EXPECT_EQ(log.find(token.substr(dot + 1)), std::string::npos) << "the MAC is never logged";
  EXPECT_EQ(log.find(token.substr(0, dot)), std::string::npos) << "nor the payload";
}

TEST_F(IcsFeedTest, TokenIcsCommandPrintsTheUrlTheDaemonServes) {
  const testing::ShellRun run =
      testing::Shell(testing::DubanBinary() + " token ics --unit jiafeng --config " +
                         town_.config().source_file,
                     false);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // No server.public_url in the demo config: the listen address, port 0.
  EXPECT_EQ(run.output, "http://127.0.0.1:0" + FeedPath("jiafeng") + "\n");
  const std::string origin = "http://127.0.0.1:0";
  auto r = client_->Get(run.output.substr(origin.size(), run.output.size() - origin.size() - 1));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  const testing::ShellRun unknown = testing::Shell(
      testing::DubanBinary() + " token ics --unit atlantis --config " + town_.config().source_file);
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.output.find("unknown unit 'atlantis'"), std::string::npos) << unknown.output;
}

}  // namespace
}  // namespace duban
