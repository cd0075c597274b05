// The bad-campaign corpus: every file in tests/data/bad/ holds one mistake,
// and loading it yields exactly one error with this position, key path,
// message and hint. A file without a row (or a row without a file) fails.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "testing/paths.h"
#include "workflow/workflow.h"

namespace duban::workflow {
namespace {

struct BadFile {
  const char* name;  // tests/data/bad/<name>.yaml
  int line;
  int column;
  const char* path;
  const char* message;
  const char* hint;
};

const BadFile kBadFiles[] = {
    {"alias_bomb", 0, 0, "",
     "the document holds more than 200000 values (counting every use of each "
     "YAML alias)",
     "a campaign file needs far fewer; is this the right file?"},
    {"alias_cycle", 6, 10, "",
     "the document is nested more than 32 levels deep",
     "is there a YAML alias (*name) inside the value it refers to?"},
    {"bad_condition_syntax", 55, 9, "obligations[0].checks[0]",
     "unexpected '<=' after the condition",
     "write one comparison per condition; list several to require them all"},
    {"bad_date", 13, 12, "phases[0].start", "'2024-02-30' is not a valid date",
     "write dates as YYYY-MM-DD, e.g. 2024-03-25"},
    {"bad_digest_at", 37, 20, "ladders.report.steps[2].digest_at",
     "invalid time of day '25:00'", "write HH:MM, for example digest_at: \"09:00\""},
    {"bad_day_off_policy", 42, 21, "obligations[0].day_off_policy",
     "unknown day-off policy 'skip'; expected keep, previous_working_day or "
     "next_working_day",
     ""},
    {"bad_id", 52, 15, "obligations[0].fields[2].name",
     "'Note' is not a valid id",
     "ids use lowercase letters, digits and '_', start with a letter and have "
     "at most 64 characters; put Chinese text in title or label"},
    {"bad_offset", 29, 16, "ladders.report.steps[1].after",
     "invalid offset 'soon'; expected e.g. '+24h', '-30m', '-1d 16:00', '+3 "
     "working days' or '0'",
     ""},
    {"bad_role_path", 34, 29, "ladders.report.steps[2].notify[1]",
     "unknown unit 'boss' in 'boss.office'; expected self, parent, "
     "ancestor(<level>), department or agency",
     ""},
    {"bad_rule", 41, 15, "obligations[0].schedule",
     "unknown weekday 'fry'; expected mon..sun", "did you mean 'fri'?"},
    {"bad_timezone", 4, 11, "timezone", "unknown time zone 'Asia/Shangai'",
     "did you mean 'Asia/Shanghai'?"},
    {"check_type_mismatch", 55, 9, "obligations[0].checks[0]",
     "'<=' compares numbers or dates, but field 'note' is text", ""},
    {"check_undeclared_field", 55, 9, "obligations[0].checks[0]",
     "unknown field 'hazard'", "did you mean 'hazards'?"},
    {"consecutive_missed_on_item", 76, 19, "item_kinds[0].states[1].sla.ladder",
     "ladder 'report' step 'overdue' uses consecutive_missed, but item kind "
     "'hazard_case' is not a recurring obligation",
     "consecutive_missed counts missed occurrences of an obligation"},
    {"creates_missing_field", 87, 13, "item_kinds[0].transitions[0].creates[0]",
     "creating 'notice' needs its field 'problem'",
     "add it under fields: (problem: <a field of hazard_case>) or dates:"},
    {"dead_end_state", 71, 13, "item_kinds[0].states[1].id",
     "state 'rectifying' is not terminal but has no transition out of it",
     "an item there would stay open forever; add a transition from it or mark "
     "it terminal: true"},
    {"deep_nesting", 4, 39, "",
     "the document is nested more than 32 levels deep",
     "a campaign file needs only a few levels; is this the right file?"},
    {"department_without_link", 81, 19, "item_kinds[0].states[1].sla.ladder",
     "ladder 'case' step 'overdue' notifies department.head, but item kind "
     "'hazard_case' has no department",
     "only item kinds with 'links: [department]' have one"},
    {"due_field_not_date", 74, 22, "item_kinds[0].states[1].sla.due_field",
     "field 'level' is enum; due_field needs a date field", ""},
    {"duplicate_item_id", 58, 9, "item_kinds[0].id",
     "duplicate item kind id 'weekly_report'", "first defined on line 38"},
    {"duplicate_key", 4, 1, "title", "duplicate key 'title'",
     "each key may appear once; the later one would be ignored"},
    {"duplicate_role", 9, 3, "roles.head", "duplicate role 'head'",
     "first defined on line 8"},
    {"duplicate_state", 79, 13, "item_kinds[0].states[3].id",
     "duplicate state 'closed'", "first defined on line 76"},
    {"empty", 0, 0, "", "file is empty", ""},
    {"enum_value_unknown", 85, 13, "item_kinds[0].transitions[0].requires[0]",
     "'E' is not a value of field 'level' (A, B, C, D)", ""},
    {"enum_without_values", 62, 9, "item_kinds[0].fields[0].values",
     "enum field 'level' needs values", "for example: values: [A, B, C, D]"},
    {"ladder_out_of_order", 29, 16, "ladders.report.steps[1].after",
     "step 'morning' (after -2d) is listed after step 'day_before' (after -1d "
     "16:00) but comes earlier",
     "list ladder steps in time order of 'after'"},
    {"level_not_in_scope", 40, 14, "obligations[0].owed_by",
     "level 'county' does not take part in this campaign",
     "scope.levels lists: village"},
    {"milestone_not_once", 40, 10, "milestones[0].due",
     "a milestone is one deadline, but 'weekly fri 12:00' repeats",
     "write it as: once 2024-06-30 23:59:59; recurring deadlines are "
     "obligations"},
    {"min_on_text", 54, 14, "obligations[0].fields[2].min",
     "'min' applies only to int fields, and 'note' is text", ""},
    {"missing_required_key", 38, 5, "obligations[0].owed_to",
     "missing required key 'owed_to' (a value)", ""},
    {"missing_template_family", 19, 19, "templates.reminder[1]",
     "unknown channel family 'wechat'",
     "known channel families: sms, markdown, text"},
    {"no_terminal_state", 69, 7, "item_kinds[0].states",
     "item kind 'hazard_case' has no terminal state",
     "mark the state where an item is finished with terminal: true"},
    {"not_a_mapping", 2, 1, "(document)",
     "expected a mapping of keys, got a list", ""},
    {"open_phase_not_last", 20, 12, "phases[2].start",
     "phase 'summary' follows phase 'rectification', which has no end date",
     "give 'rectification' an end date; only the last phase may be open-ended"},
    {"overlapping_phases", 17, 12, "phases[1].start",
     "phase 'rectification' starts on 2024-04-20, before phase 'survey' ends "
     "on 2024-04-25",
     "list phases in date order; neighbours may share only their boundary day"},
    {"phase_ends_before_start", 14, 10, "phases[0].end",
     "phase 'survey' ends on 2024-03-20, before it starts on 2024-03-25", ""},
    {"repeat_not_positive", 38, 18, "ladders.report.steps[2].repeat.every",
     "repeat interval '-1h' is not positive",
     "write a forward interval such as +24h or +1 working day"},
    {"sets_wrong_type", 90, 21, "item_kinds[0].transitions[1].sets.deadline",
     "field 'deadline' is a date, but 'soon' is not a date like 2024-06-30",
     ""},
    {"sla_two_dues", 74, 11, "item_kinds[0].states[1].sla",
     "an sla takes exactly one of due, due_field, milestone",
     "due: +3 working days (from entering the state), due_field: deadline (a "
     "date field), or milestone: <id>"},
    {"tabs", 5, 1, "", "tab character in indentation",
     "YAML indents with spaces only; replace the tab with spaces"},
    {"terminal_with_sla", 80, 11, "item_kinds[0].states[2].sla",
     "state 'closed' is terminal, so nothing is due in it",
     "remove the sla, or remove terminal: true"},
    {"typo_key", 37, 1, "obligaitons", "unknown key 'obligaitons'",
     "did you mean 'obligations'?"},
    {"unknown_field_type", 46, 15, "obligations[0].fields[0].type",
     "unknown value 'integer'; expected one of: int, text, bool, enum, date",
     ""},
    {"unknown_ladder", 56, 13, "obligations[0].ladder",
     "unknown ladder 'reprot'", "did you mean 'report'?"},
    {"unknown_level", 5, 12, "scope.levels[0]", "unknown level 'villlage'",
     "did you mean 'village'?"},
    {"unknown_phase", 43, 16, "obligations[0].window.phases[0]",
     "unknown phase 'surveys'", "did you mean 'survey'?"},
    {"unknown_role", 26, 17, "ladders.report.steps[0].notify",
     "unknown role 'liason'", "did you mean 'liaison'?"},
    {"unknown_state", 82, 13, "item_kinds[0].transitions[0].to",
     "unknown state 'rectifing'", "did you mean 'rectifying'?"},
    {"unknown_template", 35, 19, "ladders.report.steps[2].template",
     "unknown template 'overdeu'", "did you mean 'overdue'?"},
    {"unknown_transition_field", 83, 25,
     "item_kinds[0].transitions[0].fields[1]", "unknown field 'dedline'",
     "did you mean 'deadline'?"},
    {"unreachable_state", 76, 13, "item_kinds[0].states[2].id",
     "state 'orphan' cannot be reached from the initial state 'reported'",
     "add a transition into it, or remove it"},
    {"wrong_field_type", 47, 14, "obligations[0].fields[0].min",
     "expected a whole number, got 'none'", ""},
    {"yaml_syntax", 4, 25, "", "YAML syntax error: illegal flow end", ""},
};

std::string BadPath(const std::string& name) {
  return testing::SourcePath("tests/data/bad/" + name + ".yaml");
}

class BadFileTest : public ::testing::TestWithParam<BadFile> {};

TEST_P(BadFileTest, ReportsExactlyItsMistake) {
  const BadFile& row = GetParam();
  Diagnostics diags;
  auto spec = LoadCampaignFile(BadPath(row.name), LoadOptions{}, &diags);
  EXPECT_EQ(spec, nullptr);
  ASSERT_EQ(diags.error_count(), 1) << diags.ToString();
  const Diagnostic& d = diags.items().front();
  EXPECT_EQ(d.file, BadPath(row.name));
  EXPECT_EQ(d.line, row.line) << d.ToString();
  EXPECT_EQ(d.column, row.column) << d.ToString();
  EXPECT_EQ(d.path, row.path) << d.ToString();
  EXPECT_EQ(d.message, row.message) << d.ToString();
  EXPECT_EQ(d.hint, row.hint) << d.ToString();
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadFileTest, ::testing::ValuesIn(kBadFiles),
                         [](const ::testing::TestParamInfo<BadFile>& info) {
                           return std::string(info.param.name);
                         });

TEST(BadFileCorpusTest, EveryFileHasARowAndEveryRowAFile) {
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(
           testing::SourcePath("tests/data/bad"))) {
    if (entry.path().extension() == ".yaml")
      files.insert(entry.path().stem().string());
  }
  std::set<std::string> rows;
  for (const auto& row : kBadFiles) rows.insert(row.name);
  EXPECT_EQ(files, rows);
  EXPECT_GE(rows.size(), 25u);
}

TEST(BadFileCorpusTest, GoodFilesLoadCleanly) {
  for (const auto& entry : std::filesystem::directory_iterator(
           testing::SourcePath("tests/data/good"))) {
    Diagnostics diags;
    auto spec = LoadCampaignFile(entry.path().string(), LoadOptions{}, &diags);
    EXPECT_NE(spec, nullptr) << entry.path();
    EXPECT_EQ(diags.items().size(), 0u) << diags.ToString();
  }
}

}  // namespace
}  // namespace duban::workflow
