// Typed form fields, their constraints and declarative conditions: the part of
// a campaign that says what a weekly report or a transition must carry and
// which values are acceptable ("mis_surveyed <= mis_checked",
// "appraisal_level in [C, D]").
//
// Built by the loader, then immutable. Validate() and CheckConditions() are
// pure and may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace duban::workflow {

enum class FieldType { kInt, kText, kBool, kEnum, kDate };

// "int", "text", "bool", "enum", "date": the spelling campaign files use.
std::string_view FieldTypeName(FieldType type);

struct EnumValue {
  std::string value;  // what is stored: "D"
  std::string label;  // what people read: "D级（整幢危房）"
};

// One field of a form. Dates are "YYYY-MM-DD" text in the campaign's zone.
struct FieldSpec {
  std::string name;   // lowercase identifier, unique within its set
  std::string label;  // Chinese label shown in forms and messages
  FieldType type = FieldType::kText;
  bool required = false;
  std::optional<int64_t> min;         // kInt only
  std::optional<int64_t> max;         // kInt only
  std::optional<int64_t> max_length;  // kText only, in characters (UTF-8)
  std::vector<EnumValue> values;      // kEnum only, in display order

  bool HasEnumValue(std::string_view v) const;
};

// A value as it arrives from the API or the store. Dates travel as text.
using FieldValue = std::variant<int64_t, bool, std::string>;
using FieldValues = std::map<std::string, FieldValue, std::less<>>;

// One problem with submitted values; the API answers 422 naming `field`.
struct FieldError {
  std::string field;
  std::string message;
  bool operator==(const FieldError&) const = default;
};

// A literal or a field reference on the right of a comparison.
struct Operand {
  enum class Kind {
    kField,
    kInt,
    kBool,
    kText
  };  // dates and enum values are kText
  Kind kind = Kind::kText;
  std::string text;  // field name or literal text ("2024-06-30", "D")
  int64_t number = 0;
  bool flag = false;
};

// One parsed condition. `field` is always a field name; literals appear only
// on the right. Evaluation needs every referenced field to have a value.
struct Condition {
  enum class Op {
    kIsTrue,
    kIsFalse,
    kEq,
    kNe,
    kLt,
    kLe,
    kGt,
    kGe,
    kIn,
    kNotIn
  };
  std::string text;     // as written: "mis_surveyed <= mis_checked"
  std::string message;  // optional explanation shown when it fails
  std::string field;
  FieldType field_type = FieldType::kText;
  Op op = Op::kIsTrue;
  Operand rhs;               // comparisons
  std::vector<Operand> set;  // kIn / kNotIn

  // Names of every field the condition reads.
  std::vector<std::string> Fields() const;
};

// An ordered set of fields plus cross-field checks.
struct FieldSet {
  std::vector<FieldSpec> fields;
  std::vector<Condition> checks;

  const FieldSpec* Find(std::string_view name) const;
};

// Checks `values` against `set`: unknown fields, missing required fields,
// types, min/max/length/enum constraints, then every check whose fields all
// hold valid values. Returns one error per problem, in field order; empty
// means the values are acceptable.
std::vector<FieldError> Validate(const FieldSet& set,
                                 const FieldValues& values);

// Evaluates `conditions` (guards) over `values`. A condition fails when it is
// false or when a field it reads has no value (the error then names that
// field).
std::vector<FieldError> CheckConditions(
    const std::vector<Condition>& conditions, const FieldValues& values);

// True when the condition holds; nullopt when a field it reads is missing or
// holds a value of the wrong type.
std::optional<bool> Evaluate(const Condition& c, const FieldValues& values);

}  // namespace duban::workflow
