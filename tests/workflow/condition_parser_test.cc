#include "workflow/condition_parser.h"

#include <gtest/gtest.h>

namespace duban::workflow {
namespace {

FieldSet Fields() {
  FieldSet set;
  set.fields = {
      {"checked",
       "共核查",
       FieldType::kInt,
       true,
       0,
       std::nullopt,
       std::nullopt,
       {}},
      {"found",
       "发现",
       FieldType::kInt,
       true,
       0,
       std::nullopt,
       std::nullopt,
       {}},
      {"level",
       "等级",
       FieldType::kEnum,
       false,
       std::nullopt,
       std::nullopt,
       std::nullopt,
       {{"A", "A"}, {"B", "B"}, {"C", "C"}, {"D", "D"}}},
      {"deadline",
       "限期",
       FieldType::kDate,
       false,
       std::nullopt,
       std::nullopt,
       std::nullopt,
       {}},
      {"active",
       "管控中",
       FieldType::kBool,
       false,
       std::nullopt,
       std::nullopt,
       std::nullopt,
       {}},
      {"note",
       "说明",
       FieldType::kText,
       false,
       std::nullopt,
       std::nullopt,
       std::nullopt,
       {}},
  };
  return set;
}

TEST(ConditionParserTest, ParsesEveryForm) {
  const FieldSet f = Fields();
  ConditionError e;
  struct Case {
    const char* text;
    Condition::Op op;
  } cases[] = {
      {"found <= checked", Condition::Op::kLe},
      {"found < 10", Condition::Op::kLt},
      {"checked >= -1", Condition::Op::kGe},
      {"level == D", Condition::Op::kEq},
      {"level != 'A'", Condition::Op::kNe},
      {"level in [C, D]", Condition::Op::kIn},
      {"level not in [A]", Condition::Op::kNotIn},
      {"active", Condition::Op::kIsTrue},
      {"not active", Condition::Op::kIsFalse},
      {"deadline > 2024-06-30", Condition::Op::kGt},
      {"note == \"完成\"", Condition::Op::kEq},
  };
  for (const auto& c : cases) {
    auto parsed = ParseCondition(c.text, f, &e);
    ASSERT_TRUE(parsed.has_value()) << c.text << ": " << e.message;
    EXPECT_EQ(parsed->op, c.op) << c.text;
    EXPECT_EQ(parsed->text, c.text);
  }
}

TEST(ConditionParserTest, ExplainsEveryMistake) {
  const FieldSet f = Fields();
  struct Case {
    const char* text;
    const char* message;
    const char* hint;
  } cases[] = {
      {"", "empty condition", ""},
      {"chekced <= 3", "unknown field 'chekced'", "did you mean 'checked'?"},
      {"found <= chekced", "unknown field 'chekced'",
       "did you mean 'checked'?"},
      {"3 <= found", "a condition starts with a field name, got '3'", ""},
      {"找到 <= 3", "unexpected character '找'",
       "field names use letters, digits and '_'; quote text values"},
      {"found", "field 'found' is int, not bool; compare it instead",
       "for example: found == ..."},
      {"found = 3",
       "expected an operator (==, !=, <, <=, >, >=, in) after 'found', got '='",
       ""},
      {"found <= note",
       "cannot compare int field 'found' with text field 'note'", ""},
      {"found <= many", "unknown field 'many'", ""},
      {"level < C", "'<' compares numbers or dates, but field 'level' is enum",
       ""},
      {"level == E", "'E' is not a value of field 'level' (A, B, C, D)", ""},
      {"level in C", "expected '[' after 'in'", "write: level in [C, D]"},
      {"level in [C D]", "expected ',' or ']' in the list", ""},
      {"level in [C,", "the condition ends too early", ""},
      {"deadline < 2024-02-30",
       "field 'deadline' is a date, but '2024-02-30' is not a date like "
       "2024-06-30",
       ""},
      {"active == yes",
       "field 'active' is bool, but 'yes' is not true or false", ""},
      {"not found", "field 'found' is int, not bool; compare it instead",
       "for example: found == ..."},
      {"note == 'open", "a quote is not closed",
       "field names use letters, digits and '_'; quote text values"},
      {"found <= checked and checked > 0",
       "unexpected 'and' after the condition",
       "write one comparison per condition; list several to require them all"},
  };
  for (const auto& c : cases) {
    ConditionError e;
    EXPECT_FALSE(ParseCondition(c.text, f, &e).has_value()) << c.text;
    EXPECT_EQ(e.message, c.message) << c.text;
    EXPECT_EQ(e.hint, c.hint) << c.text;
  }
}

}  // namespace
}  // namespace duban::workflow
