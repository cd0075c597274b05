// The campaigns shipped in workflows/ load with no errors or warnings and say
// what the seed documents say (domain.md §8A, §8B). Deadlines are computed
// with schedule/ and the shipped holiday calendar, as the engine will.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "schedule/schedule_testing.h"
#include "testing/paths.h"
#include "workflow/workflow.h"

namespace duban::workflow {
namespace {

using schedule::testing::Local;
using schedule::testing::Shanghai;
using schedule::testing::T;

std::shared_ptr<const WorkflowSpec> LoadShipped(
    const std::string& name, const LoadOptions& options = {}) {
  Diagnostics diags;
  auto spec = LoadCampaignFile(testing::SourcePath("workflows/" + name),
                               options, &diags);
  EXPECT_EQ(diags.items().size(), 0u) << diags.ToString();
  return spec;
}

std::vector<std::string> StepNames(const Ladder& ladder) {
  std::vector<std::string> names;
  for (const auto& s : ladder.steps) names.push_back(s.name);
  return names;
}

// Every template name a spec binds, as LoadOptions::templates expects them.
std::set<std::string> TemplateNames(const WorkflowSpec& spec) {
  std::set<std::string> names;
  for (const auto& b : spec.templates) {
    for (const auto* n : {&b.sms, &b.markdown, &b.text}) {
      if (!n->empty()) names.insert(*n);
    }
  }
  return names;
}

// The ladder step `name` applied to `due`, in local time.
std::string StepTime(const Ladder& ladder, const std::string& name,
                     SystemTime due) {
  for (const auto& s : ladder.steps) {
    if (s.name == name)
      return Local(schedule::Apply(s.after.offset, due, Shanghai()));
  }
  ADD_FAILURE() << "no step " << name;
  return "";
}

TEST(ShippedCampaignsTest, JiafengPhasesAreTheSeedsDates) {
  auto spec = LoadShipped("jiafeng-2024-hundred-day.yaml");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->timezone.name(), "Asia/Shanghai");
  ASSERT_EQ(spec->phases.size(), 4u);
  EXPECT_EQ(spec->phases[0].title, "集中摸排");
  EXPECT_EQ(FormatDate(spec->phases[0].days.first), "2024-03-25");
  EXPECT_EQ(FormatDate(*spec->phases[0].days.last), "2024-04-25");
  EXPECT_EQ(FormatDate(spec->phases[1].days.first), "2024-04-25");
  EXPECT_EQ(FormatDate(*spec->phases[2].days.last), "2024-06-30");
  EXPECT_FALSE(
      spec->phases[3].days.last.has_value());  // 巩固拓展 is open-ended
  // The shared boundary day belongs to both phases.
  EXPECT_EQ(spec->PhasesOn(*ParseDate("2024-04-25")).size(), 2u);
}

TEST(ShippedCampaignsTest, JiafengWeeklyReportIsDueFridayNoonFor14Weeks) {
  auto spec = LoadShipped("jiafeng-2024-hundred-day.yaml");
  ASSERT_NE(spec, nullptr);
  const Obligation* weekly = spec->FindObligation("weekly_report");
  ASSERT_NE(weekly, nullptr);
  EXPECT_EQ(weekly->schedule.rule.ToString(), "weekly fri 12:00");
  EXPECT_FALSE(weekly->due_inclusive);  // a report at 12:00:00 is late
  EXPECT_TRUE(weekly->accept_late);
  EXPECT_EQ(weekly->day_off_policy, DayOffPolicy::kKeep);
  EXPECT_EQ(weekly->owed_to.text, "parent.office");
  EXPECT_EQ(spec->roles[static_cast<size_t>(weekly->owed_to.role)].label,
            "镇规划建设办公室");
  ASSERT_EQ(weekly->window.ranges.size(), 1u);
  schedule::Context ctx = Shanghai();
  ctx.window = schedule::LocalDaysWindow(
      ctx.zone, weekly->window.ranges[0].first, weekly->window.ranges[0].last);
  const auto dues =
      schedule::Occurrences(weekly->schedule.rule, T("2024-03-01T00:00+08:00"),
                            T("2024-09-01T00:00+08:00"), ctx);
  ASSERT_EQ(dues.size(), 14u);
  EXPECT_EQ(Local(dues.front()), "2024-03-29 12:00 周五");
  EXPECT_EQ(Local(dues[1]), "2024-04-05 12:00 周五");  // Qingming, date kept
  EXPECT_EQ(Local(dues.back()), "2024-06-28 12:00 周五");
  // The attachment table's eight counts plus the narrative.
  EXPECT_EQ(weekly->fields.fields.size(), 10u);
  EXPECT_EQ(weekly->fields.checks.size(), 5u);
}

TEST(ShippedCampaignsTest, JiafengReminderCycleFollowsTheEscalationIssue) {
  auto spec = LoadShipped("jiafeng-2024-hundred-day.yaml");
  ASSERT_NE(spec, nullptr);
  const Obligation* weekly = spec->FindObligation("weekly_report");
  const Ladder& ladder = spec->ladders[static_cast<size_t>(weekly->ladder)];
  EXPECT_EQ(StepNames(ladder),
            (std::vector<std::string>{"thursday_reminder", "friday_reminder",
                                      "missing_digest", "head_notice",
                                      "two_weeks_circular"}));
  const SystemTime due = T("2024-04-12T12:00+08:00");
  EXPECT_EQ(StepTime(ladder, "thursday_reminder", due),
            "2024-04-11 16:00 周四");
  EXPECT_EQ(StepTime(ladder, "friday_reminder", due), "2024-04-12 09:00 周五");
  EXPECT_EQ(StepTime(ladder, "missing_digest", due), "2024-04-12 12:00 周五");
  EXPECT_EQ(StepTime(ladder, "head_notice", due), "2024-04-12 14:00 周五");
  const LadderStep& circular = ladder.steps.back();
  EXPECT_EQ(circular.consecutive_missed, 2);
  EXPECT_EQ(circular.level, EscalationLevel::kCircular);
  ASSERT_EQ(circular.notify.size(), 2u);
  EXPECT_EQ(circular.notify[0].text, "parent.group_chat");
  EXPECT_EQ(circular.notify[1].anchor, RolePath::Anchor::kAncestor);
  EXPECT_EQ(circular.notify[1].ancestor_level, UnitLevel::kCounty);
  EXPECT_EQ(circular.notify[1].role_id, "task_force");
}

TEST(ShippedCampaignsTest, JiafengMonthlyDispatchAndMilestone) {
  auto spec = LoadShipped("jiafeng-2024-hundred-day.yaml");
  ASSERT_NE(spec, nullptr);
  const Obligation* dispatch = spec->FindObligation("monthly_dispatch");
  ASSERT_NE(dispatch, nullptr);
  schedule::Context ctx = Shanghai(dispatch->day_off_policy);
  ctx.window =
      schedule::LocalDaysWindow(ctx.zone, dispatch->window.ranges[0].first,
                                dispatch->window.ranges[0].last);
  const auto dues = schedule::Occurrences(dispatch->schedule.rule,
                                          T("2024-01-01T00:00+08:00"),
                                          T("2025-01-01T00:00+08:00"), ctx);
  ASSERT_EQ(dues.size(), 2u);  // May and June (R-A5)
  EXPECT_EQ(Local(dues[0]), "2024-05-20 17:00 周一");
  EXPECT_EQ(Local(dues[1]), "2024-06-20 17:00 周四");

  const Milestone* end = spec->FindMilestone("hundred_day_deadline");
  ASSERT_NE(end, nullptr);
  const SystemTime due = *schedule::NextAfter(
      end->due.rule, T("2024-01-01T00:00+08:00"), Shanghai());
  EXPECT_EQ(Local(due), "2024-06-30 23:59:59 周日");
  std::vector<std::string> countdown;
  for (const auto& step : end->countdown) {
    countdown.push_back(
        Local(schedule::Apply(step.after.offset, due, Shanghai())));
  }
  EXPECT_EQ(countdown, (std::vector<std::string>{"2024-06-20 09:00 周四",
                                                 "2024-06-26 09:00 周三",
                                                 "2024-06-28 09:00 周五"}));
}

TEST(ShippedCampaignsTest, JiafengHazardCaseLifecycle) {
  auto spec = LoadShipped("jiafeng-2024-hundred-day.yaml");
  ASSERT_NE(spec, nullptr);
  const ItemKind* k = spec->FindItemKind("hazard_case");
  ASSERT_NE(k, nullptr);
  std::vector<std::string> states;
  for (const auto& s : k->states) states.push_back(s.id);
  EXPECT_EQ(states, (std::vector<std::string>{
                        "reported", "controlled", "appraised", "transferred",
                        "rectifying", "awaiting_acceptance", "closed"}));
  EXPECT_EQ(k->states[static_cast<size_t>(k->initial)].id, "reported");
  EXPECT_TRUE(k->states.back().terminal);
  // Failed acceptance and a look-back both reopen to rectifying.
  const Transition& fail =
      k->transitions[static_cast<size_t>(k->FindTransition("fail_acceptance"))];
  EXPECT_EQ(k->states[static_cast<size_t>(fail.to)].id, "rectifying");
  EXPECT_TRUE(fail.input.Find("deadline")->required);
  const Transition& appraise =
      k->transitions[static_cast<size_t>(k->FindTransition("appraise"))];
  const FieldSpec* level = appraise.input.Find("appraisal_level");
  ASSERT_NE(level, nullptr);
  EXPECT_TRUE(level->required);
  EXPECT_EQ(level->values.size(), 4u);
  // Rectifying is due on the 限期 field; collapse risk switches to the short
  // ladder, whose steps ignore quiet hours.
  const State& rectifying =
      k->states[static_cast<size_t>(k->FindState("rectifying"))];
  ASSERT_TRUE(rectifying.sla.has_value());
  EXPECT_EQ(rectifying.sla->For(Severity::kInfo).from, SlaRule::From::kField);
  EXPECT_EQ(rectifying.sla->For(Severity::kInfo).field, "deadline");
  const SlaRule& critical = rectifying.sla->For(Severity::kCritical);
  EXPECT_EQ(critical.field, "deadline");
  const Ladder& short_ladder =
      spec->ladders[static_cast<size_t>(critical.ladder)];
  EXPECT_EQ(short_ladder.id, "collapse_risk");
  for (const auto& step : short_ladder.steps) {
    EXPECT_EQ(step.severity, Severity::kCritical) << step.name;
    EXPECT_TRUE(step.bypass_quiet_hours) << step.name;
  }
  const State& reported = k->states[static_cast<size_t>(k->initial)];
  EXPECT_EQ(reported.sla->For(Severity::kCritical).offset->text, "+24h");
  EXPECT_EQ(reported.sla->For(Severity::kInfo).offset->text, "+3 working days");
}

TEST(ShippedCampaignsTest, JiafengTransfersAndFindings) {
  auto spec = LoadShipped("jiafeng-2024-hundred-day.yaml");
  ASSERT_NE(spec, nullptr);
  const ItemKind* transfer = spec->FindItemKind("transfer");
  ASSERT_NE(transfer, nullptr);
  EXPECT_TRUE(transfer->has_department);
  const State& sent = transfer->states[static_cast<size_t>(transfer->initial)];
  const Ladder& ack =
      spec->ladders[static_cast<size_t>(sent.sla->For(Severity::kInfo).ladder)];
  EXPECT_EQ(ack.steps[1].notify[1].text, "department.head");
  EXPECT_EQ(ack.steps[2].notify[0].text, "ancestor(town).supervisor");
  const ItemKind* finding = spec->FindItemKind("inspection_finding");
  ASSERT_NE(finding, nullptr);
  const Transition& relapse = finding->transitions[static_cast<size_t>(
      finding->FindTransition("relapse"))];
  EXPECT_TRUE(finding->AllowedFrom(finding->FindTransition("relapse"),
                                   finding->FindState("closed")));
  EXPECT_EQ(std::get<bool>(relapse.sets.at("relapsed")), true);
}

TEST(ShippedCampaignsTest, GansuSamplingPlanMatchesTheAttachment) {
  auto spec = LoadShipped("gansu-2024-spot-check.yaml");
  ASSERT_NE(spec, nullptr);
  ASSERT_TRUE(spec->sampling.has_value());
  const auto& groups = spec->sampling->groups;
  ASSERT_EQ(groups.size(), 4u);
  std::vector<int> houses, units;
  for (const auto& g : groups) {
    houses.push_back(g.Houses());
    units.push_back(static_cast<int>(g.units.size()));
    for (const auto& u : g.units) EXPECT_EQ(u.min_commercial, 12) << u.name;
  }
  EXPECT_EQ(houses, (std::vector<int>{200, 220, 180, 240}));
  EXPECT_EQ(units, (std::vector<int>{10, 11, 9, 12}));
  EXPECT_EQ(spec->sampling->Houses(), 840);
  EXPECT_EQ(groups[0].agency_name, "兰州有色冶金设计研究院有限公司");
}

TEST(ShippedCampaignsTest, GansuDeadlineAndCriticalControl) {
  auto spec = LoadShipped("gansu-2024-spot-check.yaml");
  ASSERT_NE(spec, nullptr);
  const Milestone* done = spec->FindMilestone("evaluation_complete");
  ASSERT_NE(done, nullptr);
  const SystemTime due = *schedule::NextAfter(
      done->due.rule, T("2024-10-21T00:00+08:00"), Shanghai());
  EXPECT_EQ(Local(due), "2024-12-15 23:59:59 周日");
  // 7, 3 and 1 working days before; the last is the last working day
  // before the Sunday deadline.
  ASSERT_EQ(done->countdown.size(), 3u);
  EXPECT_EQ(
      Local(schedule::Apply(done->countdown[0].after.offset, due, Shanghai())),
      "2024-12-05 09:00 周四");
  EXPECT_EQ(
      Local(schedule::Apply(done->countdown[2].after.offset, due, Shanghai())),
      "2024-12-13 09:00 周五");
  // Per group from two weeks before.
  const Milestone* by_group = spec->FindMilestone("evaluation_by_group");
  ASSERT_NE(by_group, nullptr);
  ASSERT_EQ(by_group->countdown.size(), 4u);
  EXPECT_EQ(
      Local(schedule::Apply(by_group->countdown[0].after.offset, due, Shanghai())),
      "2024-12-02 09:30 周一");

  const ItemKind* check = spec->FindItemKind("spot_check");
  ASSERT_NE(check, nullptr);
  const Transition& inspect =
      check->transitions[static_cast<size_t>(check->FindTransition("inspect"))];
  for (const char* point :
       {"survey_data", "hazard_determination", "rectification", "appraisal",
        "missed_houses", "platform_updated"}) {
    ASSERT_NE(inspect.input.Find(point), nullptr) << point;
    EXPECT_TRUE(inspect.input.Find(point)->required) << point;
  }
  EXPECT_EQ(check->SeverityOf({{"collapse_risk", true}}), Severity::kCritical);
  // R-B8: the inspection creates the notice or the control order itself.
  ASSERT_EQ(inspect.creates.size(), 2u);
  EXPECT_EQ(inspect.creates[0].kind, "rectification_notice");
  EXPECT_EQ(inspect.creates[1].kind, "emergency_control");

  const ItemKind* control = spec->FindItemKind("emergency_control");
  ASSERT_NE(control, nullptr);
  EXPECT_EQ(control->SeverityOf({}), Severity::kCritical);
  const SlaRule& rule = control->states[0].sla->For(Severity::kCritical);
  EXPECT_EQ(rule.offset->text, "+24h");
  const ItemKind* notice = spec->FindItemKind("rectification_notice");
  ASSERT_NE(notice, nullptr);
  EXPECT_TRUE(
      notice->create.Find("deadline")->required);  // 限期, chosen per notice
}

TEST(ShippedCampaignsTest, TemplateCampaignIsACleanStartingPoint) {
  auto spec = LoadShipped("template-campaign.yaml");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(static_cast<int>(spec->phases[0].days.first.year()), 2026);
}

TEST(ShippedCampaignsTest, EveryTemplateTheyNameIsShipped) {
  // What `duban check` does: the names in templates/, without ".mustache".
  LoadOptions options;
  options.templates.emplace();
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::SourcePath("templates"))) {
    const std::string file = entry.path().filename().string();
    const std::string suffix = ".mustache";
    if (file.size() > suffix.size() &&
        file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0) {
      options.templates->insert(file.substr(0, file.size() - suffix.size()));
    }
  }
  for (const char* name :
       {"jiafeng-2024-hundred-day.yaml", "gansu-2024-spot-check.yaml",
        "template-campaign.yaml"}) {
    EXPECT_NE(LoadShipped(name, options), nullptr) << name;
  }
}

TEST(ShippedCampaignsTest, TemplateNamesAreCheckedWhenKnown) {
  auto spec = LoadShipped("jiafeng-2024-hundred-day.yaml");
  ASSERT_NE(spec, nullptr);
  LoadOptions options;
  options.templates = TemplateNames(*spec);
  options.calendars = std::set<std::string>{"cn-holidays"};
  EXPECT_NE(LoadShipped("jiafeng-2024-hundred-day.yaml", options), nullptr);

  options.templates->erase("weekly_report_reminder.sms");
  options.templates->insert("weekly_report_reminders.sms");
  options.calendars = std::set<std::string>{"cn-holiday"};
  Diagnostics diags;
  EXPECT_EQ(LoadCampaignFile(
                testing::SourcePath("workflows/jiafeng-2024-hundred-day.yaml"),
                options, &diags),
            nullptr);
  ASSERT_EQ(diags.error_count(), 2) << diags.ToString();
  EXPECT_EQ(diags.items()[0].message, "unknown holiday calendar 'cn-holidays'");
  EXPECT_EQ(diags.items()[0].hint, "did you mean 'cn-holiday'?");
  EXPECT_EQ(diags.items()[1].path, "templates.weekly_report_reminder[0]");
  EXPECT_EQ(diags.items()[1].message,
            "no sms template named 'weekly_report_reminder.sms' in the "
            "templates directory");
  EXPECT_EQ(diags.items()[1].hint,
            "did you mean 'weekly_report_reminders.sms'?");
}

}  // namespace
}  // namespace duban::workflow
