// Issue 8: the Gansu provincial spot-check, end to end. The draw is published
// on a virtual clock and the groups are followed to December 15 and past it;
// an inspection at 22:00 that finds a collapse risk alerts at once; a
// serious finding issues its rectification notice; and `duban sample` /
// `duban sample verify` on the real binary publish a draw anyone can check.
#include <gtest/gtest.h>
#include <httplib.h>
#include <spdlog/sinks/null_sink.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sys/wait.h>

#include "api/api.h"
#include "app/app.h"
#include "app/campaigns.h"
#include "app/runner.h"
#include "app/sample.h"
#include "app/simulate.h"
#include "base/time_format.h"
#include "config/config.h"
#include "importer/importer.h"
#include "schedule/schedule.h"
#include "store/store.h"
#include "testing/paths.h"
#include "testing/process.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace duban::app {
namespace {

constexpr const char* kCampaign = "gansu-2024-spot-check";

SystemTime T(const std::string& rfc3339) { return *ParseRfc3339(rfc3339); }

std::string Local(SystemTime t) {
  static const auto zone = *schedule::Zone::Load("Asia/Shanghai");
  return zone.Format(t).substr(5);  // "12-02 09:32"
}

// The province of Gansu from config/gansu/ in a fresh database.
class Gansu {
 public:
  Gansu() {
    const std::string path = dir_.Write(
        "duban.yaml", "server:\n  listen: 127.0.0.1:0\n"
                      "database:\n  path: " + dir_.File("duban.db") + "\n"
                      "campaigns: [" + testing::SourcePath("workflows/gansu-2024-spot-check.yaml") +
                      "]\n"
                      "templates_dir: " + testing::SourcePath("templates") + "\n"
                      "holidays: " + testing::SourcePath("config/calendars/cn-holidays.csv") + "\n"
                      "channels:\n  - {name: sms, type: console, family: sms}\n");
    Diagnostics diags;
    config_ = config::LoadConfig(path, &diags);
    EXPECT_NE(config_, nullptr) << diags.ToString();
    auto store = store::OpenSqlite({config_->database_path}, T("2024-10-01T00:00+08:00"));
    EXPECT_OK(store);
    auto units = importer::ParseUnits(
        testing::ReadFileOrDie(testing::SourcePath("config/gansu/units.csv")), "units.csv", {});
    EXPECT_EQ(units.RejectedRows(), 0);
    EXPECT_OK((*store)->UpsertUnits(units.records));
    importer::ContactContext cctx;
    cctx.units = importer::UnitLevels(units.records);
    auto contacts = importer::ParseContacts(
        testing::ReadFileOrDie(testing::SourcePath("config/gansu/contacts.csv")), "contacts.csv",
        cctx);
    EXPECT_EQ(contacts.RejectedRows(), 0);
    EXPECT_OK((*store)->UpsertContacts(contacts.records));
  }
  const config::DaemonConfig& config() const { return *config_; }
  const testing::TempDir& dir() const { return dir_; }

 private:
  testing::TempDir dir_;
  std::shared_ptr<const config::DaemonConfig> config_;
};

class SpotCheckTest : public ::testing::Test {
 protected:
  SpotCheckTest()
      : log_("null", std::make_shared<spdlog::sinks::null_sink_mt>()),
        clock_(T("2024-10-22T09:00+08:00")) {}

  void SetUp() override {
    Diagnostics diags;
    loaded_ = LoadCampaigns(gansu_.config(), &diags);
    ASSERT_FALSE(diags.has_errors()) << diags.ToString();
    spec_ = loaded_.campaigns.front().get();
    auto store = store::OpenSqlite({gansu_.config().database_path}, clock_.Now());
    ASSERT_OK(store);
    store_ = std::move(*store);
    recorder_ = std::make_unique<RecordingChannel>(clock_, &sent_);
    RunnerDeps deps{&gansu_.config(), store_.get(), &clock_, &log_, &loaded_, recorder_.get()};
    auto runner = Runner::Create(deps);
    ASSERT_OK(runner);
    runner_ = std::move(*runner);
    ASSERT_OK(runner_->Start(clock_.Now()));
  }

  // Draws with the published seed from the demo register and publishes it.
  void Publish() {
    auto reg = sampling::ParseRegister(
        testing::ReadFileOrDie(testing::SourcePath("config/gansu/register-2024.csv")),
        "register-2024.csv");
    ASSERT_OK(reg);
    const engine::Directory& dir = runner_->engine().directory();
    sampling::DrawOptions opts;
    opts.seed = 20241021;
    opts.max_town_share_percent = spec_->sampling->max_town_share;
    opts.unit_codes = UnitCodes(*spec_->sampling, dir);
    draw_ = sampling::DrawSample(*spec_->sampling, *reg, opts);
    auto owners = PlanOwners(*spec_->sampling, dir);
    ASSERT_OK(owners);
    auto published = PublishDraw(runner_->engine(), *store_, *spec_, draw_, *owners,
                                 "register-2024.csv", clock_.Now(), {});
    ASSERT_OK(published);
    EXPECT_EQ(published->houses, 840);
    EXPECT_EQ(published->evaluations, 42);
  }

  // Runs every timer up to `until`, as the daemon would.
  void RunUntil(SystemTime until) {
    for (int i = 0; i < 100000; ++i) {
      auto wake = runner_->NextWake();
      ASSERT_OK(wake);
      if (!*wake || **wake >= until) break;
      if (**wake > clock_.Now()) clock_.SetNow(**wake);
      ASSERT_OK(runner_->Tick(clock_.Now()));
    }
    clock_.SetNow(std::max(clock_.Now(), until));
    ASSERT_OK(runner_->Tick(clock_.Now()));
  }

  store::Item ItemOf(const std::string& house) {
    auto it = store_->FindItemByKey(std::string(kCampaign) + "/spot_check/" + house);
    EXPECT_OK(it);
    EXPECT_TRUE(it.ok() && it->has_value()) << house;
    return it.ok() && it->has_value() ? **it : store::Item{};
  }

  engine::Actor Lead(const std::string& agency) {
    engine::Actor a;
    a.id = "contact:" + agency + "-lead";
    a.via = "api";
    a.unit = agency;
    a.contact_role = "project_lead";
    return a;
  }

  workflow::FieldValues Result(bool serious, bool collapse, const std::string& findings = "") {
    workflow::FieldValues v;
    for (const char* f : {"survey_data", "hazard_determination", "rectification", "appraisal",
                          "missed_houses", "platform_updated"}) {
      v[f] = std::string("ok");
    }
    v["serious_no_measures"] = serious;
    v["collapse_risk"] = collapse;
    if (!findings.empty()) v["findings"] = findings;
    return v;
  }

  // "12-02 09:32 gansu-office milestone_countdown" for each message sent.
  std::vector<std::string> Lines(const std::string& prefix = "") const {
    std::vector<std::string> out;
    for (const auto& m : sent_) {
      std::string l = Local(m.at) + " " + m.recipient + " " + m.binding;
      if (l.rfind(prefix, 0) == 0) out.push_back(l);
    }
    return out;
  }
  const SimulatedMessage* Find(const std::string& day, const std::string& recipient,
                               const std::string& binding) const {
    for (const auto& m : sent_) {
      if (Local(m.at).rfind(day, 0) == 0 && m.recipient == recipient && m.binding == binding) {
        return &m;
      }
    }
    return nullptr;
  }

  Gansu gansu_;
  spdlog::logger log_;
  VirtualClock clock_;
  Loaded loaded_;
  const workflow::WorkflowSpec* spec_ = nullptr;
  std::unique_ptr<store::Store> store_;
  std::vector<SimulatedMessage> sent_;
  std::unique_ptr<RecordingChannel> recorder_;
  std::unique_ptr<Runner> runner_;
  sampling::Draw draw_;
};

// Group 4 finishes in November; groups 1-3 never do. Each group's project
// lead hears its outstanding houses per county from 10 working days before
// December 15; the provincial office one line per group, then per city;
// after the cutoff every unfinished house climbs to the provincial office.
TEST_F(SpotCheckTest, GroupsAreRemindedToDecemberFifteenthAndTheRestClimbsToTheProvince) {
  Publish();
  // Group 4 (兰州城市建设设计研究院) inspects, records and reports everything.
  clock_.SetNow(T("2024-11-20T10:00+08:00"));
  int done = 0;
  for (const auto& u : draw_.units) {
    if (u.agency != "agency-lzcj") continue;
    for (const auto& h : u.picked) {
      const store::Item it = ItemOf(h.id);
      ASSERT_OK(runner_->engine().Transition({it.id, "inspect", Result(false, false)},
                                             Lead("agency-lzcj"), clock_.Now()));
      ASSERT_OK(runner_->engine().Transition({it.id, "record", {{"entered_in_platform", true}}},
                                             Lead("agency-lzcj"), clock_.Now()));
      ++done;
    }
  }
  EXPECT_EQ(done, 240);
  auto evals = store_->ListItems({{}, "agency-lzcj", kCampaign, "county_evaluation", "", true,
                                  std::nullopt, std::nullopt, std::nullopt, 0, 50});
  ASSERT_OK(evals);
  ASSERT_EQ(evals->size(), 12u);
  for (const auto& e : *evals) {
    ASSERT_OK(runner_->engine().Transition(
        {e.id, "submit_report",
         {{"documents_reviewed", true}, {"questionnaires", int64_t{30}}, {"report_ref", "评估报告"}}},
        Lead("agency-lzcj"), clock_.Now()));
  }
  RunUntil(T("2024-12-19T00:00+08:00"));

  // Nothing before the group countdown of Monday 12-02 09:30.
  ASSERT_FALSE(sent_.empty());
  EXPECT_EQ(Local(sent_.front().at), "12-02 09:32");
  EXPECT_EQ(Lines("12-02"), (std::vector<std::string>{
                                "12-02 09:32 agency-gscxgh-lead milestone_countdown",
                                "12-02 09:32 agency-gsjzsj-lead milestone_countdown",
                                "12-02 09:32 agency-lzys-lead milestone_countdown",
                                "12-02 09:32 gansu-office milestone_countdown",
                            }));
  // The lead of group 1 reads its counties, each with 20 houses and the
  // county evaluation; the province one line per group, group 4 absent.
  const SimulatedMessage* lead = Find("12-02", "agency-lzys-lead", "milestone_countdown");
  ASSERT_NE(lead, nullptr);
  EXPECT_NE(lead->body.find("还有10个工作日"), std::string::npos) << lead->body;
  EXPECT_NE(lead->body.find("城关区21项"), std::string::npos) << lead->body;
  EXPECT_NE(lead->body.find("兰州新区21项"), std::string::npos) << lead->body;
  const SimulatedMessage* office = Find("12-02", "gansu-office", "milestone_countdown");
  ASSERT_NE(office, nullptr);
  EXPECT_NE(office->body.find("兰州有色冶金设计研究院有限公司210项"), std::string::npos)
      << office->body;
  EXPECT_EQ(office->body.find("兰州城市建设设计研究院有限公司"), std::string::npos)
      << office->body;

  // 7 working days before (Thursday 12-05): per county and per city.
  const SimulatedMessage* cities = Find("12-05 09", "gansu-office", "milestone_countdown");
  ASSERT_NE(cities, nullptr);
  EXPECT_NE(cities->body.find("兰州市"), std::string::npos) << cities->body;
  EXPECT_EQ(cities->body.find("武威市"), std::string::npos) << cities->body;  // group 4's
  EXPECT_NE(Find("12-05 09", "gs-620102-task-force", "milestone_countdown"), nullptr);
  EXPECT_EQ(Find("12-05 09", "gs-620602-task-force", "milestone_countdown"), nullptr);  // 凉州区
  // The last working day before the Sunday deadline: Friday 12-13.
  EXPECT_NE(Find("12-13 09", "gs-620102-task-force", "milestone_countdown"), nullptr);

  // After the cutoff: Monday 12-16 09:00 each unfinished house is overdue to
  // its group, county and city; Wednesday 12-18 to the provincial office.
  const SimulatedMessage* overdue = Find("12-16 09", "agency-lzys-lead", "item_overdue");
  ASSERT_NE(overdue, nullptr);
  EXPECT_NE(overdue->body.find("另有"), std::string::npos) << overdue->body;
  EXPECT_EQ(Find("12-16 09", "agency-lzcj-lead", "item_overdue"), nullptr);
  const SimulatedMessage* province = Find("12-18 09", "gansu-office", "item_supervision");
  ASSERT_NE(province, nullptr);
  EXPECT_NE(province->body.find("另有"), std::string::npos) << province->body;
  // Progress as the API shows it: group 4 done, the others untouched.
  auto rows = runner_->engine().SpotCheckProgress(kCampaign, clock_.Now());
  ASSERT_OK(rows);
  std::map<std::string, engine::SpotCheckCounts> by_group;
  for (const auto& r : *rows) by_group[r.group].Add(r.counts);
  EXPECT_EQ(by_group["group4"].sampled, 240);
  EXPECT_EQ(by_group["group4"].inspected, 240);
  EXPECT_EQ(by_group["group1"].sampled, 200);
  EXPECT_EQ(by_group["group1"].inspected, 0);
  EXPECT_EQ(by_group["group3"].sampled, 180);
}

// R-B8 on the virtual clock: a collapse risk found at 22:00 orders control
// within 24 hours and alerts at once, through quiet hours; a serious hazard
// without effective measures issues a rectification notice with its 限期.
TEST_F(SpotCheckTest, ACollapseRiskAt22hAlertsAtOnceAndASeriousFindingIssuesANotice) {
  Publish();
  const sampling::UnitDraw& chengguan = draw_.units.front();  // 兰州市城关区, group 1
  ASSERT_EQ(chengguan.code, "620102");
  const store::Item house = ItemOf(chengguan.picked[0].id);
  EXPECT_EQ(house.owner_unit, "gs-620102");
  EXPECT_EQ(house.department_unit, "agency-lzys");
  // Another group's lead may not inspect it.
  EXPECT_EQ(runner_->engine()
                .Transition({house.id, "inspect", Result(false, true)}, Lead("agency-lzcj"),
                            clock_.Now())
                .status()
                .code(),
            StatusCode::kPermissionDenied);

  clock_.SetNow(T("2024-11-20T22:00+08:00"));
  ASSERT_OK(runner_->engine().Transition(
      {house.id, "inspect", Result(false, true, "承重墙贯通裂缝，局部倾斜")},
      Lead("agency-lzys"), clock_.Now()));
  ASSERT_OK(runner_->Tick(clock_.Now()));
  EXPECT_EQ(Lines(), (std::vector<std::string>{
                         "11-20 22:00 gs-620102-head collapse_risk_alert",
                         "11-20 22:00 gs-620102-task-force collapse_risk_alert",
                         "11-20 22:00 gs-lanzhou-office collapse_risk_alert",
                     }));
  for (const auto& m : sent_) EXPECT_EQ(m.severity, "critical");
  auto control = store_->FindItemByKey(house.key + "/emergency_control");
  ASSERT_OK(control);
  ASSERT_TRUE(control->has_value());
  EXPECT_EQ(FormatWithOffset(*(*control)->due_at, 8 * 60).substr(0, 16), "2024-11-21T22:00");

  // A serious hazard needs its findings written down: the notice quotes them.
  const store::Item second = ItemOf(chengguan.picked[1].id);
  clock_.SetNow(T("2024-11-21T10:00+08:00"));
  auto refused = runner_->engine().Transition({second.id, "inspect", Result(true, false)},
                                              Lead("agency-lzys"), clock_.Now());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message().rfind("findings:", 0), 0u) << refused.status().message();
  EXPECT_EQ(ItemOf(chengguan.picked[1].id).state, "assigned");  // nothing written
  ASSERT_OK(runner_->engine().Transition(
      {second.id, "inspect", Result(true, false, "二层加建未鉴定，仍在经营")},
      Lead("agency-lzys"), clock_.Now()));
  auto notice = store_->FindItemByKey(second.key + "/rectification_notice");
  ASSERT_OK(notice);
  ASSERT_TRUE(notice->has_value());
  EXPECT_EQ((*notice)->owner_unit, "gs-620102");
  const auto data = nlohmann::json::parse((*notice)->data);
  EXPECT_EQ(data["problem"], "二层加建未鉴定，仍在经营");
  // 20 working days after Thursday 11-21: Thursday 12-19.
  EXPECT_EQ(data["deadline"], "2024-12-19");

  auto rows = runner_->engine().SpotCheckProgress(kCampaign, clock_.Now());
  ASSERT_OK(rows);
  auto row = std::find_if(rows->begin(), rows->end(),
                          [](const auto& r) { return r.unit == "gs-620102"; });
  ASSERT_NE(row, rows->end());
  EXPECT_EQ(row->counts.sampled, 20);
  EXPECT_EQ(row->counts.inspected, 2);
  EXPECT_EQ(row->counts.findings, 2);
  EXPECT_EQ(row->counts.notices_open, 2);
  EXPECT_EQ(row->group, "group1");
  EXPECT_EQ(row->city, "gs-lanzhou");
}

// The progress tables over HTTP, each caller within its scope: the province
// sees every group; an agency its own counties; a city its counties only.
TEST_F(SpotCheckTest, ProgressOverTheApiIsScopedToTheCaller) {
  Publish();
  const store::Item house = ItemOf(draw_.units.front().picked[0].id);
  ASSERT_OK(runner_->engine().Transition(
      {house.id, "inspect", Result(true, false, "加建部分无鉴定报告")}, Lead("agency-lzys"),
      clock_.Now()));
  auto token = [&](const std::string& role, const std::string& unit) {
    api::IssuedToken t = api::NewToken(role, unit, "", role + "@" + unit, clock_.Now(), std::nullopt);
    store::AuditEntry a;
    a.at = clock_.Now();
    a.actor = "cli";
    a.via = "cli";
    a.action = "token.create";
    EXPECT_OK(store_->InsertToken(t.record, a));
    return t.bearer;
  };
  const std::string province = token("office", "gansu");
  const std::string agency = token("agency", "agency-lzys");
  const std::string lanzhou = token("supervisor", "gs-lanzhou");
  runner_.reset();
  store_.reset();

  AppOptions opts;
  opts.config_path = gansu_.config().source_file;
  opts.clock = &clock_;
  auto app = App::Create(
      opts, std::make_shared<spdlog::logger>("null", std::make_shared<spdlog::sinks::null_sink_mt>()));
  ASSERT_OK(app);
  auto run = std::async(std::launch::async, [&] { return (*app)->Run(); });
  httplib::Client client("127.0.0.1", (*app)->port());
  auto get = [&](const std::string& bearer, const std::string& query = "") {
    auto r = client.Get(std::string("/api/v1/campaigns/") + kCampaign + "/spot-check" + query,
                        {{"Authorization", "Bearer " + bearer}});
    EXPECT_TRUE(r);
    return r ? std::make_pair(r->status, nlohmann::json::parse(r->body, nullptr, false))
             : std::make_pair(0, nlohmann::json());
  };
  auto [status, body] = get(province);
  ASSERT_EQ(status, 200) << body;
  EXPECT_EQ(body["total"]["sampled"], 840);
  EXPECT_EQ(body["total"]["inspected"], 1);
  EXPECT_EQ(body["total"]["findings"], 1);
  EXPECT_EQ(body["total"]["notices_open"], 1);
  ASSERT_EQ(body["groups"].size(), 4u);
  EXPECT_EQ(body["groups"][0]["id"], "group1");
  EXPECT_EQ(body["groups"][0]["sampled"], 200);
  EXPECT_EQ(body["groups"][0]["agency_name"], "兰州有色冶金设计研究院有限公司");
  EXPECT_EQ(body["counties"].size(), 42u);

  std::tie(status, body) = get(agency);
  ASSERT_EQ(status, 200) << body;
  EXPECT_EQ(body["total"]["sampled"], 200);
  ASSERT_EQ(body["groups"].size(), 1u);
  EXPECT_EQ(body["counties"].size(), 10u);

  // 兰州市: its five counties and the new area, split over groups 1 and 2.
  std::tie(status, body) = get(lanzhou);
  ASSERT_EQ(status, 200) << body;
  EXPECT_EQ(body["total"]["sampled"], 6 * 20);
  ASSERT_EQ(body["cities"].size(), 1u);
  EXPECT_EQ(body["cities"][0]["name"], "兰州市");
  EXPECT_EQ(body["groups"].size(), 2u);
  EXPECT_EQ(get(lanzhou, "?unit=gs-wuwei").first, 403);
  EXPECT_EQ(get(province, "?color=red").first, 422);

  (*app)->RequestStop();
  ASSERT_EQ(run.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_OK(run.get());
}

using testing::Shell;
using testing::ShellRun;

// The real binary: a dry run writes nothing; the draw is published once,
// recorded in the audit log and verifiable from the register; a register
// changed afterwards, or another seed, is caught.
TEST(SampleCliTest, PublishedDrawIsRecordedVerifiableAndCannotBeRedrawn) {
  Gansu gansu;
  const std::string duban = testing::DubanBinary();
  const std::string cfg = gansu.config().source_file;
  const std::string reg = testing::SourcePath("config/gansu/register-2024.csv");
  const std::string base = duban + " sample -c " + cfg + " --campaign " + kCampaign;

  ShellRun r = Shell(base + " --seed 20241021 --register " + reg + " --dry-run");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("合计 840 栋"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("崇信县  抽取20栋（经营性8栋）"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("经营性隐患房屋仅8栋，不足12栋"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("试运行"), std::string::npos);
  {
    auto store = store::OpenSqlite({gansu.config().database_path}, T("2024-10-22T00:00Z"));
    ASSERT_OK(store);
    auto items = (*store)->ListItems({});
    ASSERT_OK(items);
    EXPECT_TRUE(items->empty());
  }

  r = Shell(base + " --seed 20241021 --register " + reg);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("已生成抽检房屋 840 栋、县区评估 42 项"), std::string::npos) << r.output;
  r = Shell(base + " verify --register " + reg);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("核对通过"), std::string::npos) << r.output;
  r = Shell(duban + " audit verify -c " + cfg);
  EXPECT_EQ(r.exit_code, 0) << r.output;

  // Someone swaps a house in the register after the draw: verify names it.
  std::string text = testing::ReadFileOrDie(reg);
  const std::string from = "GS-620102-001,";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), "GS-620102-901,");
  const std::string changed = gansu.dir().Write("changed.csv", text);
  r = Shell(base + " verify --register " + changed);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("台账不同"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("核对不通过"), std::string::npos) << r.output;

  // Another seed for a published campaign is refused; the same one resumes
  // (creates nothing new).
  r = Shell(base + " --seed 7 --register " + reg);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("不能重新抽取"), std::string::npos) << r.output;
  r = Shell(base + " --seed 20241021 --register " + reg);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("已生成抽检房屋 0 栋"), std::string::npos) << r.output;
  r = Shell(base + " --seed soon --register " + reg);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--seed must be a whole number"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace duban::app
